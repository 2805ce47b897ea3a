"""The demo month of supervision builds on the demo petitions and is idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from xinfang.orgs.demo import build_demo_tree, create_demo_staff
from xinfang.petitions.demo import build_demo_petitions
from xinfang.supervision.demo import build_demo_supervision
from xinfang.supervision.models import Bulletin, OrderStatus, Recommendation, SupervisionOrder

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def test_demo_supervision(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC), tick=False):
        tree = build_demo_tree()
        create_demo_staff(tree)
        build_demo_petitions(tree, count=80)
        counts = build_demo_supervision(TODAY)
        assert build_demo_supervision(TODAY) == counts  # idempotent
    statuses = sorted(SupervisionOrder.objects.values_list("status", flat=True))
    assert statuses == sorted([OrderStatus.CLOSED, OrderStatus.ESCALATED, OrderStatus.REPLIED, OrderStatus.ISSUED])
    assert SupervisionOrder.objects.get(status=OrderStatus.ESCALATED).is_listed
    assert Recommendation.objects.filter(feedback_on__isnull=False).count() == 2
    assert Recommendation.objects.filter(feedback_on__isnull=True, feedback_due__lt=TODAY).count() == 1
    assert counts["interviews"] == 1 and counts["clock_warnings"] > 0
    assert Bulletin.objects.filter(month=dt.date(2026, 5, 1)).exists()
