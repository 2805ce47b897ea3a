"""The petition page: the whole case, only the allowed actions, each a form that calls the API's service."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from xinfang.core.articles import article_text
from xinfang.deadlines.models import LocalTarget
from xinfang.petitions import selectors, services
from xinfang.petitions.identity import mask_id_number
from xinfang.petitions.models import CoHandler, Petition
from xinfang.petitions.tests.helpers import ID_OK, register, to_handling
from xinfang.petitions.workflow import Action, State
from xinfang.workbench.tests.conftest import on

pytestmark = pytest.mark.django_db

FRIDAY = dt.date(2026, 3, 6)  # objection window: Mon 9 … Fri 13 March (5 working days, Art. 23 ¶3)
LATE = dt.date(2026, 3, 16)


def page_url(petition: Petition) -> str:
    return reverse("workbench:petition", args=[petition.number])


def act_url(petition: Petition, action: str) -> str:
    return reverse("workbench:act", args=[petition.number, action])


def shown_actions(response: Any) -> set[str]:
    html = response.content.decode()
    return set(re.findall(r'<section class="action-card[^"]*" id="action-([a-z_]+)"', html))


@pytest.fixture
def pending(personas: Any) -> Petition:
    with on(FRIDAY):
        petition, _ = register(personas.registrar_a)
        services.petition_forward(petition=petition, actor=personas.registrar_a, to_unit=personas.handler_b.unit)
    petition.refresh_from_db()
    return petition


# 并案 (merge): the holder may close the item into another it holds, before an opinion is drafted.
# 转为人民建议: a petition that is really a proposal continues as one (Art. 29), before acceptance.
AT_B = {
    "accept",
    "accept_simple",
    "object",
    "divert",
    "decline",
    "report_urgent",
    "attach",
    "link_repeat",
    "merge",
    "to_proposal",
}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("handler_b", AT_B),
        ("head_b", AT_B | {"assign_handler"}),  # only the head names the 承办人
        ("registrar_a", {"report_urgent", "attach", "urge"}),  # it forwarded the item; records 催办 by phone
        ("supervisor", set()),  # sees the item in its area, takes no action on it
    ],
)
def test_page_shows_only_the_actions_this_user_may_take_now(client, personas, pending, persona, expected):
    user = getattr(personas, persona)
    client.force_login(user)
    with on(FRIDAY):
        response = client.get(page_url(pending))
    assert response.status_code == 200
    assert shown_actions(response) == expected
    allowed = {str(a) for a in selectors.allowed_actions(user, pending)}
    assert expected == allowed


def test_head_sees_the_approval_forms_and_the_handler_does_not(client, personas):
    with on(FRIDAY):
        petition, _ = register(personas.registrar_a)
        to_handling(personas, petition)
        services.petition_submit_decision(
            petition=petition, actor=personas.handler_b, outcome="support", opinion="责令停工", legal_basis="《噪声法》"
        )
    client.force_login(personas.head_b)
    with on(FRIDAY):
        head = shown_actions(client.get(page_url(petition)))
    client.force_login(personas.handler_b)
    with on(FRIDAY):
        handler = shown_actions(client.get(page_url(petition)))
    assert {"approve_decision", "return_decision"} <= head
    assert not handler & {"approve_decision", "return_decision"}


def test_forward_through_the_form_moves_the_petition_and_the_page_shows_the_new_state(client, personas, tree):
    with on(FRIDAY):
        petition, _ = register(personas.registrar_a)
    client.force_login(personas.registrar_a)
    with on(FRIDAY):
        form_page = client.get(page_url(petition))
        assert "forward" in shown_actions(form_page)
        response = client.post(
            act_url(petition, "forward"),
            {"to_unit": tree.housing.pk, "co_units": [tree.environment.pk], "note": "请依法处理"},
        )
    # The unit no longer holds it: back to the inbox, with a message naming the new holder and linking the item.
    assert response.status_code == 302 and response["Location"] == reverse("workbench:inbox")
    message = next(str(m) for m in get_messages(response.wsgi_request))
    assert "A1区住房和城乡建设局" in message and page_url(petition) in message
    petition.refresh_from_db()
    assert petition.state == State.PENDING_ACCEPTANCE and petition.current_unit == tree.housing
    assert CoHandler.objects.filter(petition=petition, unit=tree.environment).exists()
    with on(FRIDAY):
        after = client.get(page_url(petition), HTTP_ACCEPT_LANGUAGE="en")
    html = after.content.decode()
    assert "Awaiting notice of acceptance" in html and "A1区住房和城乡建设局" in html
    assert "A1区生态环境局" in html  # the co-handling unit
    assert "forward" not in shown_actions(after)
    assert "李登记 · 工号 No.regist · 科员" in html  # 三亮 of the actor on the timeline


def test_action_by_htmx_redirects_with_a_header(client, personas, tree):
    with on(FRIDAY):
        petition, _ = register(personas.registrar_a)
    client.force_login(personas.registrar_a)
    with on(FRIDAY):
        response = client.post(act_url(petition, "forward"), {"to_unit": tree.housing.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == reverse("workbench:inbox")


def test_action_that_keeps_the_petition_returns_to_its_page(client, personas, pending):
    client.force_login(personas.handler_b)
    with on(FRIDAY):
        response = client.post(act_url(pending, "accept"), {"notice": "你反映的问题已受理"})
    assert response.status_code == 302 and response["Location"] == page_url(pending)
    pending.refresh_from_db()
    assert pending.state == State.HANDLING


def test_invalid_input_is_shown_at_the_field_and_the_typed_text_is_kept(client, personas):
    with on(FRIDAY):
        petition, _ = register(personas.registrar_a)
    client.force_login(personas.registrar_a)
    with on(FRIDAY):
        response = client.post(act_url(petition, "assign"), {"note": "请重点督办", "feedback_days": "200"})
    assert response.status_code == 200
    html = response.content.decode()
    form = next(f for f in response.context["forms"] if f.action == Action.ASSIGN)
    assert set(form.errors) == {"to_unit", "feedback_days"}
    assert 'id="action-assign-to_unit-error"' in html and 'href="#action-assign-to_unit-q"' in html
    assert 'aria-invalid="true"' in html and 'value="200"' in html and "请重点督办" in html
    assert re.search(r'<details open>\s*<summary><span class="action-title" id="action-assign-title"', html)
    petition.refresh_from_db()
    assert petition.state == State.REGISTERED


def test_objection_after_five_working_days_shows_the_rule_and_keeps_the_reason(client, personas, pending):
    """A DomainError (Art. 23 ¶3) at its form: the message with the closing date, the article, the typed reason."""
    client.force_login(personas.handler_b)
    reason = "噪音执法属生态环境部门职责，不属本单位"
    with on(LATE):
        response = client.post(act_url(pending, "object"), {"reason": reason})
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("zh-hans"):
        article = article_text("Art. 23 ¶3")
    assert "2026-03-13" in html and article in html
    assert reason in html
    assert 'role="alert"' in html
    pending.refresh_from_db()
    assert pending.state == State.PENDING_ACCEPTANCE
    with on(LATE):
        fragment = client.post(act_url(pending, "object"), {"reason": reason}, HTTP_HX_REQUEST="true")
    part = fragment.content.decode()
    assert fragment.status_code == 200 and part.lstrip().startswith("<section")
    assert "2026-03-13" in part and article in part and reason in part and "autofocus" in part


def test_objection_within_the_window_returns_the_petition_to_the_sender(client, personas, pending):
    client.force_login(personas.handler_b)
    with on(FRIDAY + dt.timedelta(days=3)):
        response = client.post(act_url(pending, "object"), {"reason": "不属本单位职责"})
    assert response.status_code == 302 and response["Location"] == reverse("workbench:inbox")
    pending.refresh_from_db()
    assert pending.state == State.REGISTERED and pending.current_unit == personas.registrar_a.unit


def test_action_not_open_now_is_refused_without_writing(client, personas, pending):
    client.force_login(personas.handler_b)
    with on(FRIDAY):
        response = client.post(act_url(pending, "forward"), {"to_unit": personas.outsider.unit_id})
        fragment = client.post(act_url(pending, "approve_decision"), {}, HTTP_HX_REQUEST="true")
        unknown = client.post(act_url(pending, "no_such_action"), {})
        urge = client.post(act_url(pending, "urge"), {})
    assert response.status_code == 302 and response["Location"] == page_url(pending)
    assert fragment.status_code == 200 and 'role="alert"' in fragment.content.decode()
    assert unknown.status_code == 404
    assert urge.status_code == 302  # refused (nothing overdue, not a registrar): back to the page, nothing written
    pending.refresh_from_db()
    assert pending.state == State.PENDING_ACCEPTANCE


def test_identity_is_masked_for_the_supervisor_and_shown_to_the_registering_unit(client, personas):
    with on(FRIDAY):
        petition, _ = register(personas.registrar_a)
    client.force_login(personas.supervisor)
    with on(FRIDAY):
        masked = client.get(page_url(petition)).content.decode()
    assert "张*" in masked and mask_id_number(ID_OK) in masked and "138****5678" in masked
    assert "张三" not in masked and "13812345678" not in masked and "丽发新城3栋" not in masked
    client.force_login(personas.registrar_a)
    with on(FRIDAY):
        full = client.get(page_url(petition)).content.decode()
    assert "张三" in full and "13812345678" in full and "丽发新城3栋" in full


def test_clocks_show_due_date_status_local_target_and_explanation(client, personas, tree):
    LocalTarget.objects.create(unit=tree.county_dept, kind="route", days=3, label="3天见面")
    with on(FRIDAY):
        petition, _ = register(personas.registrar_a)
    client.force_login(personas.registrar_a)
    with on(FRIDAY + dt.timedelta(days=18)):
        response = client.get(page_url(petition), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    clock = response.context["clocks"][0]
    assert clock["kind"] == "route" and clock["status"] == "overdue" and clock["target_due"]
    assert "status-overdue" in html and "3天见面" in html and clock["due"] in html
    assert '<details class="explain"><summary>How this date was computed</summary>' in html


def test_attachments_download_only_for_those_who_see_the_petition(client, personas):
    upload = SimpleUploadedFile("证据.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    with on(FRIDAY):
        petition, _ = register(personas.registrar_a, attachments=[upload])
    attachment = petition.attachments.get()
    url = reverse("workbench:attachment", args=[petition.number, attachment.pk])
    client.force_login(personas.registrar_a)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert "attachment" in response["Content-Disposition"]
    client.force_login(personas.outsider)
    assert client.get(url).status_code == 404


def test_attach_through_the_form(client, personas, pending):
    client.force_login(personas.handler_b)
    upload = SimpleUploadedFile("补充.txt", b"more", content_type="text/plain")
    with on(FRIDAY):
        response = client.post(act_url(pending, "attach"), {"files": [upload]})
        refused = client.post(
            act_url(pending, "attach"), {"files": [SimpleUploadedFile("x.exe", b"MZ")]}, HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 302
    assert [a.original_name for a in pending.attachments.all()] == ["补充.txt"]
    assert refused.status_code == 200 and "x.exe" in refused.content.decode()


def test_documents_download_as_docx_and_drafts_only_as_previews_for_the_drafting_unit(client, personas):
    with on(FRIDAY):
        petition, _ = register(personas.registrar_a)
        to_handling(personas, petition)
        services.petition_submit_decision(
            petition=petition, actor=personas.handler_b, outcome="support", opinion="责令停工", legal_basis="《噪声法》"
        )
    issued = petition.documents.get(kind="acceptance_notice")
    draft = petition.documents.get(kind="opinion")
    client.force_login(personas.head_b)
    with on(FRIDAY):
        page = client.get(page_url(petition)).content.decode()
        notice = client.get(reverse("workbench:document", args=[petition.number, issued.pk]))
        preview = client.get(reverse("workbench:document", args=[petition.number, draft.pk]), {"preview": "1"})
    assert notice.status_code == 200 and notice["Content-Type"].startswith("application/vnd.openxmlformats")
    assert preview.status_code == 200 and notice.content[:2] == b"PK"
    assert reverse("workbench:document", args=[petition.number, draft.pk]) + "?preview=1" in page
    client.force_login(personas.registrar_a)  # sees the petition, not the other unit's draft
    with on(FRIDAY):
        other = client.get(reverse("workbench:document", args=[petition.number, draft.pk]), {"preview": "1"})
        not_preview = client.get(reverse("workbench:document", args=[petition.number, draft.pk]))
    assert other.status_code == 404 and not_preview.status_code == 404


# ---------------------------------------------------------------- the unit picker


def test_unit_picker_searches_the_senders_area_and_shows_the_parents(client, personas, tree):
    with on(FRIDAY):
        petition, _ = register(personas.registrar_a)
    client.force_login(personas.registrar_a)
    params = {"field": "to_unit", "prefix": "action-forward", "multiple": "0", "petition": str(petition.pk)}
    response = client.get(reverse("workbench:unit_search"), {**params, "unit_q": "住房"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    options = [o.unit for o in response.context["picker"].options]
    assert options == [tree.housing]  # not A2区 (another area), not the city bureau (above)
    assert "A1区人民政府" in html and 'name="to_unit"' in html and 'type="radio"' in html
    assert 'id="action-forward-to_unit-' in html
    by_code = client.get(reverse("workbench:unit_search"), {**params, "unit_q": "990101jw"})
    assert [o.unit for o in by_code.context["picker"].options] == [tree.discipline]
    kept = client.get(reverse("workbench:unit_search"), {**params, "unit_q": "住房", "to_unit": tree.legal.pk})
    assert [o.unit for o in kept.context["picker"].chosen] == [tree.legal]  # a choice survives a new search
    several = client.get(reverse("workbench:unit_search"), {**params, "field": "co_units", "multiple": "1"})
    assert 'type="checkbox"' in several.content.decode()


def test_unit_picker_needs_a_visible_petition(client, personas):
    with on(FRIDAY):
        petition, _ = register(personas.registrar_a)
    client.force_login(personas.outsider)
    params = {"field": "to_unit", "prefix": "action-forward", "multiple": "0", "petition": str(petition.pk)}
    assert client.get(reverse("workbench:unit_search"), params).status_code == 404
    assert client.get(reverse("workbench:unit_search"), {**params, "field": "x<y"}).status_code == 400


def test_routing_forms_render_the_picker_with_the_area_units(client, personas, tree):
    with on(FRIDAY):
        petition, _ = register(personas.registrar_a)
    client.force_login(personas.registrar_a)
    with on(FRIDAY):
        html = client.get(page_url(petition)).content.decode()
    assert 'id="action-forward-to_unit"' in html and 'id="action-forward-co_units"' in html
    assert f'id="action-forward-to_unit-{tree.housing.pk}"' in html
    assert f'id="action-forward-to_unit-{tree.county_dept.pk}"' not in html  # not to itself
    assert f'id="action-refer_discipline-to_unit-{tree.housing.pk}"' not in html  # only discipline organs there
    assert 'for="action-forward-to_unit-q"' in html


def test_holder_turns_a_petition_into_a_proposal_from_the_page(client, personas, pending):
    """转为人民建议 (Art. 29) from the petition page: the petition closes and a proposal continues it."""
    from xinfang.proposals.models import Proposal

    client.force_login(personas.handler_b)
    url = reverse("workbench:act", args=[pending.number, "to_proposal"])
    with on(FRIDAY):
        refused = client.post(url, {"reason": ""})
        assert refused.status_code == 200 and Proposal.objects.count() == 0  # the form comes back with the error
        done = client.post(url, {"reason": "所提为改进公共服务的建议，不是个人诉求。"})
    assert done.status_code == 302
    pending.refresh_from_db()
    assert pending.state == "closed"
    proposal = Proposal.objects.get()
    assert pending.events.filter(action="to_proposal").exists()
    assert proposal.number in str(pending.events.get(action="to_proposal").data)
