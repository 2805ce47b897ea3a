"""GET /api/v1/petitions/{key}/documents/{id}/docx for staff, and the helper the citizen portal uses."""

from __future__ import annotations

import pytest
from django.http import Http404
from rest_framework.test import APIClient

from xinfang.documents.services import DOCX_CONTENT_TYPE, public_document_or_404
from xinfang.documents.tests.helpers import body_text, doc_of, header_text
from xinfang.petitions import services
from xinfang.petitions.models import DocumentKind
from xinfang.petitions.tests.helpers import register, to_handling, to_replied

pytestmark = [pytest.mark.django_db, pytest.mark.urls("xinfang.documents.tests.urls")]


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(key: object, document_id: object) -> str:
    return f"/api/v1/petitions/{key}/documents/{document_id}/docx"


def test_the_handler_downloads_the_opinion_as_docx(tree, personas):
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition, outcome="support")
    opinion = doc_of(petition, DocumentKind.OPINION)

    response = client_for(personas.handler_b).get(url(petition.number, opinion.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    text = body_text(response.content)
    assert "予以支持" in text and tree.housing.name in text and petition.number in text
    # The petition may be addressed by id as well as by 编号.
    assert client_for(personas.handler_b).get(url(petition.pk, opinion.pk)).status_code == 200


def test_an_outsider_unit_gets_404_like_for_a_missing_petition(personas):
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition)
    opinion = doc_of(petition, DocumentKind.OPINION)

    forbidden = client_for(personas.outsider).get(url(petition.number, opinion.pk))
    missing = client_for(personas.outsider).get(url("990101XFJ-2026-999999", opinion.pk))

    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()  # no existence oracle
    assert APIClient().get(url(petition.number, opinion.pk)).status_code in {401, 403}


def test_only_documents_of_that_petition_are_served(personas):
    first, _ = register(personas.registrar_a)
    first = to_replied(personas, first)
    second, _ = register(personas.registrar_a, title="另一件")
    second = to_replied(personas, second)
    other = doc_of(second, DocumentKind.OPINION)
    assert client_for(personas.handler_b).get(url(first.number, other.pk)).status_code == 404


def test_a_draft_is_previewed_only_by_its_own_unit_and_marked_caogao(personas):
    petition, _ = register(personas.registrar_a)
    petition = to_handling(personas, petition)
    services.petition_submit_decision(
        petition=petition, actor=personas.handler_b, outcome="support", opinion="经查属实", legal_basis="《某法》"
    )
    draft = doc_of(petition, DocumentKind.OPINION)

    head = client_for(personas.head_b)
    preview = head.get(url(petition.number, draft.pk), {"preview": "1"})
    assert preview.status_code == 200
    assert "草稿" in header_text(preview.content)
    assert head.get(url(petition.number, draft.pk)).status_code == 404  # not without asking for a preview
    # The registering unit sees the petition, but the draft is not yet an act of the handling unit.
    registrar = client_for(personas.registrar_a)
    assert registrar.get(url(petition.number, draft.pk), {"preview": "1"}).status_code == 404


def test_asking_for_the_docx_media_type_is_not_refused(personas):
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition)
    opinion = doc_of(petition, DocumentKind.OPINION)
    client = client_for(personas.handler_b)
    assert client.get(url(petition.number, opinion.pk), HTTP_ACCEPT=DOCX_CONTENT_TYPE).status_code == 200
    missing = client.get(url(petition.number, 999999), HTTP_ACCEPT=DOCX_CONTENT_TYPE)
    assert missing.status_code == 404 and missing["Content-Type"].startswith("application/json")


def test_a_broken_stored_template_answers_409_with_the_reason(personas):
    from xinfang.documents.models import DocumentTemplate

    DocumentTemplate.objects.filter(kind=DocumentKind.OPINION, unit=None).update(body="{% if %}")
    petition, _ = register(personas.registrar_a)
    petition = to_replied(personas, petition)
    response = client_for(personas.handler_b).get(url(petition.number, doc_of(petition, DocumentKind.OPINION).pk))
    assert response.status_code == 409
    assert response.json()["code"] == "template_invalid"


def test_the_schema_documents_the_endpoint(personas):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/petitions/{key}/documents/{document_id}/docx"]["get"]
    assert DOCX_CONTENT_TYPE in operation["responses"]["200"]["content"]


# ---------------------------------------------------------------- the citizen portal's helper


def test_public_document_or_404_offers_only_issued_documents_addressed_to_the_petitioner(personas):
    petition, _ = register(personas.registrar_a)
    petition = to_handling(personas, petition)
    notice = doc_of(petition, DocumentKind.ACCEPTANCE_NOTICE)
    slip = doc_of(petition, DocumentKind.FORWARDING_SLIP)  # between units: is_public False
    services.petition_submit_decision(
        petition=petition, actor=personas.handler_b, outcome="explain", opinion="说明", legal_basis=""
    )
    draft = doc_of(petition, DocumentKind.OPINION)

    assert public_document_or_404(petition, notice.pk) == notice
    assert public_document_or_404(petition, str(notice.pk)) == notice
    for document_id in (slip.pk, draft.pk, "x", 999999):
        with pytest.raises(Http404):
            public_document_or_404(petition, document_id)
    other, _ = register(personas.registrar_a, title="另一件")
    with pytest.raises(Http404):
        public_document_or_404(other, notice.pk)
