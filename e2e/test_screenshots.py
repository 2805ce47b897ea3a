"""Screenshots of the main pages in zh-Hans, desktop (1280) and phone (375) width, for docs/screenshots/.

Skipped unless XINFANG_SCREENSHOTS=1 (``make screenshots``). Loads the demo tree, staff and 60 demo petitions, then
submits one petition through the portal and photographs: portal home, submit form, receipt, track page, workbench
inbox and petition page, the citizens' reception calendar, the leader's desk, the figures page (ECharts) and the
supervisor's desk, as
docs/screenshots/{name}-{desktop|phone}.png (full page).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from e2e.test_journey import track, wait_for_swap

pytestmark = [
    pytest.mark.skipif(os.environ.get("XINFANG_SCREENSHOTS") != "1", reason="set XINFANG_SCREENSHOTS=1"),
    pytest.mark.django_db(transaction=True),
]

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}


@pytest.fixture
def demo(transactional_db: None) -> Any:
    from xinfang.casework.demo import build_demo_casework
    from xinfang.core import timeutil
    from xinfang.orgs.demo import build_demo_tree, create_demo_staff
    from xinfang.petitions.demo import build_demo_petitions
    from xinfang.reception.demo import build_demo_reception
    from xinfang.supervision.demo import build_demo_supervision

    tree = build_demo_tree()
    logins = create_demo_staff(tree)
    build_demo_petitions(tree, count=60)
    today = timeutil.today()
    for build in (build_demo_casework, build_demo_reception, build_demo_supervision):
        build(today)
    return logins


def _choose(page: Any, level: str, hint: str) -> None:
    """Choose the option of one area level whose label contains ``hint`` (else the first), then let htmx load."""
    select = page.locator(f"select[name={level}]")
    select.locator("option[value]:not([value=''])").first.wait_for(state="attached")
    select.evaluate(
        "el => new Promise(ok => { const t = () => el['htmx-internal-data'] ? ok() : setTimeout(t, 20); t(); })"
    )
    labels = [t.strip() for t in select.locator("option").all_inner_texts()]
    values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    pairs = [(v, t) for v, t in zip(values, labels, strict=True) if v]
    value = next((v for v, t in pairs if hint in t), pairs[0][0])
    with page.expect_response(lambda r: "/submit/region/" in r.url):
        select.select_option(value)
    wait_for_swap(page)


def _fill(page: Any) -> None:
    page.fill("[name=title]", "小区路灯长期不亮")
    page.fill("[name=facts]", "丽发新城3栋门前的路灯已经坏了一个多月，夜里一片漆黑。")
    page.fill("[name=request_and_reasons]", "请尽快修复路灯，因为老人夜里出行不安全。")
    page.check("input[name=nature][value=appeal]")
    _choose(page, "province", "西地")
    _choose(page, "city", "A市")
    _choose(page, "county", "A1区")
    page.fill("[name=problem_address]", "丽发新城3栋")
    page.check("input[name=petitioner_kind][value=person]")
    page.fill("[name=name]", "王五")
    page.fill("[name=phone]", "13800001111")
    page.fill("[name=address]", "A1区丽发新城3栋101")


def _shot(page: Any, name: str, size: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"{name}-{size}.png"), full_page=True)


@pytest.mark.parametrize("size", list(SIZES))
def test_screenshots(live_server: Any, demo: Any, browser: Any, size: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    phone = size == "phone"
    context = browser.new_context(
        viewport=SIZES[size], locale="zh-CN", is_mobile=phone, has_touch=phone, device_scale_factor=2 if phone else 1
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    base = live_server.url
    try:
        page.goto(f"{base}/")
        _shot(page, "home", size)

        page.goto(f"{base}/submit/")
        _shot(page, "submit", size)
        _fill(page)
        page.click("form.submit-form button[type=submit]:not([name])")
        page.wait_for_url("**/receipt/")
        number = page.locator("#receipt-number").inner_text().strip()
        code = page.locator("#receipt-code").inner_text().strip()
        _shot(page, "receipt", size)

        track(page, base, number, code)
        _shot(page, "track", size)

        registrar = next(login for login in demo if login.username == "registrar")
        page.context.clear_cookies()
        page.goto(f"{base}/workbench/login/")
        page.fill("input[name=username]", registrar.username)
        page.fill("input[name=password]", registrar.password)
        page.click("form[action$='/workbench/login/'] button[type=submit]")
        page.wait_for_url("**/workbench/")
        # The inbox with two rows selected: the check boxes, the count and the bulk toolbar (issue 11).
        page.goto(f"{base}/workbench/?tab=all")
        for box in page.locator("#inbox-table input[data-select]").all()[:2]:
            box.check()
        _shot(page, "inbox", size)

        page.goto(f"{base}/workbench/p/{number}/")
        _shot(page, "petition", size)

        page.context.clear_cookies()
        page.goto(f"{base}/reception/")
        _shot(page, "reception", size)

        for username, path, name in (
            ("leader", "desk/", "desk"),
            ("leader", "stats/", "stats"),
            ("supervisor", "supervision/", "supervision"),
        ):
            login = next(login for login in demo if login.username == username)
            page.context.clear_cookies()
            page.goto(f"{base}/workbench/login/")
            page.fill("input[name=username]", login.username)
            page.fill("input[name=password]", login.password)
            page.click("form[action$='/workbench/login/'] button[type=submit]")
            page.wait_for_url("**/workbench/")
            page.goto(f"{base}/workbench/{path}")
            _shot(page, name, size)
    finally:
        context.close()
