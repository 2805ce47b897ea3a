"""Each KPI equals an independent count from raw rows (ORM counts written here), for every persona's view."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Exists, F, OuterRef

from xinfang.deadlines.rules import ClockKind
from xinfang.petitions.models import Clock, Document, Nature, Petition, Rating
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.stats import facts, selectors
from xinfang.stats.tests.cases import START, at, build

FROM, TO = START - dt.timedelta(days=1), START + dt.timedelta(days=120)


def _rate(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


def expected(user: Any) -> dict[str, Any]:
    """The figures counted straight from petitions, clocks, ratings and documents."""
    vis = petitions_visible_to(user)
    received = vis.filter(received_on__range=(FROM, TO))
    notice = Clock.objects.filter(petition__in=vis, kind=ClockKind.NOTICE, stopped_on__range=(FROM, TO))
    handling = Clock.objects.filter(
        petition__in=vis,
        kind__in=[ClockKind.HANDLE, ClockKind.HANDLE_SIMPLE],
        stopped_on__range=(FROM, TO),
        stop_reason__in=["replied", "agreement"],
    )
    days = [(c.stopped_on - c.start).days for c in handling if c.stopped_on is not None]
    ratings = Rating.objects.filter(petition__in=vis, created_at__date__range=(FROM, TO))
    good = ratings.filter(value__in=["satisfied", "basically"])
    replied = vis.filter(reply_served_on__range=(FROM, TO))
    opinions = Document.objects.filter(petition=OuterRef("pk"), kind="opinion", status="issued")
    first = vis.filter(is_repeat=False).filter(Exists(opinions.filter(issued_on__range=(FROM, TO))))
    first = first.exclude(Exists(opinions.filter(issued_on__lt=FROM)))
    resolved = first.filter(review_unit__isnull=True).exclude(
        Exists(Petition.objects.filter(previous_id=OuterRef("pk")))
    )
    reviews = Document.objects.filter(petition__in=vis, kind="review_opinion", issued_on__range=(FROM, TO))
    visits = received.filter(channel="visit")
    return {
        "received": received.count(),
        "repeat_rate": _rate(received.filter(is_repeat=True).count(), received.count()),
        "on_time_acceptance_rate": _rate(notice.filter(stopped_on__lte=F("due")).count(), notice.count()),
        "on_time_closing_rate": _rate(handling.filter(stopped_on__lte=F("due")).count(), handling.count()),
        "avg_handling_days": _rate(sum(days), len(days)),
        "satisfaction_rate": _rate(good.count(), ratings.count()),
        "satisfaction_rate_petition_dept": _rate(
            good.filter(target="petition_dept").count(), ratings.filter(target="petition_dept").count()
        ),
        "satisfaction_rate_responsible_unit": _rate(
            good.filter(target="responsible_unit").count(), ratings.filter(target="responsible_unit").count()
        ),
        "dissatisfied": ratings.filter(value="dissatisfied").count(),
        "rating_participation_rate": _rate(
            replied.filter(Exists(Rating.objects.filter(petition=OuterRef("pk")))).count(), replied.count()
        ),
        "first_time_resolution_rate": _rate(resolved.count(), first.count()),
        "visit_batches": visits.count(),
        "visit_persons": sum(visits.values_list("head_count", flat=True)),
        "collective_visits": received.filter(is_collective=True).count(),
        "review_uphold_rate": _rate(reviews.filter(outcome="uphold").count(), reviews.count()),
        "review_change_rate": _rate(reviews.exclude(outcome="uphold").count(), reviews.count()),
    }


@pytest.fixture
def cases(personas: Any, tree: Any) -> Any:
    return build(personas, tree)


VIEWERS = ["registrar_a", "handler_b", "head_b", "supervisor", "outsider", "accused", "discipline", "county_head"]


@pytest.mark.parametrize("who", VIEWERS)
def test_each_kpi_equals_an_independent_count_from_raw_rows(personas: Any, cases: Any, who: str) -> None:
    user = getattr(personas, who)
    figures = selectors.figures(selectors.View(user, None), FROM, TO, live=False)
    want = expected(user)
    for name, value in want.items():
        assert figures[name] == pytest.approx(value), name


def test_the_case_set_exercises_every_rate_for_the_county_petition_department(personas: Any, cases: Any) -> None:
    """A guard against a vacuous comparison: the county 信访局 sees non-trivial values."""
    want = expected(personas.registrar_a)
    assert want["received"] == 5  # replied, late, accusation, agreed, repeat (A registered them)
    assert want["on_time_acceptance_rate"] == pytest.approx(2 / 3)  # the late notice (Art. 23)
    assert want["on_time_closing_rate"] == pytest.approx(2 / 3)  # the 65-day handling (Art. 34)
    assert want["first_time_resolution_rate"] == 0.0  # replied has a repeat; late went to 复查
    assert want["satisfaction_rate"] == 0.5
    assert want["review_uphold_rate"] == 1.0


def test_overdue_open_counts_open_obligation_clocks_past_due(personas: Any, cases: Any) -> None:
    user = personas.supervisor
    view = selectors.View(user, None)
    with at(START + dt.timedelta(days=200)):
        today = START + dt.timedelta(days=200)
        raw = Clock.objects.filter(
            petition__in=petitions_visible_to(user).values("pk"),
            stopped_on__isnull=True,
            paused_since__isnull=True,
            is_obligation=True,
            due__lt=today,
        ).count()
        assert raw > 0
        assert selectors.overdue_open(view, today) == raw


def test_visibility_a_unit_never_sees_figures_beyond_its_list(personas: Any, cases: Any) -> None:
    for who in VIEWERS:
        user = getattr(personas, who)
        listed = petitions_visible_to(user).filter(received_on__range=(FROM, TO)).count()
        got = selectors.figures(selectors.View(user, None), FROM, TO, live=False)["received"]
        assert got == listed, who
    outsider = selectors.figures(selectors.View(personas.outsider, None), FROM, TO, live=False)
    assert outsider["received"] == 1  # the A2 visit only, none of A1's


def test_an_accusation_never_shows_in_a_breakdown_seen_by_the_accused_side(personas: Any, cases: Any) -> None:
    """Art. 30 ¶3: the county leader oversees the county but the accusation is against the county government."""
    kpi = selectors.parse_kpi("received")
    leader = cases.county_leader
    rows, _ = selectors.breakdown(selectors.View(leader, None), kpi, FROM, TO, "nature")
    assert Nature.ACCUSATION not in {r["key"] for r in rows}
    unit_rows, _ = selectors.breakdown(selectors.View(leader, None), kpi, FROM, TO, "unit")
    a_row = next(r for r in unit_rows if r["key"] == str(personas.registrar_a.unit_id))
    assert a_row["value"] == 4  # A registered 5, one of them the accusation
    # The supervisor above is not the accused side and sees it.
    sup_rows, _ = selectors.breakdown(selectors.View(personas.supervisor, None), kpi, FROM, TO, "nature")
    assert {r["key"]: r["value"] for r in sup_rows}[Nature.ACCUSATION] == 1


@pytest.mark.parametrize("by", ["channel", "nature", "area", "category", "unit"])
def test_breakdown_rows_add_up_to_the_viewers_total(personas: Any, cases: Any, by: str) -> None:
    user = personas.supervisor
    view = selectors.View(user, None)
    kpi = selectors.parse_kpi("received")
    rows, truncated = selectors.breakdown(view, kpi, FROM, TO, by)
    total = selectors.figures(view, FROM, TO, live=False)["received"]
    assert not truncated
    if by == "unit":  # a petition counts at every unit that had it
        assert sum(r["value"] for r in rows) >= total
        assert all(r["label"] for r in rows)
    else:
        assert sum(r["value"] for r in rows) == total


def test_series_by_month_adds_up_to_the_period_figure(personas: Any, cases: Any) -> None:
    view = selectors.View(personas.registrar_a, None)
    kpi = selectors.parse_kpi("on_time_closing_rate")
    points = selectors.series(view, kpi, FROM, TO, "month")
    assert [p["period"] for p in points][:2] == ["2025-03", "2025-04"]
    assert points[0]["start"] == FROM and points[-1]["end"] == TO
    num = sum(p["numerator"] for p in points)
    den = sum(p["denominator"] for p in points)
    assert num / den == pytest.approx(expected(personas.registrar_a)["on_time_closing_rate"])


def test_rollup_after_the_case_set_equals_a_rebuild(personas: Any, cases: Any) -> None:
    assert facts.check() == []
    before = facts.fact_table()
    facts.rebuild(batch=2)
    assert facts.fact_table() == before


def test_linking_a_repeat_later_takes_the_earlier_petitions_first_time_resolution(personas: Any, tree: Any) -> None:
    from xinfang.petitions import services
    from xinfang.petitions.tests.helpers import register, to_replied

    with at(START):
        first, _ = register(personas.registrar_a)
        to_replied(personas, first)
        later, _ = register(personas.registrar_a, title="再次反映")
    view = selectors.View(personas.registrar_a, None)
    assert selectors.figures(view, FROM, TO, live=False)["first_time_resolution_rate"] == 1.0
    with at(START + dt.timedelta(days=1)):
        services.petition_link_repeat(petition=later, actor=personas.registrar_a, previous=first)
    assert selectors.figures(view, FROM, TO, live=False)["first_time_resolution_rate"] == 0.0
    assert facts.check() == []


def test_check_finds_a_daily_row_out_of_step_with_the_facts(personas: Any, cases: Any) -> None:
    """Issue 10: StatDaily is compared by ``stats check`` too, and ``stats rebuild`` repairs it."""
    from xinfang.stats.models import StatDaily

    row = StatDaily.objects.filter(value__gt=0).order_by("pk").first()
    assert row is not None
    StatDaily.objects.filter(pk=row.pk).update(value=F("value") + 1)
    problems = facts.check()
    assert len(problems) == 1 and problems[0].startswith("daily "), problems
    facts.rebuild(batch=2)
    assert facts.check() == []


def test_kpis_series_and_the_unit_breakdown_read_the_daily_rollup(personas: Any, cases: Any) -> None:
    """Issue 10: what filters on no category, channel, nature or area reads StatDaily, not the fine facts."""
    from xinfang.stats.models import StatFact

    view = selectors.View(personas.supervisor, None)
    kpi = selectors.parse_kpi("received")
    before = (
        selectors.figures(view, FROM, TO, live=False),
        selectors.series(view, kpi, FROM, TO, "month"),
        selectors.breakdown(view, kpi, FROM, TO, "unit"),
    )
    assert before[0]["received"]
    StatFact.objects.all().delete()
    after = (
        selectors.figures(view, FROM, TO, live=False),
        selectors.series(view, kpi, FROM, TO, "month"),
        selectors.breakdown(view, kpi, FROM, TO, "unit"),
    )
    assert after == before
    assert selectors.breakdown(view, kpi, FROM, TO, "channel")[0] == []  # the fine table still serves these
