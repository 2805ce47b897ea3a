"""交办事项: decisions with deadlines from every desk (接访, 下访/现场办公, 联席会议, 督办, 包案), followed up here.

Services are atomic; an assignment on a petition also writes the petition's timeline through the desk's own
petition service (the caller does that, since only it knows whether the line is 接访, 联席会议 …).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.orgs.models import Unit, User, path_upper_bound
from xinfang.petitions.models import Petition
from xinfang.petitions.services.accused import refuse_target, require_confirmed
from xinfang.petitions.sides import is_accused_side
from xinfang.supervision.models import Assignment, AssignmentSource


def require_not_accused(
    petition: Petition, *, unit: Unit | None = None, person: User | None = None, field: str = "unit"
) -> None:
    """Art. 30 ¶3: refuse to bring an accusation to the accused unit or person (or a unit under the accused unit
    that is not a petition or discipline channel) through any desk: work, 督办, 包案, an invitation, a visit.

    Before that, by name: no unit the accusation's text names (nor a person of that unit), and nothing at all until
    staff have confirmed the accused unit (``petitions.services.accused``)."""
    if unit is not None:
        refuse_target(petition, unit, field=field)
    if person is not None and person.unit is not None:
        refuse_target(petition, person.unit, field=field)
    require_confirmed(petition, field=field)
    if is_accused_side(unit, None, petition):
        assert unit is not None  # noqa: S101 - is_accused_side needs a unit or a person
        raise RuleViolation(
            _("%(unit)s is accused in this petition and cannot be given work on it.") % {"unit": unit.name},
            field=field,
            article="Art. 30 ¶3",
        )
    if person is not None and is_accused_side(person.unit, person, petition):
        raise RuleViolation(
            _("%(name)s is on the accused side of this petition and cannot take part in it.")
            % {"name": person.full_name or person.username},
            field=field,
            article="Art. 30 ¶3",
        )


def assignment_create(
    *,
    actor: User,
    source: AssignmentSource | str,
    source_id: int,
    matter: str,
    unit: Unit,
    due: dt.date,
    petition: Petition | None = None,
) -> Assignment:
    """Record one decision as work for ``unit`` with deadline ``due`` (today or later)."""
    if not matter.strip():
        raise InvalidInput(_("Say what is to be done."), field="matter")
    today = timeutil.today()
    if due < today:
        raise InvalidInput(_("The deadline %(due)s has already passed.") % {"due": due.isoformat()}, field="due")
    if actor.unit_id is None:
        raise NotPermitted(_("Only staff of a unit can assign work."))
    if petition is not None:
        require_not_accused(petition, unit=unit)
    return Assignment.objects.create(
        source=AssignmentSource(source),
        source_id=source_id,
        matter=matter.strip(),
        petition=petition,
        unit=unit,
        unit_path=unit.path,
        assigned_by=actor,
        assigned_on=today,
        due=due,
    )


@transaction.atomic
def assignment_complete(*, actor: User, assignment: Assignment, result: str) -> Assignment:
    """The responsible unit reports the work done, in writing."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if actor.unit_id != assignment.unit_id:
        raise NotPermitted(_("Only the responsible unit can report this assignment done."))
    if assignment.done_on is not None:
        raise RuleViolation(_("This assignment was already reported done."), code="already_done")
    if not result.strip():
        raise InvalidInput(_("Say what was done."), field="result")
    assignment.done_on = timeutil.today()
    assignment.done_by = actor
    assignment.result = result.strip()
    assignment.save(update_fields=["done_on", "done_by", "result"])
    return assignment


def assignments_for(source: AssignmentSource | str, source_id: int) -> QuerySet[Assignment]:
    return Assignment.objects.filter(source=source, source_id=source_id).select_related("unit")


def path_range(field: str, path: str) -> Q:
    """Rows whose materialised ``field`` lies under ``path``: a range scan on the index, not a LIKE."""
    upper = path_upper_bound(path)
    q = Q(**{f"{field}__gte": path})
    return q & Q(**{f"{field}__lt": upper}) if upper else q


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    """The responsible unit's own, and with an oversight role every one in the units below."""
    if user.unit is None:
        return Assignment.objects.none()
    if user.oversees_below:
        return Assignment.objects.filter(path_range("unit_path", user.unit.scope_path) | Q(assigned_by__unit=user.unit))
    return Assignment.objects.filter(Q(unit=user.unit) | Q(assigned_by__unit=user.unit))


def overdue_assignments(today: dt.date) -> QuerySet[Assignment]:
    """Open assignments past their deadline (the partial index on due)."""
    return Assignment.objects.filter(done_on__isnull=True, due__lt=today)
