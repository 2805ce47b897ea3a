"""Index a petition in the transaction that changes it: every petition service appends a PetitionEvent after
writing the petition and its petitioners, so refreshing on the event's insert sees the final text (as
``xinfang.stats.signals`` does for the figures). Bulk loaders bypass signals: ``manage.py search_index rebuild``.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from xinfang.petitions.models import PetitionEvent
from xinfang.search.services import search_document_refresh


@receiver(post_save, sender=PetitionEvent, dispatch_uid="search_refresh_on_event")
def refresh_on_event(
    sender: type[PetitionEvent], instance: PetitionEvent, created: bool, raw: bool = False, **_: Any
) -> None:
    if created and not raw:
        registered = instance.action == "register" and not instance.from_state  # the petition's first event
        # Registration hands over what it has just written with its event (issue 9, intake under load).
        handed = instance.handed_over() if registered else None
        if handed is None:
            search_document_refresh(petition_ids=[instance.petition_id], registered=registered)
        else:
            names = {instance.petition_id: [p.name for p in handed.petitioners]}
            search_document_refresh(
                petition_ids=[instance.petition_id], registered=True, written=[instance.petition], names=names
            )
