"""The inbox: tabs by role and step with cheap counts, filters, search, keyset pagination, flat query count."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xinfang.petitions import services
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import ID_OK, register, to_handling, to_replied
from xinfang.workbench.selectors import PAGE_SIZE
from xinfang.workbench.tests.conftest import on

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
INBOX = reverse("workbench:inbox")


def tab_counts(response: Any) -> dict[str, int | None]:
    return {tab.key: count for tab, count in response.context["tabs"]}


def numbers(response: Any) -> list[str]:
    return [row.petition.number for row in response.context["rows"]]


@pytest.fixture
def desk(personas: Any) -> dict[str, Any]:
    """One petition at each step, all registered at unit A on a Monday."""
    p = personas
    with on(MONDAY):
        registered, _ = register(p.registrar_a, title="路灯不亮", petitioners=[PetitionerData(name="欧阳娜娜")])
        pending, _ = register(p.registrar_a, title="噪音扰民")
        services.petition_forward(petition=pending, actor=p.registrar_a, to_unit=p.handler_b.unit)
        handling, _ = register(p.registrar_a, title="物业不修电梯")
        to_handling(p, handling)
        decision, _ = register(p.registrar_a, title="小区停车")
        to_handling(p, decision)
        services.petition_submit_decision(petition=decision, actor=p.handler_b, outcome="explain", opinion="经核实…")
        extension, _ = register(p.registrar_a, title="房屋漏水")
        to_handling(p, extension)
        services.petition_request_extension(petition=extension, actor=p.handler_b, days=20, reason="需检测")
        replied, _ = register(p.registrar_a, title="道路破损")
        to_replied(p, replied)
    return {
        "registered": registered,
        "pending": pending,
        "handling": handling,
        "decision": decision,
        "extension": extension,
        "replied": replied,
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("registrar_a", {"registered": 1, "pending": 0, "handling": 0, "approval": 0, "to_rate": 1, "review": 0}),
        ("handler_b", {"registered": 0, "pending": 1, "handling": 1, "approval": 2, "to_rate": 1, "review": 0}),
        ("head_b", {"registered": 0, "pending": 1, "handling": 1, "approval": 2, "to_rate": 1, "review": 0}),
        ("supervisor", {"due_soon": 0, "overdue": 0}),
    ],
)
def test_tabs_and_counts_by_persona(client, personas, desk, persona, expected):
    client.force_login(getattr(personas, persona))
    with on(MONDAY):
        response = client.get(INBOX)
    counts = response.context["counts"]  # every count; tabs without work and outside the roles are not shown
    for key, value in expected.items():
        assert counts[key] == value, key
    shown = tab_counts(response)
    assert all(shown[key] == counts[key] for key in shown if key != "all")
    assert shown["all"] is None  # "everything I can see" has no count: it would not be cheap


def test_tabs_follow_roles_and_show_any_tab_with_work(client, personas, desk):
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        keys = set(tab_counts(client.get(INBOX)))
    assert {"registered", "pending", "handling", "to_rate", "due_soon", "overdue", "all"} <= keys
    assert "approval" not in keys and "disputed" not in keys  # heads' tabs, empty for unit A
    client.force_login(personas.supervisor)
    with on(MONDAY):
        keys = set(tab_counts(client.get(INBOX)))
    assert keys == {"due_soon", "overdue", "all"}


@pytest.mark.parametrize(
    ("persona", "tab", "expected"),
    [
        ("registrar_a", "registered", ["registered"]),
        ("registrar_a", "to_rate", ["replied"]),
        ("handler_b", "pending", ["pending"]),
        ("handler_b", "handling", ["handling"]),
        ("head_b", "approval", ["extension", "decision"]),
        ("head_b", "to_rate", ["replied"]),
    ],
)
def test_each_tab_lists_its_petitions_newest_first(client, personas, desk, persona, tab, expected):
    client.force_login(getattr(personas, persona))
    with on(MONDAY):
        response = client.get(INBOX, {"tab": tab, "sort": "-number"})
    assert numbers(response) == [desk[key].number for key in expected]
    assert len(numbers(response)) == tab_counts(response)[tab]


def test_rating_recorded_takes_the_petition_out_of_awaiting_rating(client, personas, desk):
    with on(MONDAY):
        services.petition_rate(
            petition=desk["replied"], actor=personas.registrar_a, target="petition_dept", value="satisfied"
        )
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        assert tab_counts(client.get(INBOX))["to_rate"] == 0


def test_overdue_and_due_soon_come_from_the_clocks_of_the_unit_or_the_area(client, personas, desk):
    late = MONDAY + dt.timedelta(days=20)  # route (A) and notice (B) clocks of 15 days have run out
    expected_overdue = {
        "registrar_a": {desk["registered"].number, desk["pending"].number},  # petition dept: its county
        "handler_b": {desk["pending"].number},  # its own unit
        "supervisor": {desk["registered"].number, desk["pending"].number},  # the city
        "outsider": set(),
    }
    for persona, expected in expected_overdue.items():
        client.force_login(getattr(personas, persona))
        with on(late):
            response = client.get(INBOX, {"tab": "overdue"})
        assert set(numbers(response)) == expected, persona
        assert tab_counts(response)["overdue"] == len(expected)
        for row in response.context["rows"]:
            assert row.status == "overdue"
    soon = MONDAY + dt.timedelta(days=13)  # due Tue 17 March: within the 3 days of 临期
    client.force_login(personas.supervisor)
    with on(soon):
        response = client.get(INBOX, {"tab": "due_soon"})
    assert set(numbers(response)) == {desk["registered"].number, desk["pending"].number}
    assert tab_counts(response)["due_soon"] == 2 and tab_counts(response)["overdue"] == 0


def test_search_by_number_text_and_name(client, personas, desk):
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        by_number = client.get(INBOX, {"tab": "all", "q": desk["pending"].number.lower()})
        by_text = client.get(INBOX, {"tab": "all", "q": "电梯"})
        by_name = client.get(INBOX, {"tab": "all", "q": "欧阳"})
    assert numbers(by_number) == [desk["pending"].number]
    assert numbers(by_text) == [desk["handling"].number]
    assert numbers(by_name) == [desk["registered"].number]


def test_name_search_only_where_identity_may_be_seen(client, personas, desk):
    """The supervisor sees the petition (masked); a search by the petitioner's name must not reveal it."""
    client.force_login(personas.supervisor)
    with on(MONDAY):
        by_number = client.get(INBOX, {"tab": "all", "q": desk["registered"].number})
        by_name = client.get(INBOX, {"tab": "all", "q": "欧阳"})
    assert numbers(by_number) == [desk["registered"].number]
    assert numbers(by_name) == []


def test_filters_channel_nature_urgent_repeat(client, personas, desk):
    p = personas
    with on(MONDAY):
        visit, _ = register(p.registrar_a, channel="visit", is_urgent=True, title="来访事项")
        repeat, _ = register(p.registrar_a, previous=desk["registered"], nature="suggestion", title="重复事项")
    client.force_login(p.registrar_a)
    with on(MONDAY):
        assert numbers(client.get(INBOX, {"tab": "registered", "channel": "visit"})) == [visit.number]
        assert numbers(client.get(INBOX, {"tab": "registered", "urgent": "on"})) == [visit.number]
        assert numbers(client.get(INBOX, {"tab": "registered", "repeat": "on"})) == [repeat.number]
        assert numbers(client.get(INBOX, {"tab": "registered", "nature": "suggestion"})) == [repeat.number]
        everything = client.get(INBOX, {"tab": "registered", "channel": "nonsense"})  # invalid filter: ignored
    assert len(numbers(everything)) == 3


def _register_many(personas: Any, n: int) -> list[str]:
    with on(MONDAY):
        return [register(personas.registrar_a, title=f"第{i}号事项")[0].number for i in range(n)]


def test_keyset_pagination_continues_after_page_one_without_duplicates(client, personas):
    made = _register_many(personas, PAGE_SIZE + 7)
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        first = client.get(INBOX, {"tab": "registered", "sort": "-number"})
        assert len(numbers(first)) == PAGE_SIZE and first.context["next_page"]
        assert "after=" in first.context["next_page"] and "offset" not in first.context["next_page"]
        second = client.get(f"{INBOX}?{first.context['next_page']}")
    assert len(numbers(second)) == 7 and second.context["next_page"] == ""
    seen = numbers(first) + numbers(second)
    assert len(set(seen)) == len(seen) == len(made)
    assert seen == list(reversed(made))  # newest first, page 2 starts right after page 1
    html = second.content.decode()
    assert 'rel="next"' not in html and "tab=registered" in second.context["first_page"]


def test_pagination_keeps_the_filters(client, personas):
    _register_many(personas, PAGE_SIZE + 2)
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        first = client.get(INBOX, {"tab": "registered", "q": "事项", "channel": "letter", "sort": "-number"})
    assert "q=" in first.context["next_page"] and "channel=letter" in first.context["next_page"]


def test_a_search_without_a_chosen_order_is_ranked_by_relevance_and_highlighted(client, personas):
    _register_many(personas, 3)
    best, _ = register(personas.registrar_a, title="拖欠农民工工资", request="请求支付拖欠的工资")
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        response = client.get(INBOX, {"tab": "all", "q": "拖欠"})
    rows = response.context["rows"]
    assert response.context["by_relevance"] and response.context["next_page"] == ""
    assert rows[0].petition.pk == best.pk
    assert "<mark>拖欠</mark>" in str(rows[0].hit)


def _inbox_queries(client: Any, tab: str) -> int:
    client.get(INBOX, {"tab": tab})  # warm per-process caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(INBOX, {"tab": tab})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("tab", ["registered", "all", "overdue"])
def test_inbox_query_count_does_not_grow_with_rows(client, personas, django_assert_max_num_queries, tab):
    _register_many(personas, 5)
    client.force_login(personas.registrar_a)
    with on(MONDAY + dt.timedelta(days=20)):
        few = _inbox_queries(client, tab)
    _register_many(personas, 35)
    with on(MONDAY + dt.timedelta(days=20)), django_assert_max_num_queries(few):
        response = client.get(INBOX, {"tab": tab})
    assert len(response.context["rows"]) == 40
    # session, user, roles, unit, the state counts, 2 clock counts, the page (+ savepoints); the bulk toolbar's
    # unit picker and the unit's staff (承办人) are one query each.
    assert few <= 14


def test_rows_show_state_holder_and_time_limit(client, personas, desk):
    client.force_login(personas.registrar_a)
    with on(MONDAY + dt.timedelta(days=20)):
        response = client.get(INBOX, {"tab": "overdue"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert desk["pending"].number in html and "A1区住房和城乡建设局" in html
    assert "status-overdue" in html and "Awaiting notice of acceptance" in html


def test_petitioner_without_identity_numbers_is_listed(client, personas):
    """A petition registered with only a name still appears (the list never joins petitioners)."""
    with on(MONDAY):
        petition, _ = register(personas.registrar_a, petitioners=[PetitionerData(name="李四", id_number=ID_OK)])
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        assert numbers(client.get(INBOX, {"tab": "registered"})) == [petition.number]
