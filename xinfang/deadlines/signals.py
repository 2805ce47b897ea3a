"""Cache invalidation for the deadlines configuration: holiday overrides and local targets (connected in
``DeadlinesConfig.ready``)."""

from __future__ import annotations

from typing import Any

from xinfang.deadlines.services import CONFIG


def config_changed(sender: type[Any], **kwargs: Any) -> None:
    CONFIG.changed(sender, **kwargs)
