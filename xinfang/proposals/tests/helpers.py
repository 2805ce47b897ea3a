"""Builders for proposal tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinfang.core import timeutil
from xinfang.orgs.models import Unit
from xinfang.proposals import services
from xinfang.proposals.models import Proposal


def submit(unit: Unit | None, **overrides: Any) -> Proposal:
    data: dict[str, Any] = {
        "title": "在丽发新城增设公交站点",
        "reason": "小区居民上下班需步行二十分钟到最近的站点。",
        "suggestion": "建议在丽发新城东门增设一处公交站点。",
        "unit": unit,
        "proposer_name": "钱建议",
        "proposer_phone": "13900001111",
        "is_public": True,
    }
    data.update(overrides)
    return services.proposal_submit(**data)


def days_from_today(n: int) -> dt.date:
    return timeutil.today() + dt.timedelta(days=n)
