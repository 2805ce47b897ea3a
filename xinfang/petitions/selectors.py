"""Reads that cross a permission boundary. Every petition list starts from ``petitions_visible_to``.

Visibility (issue: Access): a staff user sees the petitions their unit registered, holds or was routed or
co-assigned (rows of ``PetitionAccess``); 信访部门 staff and supervisory roles also see those of the units in
their scope. Accusations are never visible to the accused side (Art. 30 ¶3). Both rules are index lookups.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from xinfang.core.articles import article_text
from xinfang.core.limits import is_id
from xinfang.orgs.models import User, path_upper_bound
from xinfang.petitions.models import Clock, Nature, Petition, PetitionAccess
from xinfang.petitions.sides import ACCUSATION_CHANNEL_TYPES, is_accused_side
from xinfang.petitions.workflow import TRANSITIONS, Action, Actor


def _path_range(field: str, path: str) -> Q:
    upper = path_upper_bound(path)
    q = Q(**{f"{field}__gte": path})
    return q & Q(**{f"{field}__lt": upper}) if upper else q


def _accused_side_q(user: User) -> Q:
    """Rows this user must never see: accusations against them, their unit, or (for ordinary units) a unit above."""
    unit = user.unit
    assert unit is not None  # noqa: S101 - callers check
    against = Q(accused_staff_id=user.pk) | Q(accused_unit_id=unit.pk)
    if unit.unit_type not in ACCUSATION_CHANNEL_TYPES and unit.ancestor_ids:
        against |= Q(accused_unit_id__in=unit.ancestor_ids)
    return Q(nature=Nature.ACCUSATION) & against


def accused_side_petitions(user: User | Any) -> QuerySet[Petition]:
    """Accusations this staff user must never see (Art. 30 ¶3): for records of other desks that point at them."""
    if not getattr(user, "is_unit_staff", False):
        return Petition.objects.none()
    return Petition.objects.filter(_accused_side_q(user))


def petitions_visible_to(user: User | Any) -> QuerySet[Petition]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_unit_staff", False):
        return Petition.objects.none()
    unit = user.unit
    assert unit is not None  # noqa: S101 - is_unit_staff implies a unit
    if user.oversees_below:
        access = PetitionAccess.objects.filter(_path_range("unit_path", unit.scope_path))
    else:
        access = PetitionAccess.objects.filter(unit_id=unit.pk)
    return Petition.objects.filter(pk__in=access.values("petition_id")).exclude(_accused_side_q(user))


def petition_get_visible(user: User | Any, key: str | int) -> Petition:
    """Look up by id or 编号; missing and forbidden both answer 404 (no existence oracle)."""
    qs = petitions_visible_to(user).select_related(
        "registering_unit",
        "current_unit",
        "handling_unit",
        "category",
        "previous",
        "review_unit",
        "recheck_unit",
        "assignee",
        "merged_into",
    )
    lookup = Q(number=str(key))
    if is_id(str(key)):  # "³".isdigit() is True but int("³") fails; above 64 bits SQLite cannot bind
        lookup |= Q(pk=int(key))
    petition = qs.filter(lookup).first()
    if petition is None:
        raise Http404
    return petition


def can_see_identity(user: User, petition: Petition) -> bool:
    """Only the units that must contact the petitioner see identity unmasked (Art. 30; Zhejiang Art. 26)."""
    if user.unit_id is None:
        return False
    return user.unit_id in {petition.registering_unit_id, petition.current_unit_id, petition.handling_unit_id}


def identity_q(user: User) -> Q:
    """The query form of ``can_see_identity``: rows whose petitioners this user may see unmasked."""
    if user.unit_id is None:
        return Q(pk__in=[])
    uid = user.unit_id
    return Q(registering_unit_id=uid) | Q(current_unit_id=uid) | Q(handling_unit_id=uid)


def inbox(user: User, *, state: str | None = None) -> QuerySet[Petition]:
    """Petitions the user's unit holds now, newest first (index petition_inbox_idx)."""
    if user.unit_id is None:
        return Petition.objects.none()
    qs = Petition.objects.filter(current_unit_id=user.unit_id).exclude(_accused_side_q(user))
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-id")


def clocks_in_scope(user: User) -> QuerySet[Clock]:
    """Open clocks owed by the user's unit, or by any unit in scope for overseeing users."""
    if user.unit_id is None or user.unit is None:
        return Clock.objects.none()
    qs = Clock.objects.counting().obligations()
    if user.oversees_below:
        qs = qs.filter(_path_range("owing_path", user.unit.scope_path))
    else:
        qs = qs.filter(owing_unit_id=user.unit_id)
    return qs.exclude(petition__in=Petition.objects.filter(_accused_side_q(user)).values("pk"))


def overdue_clocks(user: User, today: dt.date) -> QuerySet[Clock]:
    return clocks_in_scope(user).filter(due__lt=today).order_by("due", "id")


def due_soon_clocks(user: User, today: dt.date, days: int) -> QuerySet[Clock]:
    return clocks_in_scope(user).filter(due__gte=today, due__lte=today + dt.timedelta(days=days)).order_by("due", "id")


def allowed_actions(user: User, petition: Petition) -> list[Action]:
    """The actions this staff user may take now (state + side + role); services re-check on submit."""
    if user.unit_id is None or is_accused_side(user.unit, user, petition):
        return []
    roles = user.role_set()
    involved: bool | None = None
    result = []
    for action, t in TRANSITIONS.items():
        if petition.state not in t.sources or not (roles & t.roles):
            continue
        if t.actor == Actor.VIEWER:
            continue  # taken from the supervision, reception and casework desks, not the petition page
        if action == Action.CONFIRM_ACCUSED and petition.nature != Nature.ACCUSATION:
            continue  # only an accusation has an accused unit to confirm (Art. 30 ¶3)
        if t.actor == Actor.HOLDER and user.unit_id != petition.current_unit_id:
            continue
        if t.actor == Actor.PETITIONER and user.unit_id not in {petition.current_unit_id, petition.registering_unit_id}:
            continue
        if t.actor == Actor.ANY_INVOLVED:
            if involved is None:
                involved = PetitionAccess.objects.filter(petition=petition, unit_id=user.unit_id).exists()
            if not involved:
                continue
        result.append(action)
    return result


def window_right(action: Action, clock: Any, article: str, is_open: bool) -> dict[str, Any]:
    """One of the petitioner's rights bound to a window clock (复查, 复核, rating), as the track page and the API show
    it: open until its due date, or closed with the date, the period and the article that set it."""
    entry: dict[str, Any] = {
        "action": str(action),
        "label": str(action.label),
        "available": is_open,
        "until": clock.due.isoformat(),
        "article": article,
    }
    if not is_open:
        entry["reason"] = _("Closed on %(due)s: the period is %(days)s days from %(start)s (%(article)s).") % {
            "due": clock.due.isoformat(),
            "days": clock.days,
            "start": clock.start.isoformat(),
            "article": article_text(article),
        }
    return entry


def petitioner_rights(petition: Petition, today: dt.date | None = None) -> list[dict[str, Any]]:
    """What the petitioner may do now, and for each right that has passed, the date it closed and why."""
    from xinfang.core import timeutil
    from xinfang.deadlines.rules import ClockKind
    from xinfang.petitions.workflow import OPEN_STATES, State

    today = today or timeutil.today()
    clocks = {c.kind: c for c in petition.clocks.order_by("id")}  # latest clock of each kind wins
    rights: list[dict[str, Any]] = []

    def window(action: Action, kind: ClockKind, article: str, states: set[State]) -> None:
        clock = clocks.get(kind)
        if clock is None or petition.state not in states:
            return
        rights.append(window_right(action, clock, article, clock.stopped_on is None and today <= clock.due))

    window(Action.REQUEST_REVIEW, ClockKind.REVIEW_WINDOW, "Art. 35", {State.REPLIED})
    window(Action.REQUEST_RECHECK, ClockKind.RECHECK_WINDOW, "Art. 36", {State.REVIEWED})
    window(
        Action.RATE,
        ClockKind.RATING_WINDOW,
        "国信发〔2022〕11号",
        {State.REPLIED, State.REVIEWED, State.CLOSED, State.TERMINATED},
    )
    if petition.state in OPEN_STATES:
        overdue = [c for c in clocks.values() if c.is_overdue(today)]
        rights.append(
            {
                "action": str(Action.URGE),
                "label": str(Action.URGE.label),
                "available": bool(overdue),
                "reason": "" if overdue else _("You can urge once a time limit has passed."),
            }
        )
    return rights


def petition_dept_for_division(code: str) -> Any:
    """The nearest petition department for a 问题属地 code: township, county, city, then province."""
    from xinfang.orgs.models import Unit, UnitType

    candidates = [
        c
        for c in {code[:9] if len(code) == 9 else "", code[:6], code[:4] + "00", code[:2] + "0000"}
        if c and len(c) in (6, 9)
    ]
    return (
        Unit.objects.active()
        .filter(unit_type=UnitType.PETITION_DEPT, division_code__in=candidates)
        .order_by("-depth", "id")
        .first()
    )
