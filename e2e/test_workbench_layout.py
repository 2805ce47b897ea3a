"""Browser checks of the staff workbench (issue 11, Build item 6): the unit picker searches more than once, the
staff header is one line on a 1366 px screen, and no workbench page scrolls sideways on a 390 px phone."""

from __future__ import annotations

import re
from typing import Any

import pytest

from e2e.test_journey import HOUSING, PASSWORD, login, no_horizontal_scroll, open_action
from xinfang.orgs.models import Role, StaffRole
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import ID_OK, register

pytestmark = pytest.mark.django_db(transaction=True)

ENVIRONMENT = "A1区生态环境局"
# One page of each workbench area, as a user with every staff role opens them.
WORKBENCH_PAGES = (
    "/workbench/",
    "/workbench/p/{number}/",
    "/workbench/register/",
    "/workbench/desk/",
    "/workbench/supervision/",
    "/workbench/reception/",
    "/workbench/casework/",
    "/workbench/joint/",
    "/workbench/stats/",
)


@pytest.fixture
def staff(transactional_db: None, personas: Any) -> Any:
    return personas


def _all_roles(user: Any) -> None:
    """Give the city petition bureau's head the remaining roles, so that every workbench page opens and the
    header shows every link (its longest form)."""
    have = set(StaffRole.objects.filter(user=user).values_list("role", flat=True))
    StaffRole.objects.bulk_create(
        [StaffRole(user=user, role=r) for r in (Role.SUPERVISOR, Role.LEADER, Role.ANALYST) if r not in have]
    )


def _login_as(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/workbench/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action$='/workbench/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/workbench/(\?.*)?$"))


def test_unit_picker_searches_again_in_an_action_form(live_server: Any, staff: Any, desktop: Any) -> None:
    """Typing a second search into the 转送 picker replaces the first result (the options box stays the target)."""
    base = live_server.url
    page = desktop
    petition, _code = register(staff.registrar_a)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(page, base, "registrar_a")
    page.goto(f"{base}/workbench/p/{petition.number}/")
    card = open_action(page, "forward")
    picker = card.locator("fieldset.unit-picker").first
    search = picker.locator("input[type=search]")
    options = picker.locator(".unit-options")

    with page.expect_response(lambda r: "unit_q=" in r.url):
        search.fill("住房")
    picker.get_by_label(HOUSING, exact=True).wait_for()
    assert picker.get_by_label(ENVIRONMENT, exact=True).count() == 0

    with page.expect_response(lambda r: "unit_q=" in r.url):
        search.fill("生态")
    picker.get_by_label(ENVIRONMENT, exact=True).wait_for()
    assert picker.get_by_label(HOUSING, exact=True).count() == 0
    assert options.count() == 1  # the options box itself is still there for a third search
    assert not [e for e in errors if "targetError" in e], errors

    picker.get_by_label(ENVIRONMENT, exact=True).check()
    assert picker.locator("input[type=radio]:checked").get_attribute("value")


def test_staff_header_is_one_line_at_1366px(live_server: Any, staff: Any, browser: Any) -> None:
    """Brand, every nav link, the 三亮 staff identity, 退出 and the language menu fit one row on a laptop."""
    _all_roles(staff.city_dept_head)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    try:
        _login_as(page, live_server.url, "city_dept_head")
        row = page.locator(".site-header .header-row")
        tops = row.evaluate(
            "el => [el.querySelector('.brand'), ...el.querySelectorAll('nav a, .staff-id, .logout button'),"
            " el.querySelector('.lang select')].map(e => Math.round(e.getBoundingClientRect().top))"
        )
        assert max(tops) - min(tops) <= 4, tops  # the same line (a few pixels of baseline difference)
        right = row.evaluate("el => Math.max(...[...el.children].map(c => c.getBoundingClientRect().right))")
        assert right <= 1366, right
        no_horizontal_scroll(page, 1366)
        # The inbox tabs stay one row too.
        tab_tops = page.locator(".inbox-tabs a").evaluate_all(
            "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
        )
        assert len(tab_tops) > 5 and len(set(tab_tops)) == 1, tab_tops
    finally:
        context.close()


def test_no_workbench_page_scrolls_sideways_at_390px(live_server: Any, staff: Any, browser: Any) -> None:
    _all_roles(staff.city_dept_head)
    long_address = "西地省A市A1区丽发新城3栋101室东侧通道（靠近北门停车场入口）"
    petition, _code = register(
        staff.registrar_a,
        petitioners=[PetitionerData(name="张三", id_number=ID_OK, phone="13812345678", address=long_address)],
    )
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        _login_as(page, live_server.url, "city_dept_head")
        for path in WORKBENCH_PAGES:
            response = page.goto(live_server.url + path.format(number=petition.number))
            assert response is not None and response.status == 200, path
            no_horizontal_scroll(page, 390)
        # The holding unit sees the address: it reads as a line of text, not one character per line.
        _login_as(page, live_server.url, "registrar_a")
        page.goto(f"{live_server.url}/workbench/p/{petition.number}/")
        address = page.locator(".petitioners-table td.address")
        assert long_address in address.inner_text()
        box = address.evaluate("el => { const r = el.getBoundingClientRect(); return [r.width, r.height]; }")
        assert box[0] >= 200 and box[1] < 120, box  # a few lines of text, not one character per line
        no_horizontal_scroll(page, 390)
    finally:
        context.close()
