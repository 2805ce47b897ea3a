"""Deadline services backed by the database: the override-aware calendar and local targets."""

from __future__ import annotations

import datetime as dt
from uuid import uuid4

from django.core.cache import cache
from django.db.models import Q

from xinfang.deadlines.calendar import DayKind, DayOverride, Deadline, WorkCalendar, compute_deadline
from xinfang.deadlines.models import HolidayOverride, LocalTarget
from xinfang.orgs.models import Unit

CALENDAR_VERSION_KEY = "deadlines:calendar:version"
_CALENDAR_ROWS_KEY = "deadlines:calendar:overrides:{version}"
# Signals bump the version in the cache they can reach. With a per-process cache (the LocMem default) other
# worker processes never see that bump, so cached rows also expire: a change shows everywhere within this
# many seconds.
CALENDAR_CACHE_SECONDS = 300

_OverrideRow = tuple[dt.date, bool, str]


def bump_calendar_version() -> None:
    """Make every cached copy of the overrides stale (called by the HolidayOverride signals)."""
    # A fresh random token rather than incr(): incr fails on a missing key and needs no atomic counter here.
    cache.set(CALENDAR_VERSION_KEY, uuid4().hex, None)


def _calendar_version() -> str:
    version = cache.get(CALENDAR_VERSION_KEY)
    if version is None:
        # add() leaves a token set concurrently by a bump in place; read back whichever won.
        cache.add(CALENDAR_VERSION_KEY, uuid4().hex, None)
        version = cache.get(CALENDAR_VERSION_KEY)
    return str(version)


def get_calendar() -> WorkCalendar:
    """The working-day calendar with every ``HolidayOverride`` applied.

    Cached; saving or deleting an override bumps the cache version (``bump_calendar_version``).
    """
    key = _CALENDAR_ROWS_KEY.format(version=_calendar_version())
    rows: list[_OverrideRow] | None = cache.get(key)
    if rows is None:
        rows = list(HolidayOverride.objects.order_by("day").values_list("day", "is_workday", "name"))
        cache.set(key, rows, CALENDAR_CACHE_SECONDS)
    return WorkCalendar(DayOverride(day=day, is_workday=is_workday, name=name) for day, is_workday, name in rows)


def deadline_for(*, start: dt.date, days: int, kind: DayKind, extra_days: int = 0, extra_reason: str = "") -> Deadline:
    """``compute_deadline`` on the current calendar (民法典 Arts. 201, 203 by analogy; see ``calendar``)."""
    return compute_deadline(start, days, kind, get_calendar(), extra_days=extra_days, extra_reason=extra_reason)


def local_target_for(*, unit: Unit, kind: str, first_time: bool) -> LocalTarget | None:
    """The local target that applies to ``unit`` for clock ``kind``, or None.

    Candidates are the unit's own target and its ancestors' targets marked ``include_subtree``; a
    ``first_time_only`` target is skipped unless the item is 初次. Among the candidates the nearest (deepest)
    unit wins, so a county's own practice beats the province's. One query.
    """
    qs = LocalTarget.objects.filter(
        kind=kind,
        unit__in=Unit.objects.ancestors(unit, include_self=True).values("pk"),
    ).filter(Q(unit=unit) | Q(include_subtree=True))
    if not first_time:
        qs = qs.filter(first_time_only=False)
    return qs.select_related("unit").order_by("-unit__depth").first()
