"""Deadline services backed by the database: the override-aware calendar and local targets."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from xinfang.core.configcache import ConfigCache
from xinfang.deadlines.calendar import DayKind, DayOverride, Deadline, WorkCalendar, compute_deadline
from xinfang.deadlines.models import HolidayOverride, LocalTarget
from xinfang.orgs.models import Unit, ids_in_path

# The deadlines configuration (holiday overrides, local targets) is read on every clock a service opens: cached under
# a version that the models' signals replace (xinfang.deadlines.signals; see xinfang.core.configcache).
CONFIG = ConfigCache("deadlines")

_OverrideRow = tuple[dt.date, bool, str]


def get_calendar() -> WorkCalendar:
    """The working-day calendar with every ``HolidayOverride`` applied (cached until an override changes)."""
    rows: list[_OverrideRow] = CONFIG.get(
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
    unit wins, so a county's own practice beats the province's. Every public submission opens a clock and asks
    (issue 9, intake under load): where no unit of the path has a target (most of the tree), the cached set of
    units that have one answers without a query; otherwise one query, cached by the unit's path (which names its
    ancestors, so a unit moved in the tree is looked up afresh). Both until the configuration changes.
    """
    if not CONFIG.get("target-units", _units_with_targets).intersection(ids_in_path(unit.path)):
        return None

    def query() -> LocalTarget | None:
        qs = LocalTarget.objects.filter(kind=kind, unit_id__in=ids_in_path(unit.path)).filter(
            Q(unit=unit) | Q(include_subtree=True)
        )
        if not first_time:
            qs = qs.filter(first_time_only=False)
        return qs.select_related("unit").order_by("-unit__depth").first()

    return CONFIG.get(f"target:{unit.path}:{kind}:{int(first_time)}", query)


def _units_with_targets() -> frozenset[int]:
    return frozenset(LocalTarget.objects.values_list("unit_id", flat=True).distinct())
