"""The dashboards in a browser: the demo leader opens the leader's desk and the figures page, sees the ECharts
charts drawn (SVG of non-zero size), clicks a bar and lands on the petition list filtered to what the bar counts —
as many rows as the bar's value. At phone width nothing scrolls sideways."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo_leader(transactional_db: None) -> str:
    from xinfang.orgs.demo import DEMO_PASSWORD, build_demo_tree, create_demo_staff
    from xinfang.petitions.demo import build_demo_petitions

    tree = build_demo_tree()
    create_demo_staff(tree)
    build_demo_petitions(tree, count=40)
    return DEMO_PASSWORD


def login(page: Any, base: str, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/workbench/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action$='/workbench/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/workbench/(\?.*)?$"))


def drawn_sizes(page: Any) -> list[tuple[float, float]]:
    page.wait_for_selector("[data-chart][data-drawn] svg")
    return page.eval_on_selector_all(
        "[data-chart] svg", "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })"
    )


def test_leader_sees_charts_and_drills_down_from_a_bar(live_server: Any, demo_leader: str, desktop: Any) -> None:
    page, base = desktop, live_server.url
    login(page, base, "leader", demo_leader)

    page.goto(f"{base}/workbench/desk/")
    sizes = drawn_sizes(page)
    assert len(sizes) >= 6, "a trend line for each headline figure with a series"
    assert all(w > 0 and h > 0 for w, h in sizes)
    assert page.locator("#headline-received .headline-value").inner_text().strip() != "—"

    page.click("#desk-dashboard-link")
    page.wait_for_url(re.compile(r".*/workbench/stats/.*"))
    page.click("#preset-last_12_months")  # the desk shows the last complete month; the year has more to click
    page.wait_for_url(re.compile(r".*preset=last_12_months.*"))
    sizes = drawn_sizes(page)
    assert len(sizes) >= 8 and all(w > 0 and h > 0 for w, h in sizes)

    data = json.loads(page.locator("#chart-data-received_by_channel").text_content())
    index = next(i for i, v in enumerate(data["values"]) if v and v <= 50 and data["urls"][i])
    value = data["values"][index]
    page.locator("#received_by_channel-chart").scroll_into_view_if_needed()
    # The middle of the bar, from ECharts' own coordinate system.
    x, y = page.evaluate(
        """([i, v]) => {
            const el = document.querySelector('#received_by_channel-chart');
            const c = echarts.getInstanceByDom(el);
            const end = c.convertToPixel({seriesIndex: 0}, [v, i]);
            const start = c.convertToPixel({seriesIndex: 0}, [0, i]);
            const box = el.getBoundingClientRect();
            return [box.left + (start[0] + end[0]) / 2, box.top + end[1]];
        }""",
        [index, value],
    )
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(r".*/workbench/\?.*channel=.*"))
    assert page.locator("#drill-down, .inbox-table").count() >= 1
    assert page.locator("table.inbox-table tbody tr").count() == value


def test_dashboards_fit_a_phone(live_server: Any, demo_leader: str, phone: Any) -> None:
    page, base = phone, live_server.url
    login(page, base, "leader", demo_leader)
    for path in ("/workbench/desk/", "/workbench/stats/"):
        page.goto(f"{base}{path}")
        page.wait_for_selector("[data-chart][data-drawn] svg")
        width = page.evaluate("window.innerWidth")
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{path}: scrollWidth {scroll} > {width}"
