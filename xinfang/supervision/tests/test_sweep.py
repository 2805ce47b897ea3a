"""The overdue sweep writes each newly reached level once and tells each owing unit once, with counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xinfang.notify.models import Notification
from xinfang.petitions.models import Clock
from xinfang.supervision.models import ClockWarning
from xinfang.supervision.sweep import overdue_sweep
from xinfang.supervision.tests.conftest import add_clock

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 16)


@pytest.fixture
def world(personas: Any, handling: Any) -> dict[str, Clock]:
    petition = handling()
    Clock.objects.filter(petition=petition).delete()
    b = personas.handler_b.unit
    other = personas.outsider.unit
    return {
        "soon": add_clock(petition, b, due=TODAY + dt.timedelta(days=2)),
        "late1": add_clock(petition, b, due=TODAY - dt.timedelta(days=1)),
        "late2": add_clock(petition, b, due=TODAY - dt.timedelta(days=10)),
        "severe": add_clock(petition, b, due=TODAY - dt.timedelta(days=40)),
        "other": add_clock(petition, other, due=TODAY - dt.timedelta(days=3)),
        "later": add_clock(petition, b, due=TODAY + dt.timedelta(days=30)),
        "stopped": add_clock(petition, b, due=TODAY - dt.timedelta(days=3), stopped_on=TODAY - dt.timedelta(days=5)),
    }


def _warnings() -> set[tuple[int, str]]:
    return set(ClockWarning.objects.values_list("clock_id", "level"))


def test_sweep_writes_the_level_each_clock_reached(world: dict[str, Clock], personas: Any, tree: Any) -> None:
    result = overdue_sweep(TODAY)
    assert result.written == 5
    assert result.by_level == {"due_soon": 1, "overdue": 3, "severe": 1}
    assert _warnings() == {
        (world["soon"].pk, "due_soon"),
        (world["late1"].pk, "overdue"),
        (world["late2"].pk, "overdue"),
        (world["severe"].pk, "severe"),
        (world["other"].pk, "overdue"),
    }
    row = ClockWarning.objects.get(clock=world["severe"])
    # Copied from the owing unit (A1区住建局), so that "warnings in my area" is one range scan on the path.
    assert tree.housing.path
    assert (row.raised_on, row.owing_unit_id, row.owing_path) == (TODAY, tree.housing.pk, tree.housing.path)
    other = ClockWarning.objects.get(clock=world["other"])
    assert (other.owing_unit_id, other.owing_path) == (tree.county2_housing.pk, tree.county2_housing.path)


def test_sweep_notifies_each_owing_unit_once_with_counts(world: dict[str, Clock], personas: Any) -> None:
    result = overdue_sweep(TODAY)
    assert result.units_notified == 2
    for user in (personas.handler_b, personas.head_b):
        messages = list(Notification.objects.filter(recipient=user, kind="supervision.clock_warning", channel="inapp"))
        assert len(messages) == 1
        assert "2" in messages[0].subject and "1" in messages[0].subject  # 超期 2 (unit B), 临期 1, 严重超期 1
    assert Notification.objects.filter(recipient=personas.outsider, kind="supervision.clock_warning").count() == 1
    assert not Notification.objects.filter(recipient=personas.registrar_a, kind="supervision.clock_warning").exists()


def test_sweep_is_idempotent(world: dict[str, Clock]) -> None:
    overdue_sweep(TODAY)
    before = (ClockWarning.objects.count(), Notification.objects.count())
    again = overdue_sweep(TODAY)
    assert (again.written, again.units_notified) == (0, 0)
    assert (ClockWarning.objects.count(), Notification.objects.count()) == before


def test_a_later_sweep_writes_only_the_levels_newly_reached(world: dict[str, Clock]) -> None:
    overdue_sweep(TODAY)
    later = overdue_sweep(TODAY + dt.timedelta(days=3))
    # "soon" is now 超期 (due 2 days ago + 1); nothing else changed level.
    assert later.written == 1 and later.by_level == {"overdue": 1}
    assert (world["soon"].pk, "overdue") in _warnings() and (world["soon"].pk, "due_soon") in _warnings()
