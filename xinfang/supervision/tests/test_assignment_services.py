"""交办事项: decisions with deadlines, done only by the responsible unit, overdue when the deadline passes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.supervision.assignments import (
    assignment_complete,
    assignment_create,
    assignments_visible_to,
    overdue_assignments,
)
from xinfang.supervision.models import AssignmentSource

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2026, 3, 10, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _assign(personas, tree, due=dt.date(2026, 3, 20)):
    return assignment_create(
        actor=personas.supervisor,
        source=AssignmentSource.JOINT_MEETING,
        source_id=7,
        matter="三日内核实搅拌站夜间施工情况",
        unit=tree.housing,
        due=due,
    )


def test_an_assignment_records_who_assigned_what_to_whom_by_when(personas, tree):
    a = _assign(personas, tree)
    assert (a.unit, a.assigned_by, a.assigned_on, a.due) == (
        tree.housing,
        personas.supervisor,
        dt.date(2026, 3, 10),
        dt.date(2026, 3, 20),
    )
    assert a.unit_path == tree.housing.path and a.done_on is None


def test_a_deadline_in_the_past_is_refused_naming_the_field(personas, tree):
    with pytest.raises(InvalidInput) as refused:
        _assign(personas, tree, due=dt.date(2026, 3, 9))
    assert refused.value.field == "due"


def test_only_the_responsible_unit_reports_it_done_once(personas, tree):
    a = _assign(personas, tree)
    with pytest.raises(NotPermitted):
        assignment_complete(actor=personas.outsider, assignment=a, result="已核实")
    done = assignment_complete(actor=personas.handler_b, assignment=a, result="已核实并责令整改")
    assert done.done_on == TODAY.date() and done.done_by == personas.handler_b
    with pytest.raises(RuleViolation):
        assignment_complete(actor=personas.handler_b, assignment=a, result="again")


def test_overdue_means_open_and_past_its_deadline(personas, tree):
    late = _assign(personas, tree, due=dt.date(2026, 3, 11))
    done = _assign(personas, tree, due=dt.date(2026, 3, 11))
    assignment_complete(actor=personas.handler_b, assignment=done, result="完成")
    _assign(personas, tree, due=dt.date(2026, 3, 30))
    assert list(overdue_assignments(dt.date(2026, 3, 12))) == [late]


def test_the_unit_and_those_above_see_it_an_outsider_does_not(personas, tree):
    a = _assign(personas, tree)
    assert a in assignments_visible_to(personas.handler_b)
    assert a in assignments_visible_to(personas.supervisor)
    assert a not in assignments_visible_to(personas.outsider)


def test_work_on_an_accusation_is_never_assigned_to_the_accused_unit(personas, tree):
    from xinfang.petitions.tests.helpers import register

    accusation, _ = register(personas.registrar_a, nature="accusation", accused_unit=tree.environment)
    with pytest.raises(RuleViolation) as refused:
        assignment_create(
            actor=personas.supervisor,
            source=AssignmentSource.JOINT_MEETING,
            source_id=1,
            matter="核查举报内容",
            unit=tree.environment,
            due=dt.date(2026, 3, 20),
            petition=accusation,
        )
    assert (refused.value.field, refused.value.article) == ("unit", "Art. 30 ¶3")
