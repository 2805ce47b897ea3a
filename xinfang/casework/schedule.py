"""每周调度 — the weekly key-case schedule for each leader with open 包案 cases.

For every leader: the cases, each with its next milestone, its overdue milestones and the days since the last
progress; kept as a ``WeeklySchedule`` row (JSON) for the desk and sent with ``notify``. Re-running in the same
week refreshes the row and does not send it twice. Three queries in all, whatever the number of leaders.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from xinfang.casework.models import BacklogCase, CaseStatus, Milestone, WeeklySchedule
from xinfang.casework.selectors import with_milestones
from xinfang.core import timeutil
from xinfang.notify.services import notify
from xinfang.orgs.models import User


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _case_rows(today: dt.date) -> dict[int, list[dict[str, Any]]]:
    cases = with_milestones(
        BacklogCase.objects.filter(status=CaseStatus.IN_CHARGE, leader__isnull=False), today
    ).select_related("petition", "responsible_unit")
    overdue: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for m in (
        Milestone.objects.filter(
            case__status=CaseStatus.IN_CHARGE, case__leader__isnull=False, assignment__done_on__isnull=True
        )
        .filter(due__lt=today)
        .select_related("unit")
        .order_by("due", "id")
    ):
        overdue[m.case_id].append(
            {
                "id": m.pk,
                "what": m.what,
                "due": m.due.isoformat(),
                "unit": m.unit.name,
                "days_overdue": (today - m.due).days,
            }
        )
    by_leader: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for c in cases.order_by("leader_id", "first_received_on", "id"):
        next_due = getattr(c, "next_milestone_due", None)
        next_what = getattr(c, "next_milestone_what", "")
        last = c.last_progress_on or c.taken_on
        by_leader[c.leader_id or 0].append(
            {
                "id": c.pk,
                "number": c.petition.number,
                "title": c.petition.title,
                "kind": c.kind,
                "responsible_unit": c.responsible_unit.name if c.responsible_unit else "",
                "responsible_person": c.responsible_person,
                "age_days": c.age_days(today),
                "next_milestone": ({"what": next_what, "due": next_due.isoformat()} if next_due is not None else None),
                "overdue_milestones": overdue.get(c.pk, []),
                "days_since_progress": (today - last).days if last else None,
            }
        )
    return by_leader


def _body(cases: list[dict[str, Any]]) -> str:
    lines = []
    for c in cases:
        nxt = c["next_milestone"]
        line = f"{c['number']} {c['title']}"
        if nxt:
            line += " — " + _("next: %(what)s by %(due)s") % nxt
        if c["overdue_milestones"]:
            line += " — " + _("%(n)s overdue milestone(s)") % {"n": len(c["overdue_milestones"])}
        if c["days_since_progress"] is not None:
            line += " — " + _("%(n)s days since the last progress") % {"n": c["days_since_progress"]}
        lines.append(line)
    return "\n".join(lines)


@transaction.atomic
def weekly_schedules_build(today: dt.date | None = None) -> dict[str, int]:
    """Build (or refresh) this week's schedule for every leader with open cases; send each once."""
    today = today or timeutil.today()
    monday = week_start(today)
    now = timeutil.now()
    rows = _case_rows(today)
    leaders = User.objects.in_bulk(list(rows))
    existing = {s.leader_id: s for s in WeeklySchedule.objects.filter(week_start=monday, leader_id__in=list(rows))}
    built = sent = 0
    for leader_id, cases in rows.items():
        leader = leaders[leader_id]
        totals = {
            "cases": len(cases),
            "overdue_milestones": sum(len(c["overdue_milestones"]) for c in cases),
            "without_milestone": sum(1 for c in cases if c["next_milestone"] is None),
        }
        data: dict[str, Any] = {
            "week_start": monday.isoformat(),
            "generated_on": today.isoformat(),
            "cases": cases,
            "totals": totals,
        }
        schedule = existing.get(leader_id)
        if schedule is None:
            schedule = WeeklySchedule.objects.create(leader=leader, week_start=monday, data=data, generated_at=now)
        else:
            schedule.data, schedule.generated_at = data, now
            schedule.save(update_fields=["data", "generated_at"])
        built += 1
        if schedule.sent_at is None:
            notify(
                kind="casework.weekly_schedule",
                subject=_("Key-case schedule for the week of %(monday)s: %(n)s case(s), %(o)s overdue milestone(s)")
                % {"monday": monday.isoformat(), "n": len(cases), "o": totals["overdue_milestones"]},
                body=_body(cases),
                users=[leader],
                link=reverse("casework:schedule", args=[schedule.pk]),
            )
            schedule.sent_at = now
            schedule.save(update_fields=["sent_at"])
            sent += 1
    return {"schedules": built, "sent": sent}
