"""Admin: document templates are edited here; a body that does not compile is a form error, not a broken file.

The model fields carry ``validate_template``, so the admin form compiles the title and body in the restricted
engine on save and shows the line and cause of a syntax error, or the unknown variable names, next to the field.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from xinfang.documents.models import DocumentTemplate
from xinfang.documents.templating import TEMPLATE_VARIABLES


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(admin.ModelAdmin[DocumentTemplate]):
    list_display = ["kind", "unit", "title", "updated_at"]
    list_filter = ["kind"]
    search_fields = ["title", "unit__name", "unit__code"]
    list_select_related = ["unit"]
    autocomplete_fields = ["unit"]  # ~90,000 units: never a <select>
    fields = ["kind", "unit", "title", "body", "variables", "updated_at"]
    readonly_fields = ["variables", "updated_at"]

    @admin.display(description=_("Available variables"))
    def variables(self, obj: DocumentTemplate | None = None) -> SafeString:
        rows = format_html_join(
            "",
            "<tr><td><code>{{{{ {} }}}}</code></td><td>{}</td></tr>",
            ((k, v) for k, v in TEMPLATE_VARIABLES.items()),
        )
        return format_html("<table>{}</table>", rows)

    def has_delete_permission(self, request: HttpRequest, obj: DocumentTemplate | None = None) -> bool:
        # Every kind keeps a default (the renderer would fall back to the built-in text, but the admin should
        # see and edit what is actually used). Units' own templates may be deleted to fall back to the default.
        if obj is not None and obj.unit_id is None:
            return False
        return super().has_delete_permission(request, obj)
