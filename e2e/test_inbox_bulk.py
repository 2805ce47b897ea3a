"""Browser tests of the inbox (issue 11): sort by a column, filter, save a view and reopen it, bulk-assign two
items and read the result page, merge two items (并案) from the petition page."""

from __future__ import annotations

import re
from typing import Any

import pytest

from e2e.test_journey import login, open_action, petition_page, submit_action
from xinfang.petitions import services
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import register
from xinfang.petitions.workflow import State

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def staff(transactional_db: None, personas: Any) -> Any:
    return personas


def test_sort_filter_and_a_saved_view_reopened(live_server: Any, staff: Any, desktop: Any) -> None:
    base, page = live_server.url, desktop
    letter, _ = register(staff.registrar_a, title="来信事项")
    visit, _ = register(staff.registrar_a, title="走访事项", channel="visit")
    login(page, base, staff.registrar_a.username)
    page.goto(f"{base}/workbench/?tab=all")

    # Sort by the received date: the header link sorts and says so (aria-sort).
    page.locator("#inbox-table thead th a").filter(has_text=re.compile("收到|Received")).first.click()
    page.wait_for_url(re.compile(r".*sort=received.*"))
    assert page.locator("#inbox-table thead th[aria-sort]").count() == 1

    # Filter by channel: only the visit is listed.
    page.select_option("form.filters select[name=channel]", "visit")
    page.locator("form.filters button[type=submit]").click()
    page.wait_for_url(re.compile(r".*channel=visit.*"))
    numbers = page.locator("#inbox-table tbody a[data-row-link]").all_inner_texts()
    assert numbers == [visit.number] and letter.number not in numbers

    # Save the view, leave it, and reopen it from the list of saved views.
    page.locator("details.save-view summary").click()
    page.fill("#view-name", "走访件")
    page.locator("details.save-view button[type=submit]").click()
    page.wait_for_url(re.compile(r".*view=\d+.*"))
    page.goto(f"{base}/workbench/?tab=all")
    assert letter.number in page.locator("#inbox-table tbody").inner_text()
    page.locator(".saved-view-list a").filter(has_text="走访件").click()
    page.wait_for_url(re.compile(r".*channel=visit.*"))
    assert page.locator("#inbox-table tbody a[data-row-link]").all_inner_texts() == [visit.number]


def test_bulk_assign_two_items_and_see_each_result(live_server: Any, staff: Any, desktop: Any) -> None:
    base, page = live_server.url, desktop
    items = []
    for title in ("甲事项", "乙事项"):
        p, _ = register(staff.registrar_a, title=title)
        services.petition_forward(petition=p, actor=staff.registrar_a, to_unit=staff.head_b.unit)
        items.append(p)
    login(page, base, staff.head_b.username)
    page.goto(f"{base}/workbench/?tab=all")
    for p in items:
        page.check(f"#select-{p.pk}")
    assert page.locator("#bulk-count").inner_text().startswith("2")
    page.select_option("#bulk-action", "assign_handler")
    page.select_option("#bulk-assignee", str(staff.handler_b.pk))
    page.click("#bulk-submit")
    page.wait_for_selector("#bulk-results")
    assert page.locator("#bulk-results tr.bulk-done").count() == 2
    assert page.locator("#bulk-results tr.bulk-refused").count() == 0
    for p in items:
        assert Petition.objects.get(pk=p.pk).assignee == staff.handler_b


def test_select_all_on_the_page_then_forward_reports_the_refused_row(
    live_server: Any, staff: Any, desktop: Any
) -> None:
    base, page = live_server.url, desktop
    fresh, _ = register(staff.registrar_a, title="待转送")
    routed, _ = register(staff.registrar_a, title="已转送")
    services.petition_forward(petition=routed, actor=staff.registrar_a, to_unit=staff.handler_b.unit)
    login(page, base, staff.registrar_a.username)
    page.goto(f"{base}/workbench/?tab=all")
    page.check("#select-page")
    page.select_option("#bulk-action", "forward")
    picker = page.locator("#bulk-to_unit")
    picker.locator("input[type=search]").fill("住房")
    picker.locator("label").filter(has_text="A1区住房和城乡建设局").first.click()
    page.click("#bulk-submit")
    page.wait_for_selector("#bulk-results")
    assert page.locator(f"#bulk-results tr.bulk-done[data-number='{fresh.number}']").count() == 1
    refused = page.locator(f"#bulk-results tr.bulk-refused[data-number='{routed.number}']")
    assert refused.count() == 1 and len(refused.inner_text()) > len(routed.number) + 10  # the reason is given


def test_merge_two_items_from_the_petition_page(live_server: Any, staff: Any, desktop: Any) -> None:
    base, page = live_server.url, desktop
    primary, _ = register(staff.registrar_a, title="首次来信")
    linked, _ = register(staff.registrar_a, title="再次来信")
    login(page, base, staff.registrar_a.username)
    petition_page(page, base, linked.number)
    card = open_action(page, "merge")
    card.locator("input[name=primary]").fill(primary.number)
    submit_action(page, card)
    assert Petition.objects.get(pk=linked.pk).state == State.MERGED
    petition_page(page, base, linked.number)
    assert primary.number in page.locator("#merged-into").inner_text()
    petition_page(page, base, primary.number)
    assert linked.number in page.locator("#merged-items").inner_text()
