"""Builders for the supervision tests: petitions on the shared tree, and clocks with chosen dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from xinfang.deadlines.rules import STATUTORY_RULES, ClockKind
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Clock, Petition
from xinfang.petitions.tests.helpers import register, to_handling


def add_clock(
    petition: Petition,
    unit: Unit,
    *,
    kind: ClockKind = ClockKind.HANDLE,
    due: dt.date,
    start: dt.date | None = None,
    days: int | None = None,
    stopped_on: dt.date | None = None,
    obligation: bool = True,
) -> Clock:
    rule = STATUTORY_RULES[kind]
    length = days if days is not None else rule.days
    return Clock.objects.create(
        petition=petition,
        kind=kind,
        owing_unit=unit,
        owing_path=unit.path,
        is_obligation=obligation,
        article=rule.article,
        start=start or min(due, due - dt.timedelta(days=length)),
        days=length,
        day_kind=rule.day_kind,
        due=due,
        stopped_on=stopped_on,
    )


@pytest.fixture
def handling(personas: Any) -> Callable[..., Petition]:
    """A petition registered at A1区信访局 and being handled by A1区住建局 (unit B)."""

    def make(**overrides: Any) -> Petition:
        petition, _code = register(personas.registrar_a, **overrides)
        return to_handling(personas, petition)

    return make
