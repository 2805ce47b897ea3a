"""Deadline services backed by the database: the override-aware calendar and local targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar, cast
from uuid import uuid4

from django.core.cache import cache
from django.db.models import Q

from xinfang.deadlines.calendar import DayKind, DayOverride, Deadline, WorkCalendar, compute_deadline
from xinfang.deadlines.models import HolidayOverride, LocalTarget
from xinfang.orgs.models import Unit, ids_in_path

# The deadlines configuration (holiday overrides, local targets) is read on every clock a service opens: it is
# cached under a version token that the models' signals replace (``bump_config_version``). With a per-process cache
# (the LocMem default) other worker processes never see that bump, so cached entries also expire: a change shows
# everywhere within this many seconds.
CONFIG_VERSION_KEY = "deadlines:config:version"
CONFIG_CACHE_SECONDS = 300
_MISSING = object()

_OverrideRow = tuple[dt.date, bool, str]
T = TypeVar("T")


def bump_config_version() -> None:
    """Make every cached copy of the overrides and local targets stale (called by their models' signals)."""
    # A fresh random token rather than incr(): incr fails on a missing key and needs no atomic counter here.
    cache.set(CONFIG_VERSION_KEY, uuid4().hex, None)


def _config_version() -> str:
    version = cache.get(CONFIG_VERSION_KEY)
    if version is None:
        # add() leaves a token set concurrently by a bump in place; read back whichever won.
        cache.add(CONFIG_VERSION_KEY, uuid4().hex, None)
        version = cache.get(CONFIG_VERSION_KEY)
    return str(version)


def _cached(name: str, compute: Callable[[], T]) -> T:
    """``compute()`` under the current configuration version (None is a value too: "no local target")."""
    key = f"deadlines:{name}:{_config_version()}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key, value, CONFIG_CACHE_SECONDS)
    return cast(T, value)


def get_calendar() -> WorkCalendar:
    """The working-day calendar with every ``HolidayOverride`` applied (cached; see ``bump_config_version``)."""
    rows: list[_OverrideRow] = _cached(
        "calendar", lambda: list(HolidayOverride.objects.order_by("day").values_list("day", "is_workday", "name"))
    )
    return WorkCalendar(DayOverride(day=day, is_workday=is_workday, name=name) for day, is_workday, name in rows)


def deadline_for(*, start: dt.date, days: int, kind: DayKind, extra_days: int = 0, extra_reason: str = "") -> Deadline:
    """``compute_deadline`` on the current calendar (民法典 Arts. 201, 203 by analogy; see ``calendar``)."""
    return compute_deadline(start, days, kind, get_calendar(), extra_days=extra_days, extra_reason=extra_reason)


def local_target_for(*, unit: Unit, kind: str, first_time: bool) -> LocalTarget | None:
    """The local target that applies to ``unit`` for clock ``kind``, or None.

    Candidates are the unit's own target and its ancestors' targets marked ``include_subtree``; a
    ``first_time_only`` target is skipped unless the item is 初次. Among the candidates the nearest (deepest)
    unit wins, so a county's own practice beats the province's. One query, cached by the unit's path (which names
    its ancestors, so a unit moved in the tree is looked up afresh) until the configuration changes: every public
    submission opens a clock and asks (issue 9, intake under load).
    """

    def query() -> LocalTarget | None:
        qs = LocalTarget.objects.filter(kind=kind, unit_id__in=ids_in_path(unit.path)).filter(
            Q(unit=unit) | Q(include_subtree=True)
        )
        if not first_time:
            qs = qs.filter(first_time_only=False)
        return qs.select_related("unit").order_by("-unit__depth").first()

    return _cached(f"target:{unit.path}:{kind}:{int(first_time)}", query)
