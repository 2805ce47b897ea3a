"""考核 schemes (信访工作条例 Art. 39): a scheme's result equals a hand calculation on planted figures, volume is never
scored, and a contested line and its decision are both kept."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from xinfang.assessment import scoring, selectors, services
from xinfang.assessment.models import Contest, ContestStatus, ScoreLine
from xinfang.core.errors import NotPermitted, RuleViolation
from xinfang.stats import catalogue
from xinfang.stats import selectors as stats

YEAR = 2025


def test_scheme_result_equals_the_hand_calculation(personas: Any, tree: Any, scheme: Any) -> None:
    ranked = selectors.ranking(scheme)
    # A2: 40 (1.0 ≥ 0.9) + 30 (no ratings: no figure, full marks) + 30 (1.0 ≥ 0.8) + 2 = 102
    # B:  40 × (0.7 − 0.5) / (0.9 − 0.5) = 20; 30 × (0.8 − 0.6) / (0.9 − 0.6) = 20; 0.5 < 0.8: 0; − 3 = 37
    assert [(r.unit_id, r.total, r.rank) for r in ranked] == [
        (tree.county2_housing.pk, Decimal("102.00"), 1),
        (tree.housing.pk, Decimal("37.00"), 2),
    ]
    lines = ScoreLine.objects.filter(unit=tree.housing, indicator__isnull=False).select_related("indicator")
    b = {line.indicator.kpi: line for line in lines}  # type: ignore[union-attr]
    assert (b["on_time_closing_rate"].numerator, b["on_time_closing_rate"].denominator) == (7, 10)
    assert b["satisfaction_rate"].value == pytest.approx(0.8)
    assert (b["backlog_resolution_rate"].numerator, b["backlog_resolution_rate"].denominator) == (1, 2)


def test_each_line_equals_the_dashboard_figure_for_that_unit(personas: Any, tree: Any, scheme: Any) -> None:
    view = stats.view_for(personas.city_dept_head, tree.housing.pk)
    dashboard = stats.figures(view, scheme.period_start, scheme.period_end, live=False)
    for line in ScoreLine.objects.filter(unit=tree.housing, indicator__isnull=False).select_related("indicator"):
        assert line.value == pytest.approx(dashboard[line.indicator.kpi])  # type: ignore[union-attr]


@pytest.mark.parametrize("kpi", [k.name for k in catalogue.KPIS if k.unit == catalogue.KpiUnit.COUNT])
def test_scheme_refuses_to_score_volume_petitioning_is_a_right(personas: Any, tree: Any, kpi: str) -> None:
    """Art. 39 and the 2014 end of ranking by volume: no indicator scores the number of petitions received,
    visits, persons or any count — the score measures how petitions are answered, never how many arrive."""
    s = services.scheme_create(actor=personas.city_dept_head, year=YEAR, title="考核", units=[tree.housing])
    with pytest.raises(RuleViolation) as err:
        services.indicator_add(actor=personas.city_dept_head, scheme=s, kpi=kpi, weight=Decimal(10), target=Decimal(1))
    assert err.value.code == "not_assessable" and err.value.field == "kpi" and "39" in (err.value.article or "")


def test_only_rates_are_assessable_and_repeat_petitioning_is_not_scored() -> None:
    """No count is assessable; nor the 重复信访率, which measures what petitioners do, not how they are answered."""
    for kpi in catalogue.KPIS:
        if catalogue.is_assessable(kpi):
            assert kpi.unit == catalogue.KpiUnit.RATE
    assert not catalogue.is_assessable(catalogue.BY_NAME["repeat_rate"])
    assert not catalogue.is_assessable(catalogue.BY_NAME["received"])
    assert catalogue.is_assessable(catalogue.BY_NAME["leader_reception_held_rate"])


def test_scoring_rules() -> None:
    w, floor, target = Decimal(10), Decimal("0.5"), Decimal("0.9")
    assert scoring.score("linear", 0.95, w, floor, target) == Decimal("10.00")
    assert scoring.score("linear", 0.5, w, floor, target) == Decimal("0.00")
    assert scoring.score("linear", 0.6, w, floor, target) == Decimal("2.50")
    assert scoring.score("threshold", 0.89, w, floor, target) == Decimal("0.00")
    assert scoring.score("threshold", 0.9, w, floor, target) == Decimal("10.00")
    assert scoring.score("linear", None, w, floor, target) == Decimal("10.00")


def test_a_contested_line_and_its_decision_are_recorded(personas: Any, tree: Any, scheme: Any) -> None:
    line = ScoreLine.objects.get(unit=tree.housing, indicator__kpi="backlog_resolution_rate")
    contest = services.line_contest(
        actor=personas.head_b, line=line, reason="1件积案已于4月化解，系统未及时结案", evidence="化解协议书"
    )
    with pytest.raises(RuleViolation):  # one pending contest per line
        services.line_contest(actor=personas.head_b, line=line, reason="再次申诉")
    with pytest.raises(NotPermitted):  # the assessed unit does not decide its own contest
        services.contest_decide(actor=personas.head_b, contest=contest, decision="upheld", reason="x")
    services.contest_decide(
        actor=personas.city_dept_head, contest=contest, decision="adjusted", reason="部分属实", new_points=Decimal(15)
    )
    contest = Contest.objects.get(pk=contest.pk)
    assert contest.status == ContestStatus.ADJUSTED
    assert (contest.points_before, contest.new_points, contest.reason) == (
        Decimal("0.00"),
        Decimal("15.00"),
        "1件积案已于4月化解，系统未及时结案",
    )
    assert contest.decided_by == personas.city_dept_head and contest.decision_reason == "部分属实"
    assert selectors.ranking(scheme)[1].total == Decimal("52.00")  # 37 + 15
    services.scheme_compute(actor=personas.city_dept_head, scheme=scheme)  # recomputing keeps the decision
    assert ScoreLine.objects.get(pk=line.pk).final_points == Decimal("15.00")


def test_a_rejected_contest_leaves_the_points_and_an_upheld_one_withdraws_a_deduction(
    personas: Any, tree: Any, scheme: Any
) -> None:
    deduction = ScoreLine.objects.get(unit=tree.housing, adjustment__isnull=False)
    first = services.line_contest(actor=personas.head_b, line=deduction, reason="无瞒报")
    services.contest_decide(actor=personas.city_dept_head, contest=first, decision="rejected", reason="证据确凿")
    assert ScoreLine.objects.get(pk=deduction.pk).final_points == Decimal("-3.00")
    second = services.line_contest(actor=personas.head_b, line=deduction, reason="新证据", evidence="情况说明")
    services.contest_decide(actor=personas.city_dept_head, contest=second, decision="upheld", reason="新证据属实")
    assert ScoreLine.objects.get(pk=deduction.pk).final_points == Decimal("0.00")
    assert deduction.contests.count() == 2  # both kept


def test_another_unit_cannot_contest_and_draft_results_are_not_contestable(personas: Any, tree: Any) -> None:
    s = services.scheme_create(actor=personas.city_dept_head, year=YEAR, title="考核", units=[tree.housing])
    adj = services.adjustment_record(
        actor=personas.city_dept_head, scheme=s, unit=tree.housing, kind="bonus", points=Decimal(1),
        reason="r", evidence="e",
    )  # fmt: skip
    with pytest.raises(RuleViolation):
        services.line_contest(actor=personas.head_b, line=adj.line, reason="x")
    with pytest.raises(NotPermitted):
        services.line_contest(actor=personas.outsider, line=adj.line, reason="x")


def test_assessed_units_see_published_schemes_and_only_their_own_lines(personas: Any, tree: Any, scheme: Any) -> None:
    assert selectors.schemes_visible_to(personas.head_b).filter(pk=scheme.pk).exists()
    assert {line.unit_id for line in selectors.lines_visible_to(personas.head_b, scheme)} == {tree.housing.pk}
    assert not selectors.schemes_visible_to(personas.legal).exists()  # not assessed, not the issuer
