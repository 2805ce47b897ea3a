"""Every newly registered petition is fingerprinted after its transaction commits, so registration stays fast
and a failure of the index never undoes or delays a registration (``integration.fingerprint_after_commit``)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from xinfang.petitions.models import Petition


@receiver(post_save, sender=Petition, dispatch_uid="insight_fingerprint_new_petition")
def fingerprint_new_petition(
    sender: type[Petition], instance: Petition, created: bool, raw: bool = False, **_: Any
) -> None:
    if created and not raw:
        from xinfang.insight.integration import fingerprint_after_commit

        fingerprint_after_commit(instance)
