"""Working-day calendar and deadline arithmetic for the time limits of the 信访工作条例 (2022).

Pure: no ORM, no database, no settings read at import. Callers pass a ``WorkCalendar`` built from the
admin-maintained overrides (see ``deadlines.services.get_calendar``) so this module stays testable in
isolation.

Counting rule. The 条例 counts most periods in 日 (calendar days) and Art. 23 ¶3 in 工作日 (working days).
It does not say how a period is computed, so by analogy with the 民法典:

* Art. 201: the day on which the period starts is not counted; counting begins on the next day.
* Art. 203: if the last day of a period is a statutory holiday, the day after the holiday ends is the last
  day.

A "working day" follows the State Council holiday schedule, including 调休: a Saturday or Sunday declared a
make-up working day is a working day, and a weekday inside a holiday block is not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum

from chinese_calendar import constants as _pkg
from django.utils.translation import gettext, ngettext

__all__ = [
    "EXTRA_EXTENDED",
    "EXTRA_PAUSED",
    "DayKind",
    "DayOverride",
    "Deadline",
    "Step",
    "WorkCalendar",
    "compute_deadline",
    "count_working_days_between",
    "explain",
]


class DayKind(StrEnum):
    """How the days of a period are counted.

    Defined here rather than in ``rules`` so that this module needs no Django models; ``rules`` re-exports it.
    """

    CALENDAR = "calendar"  # 日 (自然日), start day not counted, last day rolls past holidays (民法典 Arts. 201, 203)
    WORKING = "working"  # 工作日, honouring statutory holidays and 调休 make-up days


# ``extra_reason`` values that compute_deadline explains with a dedicated sentence.
EXTRA_PAUSED = "paused"  # time not counted, e.g. hearing time in 复核 (Art. 36) or a suspension
EXTRA_EXTENDED = "extended"  # an approved extension, e.g. up to 30 days under Art. 34

# chinesecalendar's public helpers rescan the whole table to validate the year on every call; reading the
# tables directly keeps a long working-day count O(days) with a small constant.
# The package ships no type hints; pin the shapes we rely on (date -> English holiday name).
_PKG_HOLIDAYS: dict[dt.date, str] = _pkg.holidays
_PKG_WORKDAYS: dict[dt.date, str] = _pkg.workdays
_PKG_FIRST_YEAR: int = min(_PKG_HOLIDAYS).year
_PKG_LAST_YEAR: int = max(_PKG_HOLIDAYS).year

# Fixed-date holidays of the 《全国年节及纪念日放假办法》 as amended in 2024, used only for years the
# package does not know. Lunar holidays (春节, 清明, 端午, 中秋) and 调休 cannot be derived, so such
# years are "estimated".
_FIXED_DATE_HOLIDAYS: dict[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}

_NAME_SEPARATOR = "、"


def _chinese_name(english: str | None) -> str | None:
    """The package stores English names; the domain (and the override table) uses the Chinese ones."""
    if english is None:
        return None
    try:
        return str(_pkg.Holiday(english).chinese)
    except ValueError:
        return english


@dataclass(frozen=True)
class DayOverride:
    """One admin-entered day that wins over the package.

    A holiday (``is_workday=False``) or a 调休 make-up working day (``is_workday=True``).
    """

    day: dt.date
    is_workday: bool
    name: str = ""


class WorkCalendar:
    """Which days are working days: overrides, then chinesecalendar (2004–2026 in 1.11), then an estimate."""

    def __init__(self, overrides: Iterable[DayOverride] = ()) -> None:
        # Later entries win so a caller can layer corrections on top of a base list.
        self._overrides: dict[dt.date, DayOverride] = {o.day: o for o in overrides}

    def __repr__(self) -> str:
        return f"WorkCalendar(overrides={len(self._overrides)})"

    @property
    def overrides(self) -> tuple[DayOverride, ...]:
        return tuple(self._overrides[d] for d in sorted(self._overrides))

    @staticmethod
    def _package_knows(d: dt.date) -> bool:
        return _PKG_FIRST_YEAR <= d.year <= _PKG_LAST_YEAR

    def is_known(self, d: dt.date) -> bool:
        """False when the answer for ``d`` comes from the estimate.

        That is: ``d`` has no override and its year is outside the package's table.
        """
        return d in self._overrides or self._package_knows(d)

    def is_workday(self, d: dt.date) -> bool:
        override = self._overrides.get(d)
        if override is not None:
            return override.is_workday
        if self._package_knows(d):
            if d in _PKG_WORKDAYS:
                return True
            return d.weekday() < 5 and d not in _PKG_HOLIDAYS
        return d.weekday() < 5 and (d.month, d.day) not in _FIXED_DATE_HOLIDAYS

    def holiday_name(self, d: dt.date) -> str | None:
        """The festival ``d`` belongs to: the holiday itself, or the one a 调休 make-up working day serves.

        None for ordinary weekdays and weekends, and for an override entered without a name. Combine with
        ``is_workday`` to tell a holiday from its make-up day.
        """
        override = self._overrides.get(d)
        if override is not None:
            return override.name or None
        if self._package_knows(d):
            return _chinese_name(_PKG_WORKDAYS.get(d) or _PKG_HOLIDAYS.get(d))
        return _FIXED_DATE_HOLIDAYS.get((d.month, d.day))

    def is_makeup_workday(self, d: dt.date) -> bool:
        """A Saturday or Sunday that is a working day (调休)."""
        return d.weekday() >= 5 and self.is_workday(d)

    def next_workday(self, d: dt.date) -> dt.date:
        """``d`` itself if it is a working day, else the first working day after it."""
        while not self.is_workday(d):
            d += dt.timedelta(days=1)
        return d


@dataclass(frozen=True)
class Step:
    """One step of a computation, kept structured so it can be rendered in any language (see ``explain``).

    Codes: start, count_calendar, count_working, paused, extended, extra_days, holiday_skipped,
    makeup_counted, makeup_due, rolled_forward, estimated_year, due. Dates in ``params`` are ISO strings.
    """

    code: str
    params: dict[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Deadline:
    start: dt.date
    days: int
    kind: DayKind
    due: dt.date
    steps: tuple[Step, ...]

    @property
    def estimated(self) -> bool:
        """True when part of the answer rests on the estimate for a year without an official schedule."""
        return any(s.code == "estimated_year" for s in self.steps)

    def explanation(self) -> list[str]:
        """The steps as sentences in the active language (rendered now, not when computed)."""
        return explain(self.steps)


def _iso(d: dt.date) -> str:
    return d.isoformat()


def _join_names(names: Iterable[str | None]) -> str:
    seen: list[str] = []
    for name in names:
        if name and name not in seen:
            seen.append(name)
    return _NAME_SEPARATOR.join(seen)


def _days_after(start: dt.date) -> Iterator[dt.date]:
    d = start
    while True:
        d += dt.timedelta(days=1)
        yield d


class _YearTracker:
    """Collects the years whose answer came from the estimate, in the order first met."""

    def __init__(self, calendar: WorkCalendar) -> None:
        self._calendar = calendar
        self.years: list[int] = []

    def note(self, d: dt.date) -> None:
        if not self._calendar.is_known(d) and d.year not in self.years:
            self.years.append(d.year)


def _roll_forward(d: dt.date, calendar: WorkCalendar, years: _YearTracker) -> tuple[dt.date, list[Step]]:
    """Apply 民法典 Art. 203: a last day that is not a working day moves to the next working day."""
    years.note(d)
    if calendar.is_workday(d):
        if calendar.is_makeup_workday(d):
            return d, [Step("makeup_due", {"day": _iso(d), "name": calendar.holiday_name(d) or ""})]
        return d, []
    passed: list[dt.date] = []
    current = d
    while not calendar.is_workday(current):
        passed.append(current)
        current += dt.timedelta(days=1)
        years.note(current)
    step = Step(
        "rolled_forward",
        {
            "from": _iso(d),
            "to": _iso(current),
            "count": len(passed),
            "dates": ", ".join(_iso(p) for p in passed),
            "names": _join_names(calendar.holiday_name(p) for p in passed),
        },
    )
    steps = [step]
    if calendar.is_makeup_workday(current):
        steps.append(Step("makeup_due", {"day": _iso(current), "name": calendar.holiday_name(current) or ""}))
    return current, steps


def _extra_step(extra_days: int, extra_reason: str, kind: DayKind, reached: dt.date) -> Step:
    params: dict[str, str | int] = {"days": extra_days, "kind": kind.value, "date": _iso(reached)}
    if extra_reason in (EXTRA_PAUSED, EXTRA_EXTENDED):
        return Step(extra_reason, params)
    params["reason"] = extra_reason
    return Step("extra_days", params)


def _validate(start: dt.date, days: int, extra_days: int) -> None:
    if isinstance(start, dt.datetime):
        # A datetime's date depends on the time zone; callers must pass the local date (core.timeutil.today).
        raise TypeError("start must be a date, not a datetime")
    if days < 0:
        raise ValueError(f"days must be >= 0, got {days}")
    if extra_days < 0:
        raise ValueError(f"extra_days must be >= 0, got {extra_days}")


def compute_deadline(
    start: dt.date,
    days: int,
    kind: DayKind,
    calendar: WorkCalendar,
    *,
    extra_days: int = 0,
    extra_reason: str = "",
) -> Deadline:
    """The last day of a period of ``days`` counted from ``start``, with the steps that explain it.

    Calendar days (日; Arts. 22, 23 ¶1, 34, 35, 36): the start day is not counted (民法典 Art. 201), so the
    raw last day is ``start + days + extra_days``; if it is not a working day it moves to the next one
    (民法典 Art. 203).
    A last day that is a 调休 make-up working day is a working day and stays.

    Working days (工作日; Art. 23 ¶3's 5 working days): the ``days``-th working day after ``start`` (counting
    调休 make-up days, skipping holidays and ordinary weekends); ``extra_days`` are added as working days too.
    With nothing to count (0 days) the due date is ``start`` itself, moved to the next working day if needed.

    ``extra_days`` covers time not counted or an extension (Art. 34: at most 30 days); ``extra_reason`` is
    ``EXTRA_PAUSED``, ``EXTRA_EXTENDED`` or free text for the explanation.

    Runs in O(days + length of the holiday block at the end); raises ValueError on negative days.
    """
    _validate(start, days, extra_days)
    kind = DayKind(kind)
    years = _YearTracker(calendar)
    steps: list[Step] = [Step("start", {"start": _iso(start)})]

    if kind is DayKind.CALENDAR:
        reached = start + dt.timedelta(days=days)
        steps.append(Step("count_calendar", {"days": days, "date": _iso(reached)}))
        if extra_days:
            reached += dt.timedelta(days=extra_days)
            steps.append(_extra_step(extra_days, extra_reason, kind, reached))
        due, roll_steps = _roll_forward(reached, calendar, years)
        steps.extend(roll_steps)
    else:
        due, count_steps = _count_working(start, days, extra_days, extra_reason, calendar, years)
        steps.extend(count_steps)

    steps.extend(Step("estimated_year", {"year": year}) for year in years.years)
    steps.append(Step("due", {"due": _iso(due)}))
    return Deadline(start=start, days=days, kind=kind, due=due, steps=tuple(steps))


def _count_working(
    start: dt.date,
    days: int,
    extra_days: int,
    extra_reason: str,
    calendar: WorkCalendar,
    years: _YearTracker,
) -> tuple[dt.date, list[Step]]:
    """Walk forward from the day after ``start`` to the (days + extra_days)-th working day."""
    total = days + extra_days
    if total == 0:
        due, roll_steps = _roll_forward(start, calendar, years)
        return due, [Step("count_working", {"days": 0, "date": _iso(start)}), *roll_steps]

    detail: list[Step] = []
    # Consecutive non-working weekdays (a holiday block) are reported as one step, not one per day.
    skipped_run: list[dt.date] = []

    def flush_skipped() -> None:
        if skipped_run:
            detail.append(
                Step(
                    "holiday_skipped",
                    {
                        "count": len(skipped_run),
                        "dates": ", ".join(_iso(s) for s in skipped_run),
                        "name": _join_names(calendar.holiday_name(s) for s in skipped_run),
                    },
                )
            )
            skipped_run.clear()

    counted = 0
    reached_base = start
    current = start
    for current in _days_after(start):
        years.note(current)
        if calendar.is_workday(current):
            flush_skipped()
            counted += 1
            if calendar.is_makeup_workday(current):
                detail.append(
                    Step("makeup_counted", {"day": _iso(current), "name": calendar.holiday_name(current) or ""})
                )
            if counted == days:
                reached_base = current
            if counted == total:
                break
        elif current.weekday() < 5:
            skipped_run.append(current)
        # An ordinary weekend inside a holiday block does not end the block.
    flush_skipped()

    head = [Step("count_working", {"days": days, "date": _iso(reached_base)})]
    if extra_days:
        head.append(_extra_step(extra_days, extra_reason, DayKind.WORKING, current))
    return current, head + detail


def count_working_days_between(a: dt.date, b: dt.date, calendar: WorkCalendar) -> int:
    """Working days in the half-open interval (a, b]; 0 when b <= a (used by reports and tests)."""
    n = 0
    d = a
    while d < b:
        d += dt.timedelta(days=1)
        if calendar.is_workday(d):
            n += 1
    return n


# --- Rendering --------------------------------------------------------------------------------------------


def _render(step: Step) -> str:
    p = step.params
    code = step.code
    if code == "start":
        return gettext("Start: %(start)s (the start day is not counted).") % p
    if code == "count_calendar":
        return (
            ngettext(
                "Counting %(days)d calendar day from the day after the start reaches %(date)s.",
                "Counting %(days)d calendar days from the day after the start reaches %(date)s.",
                int(p["days"]),
            )
            % p
        )
    if code == "count_working":
        if int(p["days"]) == 0:
            return gettext("Counting 0 working days leaves the start day, %(date)s.") % p
        return (
            ngettext(
                "Counting %(days)d working day after the start reaches %(date)s.",
                "Counting %(days)d working days after the start reaches %(date)s.",
                int(p["days"]),
            )
            % p
        )
    if code in (EXTRA_PAUSED, EXTRA_EXTENDED, "extra_days"):
        return _render_extra(step)
    if code == "holiday_skipped":
        if p.get("name"):
            return (
                ngettext(
                    "Not counted: %(dates)s, a statutory holiday (%(name)s).",
                    "Not counted: %(dates)s, statutory holidays (%(name)s).",
                    int(p["count"]),
                )
                % p
            )
        return (
            ngettext(
                "Not counted: %(dates)s, a non-working day.",
                "Not counted: %(dates)s, non-working days.",
                int(p["count"]),
            )
            % p
        )
    if code == "makeup_counted":
        if p.get("name"):
            return gettext("Counted: %(day)s is a make-up working day (调休) for %(name)s.") % p
        return gettext("Counted: %(day)s is a make-up working day (调休).") % p
    if code == "makeup_due":
        if p.get("name"):
            return gettext("%(day)s is a make-up working day (调休) for %(name)s, so the period can end on it.") % p
        return gettext("%(day)s is a make-up working day (调休), so the period can end on it.") % p
    if code == "rolled_forward":
        if p.get("names"):
            return (
                ngettext(
                    "%(from)s is not a working day (%(names)s); the last day moves to the next working "
                    "day, %(to)s, passing over %(dates)s (Civil Code Art. 203).",
                    "%(from)s is not a working day (%(names)s); the last day moves to the next working "
                    "day, %(to)s, passing over %(count)d days: %(dates)s (Civil Code Art. 203).",
                    int(p["count"]),
                )
                % p
            )
        return (
            ngettext(
                "%(from)s is a rest day; the last day moves to the next working day, %(to)s, "
                "passing over %(dates)s (Civil Code Art. 203).",
                "%(from)s is a rest day; the last day moves to the next working day, %(to)s, "
                "passing over %(count)d days: %(dates)s (Civil Code Art. 203).",
                int(p["count"]),
            )
            % p
        )
    if code == "estimated_year":
        return (
            gettext(
                "The official holiday schedule for %(year)s is not available: working days were estimated "
                "from weekends and the fixed-date holidays (New Year's Day, Labour Day, National Day) plus "
                "any holiday overrides. Check the result against the State Council notice."
            )
            % p
        )
    if code == "due":
        return gettext("Due: %(due)s.") % p
    # An unknown code (for example from a newer version) still renders rather than failing the whole answer.
    return f"{code}: {p}"


def _render_extra(step: Step) -> str:
    p = step.params
    working = p.get("kind") == DayKind.WORKING.value
    n = int(p["days"])
    if step.code == EXTRA_PAUSED:
        if working:
            return (
                ngettext(
                    "%(days)d working day added for time not counted (paused): %(date)s.",
                    "%(days)d working days added for time not counted (paused): %(date)s.",
                    n,
                )
                % p
            )
        return (
            ngettext(
                "%(days)d day added for time not counted (paused): %(date)s.",
                "%(days)d days added for time not counted (paused): %(date)s.",
                n,
            )
            % p
        )
    if step.code == EXTRA_EXTENDED:
        if working:
            return (
                ngettext(
                    "Extended by %(days)d working day: %(date)s.",
                    "Extended by %(days)d working days: %(date)s.",
                    n,
                )
                % p
            )
        return ngettext("Extended by %(days)d day: %(date)s.", "Extended by %(days)d days: %(date)s.", n) % p
    if working:
        return ngettext(
            "%(days)d more working day added (%(reason)s): %(date)s.",
            "%(days)d more working days added (%(reason)s): %(date)s.",
            n,
        ) % {**p, "reason": p.get("reason") or gettext("no reason given")}
    return ngettext(
        "%(days)d more day added (%(reason)s): %(date)s.",
        "%(days)d more days added (%(reason)s): %(date)s.",
        n,
    ) % {**p, "reason": p.get("reason") or gettext("no reason given")}


def explain(steps: Iterable[Step]) -> list[str]:
    """Render steps as sentences through gettext, in the language active at call time."""
    return [_render(step) for step in steps]
