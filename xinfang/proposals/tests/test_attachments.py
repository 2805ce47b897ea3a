"""Attachments on a proposal: checked by content and size as a petition's (petitions.uploads), downloaded by staff
who may see the proposal, and on the public page only when the proposer published the proposal and its files."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from conftest import Personas, Tree
from xinfang.core.errors import InvalidInput
from xinfang.proposals import services
from xinfang.proposals.models import Proposal, ProposalAttachment
from xinfang.proposals.tests.helpers import submit
from xinfang.proposals.workflow import Outcome

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 proposal"


def _pdf(name: str = "方案.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _adopted(tree: Tree, personas: Personas, **overrides: object) -> Proposal:
    p = submit(tree.county_dept, **overrides)
    services.proposal_refer(proposal=p, actor=personas.registrar_a, to_unit=tree.housing)
    return services.proposal_decide(proposal=p, actor=personas.head_b, outcome=Outcome.ADOPTED, reason="可行")


def test_attachment_is_stored_with_the_type_detected_from_its_content(tree: Tree) -> None:
    p = submit(tree.county_dept, attachments=[_pdf()])
    a = ProposalAttachment.objects.get(proposal=p)
    assert (a.original_name, a.content_type, a.size) == ("方案.pdf", "application/pdf", len(PDF))
    assert a.file.read() == PDF


def test_a_program_renamed_pdf_is_refused_and_nothing_is_written(tree: Tree) -> None:
    fake = SimpleUploadedFile("方案.pdf", b"MZ\x90\x00\x03 not a pdf", content_type="application/pdf")
    with pytest.raises(InvalidInput) as err:
        submit(tree.county_dept, attachments=[fake])
    assert err.value.field == "attachments"
    assert not Proposal.objects.exists() and not ProposalAttachment.objects.exists()


def test_a_type_not_accepted_is_refused(tree: Tree) -> None:
    with pytest.raises(InvalidInput) as err:
        submit(tree.county_dept, attachments=[SimpleUploadedFile("run.exe", b"MZ\x90\x00")])
    assert err.value.field == "attachments"


@override_settings(XINFANG_ATTACHMENT_MAX_BYTES=10)
def test_a_file_over_the_size_limit_is_refused(tree: Tree) -> None:
    with pytest.raises(InvalidInput) as err:
        submit(tree.county_dept, attachments=[_pdf()])
    assert err.value.field == "attachments" and not Proposal.objects.exists()


@override_settings(XINFANG_ATTACHMENT_MAX_COUNT=1)
def test_more_files_than_allowed_are_refused(tree: Tree) -> None:
    with pytest.raises(InvalidInput) as err:
        submit(tree.county_dept, attachments=[_pdf("a.pdf"), _pdf("b.pdf")])
    assert err.value.field == "attachments"


def test_portal_form_with_a_fake_file_answers_400_at_the_field(tree: Tree) -> None:
    response = Client().post(
        reverse("proposals:submit"),
        {
            "unit": tree.county_dept.pk,
            "title": "增设路灯",
            "reason": "夜间太暗",
            "suggestion": "在巷口增设路灯",
            "attachments": [SimpleUploadedFile("照片.png", b"not a png at all")],
        },
    )
    assert response.status_code == 400
    assert "attachments" in response.context["form"].errors
    assert not Proposal.objects.exists()


def test_staff_who_see_the_proposal_download_its_attachment_others_get_404(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept, attachments=[_pdf()])
    a = p.attachments.get()
    url = reverse("proposals:attachment", args=[p.pk, a.pk])
    client = Client()
    client.force_login(personas.registrar_a)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF  # type: ignore[attr-defined]
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_public_page_shows_attachments_only_when_the_proposer_published_them(tree: Tree, personas: Personas) -> None:
    shown = _adopted(tree, personas, title="附件公开", attachments=[_pdf("公开方案.pdf")], attachments_public=True)
    hidden = _adopted(tree, personas, title="附件不公开", attachments=[_pdf("私下方案.pdf")], attachments_public=False)
    html = Client().get(reverse("proposals:adopted")).content.decode()
    assert "公开方案.pdf" in html and "私下方案.pdf" not in html
    client = Client()
    ok = client.get(reverse("proposals:public_attachment", args=[shown.number, shown.attachments.get().pk]))
    assert ok.status_code == 200
    refused = client.get(reverse("proposals:public_attachment", args=[hidden.number, hidden.attachments.get().pk]))
    assert refused.status_code == 404


def test_attachments_are_not_public_when_the_proposal_is_not(tree: Tree, personas: Personas) -> None:
    p = _adopted(tree, personas, is_public=False, attachments=[_pdf()], attachments_public=True)
    assert not p.attachments_public
    url = reverse("proposals:public_attachment", args=[p.number, p.attachments.get().pk])
    assert Client().get(url).status_code == 404


def test_attachments_of_a_proposal_not_yet_adopted_are_not_public(tree: Tree) -> None:
    p = submit(tree.county_dept, attachments=[_pdf()], attachments_public=True)
    url = reverse("proposals:public_attachment", args=[p.number, p.attachments.get().pk])
    assert Client().get(url).status_code == 404
