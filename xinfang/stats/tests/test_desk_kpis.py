"""The desks' figures (督办, 积案/包案, 领导接访, hot issues): each equals a count written here from the hand-built
rows, per viewer, and a unit never sees another unit's figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import make_user
from xinfang.casework.models import BacklogCase, CaseStatus, Resolution
from xinfang.insight.models import HotIssue
from xinfang.orgs.models import Role
from xinfang.petitions.tests.helpers import register
from xinfang.reception.models import ReceptionSession, SessionStatus, Visit
from xinfang.reception.tests.helpers import make_desk, monthly
from xinfang.stats import selectors
from xinfang.supervision.models import OrderStatus, SupervisionOrder

FROM, TO = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
TODAY = dt.date(2026, 4, 10)
DESK_KPIS = [
    "supervision_orders",
    "supervision_on_time_reply_rate",
    "backlog_resolution_rate",
    "cases_in_charge",
    "leader_reception_batches",
    "leader_reception_persons",
    "hot_issues",
]


def _order(n: int, issuer: Any, target: Any, issued: dt.date, due: dt.date, replied: dt.date | None) -> None:
    SupervisionOrder.objects.create(
        number=f"督-{n}",
        year=2026,
        serial=n,
        issuing_unit=issuer.unit,
        issued_by=issuer,
        target_unit=target,
        target_path=target.path,
        matter="督办事项",
        issued_on=issued,
        first_reply_due=due,
        reply_due=due,
        first_replied_on=replied,
        replied_on=replied,
        status=OrderStatus.REPLIED if replied else OrderStatus.ISSUED,
    )


def _case(petition: Any, unit: Any, **kw: Any) -> None:
    BacklogCase.objects.create(
        petition=petition, first_received_on=dt.date(2025, 1, 1), unit=unit, unit_path=unit.path, level="county", **kw
    )


@pytest.fixture
def world(personas: Any, tree: Any) -> Any:
    """At A1 (county 信访局 over 住建局 B) and at the outsider A2住建局, one of each desk's rows."""
    p = personas
    # 督办: A1信访局 → B: on time, late, open past due, open not yet due; one before the period; city → A2 outsider.
    _order(1, p.registrar_a, tree.housing, dt.date(2026, 3, 2), dt.date(2026, 3, 10), dt.date(2026, 3, 9))
    _order(2, p.registrar_a, tree.housing, dt.date(2026, 3, 3), dt.date(2026, 3, 10), dt.date(2026, 3, 20))
    _order(3, p.registrar_a, tree.housing, dt.date(2026, 3, 4), dt.date(2026, 3, 12), None)
    _order(4, p.registrar_a, tree.housing, dt.date(2026, 3, 30), dt.date(2026, 4, 30), None)
    _order(5, p.registrar_a, tree.housing, dt.date(2026, 2, 20), dt.date(2026, 3, 1), dt.date(2026, 3, 1))
    _order(6, p.supervisor, tree.county2_housing, dt.date(2026, 3, 5), dt.date(2026, 3, 15), dt.date(2026, 3, 14))
    # 积案 at B: resolved in March (in charge since March), still open, closed unresolved, dismissed; one at A2.
    pets = [register(p.registrar_a, title=f"积案{i}")[0] for i in range(4)]
    a2_registrar = make_user("a2_registrar", tree.county2_housing, Role.REGISTRAR)
    a2_petition, _ = register(a2_registrar, title="外单位积案")
    leader = make_user("bao_leader", tree.county, Role.LEADER)
    _case(
        pets[0],
        tree.housing,
        status=CaseStatus.CLOSED,
        outcome=Resolution.RESOLVED,
        marked_on=dt.date(2026, 1, 5),
        closed_on=dt.date(2026, 3, 20),
        leader=leader,
        taken_on=dt.date(2026, 3, 2),
    )
    _case(pets[1], tree.housing, status=CaseStatus.IN_CHARGE, marked_on=dt.date(2026, 2, 1), leader=leader,
          taken_on=dt.date(2026, 2, 10))  # fmt: skip
    _case(
        pets[2],
        tree.housing,
        status=CaseStatus.CLOSED,
        outcome=Resolution.UNRESOLVED,
        marked_on=dt.date(2026, 2, 1),
        closed_on=dt.date(2026, 3, 5),
    )
    _case(pets[3], tree.housing, status=CaseStatus.DISMISSED, marked_on=dt.date(2026, 3, 3))
    _case(a2_petition, tree.county2_housing, status=CaseStatus.OPEN, marked_on=dt.date(2026, 3, 3))
    # 领导接访 at the A1 hall: one held session in March (a group of 5 and one person), one missed, one in April.
    desk = make_desk(tree, personas)
    schedule = monthly(desk)

    def session(day: dt.date, status: str) -> ReceptionSession:
        return ReceptionSession.objects.create(
            schedule=schedule,
            leader=desk.county_leader,
            unit=tree.county,
            unit_path=tree.county.path,
            site=desk.site,
            nominal_date=day,
            date=day,
            start_time=dt.time(9),
            end_time=dt.time(11),
            slot_minutes=30,
            slot_capacity=2,
            status=status,
        )

    held, missed, later = (
        session(dt.date(2026, 3, 16), SessionStatus.HELD),
        session(dt.date(2026, 3, 17), SessionStatus.MISSED),
        session(dt.date(2026, 4, 15), SessionStatus.HELD),
    )
    at = dt.datetime(2026, 3, 16, 9, tzinfo=dt.UTC)
    for s, heads in ((held, 5), (held, 1), (later, 2)):
        Visit.objects.create(session=s, head_count=heads, recorded_by=p.registrar_a, recorded_at=at)
    del missed
    # Hot issues of the A1 信访局 region: an older snapshot of 1, the latest (before TO) of 2, one after TO.
    for snap, ranks in ((dt.date(2026, 3, 1), 1), (dt.date(2026, 3, 28), 2), (dt.date(2026, 4, 5), 3)):
        for rank in range(1, ranks + 1):
            HotIssue.objects.create(
                unit=tree.county_dept,
                unit_path=tree.county_dept.path,
                snapshot_on=snap,
                since=snap - dt.timedelta(days=30),
                until=snap,
                rank=rank,
                heat=10.0 / rank,
                description=f"热点{rank}",
                petition_count=5,
                petitioner_count=5,
            )
    return leader


def figures(user: Any, unit: Any = None) -> dict[str, Any]:
    return selectors.figures(selectors.View(user, unit), FROM, TO, live=False)


def test_supervision_figures_equal_the_orders_counted_here(personas: Any, world: Any) -> None:
    """Art. 40: 督办件数 by day of issue; 按期回复率 over replied or past-due orders, by the original deadline."""
    today = selectors.supervision_figures(selectors.View(personas.handler_b, None), FROM, TO, TODAY)
    # B: orders 1–4 issued in March; decided = 1, 2 (replied), 3 (past due); on time = 1.
    assert today == {"supervision_orders": (4, None), "supervision_on_time_reply_rate": (1, 3)}
    a = selectors.supervision_figures(selectors.View(personas.registrar_a, None), FROM, TO, TODAY)
    assert a["supervision_orders"] == (4, None)  # the issuing 信访局; the city's order to A2 is not in its scope
    city = selectors.supervision_figures(selectors.View(personas.supervisor, None), FROM, TO, TODAY)
    assert city == {"supervision_orders": (5, None), "supervision_on_time_reply_rate": (2, 4)}


def test_backlog_resolution_rate_and_cases_in_charge_equal_the_cases_counted_here(personas: Any, world: Any) -> None:
    """积案化解率 as the backlog board: of confirmed cases open in March (0, 1, 2), the one resolved in March."""
    got = figures(personas.registrar_a)
    assert got["backlog_resolution_rate"] == pytest.approx(1 / 3)
    assert got["cases_in_charge"] == 1  # case 0 taken in March; case 1 in February (Art. 18 包案)
    assert figures(world)["cases_in_charge"] == 1  # the 包案 leader sees their own cases


def test_leader_reception_figures_count_visits_at_held_sessions(personas: Any, world: Any) -> None:
    got = figures(personas.registrar_a)
    assert got["leader_reception_batches"] == 2  # the group of 5 is one batch
    assert got["leader_reception_persons"] == 6


def test_hot_issues_are_those_of_the_latest_snapshot_up_to_the_end_of_the_period(personas: Any, world: Any) -> None:
    supervisor = personas.supervisor  # 督查 role at the city 信访局, whose scope holds the A1 region
    assert figures(supervisor)["hot_issues"] == 2
    top = selectors.hot_issues_top(selectors.View(supervisor, None), TO)
    assert [t["description"] for t in top] == ["热点1", "热点2"]
    assert "petitioner_count" not in top[0]  # a figure never follows petitioners
    assert figures(personas.handler_b)["hot_issues"] is None  # not a hot-issue role


def test_a_unit_never_sees_another_units_desk_figures(personas: Any, world: Any) -> None:
    outsider = figures(personas.outsider)  # A2住建局: its own order (6) and case only
    assert outsider["supervision_orders"] == 1
    assert outsider["supervision_on_time_reply_rate"] == 1.0
    assert outsider["backlog_resolution_rate"] == 0.0  # its open case, none resolved
    assert outsider["cases_in_charge"] == 0
    assert outsider["leader_reception_batches"] == 0
    assert outsider["hot_issues"] == 0  # a head, but A1's region is not in its scope
    # The city 信访局 narrowing to A2住建局 sees A2's figures, none of A1's.
    narrowed = figures(personas.supervisor, personas.outsider.unit)
    assert narrowed["supervision_orders"] == 1 and narrowed["leader_reception_batches"] == 0


def test_kpis_api_returns_desk_figures_and_the_top_hot_issues(personas: Any, world: Any) -> None:
    from rest_framework.test import APIClient

    c = APIClient()
    c.force_authenticate(personas.supervisor)
    body = c.get("/api/v1/stats/kpis/", {"from": FROM.isoformat(), "to": TO.isoformat()}).json()
    for name in DESK_KPIS:
        assert name in body["figures"] and body["definitions"][name]
    assert body["figures"]["leader_reception_persons"] == 6
    assert [h["rank"] for h in body["hot_issues"]] == [1, 2]


def test_desk_figures_have_a_series_but_no_breakdown(personas: Any, world: Any) -> None:
    from xinfang.core.errors import InvalidInput

    view = selectors.View(personas.registrar_a, None)
    kpi = selectors.parse_kpi("leader_reception_persons")
    points = selectors.series(view, kpi, dt.date(2026, 3, 1), dt.date(2026, 4, 30), "month")
    assert [(p["period"], p["value"]) for p in points] == [("2026-03", 6), ("2026-04", 2)]
    with pytest.raises(InvalidInput) as err:
        selectors.breakdown(view, kpi, FROM, TO, "unit")
    assert err.value.field == "kpi"


def test_leader_reception_held_rate_counts_held_over_held_missed_and_past_planned(personas: Any, world: Any) -> None:
    """领导接访落实率 (Art. 18): in March one session held and one missed, so 1/2; a cancelled session and a
    session still planned for a later day are not counted; one still planned for a past day counts as not held."""
    view = selectors.View(personas.registrar_a, None)
    assert selectors.reception_figures(view, FROM, TO, TODAY)["leader_reception_held_rate"] == (1, 2)
    held = ReceptionSession.objects.get(date=dt.date(2026, 3, 16))
    for day, status in ((dt.date(2026, 3, 18), SessionStatus.CANCELLED), (dt.date(2026, 3, 30), SessionStatus.PLANNED)):
        ReceptionSession.objects.create(
            schedule=held.schedule, leader=held.leader, unit=held.unit, unit_path=held.unit_path, site=held.site,
            nominal_date=day, date=day, start_time=dt.time(9), end_time=dt.time(11), slot_minutes=30,
            slot_capacity=2, status=status,
        )  # fmt: skip
    assert selectors.reception_figures(view, FROM, TO, dt.date(2026, 3, 25))["leader_reception_held_rate"] == (1, 2)
    assert selectors.reception_figures(view, FROM, TO, TODAY)["leader_reception_held_rate"] == (1, 3)
    assert figures(personas.outsider)["leader_reception_held_rate"] is None  # no session of its own: no rate


FEBRUARY, APRIL = (dt.date(2026, 2, 1), dt.date(2026, 2, 28)), (dt.date(2026, 4, 1), dt.date(2026, 4, 30))


def test_one_read_of_several_periods_counts_each_period_by_its_own_rows(personas: Any, world: Any) -> None:
    """The kpis request reads its period, 环比 and 同比 in one query per desk: each period counts only its own
    rows (orders by the day of issue, Art. 40; visits by the session's day, Art. 18; the latest snapshot up to
    each period's end)."""
    periods = [(FROM, TO), FEBRUARY, APRIL]
    city = selectors.View(personas.supervisor, None)
    orders = selectors.supervision_figures_for(city, periods, TODAY)
    # March: orders 1–4 and 6; February: order 5 (replied on its due date); April: none.
    assert [o["supervision_orders"] for o in orders] == [(5, None), (1, None), (0, None)]
    assert [o["supervision_on_time_reply_rate"] for o in orders] == [(2, 4), (1, 1), (0, 0)]
    assert [h["hot_issues"] for h in selectors.insight_figures_for(city, periods)] == [(2, None), (0, None), (3, None)]
    county = selectors.View(personas.registrar_a, None)
    visits = selectors.reception_figures_for(county, periods, TODAY)
    assert [v["leader_reception_batches"] for v in visits] == [(2, None), (0, None), (1, None)]
    assert [v["leader_reception_persons"] for v in visits] == [(6, None), (0, None), (2, None)]
    cases = selectors.casework_figures_for(county, periods)
    assert [c["cases_in_charge"] for c in cases] == [(1, None), (1, None), (0, None)]  # taken 2 March, 10 February


def test_figures_for_several_periods_equal_each_period_read_alone(personas: Any, world: Any) -> None:
    periods = [(FROM, TO), FEBRUARY, APRIL, (dt.date(2026, 3, 15), dt.date(2026, 4, 20))]  # the last overlaps two
    for user in (personas.supervisor, personas.registrar_a, personas.outsider):
        view = selectors.View(user, None)
        together = selectors.figures_for_periods(view, periods)
        alone = [selectors.figures(view, start, end, live=i == 0) for i, (start, end) in enumerate(periods)]
        assert together == alone
        assert together[0]["overdue_open"] is not None and together[1]["overdue_open"] is None  # today's: once


def test_kpis_api_compares_with_the_figures_of_the_previous_period_and_a_year_before(personas: Any, world: Any) -> None:
    from rest_framework.test import APIClient

    c = APIClient()
    c.force_authenticate(personas.supervisor)
    april = {"from": APRIL[0].isoformat(), "to": APRIL[1].isoformat()}
    body = c.get("/api/v1/stats/kpis/", april).json()
    view = selectors.View(personas.supervisor, None)
    previous = selectors.figures(view, dt.date(2026, 3, 2), dt.date(2026, 3, 31), live=False)
    assert body["previous_period"] == ["2026-03-02", "2026-03-31"]
    assert body["previous"] == pytest.approx(previous)
    assert body["previous"]["supervision_orders"] == 5  # orders 1–4 and 6: order 1 on 2 March, its first day
    assert body["year_ago"] == pytest.approx(
        selectors.figures(view, dt.date(2025, 4, 1), dt.date(2025, 4, 30), live=False)
    )
