"""At the petition department and the receiving unit: 转送, 交办, diversion, refusal, objection (Arts. 22–25)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, RuleViolation
from xinfang.deadlines.rules import ClockKind
from xinfang.orgs.models import LEGAL_UNIT_TYPES, Unit, UnitType, User, common_superior_path
from xinfang.petitions.models import (
    AccessReason,
    CoHandler,
    DeclineGround,
    DivertRoute,
    Document,
    DocumentKind,
    Nature,
    Petition,
    RoutingMode,
)
from xinfang.petitions.services.accused import excluded_by_name, refuse_target
from xinfang.petitions.services.bars import acceptance_bar, require_no_bar
from xinfang.petitions.services.common import (
    grant,
    lock,
    open_clock,
    record,
    require,
    running_clock,
    set_holder,
    stop_clocks,
)
from xinfang.petitions.services.merging import require_decline_answers_merged
from xinfang.petitions.sides import is_accused_side
from xinfang.petitions.workflow import Action, State

_INTAKE_CLOCKS = (ClockKind.ROUTE, ClockKind.NOTICE)
_RECEIVING_CLOCKS = (ClockKind.NOTICE, ClockKind.OBJECTION_WINDOW, ClockKind.FEEDBACK)


def _check_target(petition: Petition, sender: Unit, target: Unit, *, field: str = "to_unit") -> None:
    if not target.is_active:
        raise InvalidInput(_("%(unit)s is no longer active.") % {"unit": target.name}, field=field)
    if target.pk == sender.pk:
        raise InvalidInput(_("Choose a unit other than your own."), field=field)
    if not target.is_within(sender.scope_path):
        # 属地管理、分级负责 (Art. 22(2)): route within one's own area; other areas are told to the petitioner.
        raise InvalidInput(
            _(
                "%(unit)s is outside %(sender)s's area; petitions are routed to units of the same level or below "
                "(Art. 22)."
            )
            % {"unit": target.name, "sender": sender.name},
            field=field,
        )
    # Art. 30 ¶3: not to a unit the accusation names, not before its accused unit is confirmed, not to that side.
    refuse_target(petition, target, field=field)


def _route(
    *,
    petition: Petition,
    actor: User,
    action: Action,
    to_unit: Unit,
    mode: RoutingMode,
    co_units: list[Unit],
    note: str,
    feedback_days: int | None = None,
) -> Petition:
    petition = lock(petition)
    require(petition, action, actor)
    require_no_bar(petition)
    sender = petition.current_unit
    _check_target(petition, sender, to_unit)
    for unit in co_units:
        _check_target(petition, sender, unit, field="co_units")
    if petition.is_law_related and mode != RoutingMode.DISCIPLINE and to_unit.unit_type not in LEGAL_UNIT_TYPES:
        raise RuleViolation(
            _(
                "A litigation-related petition goes to a political-legal department, court or procuratorate "
                "(Art. 22 ¶2, Art. 28), or is directed to the statutory procedure."
            ),
            code="law_related",
            article="Art. 22 ¶2",
        )
    from_state = petition.state
    today = timeutil.today()
    stop_clocks(petition, _INTAKE_CLOCKS, reason=str(action))
    petition.state = State.PENDING_ACCEPTANCE
    petition.routed_from_unit = sender
    petition.routing_mode = mode
    set_holder(petition, to_unit)
    petition.save(update_fields=["state", "routed_from_unit", "routing_mode", "current_unit", "assignee", "updated_at"])
    grant(petition, to_unit, AccessReason.ROUTED)
    for unit in co_units:
        CoHandler.objects.get_or_create(petition=petition, unit=unit)
        grant(petition, unit, AccessReason.CO_HANDLER)
    open_clock(petition, ClockKind.NOTICE, owing_unit=to_unit, start=today, article="Art. 23 ¶3")
    if mode != RoutingMode.DECIDED:
        open_clock(petition, ClockKind.OBJECTION_WINDOW, owing_unit=to_unit, start=today)
    slip = DocumentKind.FORWARDING_SLIP
    if mode == RoutingMode.ASSIGN:
        slip = DocumentKind.ASSIGNMENT_SLIP
        open_clock(petition, ClockKind.FEEDBACK, owing_unit=to_unit, start=today, days=feedback_days)
    Document.objects.create(
        petition=petition,
        kind=slip,
        unit=sender,
        author=actor,
        body=note,
        is_public=False,
        issued_on=today,
        data={"to_unit": to_unit.name, "co_units": [u.name for u in co_units], "feedback_days": feedback_days},
    )
    # The petitioner is told where the item went (Art. 23 ¶1: 告知转送、交办去向).
    record(
        petition,
        action,
        actor,
        from_state=from_state,
        note=note,
        data={
            "to_unit": to_unit.name,
            "to_unit_id": to_unit.pk,
            "co_units": [u.name for u in co_units],
            "feedback_days": feedback_days,
        },
    )
    return petition


@transaction.atomic
def petition_forward(
    *, petition: Petition, actor: User, to_unit: Unit, co_units: list[Unit] | None = None, note: str = ""
) -> Petition:
    """转送 — forward to the competent unit (Art. 22(1)(2); Art. 23 ¶1 for a unit's own lower units)."""
    return _route(
        petition=petition,
        actor=actor,
        action=Action.FORWARD,
        to_unit=to_unit,
        mode=RoutingMode.FORWARD,
        co_units=co_units or [],
        note=note,
    )


@transaction.atomic
def petition_assign(
    *,
    petition: Petition,
    actor: User,
    to_unit: Unit,
    feedback_days: int,
    co_units: list[Unit] | None = None,
    note: str = "",
) -> Petition:
    """交办 — assign with a feedback period and a required 办结报告 (Art. 22(3))."""
    if not 1 <= feedback_days <= 90:
        raise InvalidInput(_("The feedback period is 1 to 90 days."), field="feedback_days")
    return _route(
        petition=petition,
        actor=actor,
        action=Action.ASSIGN,
        to_unit=to_unit,
        mode=RoutingMode.ASSIGN,
        co_units=co_units or [],
        note=note,
        feedback_days=feedback_days,
    )


@transaction.atomic
def petition_refer_discipline(*, petition: Petition, actor: User, to_unit: Unit, note: str = "") -> Petition:
    """转纪检监察机关 — an accusation within their remit goes to the discipline organ (Art. 22 ¶2, Art. 30)."""
    if petition.nature != Nature.ACCUSATION:
        raise InvalidInput(_("Only reports and accusations are referred to discipline inspection."), field="nature")
    if to_unit.unit_type != UnitType.DISCIPLINE:
        raise InvalidInput(_("Choose a discipline inspection and supervision organ."), field="to_unit")
    return _route(
        petition=petition,
        actor=actor,
        action=Action.REFER_DISCIPLINE,
        to_unit=to_unit,
        mode=RoutingMode.DISCIPLINE,
        co_units=[],
        note=note,
    )


@transaction.atomic
def petition_divert(*, petition: Petition, actor: User, route: str, guidance: str) -> Petition:
    """导入法定途径 — tell the petitioner the statutory procedure to use (Art. 31(1)–(5), Art. 22 ¶2)."""
    petition = lock(petition)
    require(petition, Action.DIVERT, actor)
    if route not in DivertRoute.values:
        raise InvalidInput(_("Choose the statutory procedure."), field="route")
    if petition.nature != Nature.APPEAL and not petition.is_law_related:
        raise RuleViolation(
            _("Only appeals and demands (申诉求决类) are directed to a statutory procedure (Art. 31)."),
            article="Art. 31",
        )
    if not guidance.strip():
        raise InvalidInput(_("Explain to the petitioner where and how to apply."), field="guidance")
    return _finish(
        petition, actor, Action.DIVERT, State.DIVERTED, DocumentKind.DIVERSION_NOTICE, guidance, {"route": route}
    )


@transaction.atomic
def petition_decline(*, petition: Petition, actor: User, ground: str, reason: str) -> Petition:
    """不予受理 with a written notice: Art. 19 ¶3, Art. 36 ¶3, or out of scope. On the first two (its petitioner's own
    earlier petition) not while other petitions are merged into it: those are un-merged first (services.merging)."""
    petition = lock(petition)
    require(petition, Action.DECLINE, actor)
    if ground not in DeclineGround.values:
        raise InvalidInput(_("Choose the ground for not accepting."), field="ground")
    bar = acceptance_bar(petition)
    if ground != DeclineGround.OUT_OF_SCOPE and (bar is None or bar[0] != ground):
        raise RuleViolation(
            _("That ground does not apply: the linked earlier petition does not bar acceptance."),
            code="ground_not_applicable",
        )
    require_decline_answers_merged(petition, ground)  # 并案: a bar of its own petitioner answers no merged item
    if not reason.strip():
        raise InvalidInput(_("Give the reason the petitioner will read."), field="reason")
    return _finish(
        petition, actor, Action.DECLINE, State.DECLINED, DocumentKind.NON_ACCEPTANCE_NOTICE, reason, {"ground": ground}
    )


def _finish(
    petition: Petition, actor: User, action: Action, state: State, kind: DocumentKind, text: str, data: dict[str, str]
) -> Petition:
    from_state = petition.state
    today = timeutil.today()
    stop_clocks(petition, None, reason=str(action))
    petition.state = state
    petition.closed_on = today
    petition.save(update_fields=["state", "closed_on", "updated_at"])
    Document.objects.create(
        petition=petition,
        kind=kind,
        unit=petition.current_unit,
        author=actor,
        body=text,
        data=data,
        issued_on=today,
        served_on=today,
    )
    record(petition, action, actor, from_state=from_state, data={**data, "text": text})
    return petition


@transaction.atomic
def petition_object(*, petition: Petition, actor: User, reason: str) -> Petition:
    """异议 — not within our remit: object with reasons within 5 working days; it returns to the sender (Art. 23 ¶3)."""
    petition = lock(petition)
    require(petition, Action.OBJECT, actor)
    if petition.routing_mode == RoutingMode.DECIDED:
        raise RuleViolation(
            _("The common superior decided the competent unit (Art. 24); no objection is possible."),
            article="Art. 24",
        )
    window = running_clock(petition, ClockKind.OBJECTION_WINDOW)
    today = timeutil.today()
    if window is None or today > window.due:
        due = window.due.isoformat() if window else "—"
        raise RuleViolation(
            _(
                "The objection period ended on %(due)s: an objection must be made within 5 working days of "
                "receipt (Art. 23 ¶3)."
            )
            % {"due": due},
            code="window_closed",
            article="Art. 23 ¶3",
        )
    if not reason.strip():
        raise InvalidInput(_("Explain in detail why the matter is not within your remit (Art. 23 ¶3)."), field="reason")
    sender = petition.routed_from_unit
    if sender is None:
        raise RuleViolation(_("The petition was not forwarded or assigned; there is no sender to return it to."))
    from_state = petition.state
    objecting = petition.current_unit
    stop_clocks(petition, _RECEIVING_CLOCKS, reason="objection")
    petition.state = State.REGISTERED
    set_holder(petition, sender)
    petition.routing_mode = ""
    petition.save(update_fields=["state", "current_unit", "assignee", "routing_mode", "updated_at"])
    Document.objects.create(
        petition=petition,
        kind=DocumentKind.OBJECTION,
        unit=objecting,
        author=actor,
        body=reason,
        is_public=False,
        issued_on=today,
    )
    # The sender now owes a fresh routing decision; without a clock the item could wait unseen.
    open_clock(petition, ClockKind.ROUTE, owing_unit=sender, start=today, article="Art. 22, Art. 23 ¶3")
    record(
        petition,
        Action.OBJECT,
        actor,
        from_state=from_state,
        note=reason,
        data={"objecting_unit": objecting.name, "returned_to": sender.name},
    )
    return petition


@transaction.atomic
def petition_escalate_dispute(*, petition: Petition, actor: User, units: list[Unit], reason: str) -> Petition:
    """受理有争议: the common superior of the disputing units decides (Art. 24)."""
    petition = lock(petition)
    require(petition, Action.ESCALATE_DISPUTE, actor)
    if len({u.pk for u in units}) < 2:
        raise InvalidInput(_("Name at least two units in dispute."), field="units")
    superior_path = common_superior_path([u.path for u in units])
    superior = Unit.objects.filter(path=superior_path).first() if superior_path else None
    if superior is None:
        raise RuleViolation(
            _("These units have no common superior: the joint conference (联席会议) coordinates (Art. 24)."),
            code="no_common_superior",
            article="Art. 24",
        )
    if superior.pk in {u.pk for u in units}:
        superior = superior.parent or superior
    refuse_target(petition, superior, field="units")
    from_state = petition.state
    stop_clocks(petition, (ClockKind.ROUTE,), reason="dispute")
    petition.state = State.DISPUTED
    set_holder(petition, superior)
    petition.save(update_fields=["state", "current_unit", "assignee", "updated_at"])
    grant(petition, superior, AccessReason.ROUTED)
    record(
        petition,
        Action.ESCALATE_DISPUTE,
        actor,
        from_state=from_state,
        note=reason,
        data={"units": [u.name for u in units], "superior": superior.name},
    )
    return petition


@transaction.atomic
def petition_decide_jurisdiction(*, petition: Petition, actor: User, to_unit: Unit, note: str = "") -> Petition:
    """The common superior names the competent unit (Art. 24); that unit cannot object again."""
    return _route(
        petition=petition,
        actor=actor,
        action=Action.DECIDE_JURISDICTION,
        to_unit=to_unit,
        mode=RoutingMode.DECIDED,
        co_units=[],
        note=note,
    )


@transaction.atomic
def petition_report_urgent(*, petition: Petition, actor: User, summary: str) -> Petition:
    """重大紧急 — report to the same-level government and up the petition-department chain to the national
    bureau at the same time (Art. 25); those units can then see the petition."""
    petition = lock(petition)
    require(petition, Action.REPORT_URGENT, actor)
    if not summary.strip():
        raise InvalidInput(_("Summarise what is major or urgent."), field="summary")
    recipients = urgent_report_recipients(petition)
    for unit in recipients:
        grant(petition, unit, AccessReason.REPORTED)
    from_state = petition.state
    if not petition.is_urgent:
        petition.is_urgent = True
        petition.save(update_fields=["is_urgent", "updated_at"])
    record(
        petition,
        Action.REPORT_URGENT,
        actor,
        from_state=from_state,
        note=summary,
        public=False,
        data={"reported_to": [u.name for u in recipients]},
    )
    return petition


def urgent_report_recipients(petition: Petition) -> list[Unit]:
    """Art. 25: the same-level government, and every petition department above up to the national bureau.

    Two queries over the holder's ancestors. Units on the accused side of an accusation are skipped (Art. 30 ¶3):
    if the same-level government is accused, the report goes to the government one level up instead.
    """
    holder = petition.current_unit
    ancestor_ids = holder.ancestor_ids
    governments = Unit.objects.filter(pk__in=ancestor_ids).exclude(unit_type=UnitType.PETITION_DEPT).order_by("-depth")
    named = {u.pk for u in governments} - {u.pk for u in excluded_by_name(petition, governments)}
    government = next((u for u in governments if not is_accused_side(u, None, petition) and u.pk not in named), None)
    departments = (
        Unit.objects.filter(parent_id__in=ancestor_ids, unit_type=UnitType.PETITION_DEPT)
        .exclude(pk=holder.pk)
        .order_by("-depth")
    )
    recipients = [government] if government is not None else []
    # Art. 30 ¶3 by name too: a unit the accusation's text names is never sent the report.
    return excluded_by_name(petition, recipients + [u for u in departments if not is_accused_side(u, None, petition)])
