"""Tracking (Art. 21): 编号 + 查询码 without an oracle, the petitioner's page, and 催办 / 评价 / 复查 / 复核 there."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from xinfang.petitions import services
from xinfang.petitions.models import Petition, PetitionEvent, Rating
from xinfang.petitions.tests.helpers import to_handling, to_replied
from xinfang.petitions.workflow import Action, State
from xinfang.portal.tests.helpers import MARCH_2, TZ, prove

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, tzinfo=TZ), tick=False)


# ---------------------------------------------------------------- 编号 + 查询码


def test_the_right_number_and_code_open_the_page_and_the_session_remembers(
    client: Client, online: tuple[Petition, str]
) -> None:
    petition, code = online
    response = client.post("/track/", {"number": petition.number, "code": code.lower()})
    assert response.status_code == 302 and response["Location"] == f"/track/{petition.number}/"
    assert petition.pk in client.session["tracked"]
    page = client.get(f"/track/{petition.number}/")
    assert page.status_code == 200
    assert petition.title in page.content.decode()


def test_a_wrong_code_and_a_wrong_number_get_the_same_generic_answer(
    client: Client, online: tuple[Petition, str]
) -> None:
    petition, code = online
    wrong_code = client.post("/track/", {"number": petition.number, "code": "0000000000AA"})
    wrong_number = client.post("/track/", {"number": "99010102-2026-999999", "code": code})
    assert wrong_code.status_code == wrong_number.status_code == 400
    message = zh("No petition matches this number and query code. Check both and try again.")
    for response in (wrong_code, wrong_number):
        html = response.content.decode()
        assert message in html
        assert petition.title not in html
    assert "tracked" not in client.session


def test_tracking_posts_are_throttled(client: Client, online: tuple[Petition, str], monkeypatch: Any) -> None:
    from xinfang.portal.throttle import PortalThrottle

    monkeypatch.setattr(PortalThrottle, "THROTTLE_RATES", {"public_submit": "2/hour", "public_track": "2/hour"})
    petition, code = online
    for _ in range(2):
        assert client.post("/track/", {"number": petition.number, "code": "WRONGWRONG00"}).status_code == 400
    assert client.post("/track/", {"number": petition.number, "code": code}).status_code == 429


def test_without_the_code_the_page_sends_the_visitor_to_the_form(client: Client, online: tuple[Petition, str]) -> None:
    petition, _code = online
    response = client.get(f"/track/{petition.number}/")
    assert response.status_code == 302 and response["Location"] == f"/track/?number={petition.number}"
    missing = client.get("/track/99010102-2026-999999/")
    assert missing.status_code == 302  # the same answer for a number that does not exist
    assert client.post(f"/track/{petition.number}/urge/").status_code == 404
    htmx = client.post(f"/track/{petition.number}/urge/", headers=HTMX)
    assert htmx["HX-Redirect"] == f"/track/?number={petition.number}"


def test_a_citizen_account_opens_its_own_petition_but_not_someone_elses(
    client: Client, tree: Any, citizen: Any, other_citizen: Any
) -> None:
    from xinfang.portal.tests.helpers import register_online

    mine, _ = register_online(tree, citizen=citizen)
    theirs, _ = register_online(tree, citizen=other_citizen, title="别人的事项")
    client.force_login(citizen)
    assert client.get(f"/track/{mine.number}/").status_code == 200
    response = client.get(f"/track/{theirs.number}/")
    assert response.status_code == 302
    assert "别人的事项" not in client.get(response["Location"]).content.decode()


def test_staff_accounts_get_no_owner_access(client: Client, tree: Any, personas: Any) -> None:
    from xinfang.portal.tests.helpers import register_online

    petition, _ = register_online(tree)
    client.force_login(personas.registrar_a)
    assert client.get(f"/track/{petition.number}/").status_code == 302


# ---------------------------------------------------------------- the page


def test_the_page_shows_public_events_clocks_and_units_but_no_notes_or_staff_names(
    client: Client, tree: Any, personas: Any, online: tuple[Petition, str]
) -> None:
    petition, code = online
    with time_machine.travel(MARCH_2, tick=False):
        services.petition_forward(
            petition=petition, actor=personas.registrar_a, to_unit=tree.housing, note="内部备注：注意信访人情绪"
        )
    prove(client, petition, code)
    html = client.get(f"/track/{petition.number}/").content.decode()
    assert "内部备注" not in html
    assert personas.registrar_a.full_name not in html and personas.registrar_a.staff_no not in html
    assert tree.housing.name in html and tree.county_dept.name in html
    # Each clock: its due date, its status and how the date was computed.
    notice = petition.clocks.get(kind="notice")
    assert notice.due.isoformat() in html
    assert html.count('<details class="explain">') == petition.clocks.count()
    assert zh("Forward") in html


def test_overdue_and_due_soon_clocks_are_marked(client: Client, online: tuple[Petition, str]) -> None:
    petition, code = online
    route = petition.clocks.get(kind="route")
    prove(client, petition, code)
    with at(route.due - dt.timedelta(days=1)):
        assert "status-due_soon" in client.get(f"/track/{petition.number}/").content.decode()
    with at(route.due + dt.timedelta(days=2)):
        assert "status-overdue" in client.get(f"/track/{petition.number}/").content.decode()


def test_the_page_needs_a_fixed_number_of_queries_whatever_the_history(
    client: Client, tree: Any, personas: Any, online: tuple[Petition, str]
) -> None:
    petition, code = online
    prove(client, petition, code)
    url = f"/track/{petition.number}/"
    with CaptureQueriesContext(connection) as short:
        assert client.get(url).status_code == 200
    with time_machine.travel(MARCH_2, tick=False):
        to_replied(personas, petition)
    for day in range(3):  # more events, clocks, documents and attachments
        with at(dt.date(2026, 5, 10 + day)):
            services.petition_add_attachments(
                petition=petition, actor=personas.registrar_a, files=[_file(f"补充{day}.txt")]
            )
    with CaptureQueriesContext(connection) as long:
        assert client.get(url).status_code == 200
    assert len(long) <= 20
    assert len(long) <= len(short) + 2  # only the rating slots appear once replied; no query per row


def _file(name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"text", content_type="text/plain")


# ---------------------------------------------------------------- 催办


def test_urge_is_offered_only_once_a_clock_is_overdue(client: Client, online: tuple[Petition, str]) -> None:
    petition, code = online
    route = petition.clocks.get(kind="route")
    prove(client, petition, code)
    url = f"/track/{petition.number}/"
    with at(route.due):
        html = client.get(url).content.decode()
        assert 'action="/track/' + petition.number + '/urge/"' not in html
        assert route.due.isoformat() in html  # "the next time limit ends on …"
        refused = client.post(f"{url}urge/", {"urge-message": "请尽快"})
        assert refused.status_code == 400
        assert not PetitionEvent.objects.filter(petition=petition, action=Action.URGE).exists()
    with at(route.due + dt.timedelta(days=1)):
        html = client.get(url).content.decode()
        assert f'hx-post="/track/{petition.number}/urge/"' in html
        response = client.post(f"{url}urge/", {"urge-message": "请尽快转送"}, headers=HTMX)
        assert response.status_code == 200
        body = response.content.decode()
        assert 'id="action-status" hx-swap-oob="innerHTML"' in body
        assert "<html" not in body  # a fragment for htmx
        event = PetitionEvent.objects.get(petition=petition, action=Action.URGE)
        assert event.note == "请尽快转送" and event.actor is None
        # The service refuses a second reminder the same day; the message is shown on the form.
        again = client.post(f"{url}urge/", {"urge-message": ""}, headers=HTMX)
        assert zh("This petition was already urged today.") in again.content.decode()


def test_urge_without_javascript_redirects_back_with_a_message(client: Client, online: tuple[Petition, str]) -> None:
    petition, code = online
    prove(client, petition, code)
    with at(petition.clocks.get(kind="route").due + dt.timedelta(days=3)):
        response = client.post(f"/track/{petition.number}/urge/", {"urge-message": ""})
        assert response.status_code == 302 and response["Location"].endswith("#act-urge")
        assert 'role="status"' in client.get(response["Location"]).content.decode()


# ---------------------------------------------------------------- 评价


def test_rating_is_offered_after_the_written_reply_for_each_unit(
    client: Client, tree: Any, personas: Any, online: tuple[Petition, str]
) -> None:
    petition, code = online
    prove(client, petition, code)
    url = f"/track/{petition.number}/"
    with time_machine.travel(MARCH_2, tick=False):
        assert 'action="' + url + 'rate/"' not in client.get(url).content.decode()
        to_replied(personas, petition)
        html = client.get(url).content.decode()
        assert html.count(f'action="{url}rate/"') == 2  # the petition department and the responsible unit
        assert 'name="rate-responsible_unit-value"' in html and 'name="rate-petition_dept-value"' in html
        response = client.post(
            f"{url}rate/",
            {
                "rate-responsible_unit-target": "responsible_unit",
                "rate-responsible_unit-value": "basically",
                "rate-responsible_unit-comment": "还行",
            },
            headers=HTMX,
        )
        assert response.status_code == 200
        rating = Rating.objects.get()
        assert (rating.target, rating.value, rating.unit) == ("responsible_unit", "basically", tree.housing)
        html = client.get(url).content.decode()
        assert html.count(f'action="{url}rate/"') == 1  # the responsible unit is rated; the department is left


def test_a_rating_without_a_choice_says_what_to_choose(
    client: Client, personas: Any, online: tuple[Petition, str]
) -> None:
    petition, code = online
    prove(client, petition, code)
    with time_machine.travel(MARCH_2, tick=False):
        to_replied(personas, petition)
        response = client.post(f"/track/{petition.number}/rate/", {"rate-petition_dept-target": "petition_dept"})
        html = response.content.decode()
        assert response.status_code == 400
        assert 'id="id_rate-petition_dept-value_error"' in html
        assert not Rating.objects.exists()


# ---------------------------------------------------------------- 复查 / 复核


def test_a_review_request_is_sent_while_the_window_is_open(
    client: Client, tree: Any, personas: Any, online: tuple[Petition, str]
) -> None:
    petition, code = online
    prove(client, petition, code)
    with time_machine.travel(MARCH_2, tick=False):
        to_replied(personas, petition)
        html = client.get(f"/track/{petition.number}/").content.decode()
        assert tree.county.name in html  # the unit one level above the handling unit reviews (Art. 35)
        response = client.post(
            f"/track/{petition.number}/review/", {"review-reason": "处理意见认定事实不清"}, headers=HTMX
        )
        assert response.status_code == 200
    petition.refresh_from_db()
    assert petition.state == State.REVIEW and petition.current_unit == tree.county


def test_a_review_request_after_the_window_is_refused_with_the_date_it_closed(
    client: Client, personas: Any, online: tuple[Petition, str]
) -> None:
    petition, code = online
    prove(client, petition, code)
    with time_machine.travel(MARCH_2, tick=False):
        to_replied(personas, petition)
    window = petition.clocks.get(kind="review_window")
    with at(window.due + dt.timedelta(days=1)):
        html = client.get(f"/track/{petition.number}/").content.decode()
        assert 'name="review-reason"' not in html  # the form is replaced by when and why it closed
        assert zh("The period to request a review has closed.") in html
        assert window.due.isoformat() in html and window.start.isoformat() in html
        response = client.post(f"/track/{petition.number}/review/", {"review-reason": "不服"})
        assert response.status_code == 400
        assert window.due.isoformat() in response.content.decode()
    petition.refresh_from_db()
    assert petition.state == State.REPLIED


def test_a_closed_petition_still_says_when_the_review_window_closed(
    client: Client, personas: Any, online: tuple[Petition, str]
) -> None:
    petition, code = online
    prove(client, petition, code)
    with time_machine.travel(MARCH_2, tick=False):
        to_replied(personas, petition)
    window = petition.clocks.get(kind="review_window")
    with at(window.due + dt.timedelta(days=2)):
        services.petition_close(petition=petition, actor=None)
        html = client.get(f"/track/{petition.number}/").content.decode()
        assert zh("The period to request a review has closed.") in html and window.due.isoformat() in html


def test_a_recheck_request_goes_above_the_reviewer(
    client: Client, tree: Any, personas: Any, online: tuple[Petition, str]
) -> None:
    petition, code = online
    prove(client, petition, code)
    with time_machine.travel(MARCH_2, tick=False):
        to_replied(personas, petition)
        services.petition_request_review(petition=petition, actor=None, reason="不服")
        services.petition_decide_review(petition=petition, actor=personas.county_head, outcome="uphold", opinion="维持")
        assert tree.city.name in client.get(f"/track/{petition.number}/").content.decode()
        response = client.post(f"/track/{petition.number}/recheck/", {"recheck-reason": "仍然不服"})
        assert response.status_code == 302
    petition.refresh_from_db()
    assert petition.state == State.RECHECK and petition.current_unit == tree.city


def test_an_empty_reason_is_named_next_to_the_field(
    client: Client, personas: Any, online: tuple[Petition, str]
) -> None:
    petition, code = online
    prove(client, petition, code)
    with time_machine.travel(MARCH_2, tick=False):
        to_replied(personas, petition)
        response = client.post(f"/track/{petition.number}/review/", {"review-reason": ""}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps 2xx only, so the fragment with the error comes back as 200
    assert 'id="id_review-reason_error"' in html


# ---------------------------------------------------------------- material and documents


def test_the_petitioner_adds_files_while_the_petition_is_open(
    client: Client, personas: Any, online: tuple[Petition, str]
) -> None:
    petition, code = online
    prove(client, petition, code)
    with time_machine.travel(MARCH_2, tick=False):
        services.petition_add_attachments(petition=petition, actor=personas.registrar_a, files=[_file("内部.txt")])
        response = client.post(
            f"/track/{petition.number}/attachments/", {"attach-new_files": [_file("补充说明.txt")]}, headers=HTMX
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "补充说明.txt" in html
    assert "内部.txt" not in html  # files staff added are not listed as the petitioner's
    assert petition.attachments.count() == 2


def test_an_issued_opinion_is_downloaded_as_docx(client: Client, personas: Any, online: tuple[Petition, str]) -> None:
    petition, code = online
    prove(client, petition, code)
    with time_machine.travel(MARCH_2, tick=False):
        to_replied(personas, petition)
    opinion = petition.documents.get(kind="opinion")
    html = client.get(f"/track/{petition.number}/").content.decode()
    link = f"/track/{petition.number}/documents/{opinion.pk}.docx"
    assert link in html
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument")
    slip = petition.documents.get(kind="forwarding_slip")  # between units: never offered to the petitioner
    assert f"documents/{slip.pk}.docx" not in html
    assert client.get(f"/track/{petition.number}/documents/{slip.pk}.docx").status_code == 404


def test_documents_of_a_petition_not_proved_are_not_served(
    client: Client, personas: Any, online: tuple[Petition, str]
) -> None:
    petition, _code = online
    with time_machine.travel(MARCH_2, tick=False):
        to_handling(personas, petition)
    notice = petition.documents.get(kind="acceptance_notice")
    assert client.get(f"/track/{petition.number}/documents/{notice.pk}.docx").status_code == 404


def test_english_page_reads_in_english(client: Client, online: tuple[Petition, str]) -> None:
    petition, code = online
    prove(client, petition, code)
    html = client.get(f"/track/{petition.number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "What you can do now" in html and re.search(r'<html lang="en">', html)
