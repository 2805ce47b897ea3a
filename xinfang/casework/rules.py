"""The 积案 (backlog) rules as configuration, and each rule as a query.

Local practice decides what counts as a backlog case; the defaults below can be changed in the settings with
``XINFANG_BACKLOG_RULES`` (a dict merged over ``DEFAULT_BACKLOG_RULES``, rule by rule, key by key)::

    XINFANG_BACKLOG_RULES = {
        "age": {"enabled": True, "days": 180},     # unsettled (open) this many days after it was received
        "repeat": {"enabled": True, "min_chain": 3},  # newest petition of a repeat chain of at least this length
        "review": {"enabled": True, "lookback": 5},   # in 复查/复核 (Arts. 35–36), or petitioned again after
                                                       # termination (Art. 36 ¶3), looking back this many links
    }

Every rule returns a ``Q`` over ``Petition``; the scan combines them into one query (no loop over petitions).
A petition whose matter is settled is never a candidate: the age and review rules need an open petition (or,
for "petitioned again after termination", the newest petition of the chain); the repeat rule skips chains whose
newest petition was closed (办结) or directed to a statutory procedure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from xinfang.petitions.models import Petition
from xinfang.petitions.workflow import OPEN_STATES, State

MAX_LINKS = 10  # repeat links followed in a query (petitions.services.bars follows at most 20 in Python)

DEFAULT_BACKLOG_RULES: dict[str, dict[str, Any]] = {
    "age": {"enabled": True, "days": 180},
    "repeat": {"enabled": True, "min_chain": 3},
    "review": {"enabled": True, "lookback": 5},
}

REVIEW_STATES = (State.REVIEW, State.REVIEWED, State.RECHECK)  # 复查中, 已复查, 复核中
SETTLED_STATES = (State.CLOSED, State.DIVERTED)  # the matter ended with a result or left the petition route


@dataclass(frozen=True)
class RuleConfig:
    age_enabled: bool
    age_days: int
    repeat_enabled: bool
    min_chain: int
    review_enabled: bool
    lookback: int


def backlog_rules() -> RuleConfig:
    configured: dict[str, dict[str, Any]] = getattr(settings, "XINFANG_BACKLOG_RULES", {}) or {}
    merged = {k: {**v, **(configured.get(k) or {})} for k, v in DEFAULT_BACKLOG_RULES.items()}
    return RuleConfig(
        age_enabled=bool(merged["age"]["enabled"]),
        age_days=max(1, int(merged["age"]["days"])),
        repeat_enabled=bool(merged["repeat"]["enabled"]),
        min_chain=min(MAX_LINKS + 1, max(2, int(merged["repeat"]["min_chain"]))),
        review_enabled=bool(merged["review"]["enabled"]),
        lookback=min(MAX_LINKS, max(1, int(merged["review"]["lookback"]))),
    )


def _link(n: int, field: str = "") -> str:
    """``previous__previous__…`` n times, then ``field``."""
    path = "__".join(["previous"] * n)
    return f"{path}__{field}" if field else path


def newest_of_chain() -> Q:
    """No later petition names this one as its earlier item."""
    return ~Q(Exists(Petition.objects.filter(previous_id=OuterRef("pk"))))


def age_q(cfg: RuleConfig, today: dt.date) -> Q:
    """久拖未结: still open ``days`` days or more after it was received."""
    return Q(state__in=OPEN_STATES, received_on__lte=today - dt.timedelta(days=cfg.age_days))


def repeat_q(cfg: RuleConfig) -> Q:
    """重复信访: the newest petition of a chain of at least ``min_chain`` petitions, not settled."""
    return Q(**{_link(cfg.min_chain - 1, "isnull"): False}) & newest_of_chain() & ~Q(state__in=SETTLED_STATES)


def review_q(cfg: RuleConfig) -> Q:
    """In 复查/复核 now, or the newest petition of a chain whose earlier item was terminated (Art. 36 ¶3)."""
    again = Q()
    for n in range(1, cfg.lookback + 1):
        again |= Q(**{_link(n, "state"): State.TERMINATED})
    return Q(state__in=REVIEW_STATES) | (again & newest_of_chain() & ~Q(state__in=SETTLED_STATES))


def chain_length_expr() -> Any:
    """1 + the number of earlier items linked (up to MAX_LINKS), as an SQL expression."""
    from django.db.models import Case, IntegerField, Value, When

    whens = [When(**{_link(n, "isnull"): False}, then=Value(n + 1)) for n in range(MAX_LINKS, 0, -1)]
    return Case(*whens, default=Value(1), output_field=IntegerField())


def first_received_expr() -> Any:
    """The received date of the earliest linked petition (the age of the matter)."""
    return Coalesce(*[F(_link(n, "received_on")) for n in range(MAX_LINKS, 0, -1)], F("received_on"))
