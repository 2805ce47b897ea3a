"""The demo mailbox, a letter waiting in it and one instruction with its assignment; idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from xinfang.instructions.demo import build_demo_instructions
from xinfang.instructions.models import Instruction, InstructionStatus, LeaderMailbox
from xinfang.orgs.demo import build_demo_tree, create_demo_staff
from xinfang.petitions.demo import build_demo_petitions
from xinfang.supervision.models import Assignment, AssignmentSource

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 15)


def test_demo_instructions(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with time_machine.travel(dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC), tick=False):
        tree = build_demo_tree()
        create_demo_staff(tree)
        build_demo_petitions(tree, count=80)
        counts = build_demo_instructions(TODAY)
        assert build_demo_instructions(TODAY) == counts  # idempotent
    mailbox = LeaderMailbox.objects.get()
    assert Instruction.objects.get(mailbox=mailbox).status == InstructionStatus.WAITING
    given = Instruction.objects.get(status=InstructionStatus.INSTRUCTED)
    assignment = Assignment.objects.get(source=AssignmentSource.INSTRUCTION, source_id=given.pk)
    assert assignment.due == TODAY + dt.timedelta(days=15)
