"""The joint demo builds on the demo tree and staff, shows one decision done and one overdue, and is idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from xinfang.core import timeutil
from xinfang.joint import selectors
from xinfang.joint.demo import build_demo_joint
from xinfang.joint.models import Intake, MediationReferral, MediationStatus
from xinfang.orgs.demo import build_demo_tree, create_demo_staff
from xinfang.orgs.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_shows_a_month_of_joint_work_and_runs_twice():
    create_demo_staff(build_demo_tree())
    today = timeutil.today()
    counts = build_demo_joint(today)
    assert counts["conferences"] == 1 and counts["meetings"] == 2
    assert counts["household_visits"] == 3 and counts["joint_sessions"] == 1
    supervisor = User.objects.get(username="supervisor")
    statuses = sorted(
        selectors.follow_up_status(d.n_assigned, d.n_done, d.n_overdue)
        for d in selectors.decisions_visible_to(supervisor)
    )
    assert statuses == ["done", "overdue"]  # no demo petitions here, so only the two meeting-one decisions
    kinds = sorted(Intake.objects.values_list("kind", flat=True))
    assert kinds == ["litigation", "litigation", "petition", "petition"]
    assert Intake.objects.filter(kind="petition", petition__isnull=True).count() == 0
    assert MediationReferral.objects.get().status == MediationStatus.AGREED
    assert build_demo_joint(today) == counts
