"""Browser test (issue 12): the petitioner hears back. A citizen creates an account, submits a petition online
choosing in-app messages, staff of the receiving unit forward and accept it, and the citizen reads the 受理 message
(Art. 23: the petitioner is told in writing whether it is accepted) on the portal's messages page and marks it read.

With XINFANG_SCREENSHOTS=1 the messages page and the tracking page's choice of messages are also photographed into
docs/screenshots/ (desktop width).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from e2e.test_journey import HOUSING, PASSWORD, fill_submission, login, open_action, petition_page, submit_action
from xinfang.notify.models import Channel, Notification
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CITIZEN = "wangwu_citizen"


def _shot(page: Any, name: str, selector: str | None = None) -> None:
    """A full-page photograph, or of one element (``selector``), when XINFANG_SCREENSHOTS=1."""
    if os.environ.get("XINFANG_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.wait_for_load_state("networkidle")
        path = str(SHOTS / f"{name}-desktop.png")
        if selector is None:
            page.screenshot(path=path, full_page=True)
        else:
            page.locator(selector).screenshot(path=path)


@pytest.fixture
def staff(transactional_db: None, personas: Any) -> Any:
    return personas


def sign_in_citizen(page: Any, base: str) -> None:
    """Sign in through the portal's own form (a fresh session: the staff cookies are dropped)."""
    page.context.clear_cookies()
    page.goto(f"{base}/account/sign-in/")
    page.fill("input[name=username]", CITIZEN)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/petitions/")


def test_citizen_reads_the_acceptance_message_in_the_portal_and_marks_it_read(
    live_server: Any, staff: Any, desktop: Any
) -> None:
    page, base = desktop, live_server.url

    # A citizen creates an account and submits while signed in, choosing messages in the account.
    page.goto(f"{base}/account/sign-up/")
    page.fill("input[name=username]", CITIZEN)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/petitions/")
    page.goto(f"{base}/submit/")
    fill_submission(page)
    page.select_option("[name=notify_channel]", "inapp")
    page.click("form.submit-form button[type=submit]:not([name])")
    page.wait_for_url("**/receipt/")
    number = page.locator("#receipt-number").inner_text().strip()
    petition = Petition.objects.get(number=number)
    assert petition.submitted_by is not None and petition.submitted_by.username == CITIZEN

    # The tracking page shows the choice made at submission.
    page.goto(f"{base}/track/{number}/")
    choice = page.locator("#notify")
    assert choice.locator("#notify-channel").input_value() == "inapp"
    _shot(page, "track-notify", "#notify")

    # The registrar forwards it to the competent department, whose handler accepts it.
    login(page, base, "registrar_a")
    petition_page(page, base, number)
    card = open_action(page, "forward")
    picker = card.locator("fieldset.unit-picker").first
    picker.locator("input[type=search]").fill("住房")
    picker.get_by_label(HOUSING, exact=True).check()
    submit_action(page, card)
    login(page, base, "handler_b")
    petition_page(page, base, number)
    card = open_action(page, "accept")
    card.locator("[name=notice]").fill("您的来信已受理，我局将在六十日内办结并书面答复。")
    submit_action(page, card)
    assert Petition.objects.get(number=number).state == "handling"

    # Every message went to the account, in the app, and to nobody else (Art. 30).
    rows = Notification.objects.filter(petition=petition).order_by("id")
    assert [r.kind for r in rows] == ["petitioner.registered", "petitioner.forwarded", "petitioner.accepted"]
    assert {(r.channel, r.recipient_id, r.address) for r in rows} == {(Channel.INAPP, petition.submitted_by_id, "")}
    accepted = rows.get(kind="petitioner.accepted")

    # The citizen signs in, sees three unread messages in the header and the 受理 message on the messages page.
    sign_in_citizen(page, base)
    nav = page.locator("header a[href='/account/notifications/']")
    assert "(3)" in nav.inner_text()
    nav.click()
    page.wait_for_url("**/account/notifications/")
    item = page.locator(f"#n{accepted.pk}")
    assert "已受理" in item.inner_text() and number in item.inner_text() and HOUSING in item.inner_text()
    assert item.locator(".badge").count() == 1
    _shot(page, "notifications")

    # Marking it read clears its badge and the header's count goes down by one; the others stay unread.
    # The form posts and redirects back to the same address: wait for that navigation, not for the URL (already
    # matching, so it would return before the page changed).
    with page.expect_navigation():
        item.locator("form button[type=submit]").click()
    item = page.locator(f"#n{accepted.pk}")
    assert item.locator(".badge").count() == 0 and item.locator("form").count() == 0
    assert "(2)" in page.locator("header a[href='/account/notifications/']").inner_text()
    accepted.refresh_from_db()
    assert accepted.read_at is not None

    # Its link leads to the tracking form with the 编号 filled in; the 查询码 is never part of a message.
    item.locator("p.meta a").click()
    page.wait_for_url(re.compile(r".*/track/\?number="))
    assert page.locator("input[name=number]").input_value() == number
