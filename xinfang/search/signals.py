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
        # Intake has just written the petition whole and hands it over with its event (issue 9, intake under load).
        written = [instance.petition] if registered and PetitionEvent.petition.is_cached(instance) else []
        search_document_refresh(petition_ids=[instance.petition_id], registered=registered, written=written)
