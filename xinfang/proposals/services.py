"""State changes of proposals (人民建议征集, Art. 29 ¶2). Each service is atomic and writes one ProposalEvent.

Step limits come from ``settings.PROPOSAL_LIMITS`` (calendar days; defaults in ``DEFAULT_LIMITS``) and are counted
on the working calendar of ``xinfang.deadlines`` (start day not counted, a last day on a holiday moves on).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import IllegalTransition, InvalidInput, NotPermitted
from xinfang.deadlines import services as deadline_services
from xinfang.deadlines.calendar import DayKind
from xinfang.orgs.models import Unit, User
from xinfang.proposals.models import Call, ClockKind, Proposal, ProposalClock, ProposalEvent, ProposalSequence
from xinfang.proposals.workflow import ADOPTED_OUTCOMES, TRANSITIONS, Action, Outcome, Side, State

# Calendar days per step; a deployment overrides any of them with settings.PROPOSAL_LIMITS = {"decide": 20, ...}.
DEFAULT_LIMITS: dict[str, int] = {ClockKind.REFER: 15, ClockKind.DECIDE: 30, ClockKind.IMPLEMENT: 90}

TITLE_MAX = 200
TEXT_MAX = 5000


def step_limit(kind: ClockKind) -> int:
    configured: dict[str, int] = getattr(settings, "PROPOSAL_LIMITS", {}) or {}
    return int(configured.get(kind.value, DEFAULT_LIMITS[kind.value]))


def _open_clock(proposal: Proposal, kind: ClockKind, unit: Unit, start: dt.date) -> ProposalClock:
    days = step_limit(kind)
    deadline = deadline_services.deadline_for(start=start, days=days, kind=DayKind.CALENDAR)
    return ProposalClock.objects.create(
        proposal=proposal,
        kind=kind,
        owing_unit=unit,
        start=start,
        days=days,
        due=deadline.due,
        explanation=[{"code": s.code, "params": dict(s.params)} for s in deadline.steps],
    )


def _stop_clocks(proposal: Proposal, today: dt.date) -> None:
    ProposalClock.objects.filter(proposal=proposal, stopped_on__isnull=True).update(stopped_on=today)


def _event(proposal: Proposal, action: Action, actor: User | None, from_state: str, data: dict[str, Any]) -> None:
    ProposalEvent.objects.create(
        proposal=proposal,
        action=action,
        actor=actor,
        actor_unit=actor.unit if actor is not None else None,
        at=timeutil.now(),
        from_state=from_state,
        to_state=proposal.state,
        data=data,
    )


def _check(proposal: Proposal, action: Action, actor: User) -> None:
    """State first (409), then side and role (403); nothing is written when either refuses."""
    t = TRANSITIONS[action]
    if proposal.state not in t.sources:
        raise IllegalTransition(
            _("This proposal is “%(state)s”: “%(action)s” is not possible now.")
            % {"state": State(proposal.state).label, "action": action.label}
        )
    units: set[int | None] = set()
    if t.side in (Side.RECEIVER, Side.INVOLVED):
        units.add(proposal.receiving_unit_id)
    if t.side in (Side.OWNER, Side.INVOLVED):
        units.add(proposal.owning_unit_id)
    if not actor.is_unit_staff or actor.unit_id not in units:
        raise NotPermitted(_("Only staff of the unit responsible for this step may take it."))
    if not actor.has_role(*t.roles):
        raise NotPermitted(_("Your role does not allow “%(action)s” on a proposal.") % {"action": action.label})


def _text(value: str, field: str, *, required: bool = True, max_length: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("This field is required."), field=field)
    if len(value) > max_length:
        raise InvalidInput(_("At most %(n)d characters are allowed.") % {"n": max_length}, field=field)
    return value


def next_number(unit: Unit, year: int) -> str:
    """Proposal 编号 unique per receiving unit and year, also under concurrent submission (as petitions' 编号)."""
    ProposalSequence.objects.bulk_create([ProposalSequence(unit=unit, year=year, last=0)], ignore_conflicts=True)
    ProposalSequence.objects.filter(unit=unit, year=year).update(last=F("last") + 1)
    last = ProposalSequence.objects.filter(unit=unit, year=year).values_list("last", flat=True).get()
    return f"JY-{unit.code}-{year}-{last:06d}"


@transaction.atomic
def call_create(*, actor: User, topic: str, description: str = "", opens_on: dt.date, closes_on: dt.date) -> Call:
    """A unit publishes a call for proposals; its staff own it."""
    if not actor.is_unit_staff or actor.unit is None:
        raise NotPermitted(_("Only staff of a unit may publish a call for proposals."))
    if closes_on < opens_on:
        raise InvalidInput(_("The call cannot close before it opens."), field="closes_on")
    return Call.objects.create(
        unit=actor.unit,
        topic=_text(topic, "topic", max_length=TITLE_MAX),
        description=_text(description, "description", required=False),
        opens_on=opens_on,
        closes_on=closes_on,
        owner=actor,
    )


@transaction.atomic
def proposal_submit(
    *,
    title: str,
    reason: str,
    suggestion: str,
    call: Call | None = None,
    unit: Unit | None = None,
    proposer_name: str = "",
    proposer_phone: str = "",
    is_public: bool = False,
    actor: User | None = None,
) -> Proposal:
    """登记: anyone submits, to an open call or generally to a unit; name and phone are optional (anonymous)."""
    today = timeutil.today()
    if call is not None:
        if not call.opens_on <= today <= call.closes_on:
            raise InvalidInput(_("This call for proposals is not open."), field="call")
        unit = call.unit
    if unit is None or not unit.is_active:
        raise InvalidInput(_("Choose the unit that should receive the proposal."), field="unit")
    phone = _text(proposer_phone, "proposer_phone", required=False, max_length=20)
    if phone and not phone.replace("-", "").isdigit():
        raise InvalidInput(_("Enter a phone number of digits only, e.g. 13812345678."), field="proposer_phone")
    proposal = Proposal.objects.create(
        number=next_number(unit, today.year),
        call=call,
        title=_text(title, "title", max_length=TITLE_MAX),
        reason=_text(reason, "reason"),
        suggestion=_text(suggestion, "suggestion"),
        proposer_name=_text(proposer_name, "proposer_name", required=False, max_length=50),
        proposer_phone=phone,
        is_public=is_public,
        state=State.SUBMITTED,
        receiving_unit=unit,
        received_on=today,
    )
    _event(proposal, Action.SUBMIT, actor if actor is not None and actor.is_unit_staff else None, "", {})
    _open_clock(proposal, ClockKind.REFER, unit, today)
    return proposal


@transaction.atomic
def proposal_refer(*, proposal: Proposal, actor: User, to_unit: Unit, note: str = "") -> Proposal:
    """交由主管单位评估: the receiving unit refers the proposal to the competent unit."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _check(proposal, Action.REFER, actor)
    if not to_unit.is_active:
        raise InvalidInput(_("The unit chosen is no longer active."), field="to_unit")
    today = timeutil.today()
    from_state = proposal.state
    proposal.state = State.REFERRED
    proposal.owning_unit = to_unit
    proposal.save(update_fields=["state", "owning_unit"])
    _stop_clocks(proposal, today)
    _open_clock(proposal, ClockKind.DECIDE, to_unit, today)
    _event(
        proposal, Action.REFER, actor, from_state, {"to_unit": to_unit.pk, "note": _text(note, "note", required=False)}
    )
    return proposal


@transaction.atomic
def proposal_decide(*, proposal: Proposal, actor: User, outcome: str, reason: str) -> Proposal:
    """采纳 / 部分采纳 / 不予采纳, always with reasons (they are the reply to the proposer)."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _check(proposal, Action.DECIDE, actor)
    if outcome not in Outcome.values:
        raise InvalidInput(_("Choose adopted, partly adopted or not adopted."), field="outcome")
    today = timeutil.today()
    from_state = proposal.state
    proposal.state = State.DECIDED
    proposal.outcome = outcome
    proposal.outcome_reason = _text(reason, "reason")
    proposal.decided_on = today
    proposal.save(update_fields=["state", "outcome", "outcome_reason", "decided_on"])
    _stop_clocks(proposal, today)
    if outcome in ADOPTED_OUTCOMES:
        assert proposal.owning_unit is not None  # noqa: S101 - set by the referral
        _open_clock(proposal, ClockKind.IMPLEMENT, proposal.owning_unit, today)
    _event(proposal, Action.DECIDE, actor, from_state, {"outcome": outcome})
    return proposal


@transaction.atomic
def proposal_implement(*, proposal: Proposal, actor: User, feedback: str) -> Proposal:
    """落实反馈: what came of an adopted (or partly adopted) proposal."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _check(proposal, Action.IMPLEMENT, actor)
    if proposal.outcome not in ADOPTED_OUTCOMES:
        raise IllegalTransition(_("A proposal that was not adopted has nothing to implement."))
    today = timeutil.today()
    from_state = proposal.state
    proposal.state = State.IMPLEMENTED
    proposal.implementation = _text(feedback, "feedback")
    proposal.implemented_on = today
    proposal.save(update_fields=["state", "implementation", "implemented_on"])
    _stop_clocks(proposal, today)
    _event(proposal, Action.IMPLEMENT, actor, from_state, {})
    return proposal


@transaction.atomic
def proposal_commend(*, proposal: Proposal, actor: User, note: str) -> Proposal:
    """Record a reward or commendation for an adopted proposal (no state change)."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _check(proposal, Action.COMMEND, actor)
    if proposal.outcome not in ADOPTED_OUTCOMES:
        raise IllegalTransition(_("Only an adopted or partly adopted proposal can be rewarded."))
    proposal.commendation = _text(note, "note")
    proposal.save(update_fields=["commendation"])
    _event(proposal, Action.COMMEND, actor, proposal.state, {})
    return proposal
