"""Shared steps of every petition service: locking, rights, the timeline, access grants and clocks.

Services call these inside their own ``transaction.atomic`` block, so a refused action writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.articles import article_text, local_provisions
from xinfang.core.errors import IllegalTransition, NotPermitted, RuleViolation
from xinfang.deadlines import services as deadline_services
from xinfang.deadlines.rules import STATUTORY_RULES, ClockKind, DayKind
from xinfang.orgs.models import Unit, User
from xinfang.petitions.models import (
    AccessReason,
    Clock,
    Petition,
    PetitionAccess,
    PetitionEvent,
    Registered,
)
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.sides import is_accused_side
from xinfang.petitions.workflow import TRANSITIONS, Action, Actor, State

PETITIONER_LABEL = "信访人"
SYSTEM_LABEL = "系统"


def lock(petition: Petition) -> Petition:
    """Re-read the petition under a row lock so concurrent actions serialise on it."""
    return Petition.objects.select_for_update().select_related("current_unit", "registering_unit").get(pk=petition.pk)


def set_holder(petition: Petition, unit: Unit) -> None:
    """Move the petition to ``unit``. The new holder names its own 承办人: a move to another unit clears the assignee
    (callers save ``current_unit`` and ``assignee``)."""
    if petition.current_unit_id != unit.pk:
        petition.assignee = None
    petition.current_unit = unit


def require(petition: Petition, action: Action, actor: User | None) -> None:
    """Refuse unless the workflow table allows ``action`` now and ``actor`` may take it."""
    transition = TRANSITIONS[action]
    if transition.sources and petition.state not in transition.sources:
        raise IllegalTransition(
            _("“%(action)s” is not possible while the petition is “%(state)s”.")
            % {"action": action.label, "state": State(petition.state).label},
            article=local_provisions(transition.article),
        )
    if transition.actor == Actor.PETITIONER:
        # The petitioner is proven by 编号 + 查询码 (actor None); a registrar may record a request made by
        # letter or at the counter on the petitioner's behalf.
        if actor is None:
            return
        if (
            actor.unit_id is not None
            and actor.has_role(*transition.roles)
            and (actor.unit_id in {petition.current_unit_id, petition.registering_unit_id})
        ):
            return
        raise NotPermitted(_("Only the petitioner, or a registrar recording their request, can do this."))
    if actor is None or actor.unit_id is None:
        raise NotPermitted(_("This action needs a staff account of the responsible unit."))
    if not actor.has_role(*transition.roles):
        raise NotPermitted(
            _("Your roles do not allow “%(action)s”; it needs one of: %(roles)s.")
            % {"action": action.label, "roles": "、".join(sorted(_role_labels(transition.roles)))}
        )
    if transition.actor == Actor.HOLDER and actor.unit_id != petition.current_unit_id:
        raise NotPermitted(_("Only the unit that currently holds the petition can do this."))
    if (
        transition.actor == Actor.ANY_INVOLVED
        and not PetitionAccess.objects.filter(petition=petition, unit_id=actor.unit_id).exists()
    ):
        raise NotPermitted(_("Your unit is not involved in this petition."))
    if transition.actor == Actor.VIEWER and not petitions_visible_to(actor).filter(pk=petition.pk).exists():
        raise NotPermitted(_("Your unit neither handles nor oversees this petition."))
    if is_accused_side(actor.unit, actor, petition):
        raise NotPermitted(_("This accusation cannot be handled by the accused side (Art. 30)."))


def _role_labels(roles: Iterable[str]) -> list[str]:
    from xinfang.orgs.models import Role

    return [str(Role(r).label) for r in roles]


def record(
    petition: Petition,
    action: Action,
    actor: User | None,
    *,
    from_state: str,
    data: dict[str, Any] | None = None,
    note: str = "",
    public: bool = True,
    registered: Registered | None = None,
) -> PetitionEvent:
    """Append one immutable event to the timeline (same transaction as the change it records). ``registered``: what
    a registration wrote besides the petition, for the event's receivers (see ``Registered``)."""
    label = ""
    if actor is None:
        by_petitioner = TRANSITIONS[action].actor == Actor.PETITIONER or action == Action.ATTACH
        label = PETITIONER_LABEL if by_petitioner else SYSTEM_LABEL
    event = PetitionEvent(
        petition=petition,
        action=action,
        actor=actor,
        actor_unit=actor.unit if actor is not None else None,
        actor_label=label,
        at=timeutil.now(),
        from_state=from_state,
        to_state=petition.state,
        data=data or {},
        note=note,
        is_public=public,
    )
    event.registered = registered
    event.save(force_insert=True)
    return event


def grant(petition: Petition, unit: Unit, reason: AccessReason) -> str:
    """Give ``unit`` (and so its ancestors) sight of the petition; returns the unit's path."""
    PetitionAccess.objects.bulk_create(
        [PetitionAccess(petition=petition, unit=unit, unit_path=unit.path, reason=reason)], ignore_conflicts=True
    )
    return unit.path


def steps_as_json(steps: Iterable[Any]) -> list[dict[str, Any]]:
    return [{"code": s.code, "params": dict(s.params)} for s in steps]


def open_clock(
    petition: Petition,
    kind: ClockKind,
    *,
    owing_unit: Unit | None,
    start: dt.date,
    days: int | None = None,
    article: str | None = None,
) -> Clock:
    """Start a statutory clock, with its explained due date and any local target for the owing unit."""
    rule = STATUTORY_RULES[kind]
    n = rule.days if days is None else days
    deadline = deadline_services.deadline_for(start=start, days=n, kind=rule.day_kind)
    clock = Clock(
        petition=petition,
        kind=kind,
        owing_unit=owing_unit,
        owing_path=owing_unit.path if owing_unit else "",
        is_obligation=rule.obligation,
        article=article or rule.article,
        start=start,
        days=n,
        day_kind=rule.day_kind,
        due=deadline.due,
        explanation=steps_as_json(deadline.steps),
    )
    if owing_unit is not None and rule.obligation:
        target = deadline_services.local_target_for(unit=owing_unit, kind=kind, first_time=not petition.is_repeat)
        if target is not None:
            local = deadline_services.deadline_for(start=start, days=target.days, kind=DayKind(target.day_kind))
            if local.due < deadline.due:  # a local target is only ever stricter than the law
                clock.target_due = local.due
                clock.target_label = target.label
    clock.save()
    return clock


def recompute_due(clock: Clock) -> None:
    """Recompute ``due`` after an extension (Art. 34) or paused hearing time (Art. 36 ¶2), explained."""
    from xinfang.deadlines.calendar import EXTRA_EXTENDED, EXTRA_PAUSED

    extra, reason = (clock.extended_days, EXTRA_EXTENDED) if clock.extended_days else (clock.paused_days, EXTRA_PAUSED)
    deadline = deadline_services.deadline_for(
        start=clock.start, days=clock.days, kind=DayKind(clock.day_kind), extra_days=extra, extra_reason=reason
    )
    clock.due = deadline.due
    clock.explanation = steps_as_json(deadline.steps)


def stop_clocks(petition: Petition, kinds: Iterable[ClockKind] | None, *, reason: str) -> int:
    qs = Clock.objects.filter(petition=petition, stopped_on__isnull=True)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return qs.update(stopped_on=timeutil.today(), stop_reason=reason)


def running_clock(petition: Petition, kind: ClockKind) -> Clock | None:
    return Clock.objects.filter(petition=petition, kind=kind, stopped_on__isnull=True).order_by("-id").first()


def require_window_open(petition: Petition, kind: ClockKind, what: str, article: str) -> Clock:
    """A petitioner's right that must be used in time: refuse with the date it closed and why."""
    clock = Clock.objects.filter(petition=petition, kind=kind).order_by("-id").first()
    today = timeutil.today()
    if clock is None:
        raise RuleViolation(_("%(what)s is not open for this petition.") % {"what": what}, article=article)
    if clock.stopped_on is not None or today > clock.due:
        raise RuleViolation(
            _("%(what)s closed on %(due)s: it must be made within %(days)s days of %(start)s (%(article)s).")
            % {
                "what": what,
                "due": clock.due.isoformat(),
                "days": clock.days,
                "start": clock.start.isoformat(),
                "article": article_text(article),
            },
            code="window_closed",
            article=article,
        )
    return clock
