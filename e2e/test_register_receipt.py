"""Browser test (issue 11): a registrar registers a visit through the area picker and prints the 登记回执,
which carries the 编号 and the 查询码 (shown this once)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from e2e.test_journey import login
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff(transactional_db: None, personas: Any) -> Any:
    return personas


def pick_area(page: Any) -> None:
    """西地省 → A市 → A1区 in the registration form's area picker (htmx loads each level below)."""
    for name, code in (("area_province", "990000"), ("area_city", "990100"), ("area_county", "990101")):
        select = page.locator(f"select[name={name}]")
        select.locator(f"option[value='{code}']").wait_for(state="attached")
        select.evaluate(
            "el => new Promise(ok => { const t = () => el['htmx-internal-data'] ? ok() : setTimeout(t, 20); t(); })"
        )
        select.select_option(code)
        # The response arriving is not the swap having happened (nor is "networkidle", a state reached once per
        # page): wait for the out-of-band swap that writes this level's code into the hidden field.
        expect(page.locator("#id_problem_division_code")).to_have_value(code)


def test_registrar_prints_the_receipt_with_number_and_query_code(live_server: Any, staff: Any, desktop: Any) -> None:
    page = desktop
    login(page, live_server.url, "registrar_a")
    page.goto(f"{live_server.url}/workbench/register/")
    page.select_option("[name=channel]", "visit")
    for box in page.locator("input[name^='q-asked_']").all():
        box.check()
    page.fill("[name=p-0-name]", "张三")
    page.fill("[name=p-0-phone]", "13812345678")
    page.fill("[name=title]", "搅拌站夜间施工噪音扰民")
    page.fill("[name=request]", "请求责令搅拌站停止夜间施工")
    page.fill("[name=facts_and_reasons]", "每天夜里施工到凌晨两点。")
    page.select_option("[name=nature]", "appeal")
    pick_area(page)
    page.click("#register-form > button[type=submit]")
    page.wait_for_url(re.compile(r".*/workbench/p/[^/]+/receipt/$"))

    petition = Petition.objects.get()
    assert petition.problem_division_code == "990101"
    assert page.locator("#receipt-number").inner_text() == petition.number
    code = page.locator("#receipt-code").inner_text()
    assert petition.check_tracking_code(code)

    page.emulate_media(media="print")
    assert page.locator("#receipt").is_visible() and page.locator("#receipt-code").is_visible()
    assert not page.locator(".site-header").is_visible()  # navigation is not printed
    assert page.pdf(format="A4")[:4] == b"%PDF"
