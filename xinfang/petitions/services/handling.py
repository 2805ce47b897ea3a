"""At the responsible unit: 受理, 办理 with one extension, 信访处理意见书 or 调解/和解 (Arts. 23, 32–34)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, RuleViolation
from xinfang.deadlines.rules import MAX_EXTENSION_DAYS, ClockKind
from xinfang.orgs.models import User
from xinfang.petitions.models import (
    Document,
    DocumentKind,
    DocumentStatus,
    Outcome,
    Petition,
    RoutingMode,
)
from xinfang.petitions.services.bars import require_no_bar
from xinfang.petitions.services.common import (
    lock,
    open_clock,
    recompute_due,
    record,
    require,
    running_clock,
    stop_clocks,
)
from xinfang.petitions.workflow import Action, State

_HANDLE_KINDS = (ClockKind.HANDLE, ClockKind.HANDLE_SIMPLE)


@transaction.atomic
def petition_accept(*, petition: Petition, actor: User, notice: str = "", simple: bool = False) -> Petition:
    """受理 with a written notice (Art. 23); the 60-day handling clock starts (Art. 34).

    ``simple``: 简易办理 for first-time (初次) items, a configurable number of working days (default 10).
    """
    petition = lock(petition)
    action = Action.ACCEPT_SIMPLE if simple else Action.ACCEPT
    require(petition, action, actor)
    require_no_bar(petition)
    if petition.state == State.REGISTERED and petition.current_unit.is_petition_department:
        raise RuleViolation(
            _(
                "A petition department forwards or assigns petitions to the competent unit (Art. 22); it does not "
                "accept them for handling itself."
            ),
            article="Art. 22",
        )
    if simple and petition.is_repeat:
        raise RuleViolation(_("Simple handling is only for first-time petitions."), code="simple_repeat")
    from_state = petition.state
    today = timeutil.today()
    stop_clocks(petition, (ClockKind.NOTICE, ClockKind.OBJECTION_WINDOW, ClockKind.ROUTE), reason="accepted")
    petition.state = State.HANDLING
    petition.handling_unit = petition.current_unit
    petition.accepted_on = today
    petition.is_simple = simple
    petition.save(update_fields=["state", "handling_unit", "accepted_on", "is_simple", "updated_at"])
    clock = open_clock(
        petition,
        ClockKind.HANDLE_SIMPLE if simple else ClockKind.HANDLE,
        owing_unit=petition.current_unit,
        start=today,
    )
    Document.objects.create(
        petition=petition,
        kind=DocumentKind.ACCEPTANCE_NOTICE,
        unit=petition.current_unit,
        author=actor,
        body=notice,
        issued_on=today,
        served_on=today,
        data={"due": clock.due.isoformat(), "simple": simple},
    )
    record(petition, action, actor, from_state=from_state, data={"due": clock.due.isoformat(), "notice": notice})
    return petition


@transaction.atomic
def petition_request_extension(*, petition: Petition, actor: User, days: int, reason: str) -> Petition:
    """申请延期 — the handler asks the unit head for more time (Art. 34)."""
    petition = lock(petition)
    require(petition, Action.REQUEST_EXTENSION, actor)
    if petition.extension_used:
        raise RuleViolation(
            _("The handling period can be extended only once (Art. 34)."), code="extension_used", article="Art. 34"
        )
    if petition.is_simple:
        raise RuleViolation(
            _("A simple-handling item is not extended; handle it under the normal procedure."), code="simple_extension"
        )
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise InvalidInput(_("An extension is 1 to %(n)s days (Art. 34).") % {"n": MAX_EXTENSION_DAYS}, field="days")
    if not reason.strip():
        raise InvalidInput(_("Give the reason; the petitioner will be told it (Art. 34)."), field="reason")
    clock = running_clock(petition, ClockKind.HANDLE)
    if clock is None or clock.due < timeutil.today():
        raise RuleViolation(
            _("The handling period has already run out; an extension must be approved before it ends (Art. 34)."),
            code="extension_late",
            article="Art. 34",
        )
    from_state = petition.state
    petition.state = State.EXTENSION_REQUESTED
    petition.save(update_fields=["state", "updated_at"])
    Document.objects.create(
        petition=petition,
        kind=DocumentKind.EXTENSION_NOTICE,
        status=DocumentStatus.DRAFT,
        unit=petition.current_unit,
        author=actor,
        body=reason,
        data={"days": days},
    )
    record(
        petition,
        Action.REQUEST_EXTENSION,
        actor,
        from_state=from_state,
        public=False,
        data={"days": days, "reason": reason},
    )
    return petition


def _draft(petition: Petition, kind: DocumentKind) -> Document:
    doc = Document.objects.filter(petition=petition, kind=kind, status=DocumentStatus.DRAFT).order_by("-id").first()
    if doc is None:
        raise RuleViolation(_("There is no draft awaiting approval."))
    return doc


@transaction.atomic
def petition_approve_extension(*, petition: Petition, actor: User) -> Petition:
    """批准延期 — the unit head extends the handling clock once by at most 30 days; the petitioner is told
    why (Art. 34)."""
    petition = lock(petition)
    require(petition, Action.APPROVE_EXTENSION, actor)
    doc = _draft(petition, DocumentKind.EXTENSION_NOTICE)
    days = int(doc.data["days"])
    clock = running_clock(petition, ClockKind.HANDLE)
    if clock is None:
        raise RuleViolation(_("No handling clock is running."))
    old_due = clock.due
    clock.extended_days = days
    recompute_due(clock)
    clock.save(update_fields=["extended_days", "due", "explanation"])
    today = timeutil.today()
    doc.status = DocumentStatus.ISSUED
    doc.issued_on = doc.served_on = today
    doc.data = {**doc.data, "old_due": old_due.isoformat(), "new_due": clock.due.isoformat()}
    doc.save(update_fields=["status", "issued_on", "served_on", "data"])
    from_state = petition.state
    petition.state = State.HANDLING
    petition.extension_used = True
    petition.save(update_fields=["state", "extension_used", "updated_at"])
    record(
        petition,
        Action.APPROVE_EXTENSION,
        actor,
        from_state=from_state,
        data={"days": days, "reason": doc.body, "old_due": old_due.isoformat(), "new_due": clock.due.isoformat()},
    )
    return petition


@transaction.atomic
def petition_reject_extension(*, petition: Petition, actor: User, reason: str = "") -> Petition:
    petition = lock(petition)
    require(petition, Action.REJECT_EXTENSION, actor)
    doc = _draft(petition, DocumentKind.EXTENSION_NOTICE)
    doc.status = DocumentStatus.WITHDRAWN
    doc.save(update_fields=["status"])
    from_state = petition.state
    petition.state = State.HANDLING
    petition.save(update_fields=["state", "updated_at"])
    record(petition, Action.REJECT_EXTENSION, actor, from_state=from_state, public=False, note=reason)
    return petition


@transaction.atomic
def petition_submit_decision(
    *, petition: Petition, actor: User, outcome: str, opinion: str, legal_basis: str = ""
) -> Petition:
    """拟办 — the handler drafts the 信访处理意见书 for the head's approval (Art. 32)."""
    petition = lock(petition)
    require(petition, Action.SUBMIT_DECISION, actor)
    if outcome not in Outcome.values:
        raise InvalidInput(_("Choose the outcome: supported, explained or not supported (Art. 32)."), field="outcome")
    if not opinion.strip():
        raise InvalidInput(_("Write the opinion: request, facts, reasons and the decision (Art. 32)."), field="opinion")
    if outcome in {Outcome.SUPPORT, Outcome.REJECT} and not legal_basis.strip():
        raise InvalidInput(
            _("Cite the laws, regulations or rules the opinion relies on (Art. 32)."), field="legal_basis"
        )
    from_state = petition.state
    petition.state = State.DECISION_PENDING
    petition.save(update_fields=["state", "updated_at"])
    Document.objects.create(
        petition=petition,
        kind=DocumentKind.OPINION,
        status=DocumentStatus.DRAFT,
        unit=petition.current_unit,
        author=actor,
        outcome=outcome,
        body=opinion,
        legal_basis=legal_basis,
    )
    record(petition, Action.SUBMIT_DECISION, actor, from_state=from_state, public=False, data={"outcome": outcome})
    return petition


@transaction.atomic
def petition_approve_decision(*, petition: Petition, actor: User, served_on: dt.date | None = None) -> Petition:
    """签发 — the head issues the 信访处理意见书 (Art. 32); the 30-day window for 复查 opens (Art. 35)."""
    petition = lock(petition)
    require(petition, Action.APPROVE_DECISION, actor)
    doc = _draft(petition, DocumentKind.OPINION)
    today = timeutil.today()
    served = served_on or today
    if served < today - dt.timedelta(days=30) or served > today + dt.timedelta(days=30):
        raise InvalidInput(_("The service date must be within 30 days of today."), field="served_on")
    doc.status = DocumentStatus.ISSUED
    doc.issued_on = today
    doc.served_on = served
    doc.save(update_fields=["status", "issued_on", "served_on"])
    stop_clocks(petition, _HANDLE_KINDS, reason="replied")
    from_state = petition.state
    petition.state = State.REPLIED
    petition.outcome = doc.outcome
    petition.reply_served_on = served
    petition.save(update_fields=["state", "outcome", "reply_served_on", "updated_at"])
    open_clock(petition, ClockKind.REVIEW_WINDOW, owing_unit=None, start=served)
    open_clock(petition, ClockKind.RATING_WINDOW, owing_unit=None, start=served)
    record(
        petition,
        Action.APPROVE_DECISION,
        actor,
        from_state=from_state,
        data={"outcome": doc.outcome, "served_on": served.isoformat(), "document": doc.pk},
    )
    return petition


@transaction.atomic
def petition_return_decision(*, petition: Petition, actor: User, reason: str) -> Petition:
    petition = lock(petition)
    require(petition, Action.RETURN_DECISION, actor)
    if not reason.strip():
        raise InvalidInput(_("Say what to rework."), field="reason")
    doc = _draft(petition, DocumentKind.OPINION)
    doc.status = DocumentStatus.WITHDRAWN
    doc.save(update_fields=["status"])
    from_state = petition.state
    petition.state = State.HANDLING
    petition.save(update_fields=["state", "updated_at"])
    record(petition, Action.RETURN_DECISION, actor, from_state=from_state, public=False, note=reason)
    return petition


@transaction.atomic
def petition_record_agreement(*, petition: Petition, actor: User, kind: str, text: str) -> Petition:
    """调解协议书 / 和解协议书 — both parties agreed (Art. 33); the matter is closed by agreement."""
    petition = lock(petition)
    require(petition, Action.RECORD_AGREEMENT, actor)
    if kind not in {"mediation", "settlement"}:
        raise InvalidInput(_("Choose mediation or settlement."), field="kind")
    if not text.strip():
        raise InvalidInput(_("Record the terms agreed."), field="text")
    today = timeutil.today()
    stop_clocks(petition, _HANDLE_KINDS, reason="agreement")
    Document.objects.create(
        petition=petition,
        kind=DocumentKind.AGREEMENT,
        unit=petition.current_unit,
        author=actor,
        body=text,
        data={"kind": kind},
        issued_on=today,
        served_on=today,
    )
    from_state = petition.state
    petition.state = State.CLOSED
    petition.closed_on = today
    petition.reply_served_on = today
    petition.save(update_fields=["state", "closed_on", "reply_served_on", "updated_at"])
    open_clock(petition, ClockKind.RATING_WINDOW, owing_unit=None, start=today)
    record(petition, Action.RECORD_AGREEMENT, actor, from_state=from_state, data={"kind": kind})
    return petition


@transaction.atomic
def petition_submit_report(*, petition: Petition, actor: User, report: str) -> Petition:
    """办结报告 — an assigned (交办) item's result is reported back to the assigning unit (Art. 22(3))."""
    petition = lock(petition)
    require(petition, Action.SUBMIT_REPORT, actor)
    if petition.routing_mode != RoutingMode.ASSIGN and not _was_assigned(petition):
        raise RuleViolation(_("Only assigned (交办) petitions need a completion report."), code="not_assigned")
    if petition.report_submitted:
        raise RuleViolation(_("The completion report was already submitted."), code="report_done")
    if actor.unit_id != petition.handling_unit_id:
        raise RuleViolation(_("The handling unit submits the completion report."), code="not_handler")
    if not report.strip():
        raise InvalidInput(_("Write the report."), field="report")
    today = timeutil.today()
    assert petition.handling_unit is not None  # noqa: S101 - checked above: the actor's unit handled it
    stop_clocks(petition, (ClockKind.FEEDBACK,), reason="reported")
    Document.objects.create(
        petition=petition,
        kind=DocumentKind.COMPLETION_REPORT,
        unit=petition.handling_unit,
        author=actor,
        body=report,
        is_public=False,
        issued_on=today,
    )
    petition.report_submitted = True
    petition.save(update_fields=["report_submitted", "updated_at"])
    record(petition, Action.SUBMIT_REPORT, actor, from_state=petition.state, public=False)
    return petition


def _was_assigned(petition: Petition) -> bool:
    return Document.objects.filter(petition=petition, kind=DocumentKind.ASSIGNMENT_SLIP).exists()
