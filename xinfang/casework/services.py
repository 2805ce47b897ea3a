"""State changes of 积案 / 重点 cases and 包案. Every service is atomic, checks the actor and logs a CaseEvent.

- ``backlog_scan`` — the weekly set-based rule scan (one query, one bulk insert, idempotent).
- ``case_mark`` / ``case_confirm`` / ``case_dismiss`` — staff decisions, each with a reason.
- ``case_take_charge`` — 包案 (Art. 18): leader + responsible unit + person; writes the petition's timeline line
  through ``petition_take_charge`` in the same transaction and notifies the leader.
- ``case_set_plan``, ``milestone_add`` (also a 交办事项), ``milestone_complete``, ``progress_add``.
- ``case_close`` — 化解 outcome and 息访 status; closes the case.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from xinfang.casework import rules, selectors
from xinfang.casework.models import (
    ACTIVE_STATUSES,
    BacklogCase,
    CaseEvent,
    CaseEventKind,
    CaseKind,
    CaseStatus,
    Milestone,
    ProgressUpdate,
    QuietBasis,
    QuietStatus,
    Resolution,
)
from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.notify.services import notify
from xinfang.orgs.models import Role, Unit, User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.services import petition_take_charge
from xinfang.supervision.assignments import assignment_complete, assignment_create, require_not_accused
from xinfang.supervision.models import AssignmentSource

# Who decides on backlog cases: the roles that may take 包案 on the petition's timeline (workflow _OVERSEERS).
MANAGER_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.HEAD)
BATCH = 2000


def _event(case: BacklogCase, kind: CaseEventKind, actor: User | None, note: str = "", **data: Any) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor, at=timeutil.now(), data=data, note=note)


def _lock(case: BacklogCase) -> BacklogCase:
    return BacklogCase.objects.select_for_update().select_related("petition").get(pk=case.pk)


def _can_see(actor: User, petition_id: int) -> bool:
    return petitions_visible_to(actor).filter(pk=petition_id).exists()


def _require_manager(actor: User, case_or_petition: BacklogCase | Petition) -> None:
    if actor.unit_id is None or not actor.has_role(*MANAGER_ROLES):
        raise NotPermitted(_("Only a supervisor, leader or unit head can decide on backlog and key cases."))
    petition_id = case_or_petition.petition_id if isinstance(case_or_petition, BacklogCase) else case_or_petition.pk
    if not _can_see(actor, petition_id):
        raise NotPermitted(_("Your unit neither handles nor oversees this petition."))


def _require_reason(reason: str, field: str = "reason") -> str:
    if not reason.strip():
        raise InvalidInput(_("Give the reason."), field=field)
    return reason.strip()


def _require_status(case: BacklogCase, *allowed: CaseStatus) -> None:
    if case.status not in allowed:
        raise RuleViolation(
            _("Not possible while the case is “%(status)s”.") % {"status": CaseStatus(case.status).label},
            code="case_status",
        )


def _case_link(case: BacklogCase) -> str:
    return reverse("casework:case", args=[case.pk])


# --- The rule scan --------------------------------------------------------------------------------------------


def backlog_candidates(today: dt.date | None = None) -> Any:
    """Petitions without a case that match at least one enabled rule, annotated with the rules they match."""
    from django.db.models import BooleanField, Case, Value, When

    today = today or timeutil.today()
    cfg = rules.backlog_rules()
    named: list[tuple[str, Q]] = []
    if cfg.age_enabled:
        named.append(("m_age", rules.age_q(cfg, today)))
    if cfg.repeat_enabled:
        named.append(("m_repeat", rules.repeat_q(cfg)))
    if cfg.review_enabled:
        named.append(("m_review", rules.review_q(cfg)))
    if not named:
        return Petition.objects.none()
    any_rule = Q()
    for _name, q in named:
        any_rule |= q
    annotations = {
        name: Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField()) for name, q in named
    }
    return (
        Petition.objects.filter(any_rule)
        .filter(backlog_case__isnull=True)
        .annotate(**annotations, chain=rules.chain_length_expr(), first_received=rules.first_received_expr())
    )


@transaction.atomic
def backlog_scan(today: dt.date | None = None) -> dict[str, int]:
    """Mark new 积案 candidates by the configured rules. Idempotent: a petition gets at most one case.

    One annotated query finds the candidates (petitions already having a case are excluded in SQL); the rows are
    written with ``bulk_create`` in batches. Returns how many were created, in total and per rule.
    """
    today = today or timeutil.today()
    counts = {"created": 0, "age": 0, "repeat": 0, "review": 0}
    qs = backlog_candidates(today)
    if "chain" not in qs.query.annotations:  # every rule switched off
        return counts
    fields = ["pk", "chain", "first_received", "current_unit_id", "current_unit__path", "current_unit__level"]
    flags = [f for f in ("m_age", "m_repeat", "m_review") if f in qs.query.annotations]
    batch: list[BacklogCase] = []

    def flush() -> None:
        # ignore_conflicts keeps a concurrent mark by hand from failing the scan; it returns no ids, so the new
        # rows are read back (those without a history yet) to write their first event.
        BacklogCase.objects.bulk_create(batch, ignore_conflicts=True)
        fresh = BacklogCase.objects.filter(petition_id__in=[c.petition_id for c in batch], events__isnull=True)
        now = timeutil.now()
        CaseEvent.objects.bulk_create(
            [CaseEvent(case=c, kind=CaseEventKind.FOUND, at=now, data={"rules": c.rules}) for c in fresh]
        )
        batch.clear()

    for row in qs.values(*fields, *flags).order_by("pk").iterator(chunk_size=BATCH):
        case = BacklogCase(
            petition_id=row["pk"],
            kind=CaseKind.BACKLOG,
            status=CaseStatus.CANDIDATE,
            by_age=bool(row.get("m_age")),
            by_repeat=bool(row.get("m_repeat")),
            by_review=bool(row.get("m_review")),
            chain_length=row["chain"],
            first_received_on=row["first_received"],
            unit_id=row["current_unit_id"],
            unit_path=row["current_unit__path"],
            level=row["current_unit__level"],
            marked_on=today,
        )
        counts["created"] += 1
        for rule in case.rules:
            counts[rule] += 1
        batch.append(case)
        if len(batch) >= BATCH:
            flush()
    if batch:
        flush()
    return counts


# --- Decisions ------------------------------------------------------------------------------------------------


@transaction.atomic
def case_mark(*, actor: User, petition: Petition, kind: CaseKind | str, reason: str) -> BacklogCase:
    """Mark a petition as 积案 or 重点 by hand (confirmed at once). A candidate or dismissed case is re-used."""
    if kind not in CaseKind.values:
        raise InvalidInput(_("Choose backlog case or key case."), field="kind")
    reason = _require_reason(reason)
    _require_manager(actor, petition)
    today = timeutil.today()
    existing = BacklogCase.objects.select_for_update().filter(petition=petition).first()
    if existing is not None:
        if existing.status in (*ACTIVE_STATUSES, CaseStatus.CLOSED):
            raise RuleViolation(
                _("This petition is already a case (%(status)s).") % {"status": CaseStatus(existing.status).label},
                code="already_a_case",
            )
        existing.kind = CaseKind(kind)
        existing.status = CaseStatus.OPEN
        existing.decided_by = actor
        existing.decided_on = today
        existing.decision_reason = reason
        existing.save()
        _event(existing, CaseEventKind.MARKED, actor, reason, case_kind=str(kind))
        return existing
    row = (
        Petition.objects.filter(pk=petition.pk)
        .annotate(chain=rules.chain_length_expr(), first_received=rules.first_received_expr())
        .values("chain", "first_received")
        .get()
    )
    unit = petition.current_unit
    case = BacklogCase.objects.create(
        petition=petition,
        kind=CaseKind(kind),
        status=CaseStatus.OPEN,
        chain_length=row["chain"],
        first_received_on=row["first_received"],
        unit=unit,
        unit_path=unit.path,
        level=unit.level,
        reason=reason,
        marked_by=actor,
        marked_on=today,
        decided_by=actor,
        decided_on=today,
        decision_reason=reason,
    )
    _event(case, CaseEventKind.MARKED, actor, reason, case_kind=str(kind))
    return case


@transaction.atomic
def case_confirm(*, actor: User, case: BacklogCase, reason: str, kind: CaseKind | str | None = None) -> BacklogCase:
    """A candidate found by the rules becomes a confirmed 积案 (or 重点) case."""
    case = _lock(case)
    _require_manager(actor, case)
    _require_status(case, CaseStatus.CANDIDATE)
    reason = _require_reason(reason)
    if kind is not None:
        if kind not in CaseKind.values:
            raise InvalidInput(_("Choose backlog case or key case."), field="kind")
        case.kind = CaseKind(kind)
    case.status = CaseStatus.OPEN
    case.decided_by = actor
    case.decided_on = timeutil.today()
    case.decision_reason = reason
    case.save()
    _event(case, CaseEventKind.CONFIRMED, actor, reason, case_kind=str(case.kind))
    return case


@transaction.atomic
def case_dismiss(*, actor: User, case: BacklogCase, reason: str) -> BacklogCase:
    """A candidate is not a backlog case; the rules will not propose it again."""
    case = _lock(case)
    _require_manager(actor, case)
    _require_status(case, CaseStatus.CANDIDATE, CaseStatus.OPEN)
    reason = _require_reason(reason)
    case.status = CaseStatus.DISMISSED
    case.decided_by = actor
    case.decided_on = timeutil.today()
    case.decision_reason = reason
    case.save()
    _event(case, CaseEventKind.DISMISSED, actor, reason)
    return case


# --- 包案 -------------------------------------------------------------------------------------------------------


@transaction.atomic
def case_take_charge(
    *, actor: User, case: BacklogCase, leader: User, unit: Unit, person: str, note: str = ""
) -> BacklogCase:
    """包案: a leader owns the case with a responsible unit and person (Art. 18). Re-assigning is allowed."""
    case = _lock(case)
    _require_manager(actor, case)
    _require_status(case, CaseStatus.CANDIDATE, CaseStatus.OPEN, CaseStatus.IN_CHARGE)
    if not leader.is_unit_staff or not leader.has_role(Role.LEADER):
        raise InvalidInput(_("The leader in charge must be a staff member with the leader role."), field="leader")
    if not selectors.leader_choices(actor).filter(pk=leader.pk).exists():  # the leaders the form offers
        raise InvalidInput(_("Choose a leader of your unit, of a unit below it or of a unit above it."), field="leader")
    if not unit.is_active:
        raise InvalidInput(_("The responsible unit is no longer active."), field="unit")
    if not person.strip():
        raise InvalidInput(_("Name the responsible person."), field="person")
    # Art. 30 ¶3: an accusation is never handed to the accused unit, nor owned by a leader of the accused side (or
    # the accused person) — checked before anything is written: no case change, timeline line or notification.
    require_not_accused(case.petition, unit=unit, field="unit")
    require_not_accused(case.petition, unit=leader.unit, person=leader, field="leader")
    previous_leader_id = case.leader_id
    today = timeutil.today()
    case.status = CaseStatus.IN_CHARGE
    if case.decided_on is None:
        case.decided_by, case.decided_on = actor, today
    case.leader = leader
    case.responsible_unit = unit
    case.responsible_person = person.strip()
    case.unit, case.unit_path, case.level = unit, unit.path, unit.level
    case.taken_on = today
    case.save()
    leader_label = " ".join(x for x in (leader.title, leader.full_name or leader.username) if x)
    petition_take_charge(
        petition=case.petition,
        actor=actor,
        leader=leader_label,
        unit=unit.name,
        ref=f"casework_case:{case.pk}",
        note=note,
    )
    _event(
        case,
        CaseEventKind.TAKEN,
        actor,
        note,
        leader=leader.pk,
        leader_name=leader_label,
        unit=unit.pk,
        unit_name=unit.name,
        person=case.responsible_person,
    )
    if previous_leader_id != leader.pk:
        petition = case.petition
        notify(
            kind="casework.take_charge",
            subject=_("You are the leader in charge of case %(number)s") % {"number": petition.number},
            body=_(
                "%(number)s “%(title)s” is now yours to resolve (包案). Responsible unit: %(unit)s; responsible "
                "person: %(person)s."
            )
            % {
                "number": petition.number,
                "title": petition.title,
                "unit": unit.name,
                "person": case.responsible_person,
            },
            users=[leader],
            link=_case_link(case),
        )
    return case


def _require_in_charge_party(actor: User, case: BacklogCase) -> None:
    """The leader in charge, staff of the responsible unit, or a manager who can see the petition."""
    if actor.pk == case.leader_id:
        return
    if actor.unit_id is not None and actor.unit_id == case.responsible_unit_id:
        return
    _require_manager(actor, case)


@transaction.atomic
def case_set_plan(*, actor: User, case: BacklogCase, plan: str) -> BacklogCase:
    """化解方案 — the resolution plan (text; its steps are milestones)."""
    case = _lock(case)
    _require_status(case, CaseStatus.IN_CHARGE)
    _require_in_charge_party(actor, case)
    if not plan.strip():
        raise InvalidInput(_("Write the resolution plan."), field="plan")
    case.plan = plan.strip()
    case.save(update_fields=["plan", "updated_at"])
    _event(case, CaseEventKind.PLAN, actor, case.plan)
    return case


@transaction.atomic
def milestone_add(*, actor: User, case: BacklogCase, what: str, due: dt.date, unit: Unit) -> Milestone:
    """A step of the plan with a deadline and a responsible unit, followed by supervision as a 交办事项."""
    case = _lock(case)
    _require_status(case, CaseStatus.IN_CHARGE)
    _require_in_charge_party(actor, case)
    if not what.strip():
        raise InvalidInput(_("Say what is to be done."), field="what")
    milestone = Milestone.objects.create(case=case, what=what.strip(), due=due, unit=unit, created_by=actor)
    milestone.assignment = assignment_create(
        actor=actor,
        source=AssignmentSource.CASEWORK,
        source_id=milestone.pk,
        matter=_("包案 %(number)s: %(what)s") % {"number": case.petition.number, "what": milestone.what},
        unit=unit,
        due=due,
        petition=case.petition,
    )
    milestone.save(update_fields=["assignment"])
    _event(case, CaseEventKind.MILESTONE, actor, milestone.what, milestone=milestone.pk, due=due.isoformat())
    return milestone


@transaction.atomic
def milestone_complete(*, actor: User, milestone: Milestone, result: str) -> Milestone:
    """The responsible unit reports the milestone done (completes its 交办事项) and it counts as progress."""
    if milestone.assignment is None:
        raise RuleViolation(_("This milestone has no assignment to complete."), code="no_assignment")
    assignment_complete(actor=actor, assignment=milestone.assignment, result=result)
    case = _lock(milestone.case)
    _event(case, CaseEventKind.MILESTONE_DONE, actor, result.strip(), milestone=milestone.pk)
    ProgressUpdate.objects.create(
        case=case,
        author=actor,
        at=timeutil.now(),
        text=_("Milestone done: %(what)s — %(result)s") % {"what": milestone.what, "result": result.strip()},
    )
    case.last_progress_on = timeutil.today()
    case.save(update_fields=["last_progress_on", "updated_at"])
    milestone.refresh_from_db()
    return milestone


@transaction.atomic
def progress_add(*, actor: User, case: BacklogCase, text: str) -> ProgressUpdate:
    """进展 — an immutable note of what was done."""
    case = _lock(case)
    _require_status(case, CaseStatus.OPEN, CaseStatus.IN_CHARGE)
    _require_in_charge_party(actor, case)
    if not text.strip():
        raise InvalidInput(_("Describe the progress."), field="text")
    update = ProgressUpdate.objects.create(case=case, author=actor, at=timeutil.now(), text=text.strip())
    case.last_progress_on = timeutil.today()
    case.save(update_fields=["last_progress_on", "updated_at"])
    return update


@transaction.atomic
def case_close(
    *,
    actor: User,
    case: BacklogCase,
    outcome: Resolution | str,
    text: str,
    on: dt.date,
    quiet: QuietStatus | str,
    basis: QuietBasis | str = "",
) -> BacklogCase:
    """化解 outcome (化解 / 部分化解 / 未化解) and 息访 status (息访 / 未息访); the case is closed."""
    case = _lock(case)
    _require_status(case, CaseStatus.IN_CHARGE)
    if actor.pk != case.leader_id:
        _require_manager(actor, case)
    if outcome not in Resolution.values:
        raise InvalidInput(_("Choose resolved, partly resolved or not resolved."), field="outcome")
    if quiet not in QuietStatus.values:
        raise InvalidInput(_("Say whether the petitioner has stopped petitioning."), field="quiet")
    if basis and basis not in QuietBasis.values:
        raise InvalidInput(_("Unknown basis for the petitioning status."), field="basis")
    if quiet == QuietStatus.QUIET and not basis:
        raise InvalidInput(
            _("Say what confirms that petitioning has stopped (a written pledge or a follow-up visit)."),
            field="basis",
        )
    if not text.strip():
        raise InvalidInput(_("Describe the outcome."), field="text")
    today = timeutil.today()
    if on > today:
        raise InvalidInput(_("The date of the outcome cannot be in the future."), field="on")
    if case.taken_on is not None and on < case.taken_on:
        raise InvalidInput(_("The date of the outcome is before the leader took charge."), field="on")
    case.outcome = Resolution(outcome)
    case.outcome_text = text.strip()
    case.outcome_on = on
    case.quiet_status = QuietStatus(quiet)
    case.quiet_basis = QuietBasis(basis) if basis else ""
    case.status = CaseStatus.CLOSED
    case.closed_on = today
    case.closed_by = actor
    case.save()
    _event(
        case,
        CaseEventKind.CLOSED,
        actor,
        case.outcome_text,
        outcome=case.outcome,
        quiet=case.quiet_status,
        basis=case.quiet_basis,
        on=on.isoformat(),
    )
    return case
