"""Editable templates for the written acts on a petition (受理告知书 … 复核意见书).

One default template per document kind (``unit`` empty) is seeded by migration 0002. A unit may have its own
template for a kind; it applies to that unit and every unit below it unless a nearer unit has its own
(``services.template_for``), so a city can set the wording for all its districts and one district can still
differ.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.documents.templating import validate_template
from xinfang.orgs.models import Unit
from xinfang.petitions.models import DocumentKind


class DocumentTemplate(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_(
            "Leave empty for the default template. A unit's own template applies to that unit and every unit "
            "below it, unless a nearer unit has its own."
        ),
    )
    # The title is a template too, so that one kind can carry two names (调解协议书 / 和解协议书).
    title = models.CharField(_("title"), max_length=100, validators=[validate_template])
    body = models.TextField(
        _("body"),
        validators=[validate_template],
        help_text=_(
            "Django template syntax: {{ variable }}, {% if %}, {% for %}. Each line becomes a paragraph. The "
            "unit's name, the title, the petition number, the signature and the date are added around it."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["kind", "unit_id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "unit"], name="documenttemplate_kind_unit_unique"),
            # NULLs are distinct in a plain unique constraint, so the "one default per kind" rule needs its own.
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(unit__isnull=True),
                name="documenttemplate_one_default_per_kind",
                violation_error_message=_("There is already a default template for this kind of document."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit.name if self.unit else _('default')}"
