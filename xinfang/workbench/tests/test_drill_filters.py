"""The rates' drill-down filters of the workbench list (issue 13, issue 10): a list opened from a rate holds exactly
the petitions the rate counted in the period — placed by the rate's own event, with the predicate of
``xinfang.stats.facts`` — never one placed just outside the period or at another unit, and never an accusation
seen by the accused side (Art. 30 ¶3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from xinfang.orgs.models import User
from xinfang.petitions import services
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import register, to_handling
from xinfang.stats import catalogue, dashboards, selectors
from xinfang.stats.tests.cases import Cases, at, build

# The period: the late petition's handling clock stops on 27 May, the day after it.
P_START, P_END = dt.date(2025, 3, 1), dt.date(2025, 5, 26)
RATES = [
    "on_time_acceptance_rate",
    "on_time_closing_rate",
    "satisfaction_rate",
    "satisfaction_rate_petition_dept",
    "satisfaction_rate_responsible_unit",
    "rating_participation_rate",
    "first_time_resolution_rate",
]


@dataclass
class World:
    cases: Cases
    good: Petition  # at 住建局 (B): every event in the period, rated satisfied, resolved at first
    after: Petition  # at B: accepted, replied and rated on 27 May, the day after the period
    other: Petition  # at A2区住建局: accepted (late), replied and rated in the period

    def by_number(self) -> dict[str, str]:
        c = self.cases
        pets = {
            "replied": c.replied,
            "late": c.late,
            "agreed": c.agreed,
            "repeat": c.repeat,
            "accusation": c.accusation,
            "good": self.good,
            "after": self.after,
            "other": self.other,
        }
        return {p.number: name for name, p in pets.items()}


def build_world(p: Any, tree: Any) -> World:
    """The stats case set (``stats.tests.cases``) and three more petitions around the period's edges."""
    cases = build(p, tree)
    with at(dt.date(2025, 4, 1)):
        good, _ = register(p.registrar_a, title="路灯长期不亮")
        to_handling(p, good)
        services.petition_accept(petition=cases.visit, actor=p.outsider, notice="已受理")  # 15 days: late
    with at(dt.date(2025, 4, 10)):
        for pet, handler, head in ((good, p.handler_b, p.head_b), (cases.visit, p.outsider, p.outsider)):
            services.petition_submit_decision(
                petition=pet, actor=handler, outcome="explain", opinion="解释说明", legal_basis=""
            )
            services.petition_approve_decision(petition=pet, actor=head)
    with at(dt.date(2025, 4, 15)):
        services.petition_rate(petition=good, actor=None, target="petition_dept", value="satisfied")
        services.petition_rate(petition=cases.visit, actor=None, target="responsible_unit", value="basically")
    with at(dt.date(2025, 5, 20)):
        after, _ = register(p.registrar_a, title="小区停车位被占")
        services.petition_forward(petition=after, actor=p.registrar_a, to_unit=tree.housing)
    with at(dt.date(2025, 5, 27)):
        services.petition_accept(petition=after, actor=p.handler_b, notice="已受理")
        services.petition_submit_decision(
            petition=after, actor=p.handler_b, outcome="explain", opinion="解释说明", legal_basis=""
        )
        services.petition_approve_decision(petition=after, actor=p.head_b)
        services.petition_rate(petition=after, actor=None, target="petition_dept", value="dissatisfied")
    return World(cases, good, after, cases.visit)


@pytest.fixture
def world(personas: Any, tree: Any) -> World:
    return build_world(personas, tree)


def listed(user: User, url: str) -> list[str]:
    c = Client()
    c.force_login(user)
    r = c.get(url)
    assert r.status_code == 200, url
    return [row.petition.number for row in r.context["rows"]]


def names(world: World, numbers: list[str]) -> set[str]:
    known = world.by_number()
    return {known.get(n, n) for n in numbers}


# What each part of each rate holds at 住建局 (B) in the period, by hand (see ``build`` and ``build_world``).
EXPECTED: dict[str, dict[str, set[str]]] = {
    # 告知: replied and agreed on 3 March, good on 1 April (on time); late on 23 March (after its 15 days)
    "on_time_acceptance_rate": {
        "counted": {"replied", "agreed", "late", "good"},
        "numerator": {"replied", "agreed", "good"},
        "rest": {"late"},
    },
    # 办结 by a reply or an agreement: late's reply (27 May) and after's fall the day after the period
    "on_time_closing_rate": {
        "counted": {"replied", "agreed", "good"},
        "numerator": {"replied", "agreed", "good"},
        "rest": set(),
    },
    # ratings: replied (dept satisfied, unit dissatisfied, 10 March), good (dept satisfied); after's is on 27 May
    "satisfaction_rate": {"counted": {"replied", "good"}, "numerator": {"replied", "good"}, "rest": {"replied"}},
    "satisfaction_rate_petition_dept": {
        "counted": {"replied", "good"},
        "numerator": {"replied", "good"},
        "rest": set(),
    },
    "satisfaction_rate_responsible_unit": {"counted": {"replied"}, "numerator": set(), "rest": {"replied"}},
    # replies served: replied and agreed (8 March), good (10 April); only agreed was never rated
    "rating_participation_rate": {
        "counted": {"replied", "agreed", "good"},
        "numerator": {"replied", "good"},
        "rest": {"agreed"},
    },
    # first opinions of first-time petitions: replied (raised again by ``repeat``) and good (resolved)
    "first_time_resolution_rate": {"counted": {"replied", "good"}, "numerator": {"good"}, "rest": {"replied"}},
}


@pytest.mark.parametrize("kpi_name", RATES)
def test_the_list_of_a_rate_holds_exactly_what_the_rate_counts_at_the_unit(
    personas: Any, tree: Any, world: World, kpi_name: str
) -> None:
    """The city's 信访局 (the 考核 issuer) opens each part of a rate at 住建局 for the period."""
    kpi = catalogue.BY_NAME[kpi_name]
    user = personas.city_dept_head
    view = selectors.view_for(user, tree.housing.pk)
    _value, num, den = catalogue.compute(kpi, selectors.measure_sums(view, P_START, P_END, catalogue.measures_of(kpi)))
    got = {}
    for part in dashboards.PARTS:
        url = dashboards.rate_drill_url([("within", str(tree.housing.pk))], kpi, P_START, P_END, part)
        got[part] = names(world, listed(user, url))
    assert got == EXPECTED[kpi_name]
    assert not got["counted"] & {"after", "other", "repeat", "accusation"}
    if kpi_name == "satisfaction_rate":
        # Both targets: the figure counts ratings (replied is rated twice), the list petitions.
        assert (num, den) == (2, 3)
        assert len(got["counted"]) == 2 and len(got["numerator"]) == 2 and len(got["rest"]) == 1
    else:
        assert len(got["numerator"]) == num
        assert len(got["counted"]) == den
        assert len(got["rest"]) == den - num


def test_the_same_filters_at_the_other_unit_hold_only_its_own_petition(personas: Any, tree: Any, world: World) -> None:
    user = personas.city_dept_head
    scope = [("within", str(tree.county2_housing.pk))]
    for kpi_name, part, expected in [
        ("on_time_acceptance_rate", "rest", {"other"}),  # accepted 1 April: 15 days after 3 March
        ("on_time_closing_rate", "numerator", {"other"}),
        ("satisfaction_rate_responsible_unit", "numerator", {"other"}),
        ("rating_participation_rate", "numerator", {"other"}),
        ("first_time_resolution_rate", "numerator", {"other"}),
        ("satisfaction_rate_petition_dept", "counted", set()),
    ]:
        url = dashboards.rate_drill_url(scope, catalogue.BY_NAME[kpi_name], P_START, P_END, part)
        assert names(world, listed(user, url)) == expected, (kpi_name, part)


def test_a_petition_just_outside_the_period_appears_once_the_period_holds_its_event(
    personas: Any, tree: Any, world: World
) -> None:
    user = personas.city_dept_head
    scope = [("within", str(tree.housing.pk))]
    closing = catalogue.BY_NAME["on_time_closing_rate"]
    late_day = dt.date(2025, 5, 27)
    url = dashboards.rate_drill_url(scope, closing, late_day, late_day, "rest")
    assert names(world, listed(user, url)) == {"late"}  # 65 days after acceptance
    url = dashboards.rate_drill_url(scope, closing, late_day, late_day, "numerator")
    assert names(world, listed(user, url)) == {"after"}


def test_filters_compose_with_each_other_and_with_the_other_list_filters(
    personas: Any, tree: Any, world: World
) -> None:
    user = personas.city_dept_head
    base = f"/workbench/?tab=all&within={tree.housing.pk}"
    # handled on time in the period AND rated satisfied for the petition department in the period
    both = (
        f"{base}&clock_kind=handling&stopped_from=2025-03-01&stopped_to=2025-05-26&late=0"
        "&rated_from=2025-03-01&rated_to=2025-05-26&rating_target=petition_dept&rating_value=satisfied"
    )
    assert names(world, listed(user, both)) == {"replied", "good"}
    assert names(world, listed(user, both + "&channel=letter&received_from=2025-04-01")) == {"good"}
    served_unrated = f"{base}&served_from=2025-03-01&served_to=2025-05-26&rated=0"
    assert names(world, listed(user, served_unrated)) == {"agreed"}
    # a unit's own staff see the same list through their own visibility (B holds these petitions)
    assert names(world, listed(personas.head_b, both)) == {"replied", "good"}
    # an outsider unit sees none of B's petitions, whatever the filters say
    assert listed(personas.outsider, both) == []


def test_the_list_says_what_it_is_narrowed_to(personas: Any, tree: Any, world: World) -> None:
    c = Client()
    c.force_login(personas.city_dept_head)
    url = dashboards.rate_drill_url(
        [("within", str(tree.housing.pk))], catalogue.BY_NAME["on_time_closing_rate"], P_START, P_END, "rest"
    )
    r = c.get(url)
    summary = r.context["drill_down"]
    assert any("2025-03-01" in s and "2025-05-26" in s for s in summary), summary
    assert 'id="drill-down"' in r.content.decode()
    assert len(summary) == 2  # the unit, and the time limit with its period and lateness


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("clock_kind=review", "clock_kind"),
        ("clock_kind=handling&stopped_from=2025-02-30", "stopped_from"),
        ("clock_kind=handling&stopped_from=2025-05-01&stopped_to=2025-04-01", "stopped_from"),
        ("clock_kind=handling&late=maybe", "late"),
        ("stopped_from=2025-03-01", "clock_kind"),  # a period of a clock without saying which clock
        ("rating_target=leader", "rating_target"),
        ("rating_value=happy", "rating_value"),
        ("rated_to=yesterday", "rated_to"),
        ("served_from=2025-03-01&rated=2", "rated"),
        ("first_opinion_from=2025-13-01", "first_opinion_from"),
        ("first_opinion_from=2025-03-01&resolved=yes", "resolved"),
    ],
)
def test_a_bad_drill_down_value_is_a_400_naming_the_field_and_lists_nothing(
    personas: Any, world: World, query: str, field: str
) -> None:
    c = Client()
    c.force_login(personas.city_dept_head)
    r = c.get(f"/workbench/?tab=all&{query}")
    assert r.status_code == 400
    assert f'id="error-{field}"' in r.content.decode()
    assert r.context["rows"] == []
    # the ledger export of the same list is refused the same way (never a file of everything, nor an empty file
    # that looks like an answer)
    export = c.get(f"/workbench/ledger/export/?tab=all&format=csv&{query}")
    assert export.status_code == 400 and export.content.decode().startswith(f"{field}: ")
    everything = c.get("/workbench/ledger/export/?tab=all&format=csv")
    assert len(b"".join(everything.streaming_content).decode("utf-8-sig").splitlines()) > 1  # type: ignore[attr-defined]


def test_an_accusation_never_appears_in_a_drill_list_seen_by_the_accused_side(
    personas: Any, tree: Any, world: World
) -> None:
    """Art. 30 ¶3: the accusation against A1区人民政府, handled by the 纪委监委, counts in the 信访局's figures and
    list; the county leader (who oversees the county) sees neither — the rule of the dashboards, kept."""
    accusation = world.cases.accusation
    with at(dt.date(2025, 4, 1)):
        services.petition_forward(petition=accusation, actor=personas.registrar_a, to_unit=tree.discipline)
        services.petition_accept(petition=accusation, actor=personas.discipline, notice="已受理")
    kpi = catalogue.BY_NAME["on_time_acceptance_rate"]
    url = dashboards.rate_drill_url([("within", str(tree.county.pk))], kpi, P_START, P_END, "counted")
    for user, sees in ((personas.registrar_a, True), (world.cases.county_leader, False)):
        view = selectors.view_for(user, tree.county.pk)
        den = catalogue.compute(kpi, selectors.measure_sums(view, P_START, P_END, catalogue.measures_of(kpi)))[2]
        got = names(world, listed(user, url))
        assert ("accusation" in got) is sees
        assert len(got) == den
    # nor in the county leader's own dashboard drill (the trend of a rate) nor a unit ranking bar
    leader_view = selectors.view_for(world.cases.county_leader, None)
    trend = dashboards.build_chart(
        leader_view, "trend_on_time_acceptance_rate", dashboards.Range(P_START, dt.date(2025, 4, 30), "")
    )
    april = next(r for r in trend.rows if r.key == "2025-04")
    assert april.url and "accusation" not in names(world, listed(world.cases.county_leader, april.url))
    assert len(listed(world.cases.county_leader, april.url)) == april.denominator


@pytest.mark.parametrize("chart", ["closing_by_unit", "satisfaction_by_unit"])
def test_a_rate_ranking_bar_opens_the_petitions_its_denominator_counts(
    personas: Any, tree: Any, world: World, chart: str
) -> None:
    user = personas.registrar_a
    built = dashboards.build_chart(selectors.view_for(user, None), chart, dashboards.Range(P_START, P_END, ""))
    bars = [r for r in built.rows if r.url]
    assert bars
    for bar in bars:
        got = listed(user, bar.url)
        # replied is rated for both targets: two ratings in the figure, one row in the list
        twice = 1 if chart == "satisfaction_by_unit" and "replied" in names(world, got) else 0
        assert len(got) == (bar.denominator or 0) - twice, (bar.label, bar.url)
    assert any(r.key == str(tree.housing.pk) for r in bars)
