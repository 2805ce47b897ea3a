from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from xinfang.petitions.models import PetitionEvent
from xinfang.petitions.services.sweeps import petitions_close_expired
from xinfang.petitions.tests.helpers import register, to_replied
from xinfang.petitions.workflow import Action, State

pytestmark = pytest.mark.django_db
TZ = dt.timezone(dt.timedelta(hours=8))


def test_sweep_closes_only_petitions_whose_review_window_passed_zhejiang_art_25(personas):
    with time_machine.travel(dt.datetime(2026, 5, 4, 10, tzinfo=TZ), tick=False):
        old, _ = register(personas.registrar_a)
        to_replied(personas, old)
    with time_machine.travel(dt.datetime(2026, 6, 1, 10, tzinfo=TZ), tick=False):
        recent, _ = register(personas.registrar_a)
        to_replied(personas, recent)
    # The window for `old` runs 30 days from 4 May to 3 June; on 4 June it has passed, `recent`'s has not.
    assert petitions_close_expired(today=dt.date(2026, 6, 3)) == 0
    assert petitions_close_expired(today=dt.date(2026, 6, 4)) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.state == State.CLOSED and recent.state == State.REPLIED
    event = PetitionEvent.objects.filter(petition=old).last()
    assert event.action == Action.CLOSE and event.actor is None and event.from_state == State.REPLIED
    assert petitions_close_expired(today=dt.date(2026, 6, 4)) == 0  # idempotent
