"""Cache invalidation for the holiday overrides (connected in ``DeadlinesConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from xinfang.deadlines.services import bump_calendar_version


def holiday_override_changed(sender: type[Any], **kwargs: Any) -> None:
    # Bump now so this connection's later reads (inside the same transaction) see the change, and again on
    # commit so that a reader in another connection that cached the old rows between save and commit is
    # not served them any longer.
    bump_calendar_version()
    transaction.on_commit(bump_calendar_version)
