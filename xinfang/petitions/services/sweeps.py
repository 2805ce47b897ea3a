"""Periodic work over many petitions, done in set-based batches (no per-petition round trips)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from xinfang.core import timeutil
from xinfang.deadlines.rules import ClockKind
from xinfang.petitions.models import Clock, Petition, PetitionEvent
from xinfang.petitions.services.common import SYSTEM_LABEL
from xinfang.petitions.signals import events_bulk_created
from xinfang.petitions.workflow import Action, State

_WINDOWS = {State.REPLIED: ClockKind.REVIEW_WINDOW, State.REVIEWED: ClockKind.RECHECK_WINDOW}


def petitions_close_expired(*, today: dt.date | None = None, batch: int = 1000) -> int:
    """办结 every replied or reviewed petition whose 复查/复核 window has passed unused (Zhejiang Art. 25).

    Each batch is one transaction: stop the windows, move the petitions to CLOSED, append one event each, and send
    ``events_bulk_created`` with those events (the petitioners are told after the batch commits).
    Returns how many petitions were closed.
    """
    today = today or timeutil.today()
    closed = 0
    for state, window in _WINDOWS.items():
        while True:
            with transaction.atomic():
                ids = list(
                    Clock.objects.filter(kind=window, stopped_on__isnull=True, due__lt=today, petition__state=state)
                    .values_list("petition_id", flat=True)
                    .order_by("petition_id")[:batch]
                )
                if not ids:
                    break
                # Lock the rows and re-check the state: a petitioner's request may have arrived meanwhile.
                ids = list(
                    Petition.objects.select_for_update().filter(pk__in=ids, state=state).values_list("pk", flat=True)
                )
                Clock.objects.filter(petition_id__in=ids, kind=window, stopped_on__isnull=True).update(
                    stopped_on=today, stop_reason="expired"
                )
                Petition.objects.filter(pk__in=ids).update(state=State.CLOSED, closed_on=today)
                now = timeutil.now()
                events = PetitionEvent.objects.bulk_create(
                    PetitionEvent(
                        petition_id=pk,
                        action=Action.CLOSE,
                        actor_label=SYSTEM_LABEL,
                        at=now,
                        from_state=state,
                        to_state=State.CLOSED,
                        data={"reason": "window_expired", "window": str(window)},
                    )
                    for pk in ids
                )
                # No post_save fires for bulk rows: tell the listeners (the petitioner's message) in this transaction.
                events_bulk_created.send(sender=PetitionEvent, events=events)
                closed += len(ids)
    return closed
