"""Warning levels (预警) of running obligation clocks: 临期, 超期, 严重超期 — thresholds are configuration.

``settings.XINFANG_WARNING_LEVELS`` (optional; every key has a default, see ``DEFAULTS``)::

    XINFANG_WARNING_LEVELS = {
        "due_soon_days": 3,        # 临期: due today or within this many calendar days
        "short_clock_days": 5,     # a clock of at most this many days (working days for working-day clocks) …
        "short_due_soon_days": 1,  # … is 临期 only within this many days
        "severe_days": 15,         # 严重超期: more than this many calendar days past due
        "kinds": {                 # per clock kind (ClockKind values), any of the three numbers above
            "handle_simple": {"due_soon_days": 2},
        },
    }

A clock is 超期 once its due date has passed (the day after ``due``), as ``Clock.is_overdue``; only counting
obligations (running, not paused, owed by a unit) have a level. The statutory due date is never changed here.
The level is computed in SQL (``level_case``) from the due date, the kind and the clock's length, so lists and the
sweep can filter and sort on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, CharField, IntegerField, Q, Value, When

from xinfang.supervision.models import WarningLevel

DEFAULTS: dict[str, Any] = {
    "due_soon_days": 3,
    "short_clock_days": 5,
    "short_due_soon_days": 1,
    "severe_days": 15,
    "kinds": {},
}

LEVEL_RANK = {WarningLevel.DUE_SOON: 1, WarningLevel.OVERDUE: 2, WarningLevel.SEVERE: 3}
RANK_LEVEL = {rank: level for level, rank in LEVEL_RANK.items()}


@dataclass(frozen=True)
class Thresholds:
    due_soon_days: int
    short_clock_days: int
    short_due_soon_days: int
    severe_days: int


def _config() -> dict[str, Any]:
    configured: dict[str, Any] = getattr(settings, "XINFANG_WARNING_LEVELS", None) or {}
    return {**DEFAULTS, **configured}


def thresholds(kind: str | None = None) -> Thresholds:
    """The thresholds for clocks of ``kind`` (the defaults with that kind's overrides)."""
    config = _config()
    values = {k: int(config[k]) for k in ("due_soon_days", "short_clock_days", "short_due_soon_days", "severe_days")}
    if kind is not None:
        values.update({k: int(v) for k, v in (config.get("kinds") or {}).get(kind, {}).items() if k in values})
    return Thresholds(**values)


def _conditions(today: dt.date, t: Thresholds) -> list[tuple[Q, WarningLevel]]:
    """(condition on the clock, level), most severe first; dates are constants so each is an index range."""
    short = Q(days__lte=t.short_clock_days)
    return [
        (Q(due__lt=today - dt.timedelta(days=t.severe_days)), WarningLevel.SEVERE),
        (Q(due__lt=today), WarningLevel.OVERDUE),
        (short & Q(due__lte=today + dt.timedelta(days=t.short_due_soon_days)), WarningLevel.DUE_SOON),
        (~short & Q(due__lte=today + dt.timedelta(days=t.due_soon_days)), WarningLevel.DUE_SOON),
    ]


def _whens(today: dt.date, *, rank: bool) -> list[When]:
    config = _config()
    overridden = sorted((config.get("kinds") or {}).keys())
    whens: list[When] = []
    for kind in overridden:
        for cond, level in _conditions(today, thresholds(kind)):
            then = Value(LEVEL_RANK[level]) if rank else Value(level.value)
            whens.append(When(Q(kind=kind) & cond, then=then))
    default = thresholds()
    for cond, level in _conditions(today, default):
        then = Value(LEVEL_RANK[level]) if rank else Value(level.value)
        whens.append(When(cond & ~Q(kind__in=overridden) if overridden else cond, then=then))
    return whens


def level_case(today: dt.date) -> Case:
    """SQL CASE giving a clock's level ('' for none). Apply it to counting obligation clocks only."""
    return Case(*_whens(today, rank=False), default=Value(""), output_field=CharField())


def rank_case(today: dt.date) -> Case:
    """The same CASE as a number (0 none, 1 临期, 2 超期, 3 严重超期), for MAX() over a petition's clocks."""
    return Case(*_whens(today, rank=True), default=Value(0), output_field=IntegerField())


def widest_due_soon(today: dt.date) -> dt.date:
    """No clock due after this date has a level: the bound that lets the sweep use the index on due."""
    config = _config()
    days = [thresholds().due_soon_days, thresholds().short_due_soon_days]
    for kind in config.get("kinds") or {}:
        t = thresholds(kind)
        days += [t.due_soon_days, t.short_due_soon_days]
    return today + dt.timedelta(days=max(days))


def level_of(kind: str, days: int, due: dt.date, today: dt.date) -> str:
    """The level of one clock in Python (for a single object; lists use ``level_case``)."""
    t = thresholds(kind)
    for cond_level in _python_conditions(days, due, today, t):
        if cond_level:
            return cond_level
    return ""


def _python_conditions(days: int, due: dt.date, today: dt.date, t: Thresholds) -> list[str]:
    short = days <= t.short_clock_days
    soon = t.short_due_soon_days if short else t.due_soon_days
    return [
        WarningLevel.SEVERE if due < today - dt.timedelta(days=t.severe_days) else "",
        WarningLevel.OVERDUE if due < today else "",
        WarningLevel.DUE_SOON if due <= today + dt.timedelta(days=soon) else "",
    ]
