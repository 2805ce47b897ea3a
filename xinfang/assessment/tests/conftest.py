"""The planted 考核 scheme and 专项工作 campaign shared by the scheme, campaign, API and page tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from conftest import make_user
from xinfang.assessment import services
from xinfang.assessment.models import ScoringRule
from xinfang.casework.models import BacklogCase, CaseKind, CaseStatus, Resolution
from xinfang.orgs.models import Role
from xinfang.petitions.tests.helpers import register
from xinfang.stats.models import StatDaily

YEAR = 2025
DAY = dt.date(2025, 5, 10)


def _plant(unit: Any, **measures: int) -> None:
    for measure, value in measures.items():
        StatDaily.objects.create(node=unit, direct=True, measure=measure, day=DAY, value=value)


def _case(petition: Any, unit: Any, resolved: bool) -> None:
    BacklogCase.objects.create(
        petition=petition,
        first_received_on=dt.date(2024, 1, 1),
        unit=unit,
        unit_path=unit.path,
        level="county",
        marked_on=dt.date(2024, 6, 1),
        status=CaseStatus.CLOSED if resolved else CaseStatus.IN_CHARGE,
        outcome=Resolution.RESOLVED if resolved else "",
        closed_on=dt.date(2025, 4, 1) if resolved else None,
    )


@pytest.fixture
def scheme(personas: Any, tree: Any) -> Any:
    """The A市信访局 assesses A1区住建局 (B) and A2区住建局 over 2025 on three indicators.

    B:  按期办结率 7/10 = 0.7; 满意率 (6 + 2) / 10 = 0.8; 积案化解率 1/2 = 0.5; a deduction of 3.
    A2: 按期办结率 5/5 = 1.0; no ratings (no figure); 积案化解率 1/1 = 1.0; a bonus of 2.
    """
    p = personas
    _plant(tree.housing, handling_stopped=10, handling_on_time=7)
    _plant(tree.housing, rated_petition_dept_satisfied=6, rated_responsible_unit_basically=2)
    _plant(tree.housing, rated_responsible_unit_dissatisfied=2)
    _plant(tree.county2_housing, handling_stopped=5, handling_on_time=5)
    pets = [register(p.registrar_a, title=f"积案{i}")[0] for i in range(3)]
    _case(pets[0], tree.housing, resolved=True)
    _case(pets[1], tree.housing, resolved=False)
    _case(pets[2], tree.county2_housing, resolved=True)
    s = services.scheme_create(
        actor=p.city_dept_head, year=YEAR, title="2025年度信访工作考核", units=[tree.housing, tree.county2_housing]
    )
    services.indicator_add(
        actor=p.city_dept_head, scheme=s, kpi="on_time_closing_rate", weight=Decimal(40),
        target=Decimal("0.9"), floor=Decimal("0.5"),
    )  # fmt: skip
    services.indicator_add(
        actor=p.city_dept_head, scheme=s, kpi="satisfaction_rate", weight=Decimal(30),
        target=Decimal("0.9"), floor=Decimal("0.6"),
    )  # fmt: skip
    services.indicator_add(
        actor=p.city_dept_head, scheme=s, kpi="backlog_resolution_rate", weight=Decimal(30),
        target=Decimal("0.8"), rule=ScoringRule.THRESHOLD,
    )  # fmt: skip
    services.adjustment_record(
        actor=p.city_dept_head, scheme=s, unit=tree.housing, kind="deduction", points=Decimal(3),
        reason="瞒报信访事项", evidence="督查通报〔2025〕3号",
    )  # fmt: skip
    services.adjustment_record(
        actor=p.city_dept_head, scheme=s, unit=tree.county2_housing, kind="bonus", points=Decimal(2),
        reason="经验做法被省级推广", evidence="https://example.org/tongbao/12",
    )  # fmt: skip
    return services.scheme_publish(actor=p.city_dept_head, scheme=s)


def _backlog(petition: Any, unit: Any, status: str, **kw: Any) -> BacklogCase:
    return BacklogCase.objects.create(
        petition=petition,
        first_received_on=dt.date(2024, 1, 1),
        unit=unit,
        unit_path=unit.path,
        level="county",
        marked_on=dt.date(2024, 6, 1),
        status=status,
        **kw,
    )


@pytest.fixture
def world(personas: Any, tree: Any) -> Any:
    """In A1区: two open 积案 (one under 双包案), a candidate, a key case; in A2区: one open 积案."""
    p = personas
    leader = make_user("bao_leader", tree.county, Role.LEADER, full_name="包案领导")
    pets = [register(p.registrar_a, title=f"积案{i}")[0] for i in range(4)]
    a2 = make_user("a2_registrar", tree.county2_housing, Role.REGISTRAR)
    outside = register(a2, title="外区积案")[0]
    cases = [
        _backlog(
            pets[0],
            tree.housing,
            CaseStatus.IN_CHARGE,
            leader=leader,
            responsible_unit=tree.housing,
            responsible_person="赵局长",
            taken_on=dt.date(2025, 2, 1),
        ),
        _backlog(pets[1], tree.housing, CaseStatus.OPEN),
        _backlog(pets[2], tree.housing, CaseStatus.CANDIDATE),
        _backlog(pets[3], tree.housing, CaseStatus.OPEN, kind=CaseKind.KEY),
        _backlog(outside, tree.county2_housing, CaseStatus.OPEN),
    ]
    campaign = services.campaign_create(
        actor=p.city_dept_head, title="化解信访积案专项工作", scope_unit=tree.county, start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31), goal_rate=Decimal("0.5"),
    )  # fmt: skip
    return campaign, cases
