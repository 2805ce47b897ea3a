"""State changes of proposals (人民建议征集, Art. 29 ¶2). Each service is atomic and writes one ProposalEvent.

Step limits come from ``settings.PROPOSAL_LIMITS`` (calendar days; defaults in ``DEFAULT_LIMITS``) and are counted
on the working calendar of ``xinfang.deadlines`` (start day not counted, a last day on a holiday moves on).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.audit import identity_read_record
from xinfang.core.errors import IllegalTransition, InvalidInput, NotPermitted
from xinfang.core.limits import require_max_length
from xinfang.core.models import IdentitySurface
from xinfang.deadlines import services as deadline_services
from xinfang.deadlines.calendar import DayKind
from xinfang.orgs.models import Unit, User
from xinfang.petitions.models import Channel, Nature, Petition
from xinfang.petitions.services.conversion import petition_convert_to_proposal
from xinfang.petitions.services.intake import IntakeData, PetitionerData, petition_register, validate_attachments
from xinfang.petitions.uploads import check_upload, display_name, stored_name
from xinfang.proposals import duplicates
from xinfang.proposals.models import (
    Call,
    ClockKind,
    Commendation,
    Proposal,
    ProposalAttachment,
    ProposalClock,
    ProposalEvent,
    ProposalSequence,
)
from xinfang.proposals.workflow import (
    ADOPTED_OUTCOMES,
    TRANSITIONS,
    Action,
    CommendationKind,
    Outcome,
    Side,
    State,
)

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
    require_max_length(value, field=field, limit=max_length)  # the project's one length refusal (core.limits)
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
    attachments_public: bool = False,
    attachments: list[UploadedFile[bytes]] | None = None,
    actor: User | None = None,
) -> Proposal:
    """登记: anyone submits, to an open call or generally to a unit; name and phone are optional (anonymous).

    Attachments are checked by content and size as petition attachments are (``petitions.uploads``); the new
    proposal joins the group of an earlier one that says the same thing (``duplicates``).
    """
    files = list(attachments or [])
    validate_attachments(files, field="attachments")
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
        attachments_public=is_public and attachments_public,
        state=State.SUBMITTED,
        receiving_unit=unit,
        received_on=today,
    )
    for f in files:
        store_attachment(proposal, f)
    data = _group(proposal)
    _event(proposal, Action.SUBMIT, actor if actor is not None and actor.is_unit_staff else None, "", data)
    _open_clock(proposal, ClockKind.REFER, unit, today)
    return proposal


def _group(proposal: Proposal) -> dict[str, Any]:
    """Fingerprint the proposal and link it to the group of the most similar earlier one (event data)."""
    match = duplicates.index_and_match(proposal)
    if match is None:
        return {}
    head, score = match
    proposal.duplicate_of = head
    proposal.duplicate_similarity = score
    proposal.save(update_fields=["duplicate_of", "duplicate_similarity"])
    return {"same_as": head.number, "similarity": score}


def store_attachment(proposal: Proposal, f: UploadedFile[bytes], *, field: str = "attachments") -> ProposalAttachment:
    """Check ``f`` by content (``petitions.uploads``) and write it with its row; a failed row leaves no file."""
    checked = check_upload(f, field=field)
    original = f.name or ""
    f.name = stored_name(original, checked.extension)
    attachment = ProposalAttachment(
        proposal=proposal,
        original_name=display_name(original),
        content_type=checked.content_type,
        size=f.size or 0,
    )
    attachment.file.save(f.name, f, save=False)
    try:
        attachment.save()
    except Exception:
        with contextlib.suppress(OSError):
            attachment.file.delete(save=False)
        raise
    return attachment


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
def proposal_commend(
    *, proposal: Proposal, actor: User, kind: str, text: str, given_on: dt.date | None = None
) -> Commendation:
    """奖励、表彰 — record a reward or commendation for an adopted proposal: kind, date, text, who recorded it."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _check(proposal, Action.COMMEND, actor)
    if proposal.outcome not in ADOPTED_OUTCOMES:
        raise IllegalTransition(_("Only an adopted or partly adopted proposal can be rewarded."))
    if kind not in CommendationKind.values:
        raise InvalidInput(_("Choose a reward, a commendation or a letter of thanks."), field="kind")
    today = timeutil.today()
    day = given_on or today
    if day > today:
        raise InvalidInput(_("The date cannot be in the future."), field="given_on")
    if proposal.decided_on is not None and day < proposal.decided_on:
        raise InvalidInput(_("The date cannot be before the proposal was adopted."), field="given_on")
    assert actor.unit is not None  # noqa: S101 - _check admits unit staff only
    commendation = Commendation.objects.create(
        proposal=proposal,
        kind=kind,
        given_on=day,
        text=_text(text, "text"),
        recorded_by=actor,
        unit=actor.unit,
    )
    _event(proposal, Action.COMMEND, actor, proposal.state, {"kind": kind, "given_on": day.isoformat()})
    return commendation


@transaction.atomic
def proposal_convert_to_petition(
    *, proposal: Proposal, actor: User, reason: str, nature: str = Nature.APPEAL
) -> tuple[Petition, str]:
    """转为信访事项 — a proposal that is really a complaint is registered as a petition at the receiving unit.

    It goes through the petitions intake (``petition_register``: the registrar's rights, Arts. 21-22 and their
    clocks, counted from the day the proposal was received). The proposal is closed with the reason, never
    deleted; each record links to the other and each timeline says so. Returns the petition and its 查询码,
    which staff pass on to the proposer (it is shown this once). Copying a named proposer's name and phone is a
    read of the unmasked identity, audited once with the proposal (``PETITION_CONVERSION``; Art. 30).
    """
    proposal = Proposal.objects.select_for_update().select_related("receiving_unit").get(pk=proposal.pk)
    _check(proposal, Action.CONVERT, actor)
    reason = _text(reason, "reason")
    if nature not in (Nature.APPEAL, Nature.ACCUSATION):
        raise InvalidInput(_("Choose an appeal or demand, or a report or accusation."), field="nature")
    anonymous = proposal.is_anonymous or not proposal.proposer_name
    petitioners = [] if anonymous else [PetitionerData(name=proposal.proposer_name, phone=proposal.proposer_phone)]
    files: list[UploadedFile[bytes]] = [
        SimpleUploadedFile(a.original_name, a.file.read(), content_type=a.content_type)
        for a in proposal.attachments.all()
    ]
    petition, code = petition_register(
        actor=actor,
        unit=proposal.receiving_unit,
        data=IntakeData(
            channel=Channel.ONLINE,
            title=proposal.title,
            request=proposal.suggestion,
            facts_and_reasons=proposal.reason,
            nature=nature,
            received_on=proposal.received_on,
            is_anonymous=anonymous,
            petitioners=petitioners,
            attachments=files,
            origin={"proposal": proposal.number},
        ),
    )
    if petitioners:  # copying the proposer's name and phone is a read of the unmasked identity (Art. 30)
        identity_read_record(user=actor, proposal_ids=[proposal.pk], surface=IdentitySurface.PETITION_CONVERSION)
    today = timeutil.today()
    from_state = proposal.state
    proposal.state = State.CONVERTED
    proposal.petition = petition
    proposal.closed_on = today
    proposal.closing_reason = reason
    proposal.save(update_fields=["state", "petition", "closed_on", "closing_reason"])
    _stop_clocks(proposal, today)
    _event(proposal, Action.CONVERT, actor, from_state, {"petition": petition.number, "reason": reason})
    return petition, code


@transaction.atomic
def proposal_from_petition(*, petition: Petition, actor: User, reason: str) -> Proposal:
    """由信访事项转为人民建议 — a petition that is really a suggestion (Art. 29) becomes a proposal of its holder.

    The petition is closed with the reason (``petition_convert_to_proposal``, which checks the workflow table and
    the actor's right on the petition); the proposal starts at 登记 with its referral clock and keeps the link.
    Copying the petitioner's name and phone is a read of the unmasked identity, audited like a display (Art. 30).
    """
    if Proposal.objects.filter(source_petition=petition).exists():
        raise IllegalTransition(_("This petition has already been converted into a proposal."))
    unit = petition.current_unit
    today = timeutil.today()
    number = next_number(unit, today.year)
    petition = petition_convert_to_proposal(petition=petition, actor=actor, reason=reason, proposal_number=number)
    people = [] if petition.is_anonymous else list(petition.petitioners.order_by("id")[:1])
    if people:
        identity_read_record(user=actor, petition_ids=[petition.pk], surface=IdentitySurface.PROPOSAL_CONVERSION)
    proposal = Proposal.objects.create(
        number=number,
        title=_text(petition.title, "title", max_length=TITLE_MAX),
        reason=petition.facts_and_reasons or petition.request,
        suggestion=petition.request,
        proposer_name=people[0].name[:50] if people else "",
        proposer_phone=(people[0].phone or "")[:20] if people else "",
        is_public=False,  # the petitioner never chose publication
        state=State.SUBMITTED,
        receiving_unit=unit,
        received_on=petition.received_on,
        source_petition=petition,
    )
    for a in petition.attachments.all():
        store_attachment(proposal, SimpleUploadedFile(a.original_name, a.file.read(), content_type=a.content_type))
    data = {"petition": petition.number, "reason": reason.strip(), **_group(proposal)}
    _event(proposal, Action.FROM_PETITION, actor, "", data)
    _open_clock(proposal, ClockKind.REFER, unit, today)
    return proposal


def proposer_shown(user: User | Any, proposal: Proposal, surface: str) -> None:
    """Record that ``user`` was shown the proposer's name and phone on ``surface`` (page or API): every caller who
    may see a proposal sees its proposer, so each display of a named proposer is an audited identity read (Art. 30;
    个人信息保护法); an anonymous proposal shows nobody and writes nothing."""
    if not proposal.is_anonymous:
        identity_read_record(user=user, proposal_ids=[proposal.pk], surface=surface)
