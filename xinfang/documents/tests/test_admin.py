"""The admin edits templates; a body that does not compile is a form error with its line, never a 500 later."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from xinfang.documents.models import DocumentTemplate
from xinfang.orgs.models import User
from xinfang.petitions.models import DocumentKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_() -> Client:
    user = User.objects.create_superuser(username="root", password="pw-xinfang-test", email="root@example.org")
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, template: DocumentTemplate, **changes: object):
    data: dict[str, object] = {
        "kind": template.kind,
        "unit": template.unit_id or "",
        "title": template.title,
        "body": template.body,
    }
    data.update(changes)
    return client.post(reverse("admin:documents_documenttemplate_change", args=[template.pk]), data)


def test_a_syntax_error_is_shown_in_the_form_and_nothing_is_saved(admin_client_):
    template = DocumentTemplate.objects.get(kind=DocumentKind.OPINION, unit=None)
    response = _post(admin_client_, template, body="{{ petitioner }}：\n{% if outcome == 'support' %}予以支持")

    assert response.status_code == 200  # the form again, not a redirect and not a 500
    errors = response.context["adminform"].form.errors["body"]
    assert "endif" in errors[0]
    template.refresh_from_db()
    assert "{% endif %}" in template.body  # unchanged


def test_an_unknown_variable_is_shown_in_the_form(admin_client_):
    template = DocumentTemplate.objects.get(kind=DocumentKind.OPINION, unit=None)
    response = _post(admin_client_, template, title="{{ titel }}")
    assert response.status_code == 200
    assert "titel" in response.context["adminform"].form.errors["title"][0]


def test_a_valid_edit_is_saved(admin_client_):
    template = DocumentTemplate.objects.get(kind=DocumentKind.OPINION, unit=None)
    response = _post(admin_client_, template, body="{{ petitioner }}：\n{{ outcome_label }}")
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.body == "{{ petitioner }}：\n{{ outcome_label }}"


def test_a_unit_template_can_be_added_but_not_a_second_default(admin_client_, tree):
    add = reverse("admin:documents_documenttemplate_add")
    data = {"kind": DocumentKind.OPINION, "title": "意见书", "body": "{{ body }}"}
    assert admin_client_.post(add, {**data, "unit": tree.county.pk}).status_code == 302
    assert DocumentTemplate.objects.filter(kind=DocumentKind.OPINION, unit=tree.county).exists()

    response = admin_client_.post(add, {**data, "unit": ""})
    assert response.status_code == 200
    assert DocumentTemplate.objects.filter(kind=DocumentKind.OPINION, unit=None).count() == 1


def test_the_pages_render_and_a_default_cannot_be_deleted(admin_client_):
    default = DocumentTemplate.objects.get(kind=DocumentKind.OPINION, unit=None)
    assert admin_client_.get(reverse("admin:documents_documenttemplate_changelist")).status_code == 200
    page = admin_client_.get(reverse("admin:documents_documenttemplate_change", args=[default.pk]))
    assert page.status_code == 200
    assert "reviewer_unit" in page.content.decode()  # the variables are listed beside the editor
    delete = admin_client_.get(reverse("admin:documents_documenttemplate_delete", args=[default.pk]))
    assert delete.status_code == 403
