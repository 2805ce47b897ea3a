"""Browser test of the workbench search by phone (issue 11, Acceptance): a registrar types a petitioner's phone
number and the petition registered with that phone is the row listed; another phone finds nothing. The phone column
is encrypted, so the exact match goes through its keyed hash (``xinfang.search.selectors.search_q``)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from e2e.test_journey import login
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import ID_OK, register

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = "#inbox-table tbody a[data-row-link]"


@pytest.fixture
def staff(transactional_db: None, personas: Any) -> Any:
    return personas


def person(name: str, phone: str) -> list[PetitionerData]:
    return [PetitionerData(name=name, id_number=ID_OK, phone=phone, address="丽发新城3栋")]


def search(page: Any, text: str) -> None:
    """Type into the inbox search and send it (a GET form: wait for the page it navigates to)."""
    page.fill("form.filters input[name=q]", text)
    with page.expect_navigation():
        page.locator("form.filters button[type=submit]").first.click()
    page.wait_for_url(re.compile(rf".*[?&]q={re.escape(quote(text))}.*"))


def test_a_registrar_finds_the_petition_by_its_petitioners_phone(live_server: Any, staff: Any, desktop: Any) -> None:
    base, page = live_server.url, desktop
    wanted, _ = register(staff.registrar_a, title="路灯不亮", petitioners=person("张三", "13812345678"))
    other, _ = register(staff.registrar_a, title="路灯不亮（另一户）", petitioners=person("李四", "13987654321"))
    login(page, base, staff.registrar_a.username)
    page.goto(f"{base}/workbench/?tab=all")
    expect(page.locator(ROWS)).to_have_count(2)  # both are in the registrar's list before searching

    search(page, "13812345678")
    expect(page.locator(ROWS)).to_have_text([wanted.number])  # exactly the petition registered with that phone
    assert other.number not in page.locator("#inbox-table tbody").inner_text()

    search(page, "13700009999")  # a valid mobile number no petition was registered with
    expect(page.locator(ROWS)).to_have_count(0)
    expect(page.locator("p.empty")).to_be_visible()
