"""Keep the rollup in step: every petition service appends a PetitionEvent after the rows the figures read
(clocks stopped, ratings, documents, access grants, the repeat link), so refreshing on the event's insert, in the
same transaction, sees the final rows. Bulk loaders bypass signals and are followed by ``manage.py stats rebuild``;
bulk_create'd events (the window sweep) are reconciled by the nightly ``stats.reconcile`` job.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from xinfang.petitions.models import PetitionEvent
from xinfang.stats.facts import refresh


@receiver(post_save, sender=PetitionEvent, dispatch_uid="stats_refresh_on_event")
def refresh_on_event(
    sender: type[PetitionEvent], instance: PetitionEvent, created: bool, raw: bool = False, **_: Any
) -> None:
    if created and not raw:
        # The register event is the petition's first (from no state): the cheaper path for a brand-new row, which
        # intake has just written whole and hands over with its event (issue 9, intake under load).
        registered = instance.action == "register" and not instance.from_state
        handed = instance.handed_over() if registered else None
        if handed is None:
            refresh([instance.petition_id], registered=registered)
        else:
            access = {instance.petition_id: handed.access_paths}
            refresh([instance.petition_id], registered=True, written=[instance.petition], access=access)
