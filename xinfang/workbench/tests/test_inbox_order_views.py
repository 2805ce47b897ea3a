"""The inbox ordered by the soonest deadline with keyset pages for every order, the new filters, saved views with
counts and sharing, and the 承办人 (ownership inside a unit) with its "my items" tab."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from conftest import make_user
from xinfang.core.errors import InvalidInput, NotPermitted
from xinfang.orgs.models import Role
from xinfang.petitions import selectors as petition_selectors
from xinfang.petitions import services
from xinfang.petitions.models import Petition, PetitionEvent
from xinfang.petitions.tests.helpers import register, to_handling
from xinfang.petitions.workflow import Action
from xinfang.workbench import selectors as wb
from xinfang.workbench.models import SavedView
from xinfang.workbench.tests.conftest import on

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
INBOX = reverse("workbench:inbox")


def numbers(response: Any) -> list[str]:
    return [row.petition.number for row in response.context["rows"]]


@pytest.fixture
def spread(personas: Any) -> dict[str, Petition]:
    """Registered at unit A on different days (so their routing deadlines differ); two declined (no clock)."""
    made = {}
    for days_ago in (40, 3, 25, 1, 10):
        with on(MONDAY - dt.timedelta(days=days_ago)):
            made[f"d{days_ago}"], _ = register(personas.registrar_a, title=f"事项{days_ago}")
    for name in ("closed1", "closed2"):
        with on(MONDAY):
            p, _ = register(personas.registrar_a, title=name)
            services.petition_decline(petition=p, actor=personas.registrar_a, ground="out_of_scope", reason="不属")
            made[name] = p
    return made


def _all_rows(user: Any, sort: wb.Sort) -> list[str]:
    qs = wb.tab_queryset(user, wb.TABS_BY_KEY["all"], MONDAY)
    return [p.number for p in wb.sorted_rows(qs, sort)]


def test_default_order_is_soonest_deadline_first_overdue_first_and_no_clock_last(client, personas, spread):
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        got = numbers(client.get(INBOX, {"tab": "all"}))
    # The oldest registration owes its routing longest ago: overdue, so first; the declined ones have no clock.
    clocked = [spread[k].number for k in ("d40", "d25", "d10", "d3", "d1")]
    assert got[:5] == clocked
    assert set(got[5:]) == {spread["closed1"].number, spread["closed2"].number}
    dues = [row.due for row in client.get(INBOX, {"tab": "all"}).context["rows"]][:5]
    assert dues == sorted(dues)


@pytest.mark.parametrize("key", sorted(wb.SORT_KEYS))
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_cover_every_order_without_duplicates_or_gaps(personas, spread, key, descending):
    sort = wb.Sort(key, descending)
    user = personas.registrar_a
    with on(MONDAY):
        whole = _all_rows(user, sort)
        seen: list[str] = []
        cursor = None
        for _page in range(10):
            qs = wb.tab_queryset(user, wb.TABS_BY_KEY["all"], MONDAY)
            rows, cursor = wb.page(qs, sort, cursor, size=2)
            seen += [p.number for p in rows]
            if cursor is None:
                break
    assert seen == whole and len(set(seen)) == len(whole) == 7


def test_sortable_headers_say_aria_sort_and_toggle_direction(client, personas, spread):
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        response = client.get(INBOX, {"tab": "all", "sort": "-received"})
    headers = response.context["headers"]
    assert headers["received_on"].aria_sort == "descending" and "sort=received" in headers["received_on"].href
    assert headers["number"].aria_sort == "" and "sort=number" in headers["number"].href
    assert 'aria-sort="descending"' in response.content.decode()
    assert numbers(response)[0] in {spread["closed1"].number, spread["closed2"].number}  # received today


def test_a_bad_cursor_or_sort_is_the_first_page_not_an_error(client, personas, spread):
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        for query in ({"after": "v:not-a-date~1"}, {"after": "~"}, {"sort": "'; drop"}, {"after": "v:x~²"}):
            response = client.get(INBOX, {"tab": "all", **query})
            assert response.status_code == 200 and len(numbers(response)) == 7


def test_state_filter(client, personas, spread):
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        got = numbers(client.get(INBOX, {"tab": "all", "state": "declined"}))
    assert sorted(got) == sorted([spread["closed1"].number, spread["closed2"].number])


def test_warning_level_filter_lists_only_overdue_items(client, personas, spread):
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        got = numbers(client.get(INBOX, {"tab": "all", "level": "overdue"}))
        levels = {row.petition.number: row.level for row in client.get(INBOX, {"tab": "all"}).context["rows"]}
    assert got and all(levels[n] == "overdue" for n in got)
    assert spread["d1"].number not in got


def test_supervised_and_backlog_filters(client, personas, spread):
    from xinfang.casework.services import case_mark
    from xinfang.supervision.services import OrderData, order_issue

    with on(MONDAY):
        order_issue(
            actor=personas.supervisor,
            data=OrderData(target_unit=personas.registrar_a.unit, matter="督办", petition=spread["d10"], reply_days=10),
        )
        case_mark(actor=personas.supervisor, petition=spread["d25"], kind="key", reason="重点")
        client.force_login(personas.registrar_a)
        assert numbers(client.get(INBOX, {"tab": "all", "supervised": "on"})) == [spread["d10"].number]
        assert numbers(client.get(INBOX, {"tab": "all", "backlog": "on"})) == [spread["d25"].number]


# ---------------------------------------------------------------- saved views


def test_save_a_view_lists_it_with_its_count_and_reopens_its_filters(client, personas, spread):
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        response = client.post(
            reverse("workbench:view_save"), {"name": "已拒收", "query": "tab=all&state=declined&sort=-number"}
        )
        view = SavedView.objects.get(owner=personas.registrar_a)
        assert response.status_code == 302 and f"view={view.pk}" in response["Location"]
        assert view.params == {"sort": ["-number"], "state": ["declined"], "tab": ["all"]}
        page = client.get(INBOX)
        listed = {v.name: count for v, count, _query in page.context["saved_views"]}
        assert listed == {"已拒收": 2}
        reopened = client.get(response["Location"])
    assert numbers(reopened) == [spread["closed2"].number, spread["closed1"].number]
    assert reopened.context["current_view"] == view


def test_a_shared_view_is_listed_for_the_unit_but_only_its_owner_changes_it(client, personas, spread, tree):
    colleague = make_user("colleague_a", tree.county_dept, Role.REGISTRAR)
    with on(MONDAY):
        from xinfang.workbench import services as wbs

        shared = wbs.saved_view_create(owner=personas.registrar_a, name="全部", params={"tab": ["all"]}, shared=True)
        wbs.saved_view_create(owner=personas.registrar_a, name="私有", params={"tab": ["all"]})
        client.force_login(colleague)
        names = [v.name for v, _count, _q in client.get(INBOX).context["saved_views"]]
        assert names == ["全部"]
        with pytest.raises(NotPermitted):
            wbs.saved_view_delete(view=shared, actor=colleague)
        assert client.post(reverse("workbench:view_delete", args=[shared.pk])).status_code == 302
        assert SavedView.objects.filter(pk=shared.pk).exists()
        client.force_login(personas.handler_b)  # another unit: not listed, not reachable
        assert client.get(INBOX).context["saved_views"] == []
        assert client.post(reverse("workbench:view_delete", args=[shared.pk])).status_code == 404


def test_view_names_are_unique_per_owner_and_rename_and_delete_work(personas):
    from xinfang.workbench import services as wbs

    view = wbs.saved_view_create(owner=personas.registrar_a, name="甲", params={})
    wbs.saved_view_create(owner=personas.registrar_a, name="乙", params={})
    with pytest.raises(InvalidInput) as refused:
        wbs.saved_view_rename(view=view, actor=personas.registrar_a, name="乙")
    assert refused.value.field == "name"
    wbs.saved_view_rename(view=view, actor=personas.registrar_a, name="丙", shared=True)
    view.refresh_from_db()
    assert (view.name, view.shared) == ("丙", True)
    wbs.saved_view_delete(view=view, actor=personas.registrar_a)
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_view_counts_cost_one_query_each(client, personas, spread, django_assert_max_num_queries):
    from xinfang.workbench import services as wbs

    client.force_login(personas.registrar_a)
    with on(MONDAY):
        client.get(INBOX)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as none:
            client.get(INBOX)
        for i in range(3):
            wbs.saved_view_create(owner=personas.registrar_a, name=f"v{i}", params={"state": ["declined"]})
        with CaptureQueriesContext(connection) as three:
            client.get(INBOX)
    assert len(three.captured_queries) - len(none.captured_queries) == 3


# ---------------------------------------------------------------- 承办人


def test_head_names_the_handler_in_charge_and_the_timeline_shows_old_and_new(personas, tree):
    second = make_user("handler_b2", tree.housing, Role.HANDLER, full_name="钱承办")
    with on(MONDAY):
        p, _ = register(personas.registrar_a)
        to_handling(personas, p)
        services.petition_assign_handler(petition=p, actor=personas.head_b, assignee=personas.handler_b)
        services.petition_assign_handler(petition=p, actor=personas.head_b, assignee=second, note="调整分工")
    p.refresh_from_db()
    assert p.assignee == second and p.state == "handling"
    events = list(PetitionEvent.objects.filter(petition=p, action=Action.ASSIGN_HANDLER).order_by("pk"))
    assert [e.data for e in events] == [
        {"assignee": "王承办", "previous": None},
        {"assignee": "钱承办", "previous": "王承办"},
    ]
    assert not any(e.is_public for e in events)


def test_handler_in_charge_must_be_staff_of_the_holding_unit_and_only_a_head_names_one(personas):
    from xinfang.core.errors import NotPermitted as Refused

    with on(MONDAY):
        p, _ = register(personas.registrar_a)
        to_handling(personas, p)
        with pytest.raises(InvalidInput) as refused:
            services.petition_assign_handler(petition=p, actor=personas.head_b, assignee=personas.registrar_a)
        assert refused.value.field == "assignee"
        with pytest.raises(Refused):
            services.petition_assign_handler(petition=p, actor=personas.handler_b, assignee=personas.handler_b)


def test_my_items_tab_lists_what_i_am_in_charge_of(client, personas):
    with on(MONDAY):
        mine, _ = register(personas.registrar_a, title="我的")
        to_handling(personas, mine)
        other, _ = register(personas.registrar_a, title="别人的")
        to_handling(personas, other)
        services.petition_assign_handler(petition=mine, actor=personas.head_b, assignee=personas.handler_b)
        client.force_login(personas.handler_b)
        response = client.get(INBOX, {"tab": "mine"})
    assert numbers(response) == [mine.number]
    assert {t.key: c for t, c in response.context["tabs"]}["mine"] == 1
    assert petition_selectors.petitions_visible_to(personas.handler_b).filter(pk=mine.pk).exists()


def test_the_petition_page_offers_the_head_a_list_of_the_units_staff(client, personas):
    with on(MONDAY):
        p, _ = register(personas.registrar_a)
        to_handling(personas, p)
        client.force_login(personas.head_b)
        html = client.get(reverse("workbench:petition", args=[p.number])).content.decode()
        assert 'name="assignee"' in html and "王承办" in html
        response = client.post(
            reverse("workbench:act", args=[p.number, "assign_handler"]), {"assignee": personas.handler_b.pk}
        )
    assert response.status_code in (200, 302)
    p.refresh_from_db()
    assert p.assignee == personas.handler_b
