"""Permission-limited reads of joint work.

Staff see the rows of their own unit (and of the conferences and centres their unit belongs to as a member or
stationed department); with an oversight role (``user.oversees_below``) also those of the units under their scope
— one range scan on the denormalised ``unit_path``. Petitions referred to from joint records are shown only to
users who may see the petition (``petitions_visible_to``); others see that an item exists, not which petition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import Count, F, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput
from xinfang.core.limits import parse_id
from xinfang.joint.models import (
    AgendaItem,
    Centre,
    Decision,
    FollowUpVisit,
    GrassrootsPoint,
    HouseholdVisit,
    Intake,
    JointConference,
    JointSession,
    MediationReferral,
    Meeting,
)
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import accused_side_petitions, petitions_visible_to
from xinfang.supervision.assignments import path_range
from xinfang.supervision.models import Assignment, AssignmentSource

M = TypeVar("M", bound=Model)


def _staff(user: User | Any) -> User | None:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_unit_staff", False):
        return None
    assert isinstance(user, User)  # noqa: S101 - is_unit_staff is a User property
    return user


def _own_or_below(user: User) -> Q:
    assert user.unit is not None  # noqa: S101 - callers check
    q = Q(unit_id=user.unit_id)
    if user.oversees_below:
        q |= path_range("unit_path", user.unit.scope_path)
    return q


def conferences_visible_to(user: User | Any) -> QuerySet[JointConference]:
    staff = _staff(user)
    if staff is None:
        return JointConference.objects.none()
    member_of = JointConference.members.through.objects.filter(unit=staff.unit).values("jointconference_id")
    return JointConference.objects.filter(_own_or_below(staff) | Q(pk__in=member_of))


def meetings_visible_to(user: User | Any) -> QuerySet[Meeting]:
    return Meeting.objects.filter(conference__in=conferences_visible_to(user).values("pk"))


def centres_visible_to(user: User | Any) -> QuerySet[Centre]:
    staff = _staff(user)
    if staff is None:
        return Centre.objects.none()
    stationed = Centre.departments.through.objects.filter(unit=staff.unit).values("centre_id")
    return Centre.objects.filter(_own_or_below(staff) | Q(pk__in=stationed))


def _not_accused(qs: QuerySet[M], user: User | Any) -> QuerySet[M]:
    """Leave out records about an accusation against this user or their unit (Art. 30 ¶3)."""
    return qs.exclude(petition__in=accused_side_petitions(user).values("pk"))


def intakes_visible_to(user: User | Any) -> QuerySet[Intake]:
    return _not_accused(Intake.objects.filter(centre__in=centres_visible_to(user).values("pk")), user)


def referrals_visible_to(user: User | Any) -> QuerySet[MediationReferral]:
    return MediationReferral.objects.filter(centre__in=centres_visible_to(user).values("pk"))


def sessions_visible_to(user: User | Any) -> QuerySet[JointSession]:
    return _not_accused(JointSession.objects.filter(centre__in=centres_visible_to(user).values("pk")), user)


def points_visible_to(user: User | Any) -> QuerySet[GrassrootsPoint]:
    staff = _staff(user)
    if staff is None:
        return GrassrootsPoint.objects.none()
    return GrassrootsPoint.objects.filter(_own_or_below(staff))


def visits_visible_to(user: User | Any) -> QuerySet[HouseholdVisit]:
    return _not_accused(HouseholdVisit.objects.filter(point__in=points_visible_to(user).values("pk")), user)


def follow_ups_visible_to(user: User | Any) -> QuerySet[FollowUpVisit]:
    staff = _staff(user)
    if staff is None:
        return FollowUpVisit.objects.none()
    return _not_accused(FollowUpVisit.objects.filter(_own_or_below(staff)), user)


def get_or_404(qs: QuerySet[Any], pk: int | str) -> Any:
    """One row of a permission-limited queryset; missing and forbidden both answer 404."""
    pk_ = parse_id(pk)
    if pk_ is None:
        raise Http404
    row = qs.filter(pk=pk_).first()
    if row is None:
        raise Http404
    return row


def visible_petition_ids(user: User | Any, ids: Iterable[int | None]) -> set[int]:
    """Which of these petitions the user may see: one query for a page of rows."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return set()
    return set(petitions_visible_to(user).filter(pk__in=wanted).values_list("pk", flat=True))


def _count(source: str, extra: Q | None = None) -> Coalesce:
    qs = Assignment.objects.filter(source=source, source_id=OuterRef("pk"))
    if extra is not None:
        qs = qs.filter(extra)
    sub = qs.order_by().values("source_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(sub, output_field=IntegerField()), Value(0))


def with_follow_up(qs: QuerySet[Any], source: str) -> QuerySet[Any]:
    """Annotate decisions (or sessions) with their assignments' follow-up, counted in SQL: total, done, overdue."""
    today = timeutil.today()
    annotated: QuerySet[Any] = qs.annotate(
        n_assigned=_count(source),
        n_done=_count(source, Q(done_on__isnull=False)),
        n_overdue=_count(source, Q(done_on__isnull=True, due__lt=today)),
    )
    return annotated


def follow_up_status(n_assigned: int, n_done: int, n_overdue: int) -> str:
    """done (every assignment reported done), overdue (one or more past due and open), open, or none."""
    if n_assigned == 0:
        return "none"
    if n_done == n_assigned:
        return "done"
    if n_overdue:
        return "overdue"
    return "open"


FOLLOW_UP_FILTERS = ("open", "overdue", "done")


def filter_follow_up(qs: QuerySet[Any], state: str) -> QuerySet[Any]:
    """Keep the decisions (annotated by ``with_follow_up``) whose follow-up is ``state``: open (not every
    assignment done), overdue (one or more past due and open) or done (every assignment done); "" keeps all.

    The one rule for the page and the API. An unknown value is refused here (the API's 400); the page passes only
    the values it knows and ignores the rest, as a hand-edited address should not break it.
    """
    if state == "overdue":
        return qs.filter(n_overdue__gt=0)
    if state == "done":
        return qs.filter(n_assigned__gt=0, n_done=F("n_assigned"))
    if state == "open":
        return qs.exclude(n_done=F("n_assigned"))
    if state:
        raise InvalidInput(_("follow_up must be open, overdue or done."), field="follow_up")
    return qs


def decisions_visible_to(user: User | Any) -> QuerySet[Any]:
    """Decisions with ``n_assigned``, ``n_done`` and ``n_overdue`` annotated."""
    qs = Decision.objects.filter(item__meeting__in=meetings_visible_to(user).values("pk")).exclude(
        item__petition__in=accused_side_petitions(user).values("pk")
    )
    return with_follow_up(qs, AssignmentSource.JOINT_MEETING)


def items_of(meeting: Meeting) -> QuerySet[AgendaItem]:
    return meeting.items.select_related("petition__current_unit", "jurisdiction_unit").order_by("id")


def assignment_status(assignment: Assignment, today: dt.date) -> str:
    """done (reported done), overdue (open and past its deadline) or open: the one rule for pages and API."""
    if assignment.done_on is not None:
        return "done"
    return "overdue" if assignment.due < today else "open"


def assignments_of(source: str, ids: Iterable[int], today: dt.date | None = None) -> dict[int, list[Assignment]]:
    """Assignments of a page of decisions or sessions, in one query; each with ``status`` (``assignment_status``)
    set, which the templates and the API serializer read."""
    today = today or timeutil.today()
    out: dict[int, list[Assignment]] = {}
    rows: Iterable[Any] = (
        Assignment.objects.filter(source=source, source_id__in=list(ids)).select_related("unit").order_by("due", "id")
    )
    for a in rows:
        a.status = assignment_status(a, today)
        out.setdefault(a.source_id, []).append(a)
    return out


@dataclass
class Agenda:
    """What one user may see of a meeting: items in order, their decisions (``follow_up`` set) by item id and the
    decisions' assignments by decision id."""

    items: list[AgendaItem]
    decisions: dict[int, list[Any]]
    assignments: dict[int, list[Assignment]]


def meeting_agenda(user: User | Any, meeting: Meeting) -> Agenda:
    """The agenda of a meeting the user may see, for the page and the API alike.

    Art. 30 ¶3: an item about an accusation against the user or their unit — and its decisions — is left out
    whole, even for a member unit of the conference: the title and the decision text would tell the accused side
    what it is accused of. Three queries, whatever the length of the agenda.
    """
    items = list(_not_accused(items_of(meeting), user))
    decisions = list(
        with_follow_up(
            Decision.objects.filter(item__meeting=meeting).exclude(
                item__petition__in=accused_side_petitions(user).values("pk")
            ),
            AssignmentSource.JOINT_MEETING,
        ).order_by("id")
    )
    by_item: dict[int, list[Any]] = {}
    for d in decisions:
        d.follow_up = follow_up_status(d.n_assigned, d.n_done, d.n_overdue)
        by_item.setdefault(d.item_id, []).append(d)
    return Agenda(items, by_item, assignments_of(AssignmentSource.JOINT_MEETING, [d.pk for d in decisions]))


def petition_or_none(user: User | Any, pk: int | None) -> Petition | None:
    if pk is None:
        return None
    return petitions_visible_to(user).filter(pk=pk).first()
