"""Browser test (issue 12): a citizen submits a proposal to an open call through the portal; staff refer it to the
competent unit, which adopts it and reports what came of it; the public page of adopted proposals shows it.

With XINFANG_SCREENSHOTS=1 the proposal pages are also photographed into docs/screenshots/ (desktop width).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from e2e.test_journey import login
from xinfang.core import timeutil
from xinfang.proposals import services
from xinfang.proposals.models import Proposal
from xinfang.proposals.workflow import State

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def _shot(page: Any, name: str) -> None:
    if os.environ.get("XINFANG_SCREENSHOTS") == "1":
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / f"{name}-desktop.png"), full_page=True)


@pytest.fixture
def staff(transactional_db: None, personas: Any) -> Any:
    return personas


def test_citizen_proposal_to_a_call_is_adopted_and_published(live_server: Any, staff: Any, desktop: Any) -> None:
    page, base = desktop, live_server.url
    today = timeutil.today()
    call = services.call_create(actor=staff.handler_b, topic="老旧小区改造金点子", opens_on=today, closes_on=today)

    # The citizen finds the call from the portal's header and submits, publicly, without a name.
    page.goto(f"{base}/")
    page.click("header a[href='/proposals/']")
    page.wait_for_url("**/proposals/")
    assert "老旧小区改造金点子" in page.content()
    _shot(page, "proposals-calls")
    page.click(f"a[href='/proposals/calls/{call.pk}/submit/']")
    page.fill("[name=title]", "老旧小区加装电梯")
    page.fill("[name=reason]", "小区多为六层住宅，老人上下楼困难。")
    page.fill("[name=suggestion]", "建议统一规划加装电梯，政府给予补贴。")
    page.check("[name=is_public]")
    _shot(page, "proposals-submit")
    page.click("#proposal-form button[type=submit]")
    page.wait_for_url("**/proposals/receipt/")
    number = page.locator("#receipt-number").inner_text().strip()
    proposal = Proposal.objects.get(number=number)
    assert proposal.receiving_unit_id == staff.handler_b.unit_id and proposal.is_anonymous

    # Staff of the receiving unit refer it (here to their own unit, the competent one); the head adopts it.
    login(page, base, "handler_b")
    page.click("header a[href='/workbench/proposals/']")
    page.click(f"#proposal-list a:text('{number}')")
    page.wait_for_url(re.compile(rf".*/workbench/proposals/{proposal.pk}/$"))
    page.select_option("#action-refer [name=refer-to_unit]", str(staff.handler_b.unit_id))
    # A plain form post that redirects back to the page: wait for that navigation (the selector alone is already
    # on the page before the post, so a slow server would be asserted too early).
    with page.expect_navigation():
        page.click("#action-refer button[type=submit]")
    assert Proposal.objects.get(pk=proposal.pk).state == State.REFERRED

    login(page, base, "head_b")
    page.goto(f"{base}/workbench/proposals/{proposal.pk}/")
    page.check("#action-decide input[name=decide-outcome][value=adopted]")
    page.fill("#action-decide [name=decide-reason]", "符合老旧小区改造政策，予以采纳。")
    with page.expect_navigation():
        page.click("#action-decide button[type=submit]")
    page.wait_for_selector("#action-commend")
    page.select_option("#action-commend [name=commend-kind]", "reward")
    page.fill("#action-commend [name=commend-text]", "授予“金点子”奖")
    with page.expect_navigation():
        page.click("#action-commend button[type=submit]")
    page.wait_for_selector("#commendations")
    _shot(page, "proposals-staff")
    assert Proposal.objects.get(pk=proposal.pk).outcome == "adopted"

    # The public page shows it with the reasons and the reward, and nothing about the proposer.
    page.context.clear_cookies()
    page.goto(f"{base}/proposals/adopted/")
    article = page.locator(f"#proposal-{number}")
    assert "老旧小区加装电梯" in article.inner_text()
    assert "予以采纳" in article.inner_text() and "金点子" in article.inner_text()
    _shot(page, "proposals-adopted")
