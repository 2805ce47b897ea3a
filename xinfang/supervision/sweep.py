"""The overdue sweep (超期扫描): record each warning level clocks newly reached, then tell the owing units.

Set-based: one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` writes a ``ClockWarning`` for every counting
obligation clock whose level (computed in SQL by ``levels.level_case``) has no row yet; the unique constraint
(clock, level) makes a second run the same day write nothing. The new rows are then counted per owing unit and
level with one GROUP BY, and each unit's staff receive one message with the counts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, DateField, Max, Value
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.notify.services import notify
from xinfang.orgs.models import Role, User
from xinfang.petitions.models import Clock
from xinfang.supervision.levels import level_case, widest_due_soon
from xinfang.supervision.models import ClockWarning, WarningLevel

NOTIFIED_ROLES = (Role.HANDLER, Role.HEAD, Role.LEADER)


@dataclass
class SweepResult:
    written: int = 0
    by_level: dict[str, int] = field(default_factory=dict)
    units_notified: int = 0


def _insert_new_levels(today: dt.date) -> None:
    source = (
        Clock.objects.counting()
        .obligations()
        .filter(due__lte=widest_due_soon(today))
        .annotate(level=level_case(today), raised=Value(today, output_field=DateField()))
        .exclude(level="")
        .order_by()
        .values_list("id", "level", "raised", "owing_unit_id", "owing_path")
    )
    select_sql, params = source.query.sql_with_params()
    table = ClockWarning._meta.db_table
    sql = (
        f"INSERT INTO {table} (clock_id, level, raised_on, owing_unit_id, owing_path) "
        f"{select_sql} ON CONFLICT (clock_id, level) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _notify_units(counts: dict[int, dict[str, int]], today: dt.date) -> int:
    staff: dict[int, list[User]] = defaultdict(list)
    users = User.objects.filter(unit_id__in=list(counts), is_active=True, roles__role__in=list(NOTIFIED_ROLES))
    for user in users.distinct().order_by("id"):
        assert user.unit_id is not None  # noqa: S101 - filtered on unit
        staff[user.unit_id].append(user)
    labels = {level.value: str(level.label) for level in WarningLevel}
    notified = 0
    for unit_id, levels in sorted(counts.items()):
        if not staff.get(unit_id):
            continue
        parts = "，".join(f"{labels[lv]} {n}" for lv, n in sorted(levels.items()) if n)
        notify(
            kind="supervision.clock_warning",
            subject=_("Time limits needing attention on %(date)s: %(counts)s")
            % {"date": today.isoformat(), "counts": parts},
            body=_("Open the inbox tabs “Due soon” and “Overdue” to see the petitions."),
            users=staff[unit_id],
            link="/workbench/?tab=overdue",
        )
        notified += 1
    return notified


@transaction.atomic
def overdue_sweep(today: dt.date | None = None) -> SweepResult:
    """Write the newly reached warning levels and notify each owing unit once with its counts."""
    today = today or timeutil.today()
    watermark = ClockWarning.objects.aggregate(m=Max("id"))["m"] or 0
    _insert_new_levels(today)
    rows = (
        ClockWarning.objects.filter(id__gt=watermark)
        .order_by()
        .values("owing_unit_id", "level")
        .annotate(n=Count("id"))
    )
    result = SweepResult()
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows:
        result.written += row["n"]
        result.by_level[row["level"]] = result.by_level.get(row["level"], 0) + row["n"]
        if row["owing_unit_id"] is not None:
            counts[row["owing_unit_id"]][row["level"]] = row["n"]
    result.units_notified = _notify_units(counts, today)
    return result
