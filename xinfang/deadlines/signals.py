"""Cache invalidation for the deadlines configuration: holiday overrides and local targets (connected in
``DeadlinesConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from xinfang.deadlines.services import bump_config_version


def config_changed(sender: type[Any], **kwargs: Any) -> None:
    # Bump now so this connection's later reads (inside the same transaction) see the change, and again on
    # commit so that a reader in another connection that cached the old rows between save and commit is
    # not served them any longer.
    bump_config_version()
    transaction.on_commit(bump_config_version)
