"""Browser journeys (issue 3, Quality): the citizen portal and the staff workbench, driven by Playwright.

Each test runs against pytest-django's live server on a transactional database; the unit tree and staff are the
shared test personas of the root conftest. Time-based states are built through the services under
``time_machine`` in the test thread before a page is opened (the server thread uses real time).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
import time_machine
from docx import Document
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import register, to_replied

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pw-xinfang-test"
TZ = dt.timezone(dt.timedelta(hours=8))
HOUSING = "A1区住房和城乡建设局"


@pytest.fixture
def staff(transactional_db: None, personas: Any) -> Any:
    """The shared personas on the transactional database the live server reads."""
    return personas


# ---------------------------------------------------------------- helpers


def login(page: Any, base: str, username: str) -> None:
    """Log in through the real workbench form (a fresh session: earlier cookies are dropped)."""
    page.context.clear_cookies()
    page.goto(f"{base}/workbench/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/workbench/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/workbench/(\?.*)?$"))


def open_action(page: Any, action: str) -> Any:
    """Open the <details> of one action card on the petition page and return the card."""
    card = page.locator(f"#action-{action}")
    card.wait_for()
    if card.locator("details").get_attribute("open") is None:
        card.locator("summary").click()
    return card


def submit_action(page: Any, card: Any) -> None:
    """Submit an action form (htmx). Success sends the browser on (HX-Redirect); a refusal swaps the card."""
    try:
        with page.expect_navigation(timeout=10000):
            card.locator("button[type=submit]").click()
    except PlaywrightTimeout:
        pass  # no navigation: the card came back with the reason, asserted below
    page.wait_for_load_state("load")
    errors = page.locator(".action-card .form-errors")
    assert errors.count() == 0, errors.first.inner_text()


def petition_page(page: Any, base: str, number: str) -> None:
    page.goto(f"{base}/workbench/p/{number}/")


def track(page: Any, base: str, number: str, code: str) -> None:
    """Track with 编号 + 查询码 on the portal (a fresh, anonymous session)."""
    page.context.clear_cookies()
    page.goto(f"{base}/track/")
    page.fill("input[name=number]", number)
    page.fill("input[name=code]", code)
    page.click("form.track-form button[type=submit]")
    page.wait_for_url(f"**/track/{number}/")


def portal_act(page: Any, section: str) -> None:
    """Send one of the citizen's forms on the track page (htmx swaps the live part of the page)."""
    with page.expect_response(lambda r: "/track/" in r.url and r.request.method == "POST"):
        page.locator(f"#{section} form button[type=submit]").first.click()
    wait_for_swap(page)


def wait_for_swap(page: Any) -> None:
    """Wait until htmx has swapped and settled the answer: the response alone may come before the DOM changes
    (and "networkidle" is a state a page reaches once, so it proves nothing after the first load)."""
    # A locator, not wait_for_function: the pages' CSP forbids evaluating a string as script.
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def pick_region(page: Any) -> None:
    """西地省 → A市 → A1区 in the area picker (htmx loads each level below the chosen one)."""
    for level, code in (("province", "990000"), ("city", "990100"), ("county", "990101")):
        select = page.locator(f"select[name={level}]")
        select.locator(f"option[value='{code}']").wait_for(state="attached")
        # A level swapped in out of band gets its htmx trigger once the swap settles.
        select.evaluate(
            "el => new Promise(ok => { const t = () => el['htmx-internal-data'] ? ok() : setTimeout(t, 20); t(); })"
        )
        with page.expect_response(lambda r: "/submit/region/" in r.url):
            select.select_option(code)
        wait_for_swap(page)
    # The picker names the petition department that will receive the petition.
    page.locator("#region-receiver", has_text="A1区信访局").wait_for()


def fill_submission(page: Any) -> None:
    page.fill("[name=title]", "小区路灯长期不亮")
    page.fill("[name=facts]", "丽发新城3栋门前的路灯已经坏了一个多月，夜里一片漆黑。")
    page.fill("[name=request_and_reasons]", "请尽快修复路灯，因为老人夜里出行不安全。")
    page.fill("[name=difficulties]", "老人晚上不敢出门。")
    page.fill("[name=history]", "没有。")
    page.fill("[name=prior_handling]", "物业说不归他们管。")
    page.check("input[name=nature][value=appeal]")
    page.check("input[name=petitioner_kind][value=person]")
    pick_region(page)
    page.fill("[name=problem_address]", "丽发新城3栋")
    page.fill("[name=name]", "王五")
    page.fill("[name=phone]", "13800001111")
    page.fill("[name=address]", "A1区丽发新城3栋101")


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def no_horizontal_scroll(page: Any, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{page.url}: scrollWidth {scroll} > {width}"


# ---------------------------------------------------------------- the full journey


def test_full_journey(live_server: Any, staff: Any, desktop: Any) -> None:
    base = live_server.url
    page = desktop

    # A citizen submits, answering the five questions and choosing the area.
    page.goto(f"{base}/submit/")
    fill_submission(page)
    page.click("form.submit-form button[type=submit]:not([name])")
    page.wait_for_url("**/receipt/")
    number = page.locator("#receipt-number").inner_text().strip()
    code = page.locator("#receipt-code").inner_text().strip()
    assert number and code
    assert "编号" in page.content() and "查询码" in page.content()

    # The registrar opens it from the inbox and forwards it to A1区住建局 through the unit picker.
    login(page, base, "registrar_a")
    page.locator(f"a[href$='/workbench/p/{number}/']").first.click()
    page.wait_for_url(f"**/workbench/p/{number}/")
    card = open_action(page, "forward")
    picker = card.locator("fieldset.unit-picker").first
    picker.locator("input[type=search]").fill("住房")
    picker.get_by_label(HOUSING, exact=True).check()
    submit_action(page, card)
    assert Petition.objects.get(number=number).current_unit.name == HOUSING

    # handler_b accepts with a notice.
    login(page, base, "handler_b")
    petition_page(page, base, number)
    card = open_action(page, "accept")
    card.locator("[name=notice]").fill("您的来信已受理，我局将在六十日内办结并书面答复。")
    submit_action(page, card)

    # handler_b submits the decision: 予以支持, opinion and legal basis.
    petition_page(page, base, number)
    card = open_action(page, "submit_decision")
    card.locator("[name=outcome]").select_option("support")
    card.locator("[name=opinion]").fill("经现场核实，路灯确已损坏，我局已责成物业在七日内修复。")
    card.locator("[name=legal_basis]").fill("《城市道路照明设施管理规定》")
    submit_action(page, card)

    # head_b approves and issues the 信访处理意见书.
    login(page, base, "head_b")
    petition_page(page, base, number)
    card = open_action(page, "approve_decision")
    submit_action(page, card)
    assert Petition.objects.get(number=number).state == "replied"

    # The .docx downloads from the petition page and names the unit and the outcome.
    petition_page(page, base, number)
    link = page.locator("a[download]", has_text="信访处理意见书").first
    with page.expect_download() as info:
        link.click()
    path = info.value.path()
    with open(path, "rb") as f:
        text = docx_text(f.read())
    assert HOUSING in text
    assert "予以支持" in text

    # The citizen tracks, rates both units, and requests 复查.
    track(page, base, number, code)
    rate_forms = page.locator("#act-rate form.rate-form")
    assert rate_forms.count() >= 1
    # Each rating swaps the section in place; wait for the swap (one form fewer) before
    # counting again, or a slow machine counts the form it has just rated.
    while remaining := rate_forms.count():
        form = rate_forms.first
        form.locator("input[type=radio][value=satisfied]").check()
        form.locator("textarea, input[type=text]").last.fill("处理及时。")
        with page.expect_response(lambda r: r.url.endswith("/rate/")):
            form.locator("button[type=submit]").click()
        expect(rate_forms).to_have_count(remaining - 1)
    assert page.locator("#act-rate .given-ratings li").count() >= 1
    page.fill("[name=review-reason]", "路灯修好后又坏了，请上级机关复查。")
    portal_act(page, "act-review")
    assert Petition.objects.get(number=number).state == "review"

    # county_head (A1区政府) decides the 复查.
    login(page, base, "county_head")
    petition_page(page, base, number)
    card = open_action(page, "decide_review")
    card.locator("[name=outcome]").select_option("uphold")
    card.locator("[name=opinion]").fill("经复查，原处理意见认定事实清楚，予以维持。")
    submit_action(page, card)
    assert Petition.objects.get(number=number).state == "reviewed"

    # The citizen requests 复核.
    track(page, base, number, code)
    page.fill("[name=recheck-reason]", "仍不满意，请求复核。")
    portal_act(page, "act-recheck")
    assert Petition.objects.get(number=number).state == "recheck"

    # city_head (A市政府) decides the 复核: the matter is final.
    login(page, base, "city_head")
    petition_page(page, base, number)
    card = open_action(page, "decide_recheck")
    card.locator("[name=outcome]").select_option("uphold")
    card.locator("[name=opinion]").fill("经复核，维持复查意见。本复核意见为终结意见。")
    submit_action(page, card)
    assert Petition.objects.get(number=number).state == "terminated"

    # The citizen's page shows the terminated state.
    track(page, base, number, code)
    summary = page.locator("#summary").inner_text()
    assert "终结" in summary, summary


# ---------------------------------------------------------------- overdue: 超期 for staff, 催办 for the citizen


def test_overdue_shows_to_staff_and_citizen_can_urge(live_server: Any, staff: Any, desktop: Any) -> None:
    base = live_server.url
    page = desktop
    with time_machine.travel(dt.datetime.now(TZ) - dt.timedelta(days=60), tick=False):
        petition, code = register(staff.registrar_a, channel="online")

    login(page, base, "registrar_a")
    page.goto(f"{base}/workbench/?tab=overdue")
    assert page.locator("#tab-overdue").get_attribute("aria-current") == "page"
    assert page.locator(".inbox-table").get_by_role("link", name=petition.number).count() == 1

    track(page, base, petition.number, code)
    urge = page.locator("#act-urge")
    assert urge.locator("form").count() == 1, urge.inner_text()
    page.fill("[name=urge-message]", "已经超过期限，请尽快转送。")
    portal_act(page, "act-urge")
    assert petition.events.filter(action="urge").count() == 1
    assert page.locator("#action-status").inner_text().strip()


# ---------------------------------------------------------------- an outsider unit


def test_outsider_cannot_open_petition_page(live_server: Any, staff: Any, desktop: Any) -> None:
    base = live_server.url
    page = desktop
    petition, _code = register(staff.registrar_a)
    login(page, base, "outsider")
    response = page.goto(f"{base}/workbench/p/{petition.number}/")
    assert response is not None and response.status == 404
    assert petition.title not in page.content()


# ---------------------------------------------------------------- a closed 复查 window


def test_closed_review_window_refuses_with_reason(live_server: Any, staff: Any, desktop: Any) -> None:
    base = live_server.url
    page = desktop
    with time_machine.travel(dt.datetime.now(TZ) - dt.timedelta(days=150), tick=False):
        petition, code = register(staff.registrar_a, channel="online")
        to_replied(staff, petition, outcome="support")

    track(page, base, petition.number, code)
    review = page.locator("#act-review")
    assert review.locator("form").count() == 0
    closed = review.locator(".window-closed").inner_text()
    assert re.search(r"\d{4}-\d{2}-\d{2}|\d{4}年\d{1,2}月\d{1,2}日", closed), closed
    assert page.locator("[name=review-reason]").count() == 0


# ---------------------------------------------------------------- phone width


def test_phone_pages_do_not_scroll_sideways(live_server: Any, staff: Any, phone: Any) -> None:
    base = live_server.url
    page = phone
    petition, code = register(staff.registrar_a, channel="online")
    for path in ("/", "/submit/"):
        page.goto(f"{base}{path}")
        no_horizontal_scroll(page, 375)
    page.goto(f"{base}/submit/")
    pick_region(page)
    no_horizontal_scroll(page, 375)
    track(page, base, petition.number, code)
    no_horizontal_scroll(page, 375)
