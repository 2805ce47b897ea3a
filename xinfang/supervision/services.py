"""State changes of the supervision desk: 督办单, Art. 40 recommendations, 约谈 (and 责令限期整改 as assignments).

Every service is atomic, checks the actor, validates, writes its own record (and for 督办单 an ``OrderLog`` row)
and, where a petition is concerned, the petition's timeline line through ``petition_supervise``.

Settings (all optional):

- ``XINFANG_SUPERVISION_REPLY_DAYS`` (10): working days for the written reply to a 督办单 when no date is given.
- ``XINFANG_SUPERVISION_ESCALATION_DAYS`` (5): working days of the new deadline set when a reply is missed.
- ``XINFANG_RECOMMENDATION_FEEDBACK_DAYS`` (30): calendar days for the written feedback on an Art. 40
  recommendation when no date is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.deadlines.rules import DayKind
from xinfang.deadlines.services import deadline_for
from xinfang.notify.services import notify
from xinfang.orgs.models import Role, Unit, User
from xinfang.petitions import selectors as petition_selectors
from xinfang.petitions.models import Petition
from xinfang.petitions.services import petition_supervise
from xinfang.supervision.assignments import assignment_create, require_not_accused
from xinfang.supervision.models import (
    Adoption,
    AssignmentSource,
    Interview,
    OrderLog,
    OrderStatus,
    OrderStep,
    Recommendation,
    RecommendationKind,
    SupervisionOrder,
)
from xinfang.supervision.models import overdue_feedback_q as overdue_feedback_q  # the rule lives on the model

SUPERVISING_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.HEAD)
LEADING_ROLES = (Role.LEADER, Role.HEAD)


def reply_days() -> int:
    return int(getattr(settings, "XINFANG_SUPERVISION_REPLY_DAYS", 10))


def escalation_days() -> int:
    return int(getattr(settings, "XINFANG_SUPERVISION_ESCALATION_DAYS", 5))


def feedback_days() -> int:
    return int(getattr(settings, "XINFANG_RECOMMENDATION_FEEDBACK_DAYS", 30))


# ------------------------------------------------------------------------------------------ helpers


def require_supervisor(actor: User, target: Unit, what: str) -> Unit:
    """The actor supervises: a supervising role in a unit whose scope covers ``target`` (not itself)."""
    unit = actor.unit
    if unit is None or not actor.is_unit_staff:
        raise NotPermitted(_("Only staff of a unit can %(what)s.") % {"what": what})
    if not actor.has_role(*SUPERVISING_ROLES):
        raise NotPermitted(
            _("Your roles do not allow you to %(what)s; it needs a supervisor, leader or unit head.") % {"what": what}
        )
    if target.pk == unit.pk or not target.is_within(unit.scope_path):
        raise NotPermitted(
            _("%(unit)s is not under the supervision of %(mine)s.") % {"unit": target.name, "mine": unit.name}
        )
    return unit


def unit_staff(unit: Unit, roles: Sequence[str] = ()) -> list[User]:
    """Active staff of ``unit``, optionally only those with one of ``roles`` (falls back to all staff)."""
    qs = User.objects.filter(unit=unit, is_active=True)
    if roles:
        chosen = list(qs.filter(roles__role__in=list(roles)).distinct())
        if chosen:
            return chosen
    return list(qs)


def _leaders_above(unit: Unit) -> list[User]:
    """The unit's own leaders and heads, and those of its superior (上级: the tree parent)."""
    units = [unit.pk] + ([unit.parent_id] if unit.parent_id else [])
    return list(User.objects.filter(unit_id__in=units, is_active=True, roles__role__in=list(LEADING_ROLES)).distinct())


def _log(order: SupervisionOrder, step: OrderStep, actor: User | None, note: str = "", **data: Any) -> OrderLog:
    return OrderLog.objects.create(order=order, step=step, actor=actor, at=timeutil.now(), note=note, data=data)


def _require_visible(actor: User, petitions: Sequence[Petition]) -> None:
    """The issuer may see every petition cited (one query); otherwise a 404-equivalent refusal, the same for a
    petition that does not exist and one that is not theirs to see (no existence oracle)."""
    wanted = {p.pk for p in petitions}
    if not wanted:
        return
    seen = set(petition_selectors.petitions_visible_to(actor).filter(pk__in=wanted).values_list("pk", flat=True))
    if seen != wanted:
        raise InvalidInput(_("No petition with that number that you can see."), field="petition")


def _require_own_order(order: SupervisionOrder | None, unit: Unit) -> None:
    """A recommendation or a 约谈 may cite only a 督办单 the actor's own unit issued: another unit's order is not
    theirs to follow up (and citing it would attach their record to someone else's supervision)."""
    if order is not None and order.issuing_unit_id != unit.pk:
        raise InvalidInput(_("The supervision order was not issued by your unit."), field="order")


def order_link(order: SupervisionOrder) -> str:
    return f"/workbench/supervision/orders/{order.pk}/"


# ------------------------------------------------------------------------------------------ 督办单


@dataclass(frozen=True)
class OrderData:
    target_unit: Unit
    matter: str
    requirements: str = ""
    petition: Petition | None = None
    reply_due: dt.date | None = None
    reply_days: int | None = None
    is_listed: bool = False


def _next_serial(unit: Unit, year: int) -> int:
    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # serialises numbering per issuing unit
    last = SupervisionOrder.objects.filter(issuing_unit=unit, year=year).aggregate(m=Max("serial"))["m"]
    return int(last or 0) + 1


@transaction.atomic
def order_issue(*, actor: User, data: OrderData) -> SupervisionOrder:
    """Issue a 督办单: record it, write the petition's 督办 line, log it and notify the unit supervised."""
    unit = require_supervisor(actor, data.target_unit, _("issue a supervision order"))
    if not data.matter.strip():
        raise InvalidInput(_("Say what the supervision order is about."), field="matter")
    today = timeutil.today()
    if data.reply_due is not None:
        if data.reply_due <= today:
            raise InvalidInput(_("The reply deadline must be after today."), field="reply_due")
        due = data.reply_due
    else:
        days = data.reply_days if data.reply_days is not None else reply_days()
        if days < 1:
            raise InvalidInput(_("Give at least one working day for the reply."), field="reply_days")
        due = deadline_for(start=today, days=days, kind=DayKind.WORKING).due
    petition = data.petition
    if petition is not None:
        _require_visible(actor, [petition])
        # Art. 30 ¶3: a 督办单 on an accusation never goes to the accused unit (or a unit under it): the order,
        # its page and its notification would show the accused side the accusation's number and title.
        require_not_accused(petition, unit=data.target_unit, field="target_unit")
    serial = _next_serial(unit, today.year)
    order = SupervisionOrder.objects.create(
        number=f"{unit.code}-DB-{today.year}-{serial:04d}",
        year=today.year,
        serial=serial,
        issuing_unit=unit,
        issued_by=actor,
        target_unit=data.target_unit,
        target_path=data.target_unit.path,
        petition=petition,
        matter=data.matter.strip(),
        requirements=data.requirements.strip(),
        is_listed=data.is_listed,
        issued_on=today,
        first_reply_due=due,
        reply_due=due,
    )
    if petition is not None:
        petition_supervise(
            petition=petition,
            actor=actor,
            to_unit=data.target_unit.name,
            reply_due=due,
            ref=f"supervision_order:{order.pk}",
            note=order.matter,
        )
    _log(order, OrderStep.ISSUED, actor, order.matter, reply_due=due.isoformat(), listed=data.is_listed)
    notify(
        kind="supervision.order_issued",
        subject=_("Supervision order %(number)s: reply in writing by %(due)s")
        % {"number": order.number, "due": due.isoformat()},
        body=order.matter,
        users=unit_staff(data.target_unit, (Role.HEAD, Role.LEADER, Role.HANDLER)),
        link=order_link(order),
    )
    return order


def _lock(order: SupervisionOrder) -> SupervisionOrder:
    return SupervisionOrder.objects.select_for_update().select_related("issuing_unit", "target_unit").get(pk=order.pk)


@transaction.atomic
def order_reply(*, actor: User, order: SupervisionOrder, text: str) -> SupervisionOrder:
    """The unit supervised replies in writing (书面回复)."""
    order = _lock(order)
    if actor.unit_id != order.target_unit_id:
        raise NotPermitted(_("Only the unit supervised can reply to this supervision order."))
    if not order.is_open:
        raise RuleViolation(_("This supervision order is not awaiting a reply."), code="not_awaiting_reply")
    if not text.strip():
        raise InvalidInput(_("Write the reply."), field="text")
    today = timeutil.today()
    order.reply_text = text.strip()
    order.replied_on = today
    order.first_replied_on = order.first_replied_on or today
    order.replied_by = actor
    order.status = OrderStatus.REPLIED
    order.save(update_fields=["reply_text", "replied_on", "first_replied_on", "replied_by", "status"])
    _log(order, OrderStep.REPLIED, actor, order.reply_text, on_time=today <= order.reply_due)
    notify(
        kind="supervision.order_replied",
        subject=_("Reply to supervision order %(number)s") % {"number": order.number},
        body=order.reply_text,
        users=[order.issued_by],
        link=order_link(order),
    )
    return order


def _require_issuer(actor: User, order: SupervisionOrder) -> None:
    if actor.unit_id != order.issuing_unit_id or not actor.has_role(*SUPERVISING_ROLES):
        raise NotPermitted(_("Only a supervisor, leader or head of the issuing unit can do this."))


@transaction.atomic
def order_close(*, actor: User, order: SupervisionOrder, note: str = "") -> SupervisionOrder:
    """The issuer accepts the written reply and closes the order (办结)."""
    order = _lock(order)
    _require_issuer(actor, order)
    if order.status != OrderStatus.REPLIED:
        raise RuleViolation(_("Only a replied supervision order can be closed."), code="not_replied")
    order.status = OrderStatus.CLOSED
    order.closed_on = timeutil.today()
    order.save(update_fields=["status", "closed_on"])
    _log(order, OrderStep.CLOSED, actor, note.strip())
    return order


@transaction.atomic
def order_return(
    *, actor: User, order: SupervisionOrder, reason: str, reply_due: dt.date | None = None
) -> SupervisionOrder:
    """The issuer does not accept the reply: it goes back with the reason and a new deadline."""
    order = _lock(order)
    _require_issuer(actor, order)
    if order.status != OrderStatus.REPLIED:
        raise RuleViolation(_("Only a replied supervision order can be returned."), code="not_replied")
    if not reason.strip():
        raise InvalidInput(_("Say why the reply is returned."), field="reason")
    today = timeutil.today()
    if reply_due is not None and reply_due <= today:
        raise InvalidInput(_("The reply deadline must be after today."), field="reply_due")
    order.reply_due = reply_due or deadline_for(start=today, days=escalation_days(), kind=DayKind.WORKING).due
    order.status = OrderStatus.ISSUED
    order.save(update_fields=["reply_due", "status"])
    _log(order, OrderStep.RETURNED, actor, reason.strip(), reply_due=order.reply_due.isoformat())
    notify(
        kind="supervision.order_returned",
        subject=_("Reply to supervision order %(number)s returned: reply again by %(due)s")
        % {"number": order.number, "due": order.reply_due.isoformat()},
        body=reason.strip(),
        users=unit_staff(order.target_unit, (Role.HEAD, Role.LEADER, Role.HANDLER)),
        link=order_link(order),
    )
    return order


@transaction.atomic
def orders_escalate_overdue(today: dt.date | None = None) -> int:
    """升级督办: every open order whose reply deadline has passed is escalated one level with a new deadline,
    logged, and reported to the issuing unit's leaders and its superior's; the unit supervised is told too.

    Runs daily; an order escalates again only when its new deadline passes as well. Returns the count.
    """
    today = today or timeutil.today()
    overdue = list(
        SupervisionOrder.objects.select_for_update()
        .overdue(today)
        .select_related("issuing_unit", "target_unit", "issued_by")
        .order_by("id")
    )
    if not overdue:
        return 0
    new_due = deadline_for(start=today, days=escalation_days(), kind=DayKind.WORKING).due
    now = timeutil.now()
    logs = []
    for order in overdue:
        missed = order.reply_due
        order.status = OrderStatus.ESCALATED
        order.escalation_level += 1
        order.reply_due = new_due
        logs.append(
            OrderLog(
                order=order,
                step=OrderStep.ESCALATED,
                actor=None,
                at=now,
                data={"level": order.escalation_level, "missed": missed.isoformat(), "reply_due": new_due.isoformat()},
            )
        )
    SupervisionOrder.objects.bulk_update(overdue, ["status", "escalation_level", "reply_due"])
    OrderLog.objects.bulk_create(logs)
    for order in overdue:
        subject = _("Supervision order %(number)s escalated (level %(level)s): %(unit)s did not reply in time") % {
            "number": order.number,
            "level": order.escalation_level,
            "unit": order.target_unit.name,
        }
        notify(
            kind="supervision.order_escalated",
            subject=subject,
            body=order.matter,
            users=[*_leaders_above(order.issuing_unit), order.issued_by],
            link=order_link(order),
        )
        notify(
            kind="supervision.order_overdue",
            subject=_("Supervision order %(number)s: the reply is overdue; reply by %(due)s")
            % {"number": order.number, "due": new_due.isoformat()},
            body=order.matter,
            users=unit_staff(order.target_unit, (Role.HEAD, Role.LEADER)),
            link=order_link(order),
        )
    return len(overdue)


# ------------------------------------------------------------------------------------------ Art. 40


@transaction.atomic
def recommendation_issue(
    *,
    actor: User,
    kind: RecommendationKind | str,
    to_unit: Unit,
    text: str,
    petitions: Iterable[Petition] = (),
    order: SupervisionOrder | None = None,
    feedback_due: dt.date | None = None,
) -> Recommendation:
    """改进工作建议 / 完善政策建议 / 追究责任建议 (Art. 40) to a unit, which must answer in writing on adoption."""
    unit = require_supervisor(actor, to_unit, _("make a recommendation"))
    if kind not in RecommendationKind.values:
        raise InvalidInput(_("Choose the kind of recommendation."), field="kind")
    if not text.strip():
        raise InvalidInput(_("Write the recommendation."), field="text")
    today = timeutil.today()
    if feedback_due is not None and feedback_due <= today:
        raise InvalidInput(_("The feedback date must be after today."), field="feedback_due")
    _require_own_order(order, unit)
    related = list(petitions)
    _require_visible(actor, related)
    for petition in related:  # no query: the petition's own fields and the unit's path
        # Art. 30 ¶3: a recommendation citing an accusation never goes to the accused side (see order_issue).
        require_not_accused(petition, unit=to_unit, field="to_unit")
    rec = Recommendation.objects.create(
        kind=RecommendationKind(kind),
        issuing_unit=unit,
        issued_by=actor,
        to_unit=to_unit,
        to_path=to_unit.path,
        order=order,
        text=text.strip(),
        issued_on=today,
        feedback_due=feedback_due or today + dt.timedelta(days=feedback_days()),
    )
    if related:
        rec.petitions.set(related)
    notify(
        kind="supervision.recommendation",
        subject=_("%(kind)s from %(unit)s: written feedback on adoption due %(due)s")
        % {"kind": rec.get_kind_display(), "unit": unit.name, "due": rec.feedback_due.isoformat()},
        body=rec.text,
        users=unit_staff(to_unit, LEADING_ROLES),
        link=f"/workbench/supervision/recommendations/{rec.pk}/",
    )
    return rec


@transaction.atomic
def recommendation_feedback(
    *, actor: User, recommendation: Recommendation, adoption: Adoption | str, text: str
) -> Recommendation:
    """The recipient's written feedback: 采纳 / 部分采纳 / 不予采纳, with what was done or why not (Art. 40)."""
    rec = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if actor.unit_id != rec.to_unit_id:
        raise NotPermitted(_("Only the unit the recommendation is addressed to can give feedback."))
    if rec.feedback_on is not None:
        raise RuleViolation(_("Feedback on this recommendation was already given."), code="already_answered")
    if adoption not in Adoption.values:
        raise InvalidInput(_("Say whether the recommendation is adopted."), field="adoption")
    if not text.strip():
        raise InvalidInput(
            _("Write the feedback: what was done, or why the recommendation is not adopted."), field="text"
        )
    rec.adoption = Adoption(adoption)
    rec.feedback_text = text.strip()
    rec.feedback_on = timeutil.today()
    rec.feedback_by = actor
    rec.save(update_fields=["adoption", "feedback_text", "feedback_on", "feedback_by"])
    notify(
        kind="supervision.recommendation_feedback",
        subject=_("Feedback on your recommendation: %(adoption)s") % {"adoption": rec.get_adoption_display()},
        body=rec.feedback_text,
        users=[rec.issued_by],
        link=f"/workbench/supervision/recommendations/{rec.pk}/",
    )
    return rec


# ------------------------------------------------------------------------------------------ 约谈


@dataclass(frozen=True)
class Rectification:
    """责令限期整改: one thing to put right, by a date."""

    matter: str
    due: dt.date


@transaction.atomic
def interview_record(
    *,
    actor: User,
    unit: Unit,
    persons: str,
    reason: str,
    held_on: dt.date,
    conducted_by: str,
    minutes: str = "",
    order: SupervisionOrder | None = None,
    rectifications: Sequence[Rectification] = (),
) -> Interview:
    """Record a 约谈 held with a unit's leaders; each 责令限期整改 becomes an assignment for that unit."""
    mine = require_supervisor(actor, unit, _("record an interview"))
    _require_own_order(order, mine)
    if order is not None and order.petition is not None:
        # Art. 30 ¶3: an interview citing a 督办单 on an accusation is never held with the accused unit.
        require_not_accused(order.petition, unit=unit, field="unit")
    for name, value in (("persons", persons), ("reason", reason), ("conducted_by", conducted_by)):
        if not value.strip():
            raise InvalidInput(_("Fill in this field: it cannot be empty."), field=name)
    if held_on > timeutil.today():
        raise InvalidInput(_("An interview is recorded after it was held."), field="held_on")
    interview = Interview.objects.create(
        unit=unit,
        unit_path=unit.path,
        persons=persons.strip(),
        reason=reason.strip(),
        held_on=held_on,
        conducted_by=conducted_by.strip(),
        by_unit=mine,
        recorded_by=actor,
        minutes=minutes.strip(),
        order=order,
    )
    for item in rectifications:
        assignment_create(
            actor=actor,
            source=AssignmentSource.SUPERVISION,
            source_id=interview.pk,
            matter=item.matter,
            unit=unit,
            due=item.due,
            petition=order.petition if order is not None else None,
        )
    if rectifications:
        notify(
            kind="supervision.rectification",
            subject=_("Rectification ordered after the interview of %(date)s: %(n)s item(s)")
            % {"date": held_on.isoformat(), "n": len(rectifications)},
            body="\n".join(f"{r.due.isoformat()} {r.matter}" for r in rectifications),
            users=unit_staff(unit, LEADING_ROLES),
            link=f"/workbench/supervision/interviews/{interview.pk}/",
        )
    return interview
