"""The demo 包案 backlog builds on the demo petitions, is realistic and idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

from xinfang.casework.demo import build_demo_casework
from xinfang.casework.models import BacklogCase, CaseStatus, QuietStatus, Resolution, WeeklySchedule
from xinfang.casework.tests.helpers import on
from xinfang.orgs.demo import build_demo_tree, create_demo_staff
from xinfang.petitions.demo import build_demo_petitions
from xinfang.supervision.models import Assignment, AssignmentSource

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def test_demo_casework(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with on(TODAY):
        tree = build_demo_tree()
        create_demo_staff(tree)
        build_demo_petitions(tree, count=80)
        counts = build_demo_casework(TODAY)
    assert counts["in_charge"] >= 3 and counts["candidates"] >= 1 and counts["weekly_schedules"] == 2
    leaders = set(BacklogCase.objects.filter(status=CaseStatus.IN_CHARGE).values_list("leader__username", flat=True))
    assert leaders == {"leader", "a1_leader"}
    overdue = Assignment.objects.filter(source=AssignmentSource.CASEWORK, done_on__isnull=True, due__lt=TODAY)
    assert overdue.count() == 1
    assert BacklogCase.objects.filter(by_age=True).exists() and BacklogCase.objects.filter(by_review=True).exists()
    if counts["resolved"]:
        closed = BacklogCase.objects.get(status=CaseStatus.CLOSED)
        assert (closed.outcome, closed.quiet_status) == (Resolution.RESOLVED, QuietStatus.QUIET)
    schedule = WeeklySchedule.objects.get(leader__username="leader")
    assert any(c["overdue_milestones"] for c in schedule.data["cases"])
    with on(TODAY):
        assert build_demo_casework(TODAY) == {k: v for k, v in counts.items() if k != "resolved"}
