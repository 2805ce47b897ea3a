"""The petitioner's side and the review chain: 评价, 催办, 复查 (Art. 35), 复核 (Art. 36), 终结."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, RuleViolation
from xinfang.deadlines.rules import ClockKind
from xinfang.orgs.models import User
from xinfang.petitions.models import (
    AccessReason,
    Clock,
    Document,
    DocumentKind,
    Petition,
    PetitionEvent,
    Rating,
    RatingTarget,
    ReviewOutcome,
    Satisfaction,
)
from xinfang.petitions.services.common import (
    grant,
    lock,
    open_clock,
    recompute_due,
    record,
    require,
    running_clock,
    set_holder,
    stop_clocks,
)
from xinfang.petitions.services.merged_outcome import (
    grant_rated_unit,
    merged_primary,
    merged_rating_stage,
    merged_review_terms,
    require_petitioner_window,
)
from xinfang.petitions.workflow import Action, State


@transaction.atomic
def petition_rate(*, petition: Petition, actor: User | None, target: str, value: str, comment: str = "") -> Rating:
    """评价 — 满意 / 基本满意 / 不满意, separately for the petition department and the responsible unit."""
    petition = lock(petition)
    require(petition, Action.RATE, actor)
    # 并案: a merged item's petitioner rates the primary's handling, in the primary's window (merged_outcome).
    primary = merged_primary(petition)
    if value not in Satisfaction.values:
        raise InvalidInput(_("Choose satisfied, basically satisfied or dissatisfied."), field="value")
    if target == RatingTarget.PETITION_DEPT:
        unit = petition.registering_unit
        if not unit.is_petition_department:
            raise InvalidInput(_("This petition was not received by a petition department."), field="target")
    elif target == RatingTarget.RESPONSIBLE_UNIT:
        handling = (primary or petition).handling_unit
        if handling is None:
            raise InvalidInput(_("No unit has handled this petition yet."), field="target")
        unit = handling
    else:
        raise InvalidInput(_("Choose what you are rating."), field="target")
    require_petitioner_window(petition, primary, ClockKind.RATING_WINDOW, str(_("Rating")), "国信发〔2022〕11号")
    if primary is not None:
        stage = merged_rating_stage(primary)
        grant_rated_unit(petition, unit)
    else:
        stage = State.REVIEWED if petition.state in {State.REVIEWED, State.TERMINATED} else State.REPLIED
    if Rating.objects.filter(petition=petition, target=target, stage=stage).exists():
        raise RuleViolation(_("You have already rated this reply."), code="already_rated")
    rating = Rating.objects.create(
        petition=petition, target=target, unit=unit, value=value, comment=comment, stage=stage
    )
    data = {"target": target, "value": value, "unit": unit.name}
    if primary is not None:
        data["primary"] = primary.number
    record(petition, Action.RATE, actor, from_state=petition.state, data=data, note=comment)
    return rating


@transaction.atomic
def petition_urge(*, petition: Petition, actor: User | None, message: str = "") -> PetitionEvent:
    """催办 — the petitioner urges an overdue item; the event reaches the owing unit's inbox (Art. 21)."""
    petition = lock(petition)
    require(petition, Action.URGE, actor)
    today = timeutil.today()
    overdue = list(Clock.objects.overdue(today).filter(petition=petition).select_related("owing_unit"))
    if not overdue:
        upcoming = Clock.objects.running().obligations().filter(petition=petition).order_by("due").first()
        raise RuleViolation(
            _("Nothing is overdue yet; you can urge once a time limit has passed (next due: %(due)s).")
            % {"due": upcoming.due.isoformat() if upcoming else "—"},
            code="not_overdue",
        )
    if PetitionEvent.objects.filter(petition=petition, action=Action.URGE, at__date=today).exists():
        raise RuleViolation(_("This petition was already urged today."), code="urged_today")
    return record(
        petition,
        Action.URGE,
        actor,
        from_state=petition.state,
        note=message,
        data={
            "overdue": [
                {"kind": c.kind, "due": c.due.isoformat(), "unit": c.owing_unit.name if c.owing_unit else ""}
                for c in overdue
            ]
        },
    )


@transaction.atomic
def petition_request_review(*, petition: Petition, actor: User | None, reason: str) -> Petition:
    """申请复查 — within 30 days of receiving the written reply, to the unit one level above (Art. 35)."""
    petition = lock(petition)
    require(petition, Action.REQUEST_REVIEW, actor)
    # 并案: a merged item's petitioner has their own 30 days from the primary's reply (merged_outcome).
    primary = merged_primary(petition)
    require_petitioner_window(petition, primary, ClockKind.REVIEW_WINDOW, str(_("Requesting a review")), "Art. 35")
    if not reason.strip():
        raise InvalidInput(_("Say why you disagree with the opinion."), field="reason")
    if primary is not None:
        merged_review_terms(petition, primary, recheck=False)
    handler = petition.handling_unit
    reviewer = handler.parent if handler else None
    if reviewer is None:
        raise RuleViolation(_("The handling unit has no unit above it to review."), code="no_superior")
    return _escalate(
        petition,
        actor,
        Action.REQUEST_REVIEW,
        State.REVIEW,
        reviewer,
        ClockKind.REVIEW,
        ClockKind.REVIEW_WINDOW,
        reason,
        "review_unit",
        primary,
    )


@transaction.atomic
def petition_request_recheck(*, petition: Petition, actor: User | None, reason: str) -> Petition:
    """申请复核 — within 30 days of receiving the review opinion, to the unit above the reviewer (Art. 36)."""
    petition = lock(petition)
    require(petition, Action.REQUEST_RECHECK, actor)
    primary = merged_primary(petition)  # 并案: as for 复查 above, on the primary's 复查 opinion
    what = str(_("Requesting a re-examination"))
    require_petitioner_window(petition, primary, ClockKind.RECHECK_WINDOW, what, "Art. 36")
    if not reason.strip():
        raise InvalidInput(_("Say why you disagree with the review opinion."), field="reason")
    if primary is not None:
        merged_review_terms(petition, primary, recheck=True)
    reviewer = petition.review_unit
    superior = reviewer.parent if reviewer else None
    if superior is None:
        raise RuleViolation(_("The reviewing unit has no unit above it."), code="no_superior")
    return _escalate(
        petition,
        actor,
        Action.REQUEST_RECHECK,
        State.RECHECK,
        superior,
        ClockKind.RECHECK,
        ClockKind.RECHECK_WINDOW,
        reason,
        "recheck_unit",
        primary,
    )


def _escalate(
    petition: Petition,
    actor: User | None,
    action: Action,
    state: State,
    unit: object,
    clock: ClockKind,
    window: ClockKind,
    reason: str,
    unit_field: str,
    primary: Petition | None = None,
) -> Petition:
    from xinfang.orgs.models import Unit

    assert isinstance(unit, Unit)  # noqa: S101 - narrowing for the type checker
    today = timeutil.today()
    stop_clocks(petition, (window,), reason="used")
    from_state = petition.state
    petition.state = state
    set_holder(petition, unit)
    setattr(petition, unit_field, unit)
    petition.save(update_fields=["state", "current_unit", "assignee", unit_field, "updated_at"])
    grant(petition, unit, AccessReason.REVIEW)
    c = open_clock(petition, clock, owing_unit=unit, start=today)
    data = {"unit": unit.name, "due": c.due.isoformat()}
    if primary is not None:  # 并案: the opinion contested is the primary's (public: the petitioner's own request)
        data["primary"] = primary.number
    record(petition, action, actor, from_state=from_state, note=reason, data=data)
    return petition


def _issue_opinion(petition: Petition, actor: User, kind: DocumentKind, outcome: str, opinion: str) -> Document:
    if outcome not in ReviewOutcome.values:
        raise InvalidInput(_("Choose upheld, revoked or modified."), field="outcome")
    if not opinion.strip():
        raise InvalidInput(_("Write the opinion."), field="opinion")
    today = timeutil.today()
    return Document.objects.create(
        petition=petition,
        kind=kind,
        unit=petition.current_unit,
        author=actor,
        outcome=outcome,
        body=opinion,
        issued_on=today,
        served_on=today,
    )


@transaction.atomic
def petition_decide_review(*, petition: Petition, actor: User, outcome: str, opinion: str) -> Petition:
    """复查意见 — 维持 / 撤销 / 变更, in writing within 30 days (Art. 35); the 复核 window opens (Art. 36)."""
    petition = lock(petition)
    require(petition, Action.DECIDE_REVIEW, actor)
    doc = _issue_opinion(petition, actor, DocumentKind.REVIEW_OPINION, outcome, opinion)
    stop_clocks(petition, (ClockKind.REVIEW,), reason="decided")
    from_state = petition.state
    petition.state = State.REVIEWED
    petition.review_served_on = doc.served_on
    petition.save(update_fields=["state", "review_served_on", "updated_at"])
    assert doc.served_on is not None  # noqa: S101 - set just above
    open_clock(petition, ClockKind.RECHECK_WINDOW, owing_unit=None, start=doc.served_on)
    open_clock(petition, ClockKind.RATING_WINDOW, owing_unit=None, start=doc.served_on)
    record(petition, Action.DECIDE_REVIEW, actor, from_state=from_state, data={"outcome": outcome})
    return petition


@transaction.atomic
def petition_order_redo(*, petition: Petition, actor: User, reason: str) -> Petition:
    """责令重新作出 — the reviewer sends the matter back to the handling unit with a new 60-day clock."""
    petition = lock(petition)
    require(petition, Action.ORDER_REDO, actor)
    if not reason.strip():
        raise InvalidInput(_("Say what the unit must decide again."), field="reason")
    handler = petition.handling_unit
    if handler is None:
        raise RuleViolation(_("No unit handled this petition."))
    today = timeutil.today()
    stop_clocks(petition, (ClockKind.REVIEW,), reason="redo")
    Document.objects.create(
        petition=petition,
        kind=DocumentKind.REVIEW_OPINION,
        unit=petition.current_unit,
        author=actor,
        outcome="redo",
        body=reason,
        issued_on=today,
        served_on=today,
    )
    from_state = petition.state
    petition.state = State.HANDLING
    set_holder(petition, handler)
    petition.extension_used = False
    petition.save(update_fields=["state", "current_unit", "assignee", "extension_used", "updated_at"])
    c = open_clock(petition, ClockKind.HANDLE, owing_unit=handler, start=today)
    record(
        petition,
        Action.ORDER_REDO,
        actor,
        from_state=from_state,
        note=reason,
        data={"unit": handler.name, "due": c.due.isoformat()},
    )
    return petition


@transaction.atomic
def petition_start_hearing(*, petition: Petition, actor: User, note: str = "") -> Petition:
    """听证 — the time a hearing takes is not counted in the 复核 period (Art. 36 ¶2)."""
    petition = lock(petition)
    require(petition, Action.START_HEARING, actor)
    if petition.hearing_open:
        raise RuleViolation(_("A hearing is already in progress."), code="hearing_open")
    clock = running_clock(petition, ClockKind.RECHECK)
    if clock is None:
        raise RuleViolation(_("No re-examination clock is running."))
    clock.paused_since = timeutil.today()
    clock.save(update_fields=["paused_since"])
    petition.hearing_open = True
    petition.save(update_fields=["hearing_open", "updated_at"])
    record(petition, Action.START_HEARING, actor, from_state=petition.state, note=note)
    return petition


def _resume(petition: Petition) -> int:
    clock = running_clock(petition, ClockKind.RECHECK)
    if clock is None or clock.paused_since is None:
        return 0
    paused = (timeutil.today() - clock.paused_since).days
    clock.paused_days += paused
    clock.paused_since = None
    recompute_due(clock)
    clock.save(update_fields=["paused_days", "paused_since", "due", "explanation"])
    return paused


@transaction.atomic
def petition_end_hearing(*, petition: Petition, actor: User, note: str = "") -> Petition:
    petition = lock(petition)
    require(petition, Action.END_HEARING, actor)
    if not petition.hearing_open:
        raise RuleViolation(_("No hearing is in progress."), code="no_hearing")
    paused = _resume(petition)
    petition.hearing_open = False
    petition.save(update_fields=["hearing_open", "updated_at"])
    record(petition, Action.END_HEARING, actor, from_state=petition.state, note=note, data={"paused_days": paused})
    return petition


@transaction.atomic
def petition_decide_recheck(*, petition: Petition, actor: User, outcome: str, opinion: str) -> Petition:
    """复核意见 — final: the same facts and reasons are not accepted again by any unit (Art. 36 ¶3)."""
    petition = lock(petition)
    require(petition, Action.DECIDE_RECHECK, actor)
    doc = _issue_opinion(petition, actor, DocumentKind.RECHECK_OPINION, outcome, opinion)
    if petition.hearing_open:
        _resume(petition)
        petition.hearing_open = False
    stop_clocks(petition, (ClockKind.RECHECK,), reason="decided")
    from_state = petition.state
    petition.state = State.TERMINATED
    petition.closed_on = timeutil.today()
    petition.save(update_fields=["state", "closed_on", "hearing_open", "updated_at"])
    record(petition, Action.DECIDE_RECHECK, actor, from_state=from_state, data={"outcome": outcome, "document": doc.pk})
    return petition


@transaction.atomic
def petition_close(*, petition: Petition, actor: User | None) -> Petition:
    """办结 — no 复查/复核 was requested within its window (Zhejiang Art. 25). ``actor`` None is the sweep."""
    petition = lock(petition)
    if actor is not None:
        require(petition, Action.CLOSE, actor)
    elif petition.state not in {State.REPLIED, State.REVIEWED}:
        raise RuleViolation(_("Only replied or reviewed petitions close when the window passes."))
    window = ClockKind.REVIEW_WINDOW if petition.state == State.REPLIED else ClockKind.RECHECK_WINDOW
    clock = running_clock(petition, window)
    today = timeutil.today()
    if clock is not None and today <= clock.due:
        raise RuleViolation(
            _("The petitioner may still ask for a review or re-examination until %(due)s; close it after that date.")
            % {"due": clock.due.isoformat()},
            code="window_open",
        )
    stop_clocks(petition, (window,), reason="expired")
    from_state = petition.state
    petition.state = State.CLOSED
    petition.closed_on = today
    petition.save(update_fields=["state", "closed_on", "updated_at"])
    record(petition, Action.CLOSE, actor, from_state=from_state)
    return petition
