"""Joint work services: every state change is atomic, checks the actor, validates, and writes its record.

Anything that concerns a petition also goes through the petition services in the same transaction, so the
petition's own timeline carries it: 联席会议 decisions → ``petition_coordinate``; Art. 24 → ``petition_decide_
jurisdiction``; triage 访 → ``petition_register`` (+ ``petition_forward`` to the stationed department); joint
reception sessions → ``petition_receive``; household-visit matters → ``petition_register``; 上门回访 →
``petition_follow_up_visit``. Decisions with deadlines are ``supervision.Assignment`` rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.deadlines.rules import DayKind
from xinfang.deadlines.services import deadline_for
from xinfang.joint.models import (
    AgendaItem,
    AgendaKind,
    Centre,
    Decision,
    FollowUpVisit,
    GrassrootsPoint,
    HouseholdVisit,
    Intake,
    JointConference,
    JointSession,
    JurisdictionRoute,
    LitigationRoute,
    MediationReferral,
    MediationStatus,
    Meeting,
    TriageKind,
    VisitOutcome,
    Window,
)
from xinfang.orgs.models import Role, Unit, User
from xinfang.petitions import services as petitions
from xinfang.petitions.models import Channel, Petition, Satisfaction
from xinfang.petitions.services import IntakeData
from xinfang.petitions.workflow import State
from xinfang.supervision.assignments import assignment_complete, assignment_create
from xinfang.supervision.models import Assignment, AssignmentSource

# Who organises a conference, a centre or a grassroots point: the unit's head, leaders and supervisors (or an
# administrator), at the unit itself or overseeing it from above.
ORGANISER_ROLES = (Role.HEAD, Role.LEADER, Role.SUPERVISOR, Role.ADMIN)
# Who records at the centre's windows and sessions, and visits households: any working role of the unit.
DESK_ROLES = (Role.REGISTRAR, Role.HANDLER, Role.HEAD, Role.LEADER, Role.SUPERVISOR)
# The common superior gets this many working days to carry out an Art. 24 decision of the conference (the same
# order of time as an objection under Art. 23 ¶3); the meeting may set another deadline.
JURISDICTION_CARRY_OUT_WORKING_DAYS = 5
# No channel is named for matters found on a household visit; the person raised it orally to visiting staff, which
# the petitions app records as a visit (来访: oral petitions are recorded faithfully, Art. 19).
HOUSEHOLD_VISIT_CHANNEL = Channel.VISIT
# Universal-window walk-ins are visits too.
WINDOW_CHANNEL = Channel.VISIT


@dataclass(frozen=True)
class AssignmentSpec:
    """One unit's share of a decision: what, by when."""

    unit: Unit
    due: dt.date
    matter: str = ""


# --- helpers ---


def _staff(actor: User) -> Unit:
    if actor.unit is None or not actor.is_active:
        raise NotPermitted(_("This needs a staff account of a unit."))
    return actor.unit


def manages(actor: User, unit: Unit) -> bool:
    """Head, leader, supervisor or administrator of ``unit``, or overseeing it from above."""
    own = actor.unit
    if own is None or not actor.has_role(*ORGANISER_ROLES):
        return False
    return own.pk == unit.pk or (actor.oversees_below and unit.is_within(own.scope_path))


def _require_manages(actor: User, unit: Unit, what: str) -> None:
    _staff(actor)
    if not manages(actor, unit):
        raise NotPermitted(
            _("Only the head, a leader or a supervisor of %(unit)s (or above it) can %(what)s.")
            % {"unit": unit.name, "what": what}
        )


def _require_desk(actor: User, unit: Unit, what: str) -> None:
    own = _staff(actor)
    if own.pk != unit.pk or not actor.has_role(*DESK_ROLES):
        raise NotPermitted(_("Only staff of %(unit)s can %(what)s.") % {"unit": unit.name, "what": what})


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message, field=field)
    return value


def _not_future(day: dt.date, field: str) -> None:
    if day > timeutil.today():
        raise InvalidInput(_("The date cannot be in the future."), field=field)


def _units_in_area(units: Iterable[Unit], area: Unit, field: str) -> list[Unit]:
    """Units of the same level or below as ``area`` (its oversight scope), active, without duplicates."""
    out: dict[int, Unit] = {}
    for u in units:
        if not u.is_active:
            raise InvalidInput(_("%(unit)s is no longer active.") % {"unit": u.name}, field=field)
        if not u.is_within(area.scope_path):
            raise InvalidInput(
                _("%(unit)s is outside the area of %(area)s.") % {"unit": u.name, "area": area.name}, field=field
            )
        out[u.pk] = u
    return list(out.values())


def _assign(
    *,
    actor: User,
    source: AssignmentSource,
    source_id: int,
    default_matter: str,
    specs: Sequence[AssignmentSpec],
    area: Unit,
    petition: Petition | None,
) -> list[Assignment]:
    out = []
    for i, spec in enumerate(specs):
        _units_in_area([spec.unit], area, f"assignments[{i}].unit")
        out.append(
            assignment_create(
                actor=actor,
                source=source,
                source_id=source_id,
                matter=(spec.matter or default_matter).strip(),
                unit=spec.unit,
                due=spec.due,
                petition=petition,
            )
        )
    return out


# --- 联席会议 (Arts. 11–13, 24) ---


@transaction.atomic
def conference_create(*, actor: User, unit: Unit, name: str, members: Sequence[Unit] = ()) -> JointConference:
    """Set up the joint conference of ``unit``'s level with its member units (Art. 13 ¶2)."""
    _require_manages(actor, unit, _("set up its joint conference"))
    if JointConference.objects.filter(unit=unit).exists():
        raise RuleViolation(_("%(unit)s already has a joint conference.") % {"unit": unit.name}, code="exists")
    conference = JointConference.objects.create(
        unit=unit,
        unit_path=unit.path,
        name=_text(name, "name", _("Give the conference a name.")),
        created_by=actor,
        created_at=timeutil.now(),
    )
    conference.members.set(_units_in_area(members, unit, "members"))
    return conference


@transaction.atomic
def conference_set_members(*, actor: User, conference: JointConference, members: Sequence[Unit]) -> JointConference:
    """Adjust the member units (Art. 13 ¶2: 及时调整成员单位)."""
    _require_manages(actor, conference.unit, _("change the conference's members"))
    conference.members.set(_units_in_area(members, conference.unit, "members"))
    return conference


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    conference: JointConference,
    held_on: dt.date,
    convened_by: str,
    attendees: Sequence[Unit],
    minutes: str = "",
) -> Meeting:
    """Record a sitting of the conference: date, convener (a leader, Art. 13), attending units, minutes."""
    _require_manages(actor, conference.unit, _("record a meeting of its joint conference"))
    if not attendees:
        raise InvalidInput(_("Name the units that attended."), field="attendees")
    meeting = Meeting.objects.create(
        conference=conference,
        held_on=held_on,
        convened_by=_text(convened_by, "convened_by", _("Name who convened the meeting.")),
        minutes=minutes.strip(),
        recorded_by=actor,
        created_at=timeutil.now(),
    )
    meeting.attendees.set(_units_in_area(attendees, conference.unit, "attendees"))
    return meeting


@transaction.atomic
def meeting_record_minutes(*, actor: User, meeting: Meeting, minutes: str) -> Meeting:
    _require_manages(actor, meeting.conference.unit, _("record the minutes"))
    meeting.minutes = _text(minutes, "minutes", _("Write the minutes."))
    meeting.save(update_fields=["minutes"])
    return meeting


@transaction.atomic
def agenda_item_add(
    *,
    actor: User,
    meeting: Meeting,
    kind: str,
    title: str,
    description: str = "",
    reference: str = "",
    petition: Petition | None = None,
) -> AgendaItem:
    """An agenda item: a petition (the caller resolved it through the visibility selector), a hot issue (free
    text, optionally a reference such as an analysis id) or a policy question."""
    _require_manages(actor, meeting.conference.unit, _("set the agenda"))
    if kind not in AgendaKind.values:
        raise InvalidInput(_("Choose the kind of agenda item."), field="kind")
    if kind == AgendaKind.PETITION and petition is None:
        raise InvalidInput(_("Choose the petition to put on the agenda."), field="petition")
    if kind != AgendaKind.PETITION and petition is not None:
        raise InvalidInput(_("Only a petition item refers to a petition."), field="petition")
    return AgendaItem.objects.create(
        meeting=meeting,
        kind=kind,
        title=_text(title or (petition.title if petition else ""), "title", _("Give the item a title.")),
        description=description.strip(),
        reference=reference.strip(),
        petition=petition,
        created_by=actor,
        created_at=timeutil.now(),
    )


def _meeting_label(meeting: Meeting) -> str:
    return f"{meeting.conference.name} {meeting.held_on.isoformat()}"


@transaction.atomic
def decision_record(
    *, actor: User, item: AgendaItem, text: str, assignments: Sequence[AssignmentSpec]
) -> tuple[Decision, list[Assignment]]:
    """议定事项 → 交办: each responsible unit gets an assignment with its deadline (Art. 12 ¶2: member units carry
    out what the conference decided and report back). On a petition item the petition's timeline records that the
    joint conference coordinated it."""
    meeting = item.meeting
    _require_manages(actor, meeting.conference.unit, _("record the meeting's decisions"))
    body = _text(text, "text", _("Write what was decided."))
    if not assignments:
        raise InvalidInput(_("Name at least one responsible unit with a deadline."), field="assignments")
    decision = Decision.objects.create(item=item, text=body, decided_by=actor, created_at=timeutil.now())
    rows = _assign(
        actor=actor,
        source=AssignmentSource.JOINT_MEETING,
        source_id=decision.pk,
        default_matter=body,
        specs=assignments,
        area=meeting.conference.unit,
        petition=item.petition,
    )
    if item.petition is not None:
        petitions.petition_coordinate(
            petition=item.petition,
            actor=actor,
            meeting=_meeting_label(meeting),
            ref=f"joint_decision:{decision.pk}",
            note=body,
        )
    return decision, rows


@transaction.atomic
def jurisdiction_settle(
    *, actor: User, item: AgendaItem, to_unit: Unit, note: str = "", due: dt.date | None = None
) -> Decision:
    """Art. 24 — the conference names the competent unit for a disputed petition.

    A disputed petition is held by the common superior of the disputing units (``petition_escalate_dispute``), and
    the workflow lets only a head of that holder decide (``petition_decide_jurisdiction``: holder + head). So:

    * if the actor recording the decision *is* a head of the holding unit (the conference sits at the common
      superior, e.g. the county government for two county bureaux), the decision is carried out at once through
      the petition service — the petition moves to the named unit, which cannot object again;
    * otherwise (typically the conference office at the 信访部门, or a conference above the superior) the
      conference does not act in the holder's name: the workflow's rule on who decides stays intact and the
      timeline shows who really acted. The decision is recorded, the petition's timeline says the conference
      coordinated it, and the common superior gets an assignment with a deadline to carry it out
      (``jurisdiction_carry_out``), which the follow-up tracks like every other decision.
    """
    meeting = item.meeting
    _require_manages(actor, meeting.conference.unit, _("settle a jurisdiction dispute"))
    petition = item.petition
    if petition is None:
        raise InvalidInput(_("Only a petition item can settle jurisdiction."), field="item")
    petition = Petition.objects.select_related("current_unit").get(pk=petition.pk)
    if petition.state != State.DISPUTED:
        raise RuleViolation(
            _("Petition %(n)s is not in a jurisdiction dispute; there is nothing to settle (Art. 24).")
            % {"n": petition.number},
            code="not_disputed",
            article="Art. 24",
        )
    if item.jurisdiction_unit_id is not None:
        raise RuleViolation(_("The conference already decided the competent unit for this item."), code="decided")
    superior = petition.current_unit
    if not to_unit.is_active or to_unit.pk == superior.pk or not to_unit.is_within(superior.scope_path):
        raise InvalidInput(
            _("Choose an active unit under %(superior)s, the common superior holding the petition.")
            % {"superior": superior.name},
            field="to_unit",
        )
    reasons = note.strip()
    text = _("Competent unit: %(unit)s.") % {"unit": to_unit.name} + (f" {reasons}" if reasons else "")
    decision = Decision.objects.create(item=item, text=text, decided_by=actor, created_at=timeutil.now())
    petitions.petition_coordinate(
        petition=petition, actor=actor, meeting=_meeting_label(meeting), ref=f"joint_decision:{decision.pk}", note=text
    )
    if actor.unit_id == superior.pk and actor.has_role(Role.HEAD):
        route = JurisdictionRoute.SERVICE
        petitions.petition_decide_jurisdiction(petition=petition, actor=actor, to_unit=to_unit, note=text)
    else:
        route = JurisdictionRoute.ASSIGNED
        deadline = (
            due
            or deadline_for(start=timeutil.today(), days=JURISDICTION_CARRY_OUT_WORKING_DAYS, kind=DayKind.WORKING).due
        )
        assignment_create(
            actor=actor,
            source=AssignmentSource.JOINT_MEETING,
            source_id=decision.pk,
            matter=_(
                "Decide the competent unit for petition %(n)s as the joint conference decided: %(unit)s (Art. 24)."
            )
            % {"n": petition.number, "unit": to_unit.name},
            unit=superior,
            due=deadline,
            petition=petition,
        )
    item.jurisdiction_unit = to_unit
    item.jurisdiction_route = route
    item.jurisdiction_note = reasons
    item.jurisdiction_by = actor
    item.jurisdiction_at = timeutil.now()
    item.save(
        update_fields=[
            "jurisdiction_unit",
            "jurisdiction_route",
            "jurisdiction_note",
            "jurisdiction_by",
            "jurisdiction_at",
        ]
    )
    return decision


@transaction.atomic
def jurisdiction_carry_out(*, actor: User, item: AgendaItem) -> Petition:
    """The common superior carries out the conference's Art. 24 decision: the petition service decides the
    competent unit (head of the holder only) and the assignment is reported done."""
    if item.jurisdiction_route != JurisdictionRoute.ASSIGNED or item.jurisdiction_unit is None or item.petition is None:
        raise RuleViolation(_("There is no conference decision on jurisdiction waiting to be carried out."))
    decision = item.decisions.order_by("-id").first()
    assert decision is not None  # noqa: S101 - jurisdiction_settle writes it
    petition = petitions.petition_decide_jurisdiction(
        petition=item.petition,
        actor=actor,
        to_unit=item.jurisdiction_unit,
        note=_("As decided by %(meeting)s.") % {"meeting": _meeting_label(item.meeting)},
    )
    for assignment in Assignment.objects.filter(
        source=AssignmentSource.JOINT_MEETING, source_id=decision.pk, unit=_staff(actor), done_on__isnull=True
    ):
        assignment_complete(
            actor=actor,
            assignment=assignment,
            result=_("Competent unit decided: %(unit)s.") % {"unit": item.jurisdiction_unit.name},
        )
    return petition


JOINT_SOURCES = (AssignmentSource.JOINT_MEETING, AssignmentSource.JOINT_SESSION)


@transaction.atomic
def joint_assignment_complete(*, actor: User, assignment: Assignment, result: str) -> Assignment:
    """The responsible unit reports a joint decision done (the supervision service checks who may)."""
    if assignment.source not in JOINT_SOURCES:
        raise InvalidInput(_("This assignment does not come from joint work."), field="assignment")
    return assignment_complete(actor=actor, assignment=assignment, result=result)


# --- Joint reception centres (一站式, Art. 18 ¶3) ---


@transaction.atomic
def centre_create(*, actor: User, unit: Unit, name: str, address: str = "", departments: Sequence[Unit] = ()) -> Centre:
    """A one-stop centre run by ``unit`` (its registrars register the petition-type matters)."""
    _require_manages(actor, unit, _("set up a joint reception centre"))
    centre = Centre.objects.create(
        unit=unit,
        unit_path=unit.path,
        name=_text(name, "name", _("Give the centre a name.")),
        address=address.strip(),
        created_by=actor,
        created_at=timeutil.now(),
    )
    centre.departments.set(_units_in_area(departments, unit, "departments"))
    return centre


@transaction.atomic
def centre_set_departments(*, actor: User, centre: Centre, departments: Sequence[Unit]) -> Centre:
    _require_manages(actor, centre.unit, _("change the stationed departments"))
    chosen = _units_in_area(departments, centre.unit, "departments")
    in_use = set(centre.windows.filter(department__isnull=False).values_list("department_id", flat=True))
    missing = in_use - {u.pk for u in chosen}
    if missing:
        raise RuleViolation(
            _("A window still belongs to a department you removed; change the window first."), code="window_in_use"
        )
    centre.departments.set(chosen)
    return centre


@transaction.atomic
def window_create(
    *, actor: User, centre: Centre, name: str, department: Unit | None = None, is_universal: bool = False
) -> Window:
    """A window: the universal window (无差别受理) of the centre, or one stationed department's window."""
    _require_manages(actor, centre.unit, _("open a window"))
    if is_universal and department is not None:
        raise InvalidInput(
            _("The universal window takes every matter; it belongs to no department."), field="department"
        )
    if not is_universal and department is None:
        raise InvalidInput(_("Choose the stationed department of this window."), field="department")
    if department is not None and not centre.departments.filter(pk=department.pk).exists():
        raise InvalidInput(
            _("%(unit)s is not stationed at this centre.") % {"unit": department.name}, field="department"
        )
    return Window.objects.create(
        centre=centre,
        name=_text(name, "name", _("Give the window a name.")),
        department=department,
        is_universal=is_universal,
    )


@dataclass
class Triage:
    """What the window decided about a walk-in matter.

    访: ``intake`` (what the petition says, Art. 19) and optionally ``route_to`` (a stationed department).
    诉: ``litigation_route`` — mediation (``parties_summary`` + ``mediator_org``) or court guidance (``guidance``).
    """

    kind: str
    summary: str
    reason: str = ""
    intake: IntakeData | None = None
    route_to: Unit | None = None
    litigation_route: str = ""
    guidance: str = ""
    parties_summary: str = ""
    mediator_org: str = ""


@transaction.atomic
def centre_triage(*, actor: User, window: Window, triage: Triage) -> Intake:
    """无差别受理 — take a walk-in matter at a window and triage it.

    * 诉 (litigation-type, Art. 28 诉讼与信访分离; Art. 31(1)): no petition is registered; the matter is referred
      to pre-litigation mediation (``MediationReferral``) or the person is guided to court, and that is recorded.
    * 访 (petition-type): registered through ``petition_register`` at the centre's unit (a registrar of that unit
      takes it), then, when a stationed department is chosen, forwarded to it through ``petition_forward`` — the
      normal routing rules (area, accused side, 涉法涉诉) apply and refuse what they refuse.
    """
    centre = window.centre
    if actor.unit_id != centre.unit_id or not actor.has_role(Role.REGISTRAR):
        raise NotPermitted(
            _("Only a registrar of %(unit)s takes matters in at the centre's windows.") % {"unit": centre.unit.name}
        )
    if triage.kind not in TriageKind.values:
        raise InvalidInput(_("Classify the matter as litigation-type (诉) or petition-type (访)."), field="kind")
    summary = _text(triage.summary, "summary", _("Summarise the matter."))
    today = timeutil.today()
    record = Intake(
        centre=centre,
        window=window,
        kind=triage.kind,
        summary=summary,
        reason=triage.reason.strip(),
        taken_by=actor,
        taken_on=today,
        created_at=timeutil.now(),
    )
    if triage.kind == TriageKind.PETITION:
        if triage.intake is None:
            raise InvalidInput(_("Record what the petition says (Art. 19)."), field="intake")
        if triage.intake.channel != WINDOW_CHANNEL:
            raise InvalidInput(_("A matter taken at a window is a visit."), field="channel")
        if triage.route_to is not None and not centre.departments.filter(pk=triage.route_to.pk).exists():
            raise InvalidInput(
                _("%(unit)s is not stationed at this centre.") % {"unit": triage.route_to.name}, field="route_to"
            )
        petition, _code = petitions.petition_register(actor=actor, unit=centre.unit, data=triage.intake)
        if triage.route_to is not None:
            petition = petitions.petition_forward(
                petition=petition,
                actor=actor,
                to_unit=triage.route_to,
                note=_("Taken in at %(centre)s, %(window)s.") % {"centre": centre.name, "window": window.name},
            )
            record.routed_to = triage.route_to
        record.petition = petition
        record.save()
        return record
    if triage.litigation_route not in LitigationRoute.values:
        raise InvalidInput(
            _("Choose pre-litigation mediation or guidance to court for a litigation-type matter."),
            field="litigation_route",
        )
    record.litigation_route = triage.litigation_route
    record.guidance = triage.guidance.strip()
    if triage.litigation_route == LitigationRoute.COURT and not record.guidance:
        raise InvalidInput(_("Say which court and procedure the person was guided to."), field="guidance")
    record.save()
    if triage.litigation_route == LitigationRoute.MEDIATION:
        _refer(
            actor=actor,
            centre=centre,
            matter=summary,
            parties_summary=triage.parties_summary,
            mediator_org=triage.mediator_org,
            intake=record,
        )
    return record


def _refer(
    *, actor: User, centre: Centre, matter: str, parties_summary: str, mediator_org: str, intake: Intake | None
) -> MediationReferral:
    return MediationReferral.objects.create(
        centre=centre,
        intake=intake,
        matter=_text(matter, "matter", _("Describe the dispute.")),
        parties_summary=_text(parties_summary, "parties_summary", _("Summarise the parties to the dispute.")),
        mediator_org=_text(mediator_org, "mediator_org", _("Name the mediation organisation.")),
        status=MediationStatus.REFERRED,
        referred_on=timeutil.today(),
        referred_by=actor,
    )


@transaction.atomic
def mediation_refer(
    *, actor: User, centre: Centre, matter: str, parties_summary: str, mediator_org: str
) -> MediationReferral:
    """诉前调解 referral made at the centre outside a window intake (e.g. from a joint session)."""
    _require_desk(actor, centre.unit, _("refer a dispute to mediation"))
    return _refer(
        actor=actor,
        centre=centre,
        matter=matter,
        parties_summary=parties_summary,
        mediator_org=mediator_org,
        intake=None,
    )


@transaction.atomic
def mediation_record_outcome(
    *, actor: User, referral: MediationReferral, reached: bool, agreement_text: str = "", concluded_on: dt.date
) -> MediationReferral:
    """调解协议: agreement reached (with its text) or not reached, and the date (Art. 33 by analogy)."""
    referral = MediationReferral.objects.select_for_update().select_related("centre__unit").get(pk=referral.pk)
    _require_desk(actor, referral.centre.unit, _("record the outcome of a mediation"))
    if referral.status != MediationStatus.REFERRED:
        raise RuleViolation(_("The outcome of this mediation is already recorded."), code="concluded")
    _not_future(concluded_on, "concluded_on")
    if concluded_on < referral.referred_on:
        raise InvalidInput(_("The mediation cannot end before it was referred."), field="concluded_on")
    if reached:
        referral.agreement_text = _text(agreement_text, "agreement_text", _("Record the text of the agreement."))
        referral.status = MediationStatus.AGREED
    else:
        referral.agreement_text = agreement_text.strip()
        referral.status = MediationStatus.NOT_AGREED
    referral.concluded_on = concluded_on
    referral.outcome_by = actor
    referral.outcome_at = timeutil.now()
    referral.save(update_fields=["status", "agreement_text", "concluded_on", "outcome_by", "outcome_at"])
    return referral


@transaction.atomic
def joint_session_record(
    *,
    actor: User,
    centre: Centre,
    held_on: dt.date,
    led_by: str,
    matter: str,
    departments: Sequence[Unit],
    outcome: str,
    petition: Petition | None = None,
    assignments: Sequence[AssignmentSpec] = (),
) -> tuple[JointSession, list[Assignment]]:
    """联合接访 — several departments receive one matter together (Art. 18 ¶3); what they decided becomes
    assignments with deadlines; a linked petition's timeline records that it was received."""
    _require_desk(actor, centre.unit, _("record a joint reception session"))
    _not_future(held_on, "held_on")
    present = _units_in_area(departments, centre.unit, "departments")
    if len(present) < 2:
        raise InvalidInput(_("A joint session has at least two departments present."), field="departments")
    session = JointSession.objects.create(
        centre=centre,
        held_on=held_on,
        led_by=_text(led_by, "led_by", _("Name who led the session.")),
        matter=_text(matter, "matter", _("Describe the matter.")),
        petition=petition,
        outcome=_text(outcome, "outcome", _("Record the outcome.")),
        recorded_by=actor,
        created_at=timeutil.now(),
    )
    session.departments.set(present)
    rows = _assign(
        actor=actor,
        source=AssignmentSource.JOINT_SESSION,
        source_id=session.pk,
        default_matter=session.outcome,
        specs=assignments,
        area=centre.unit,
        petition=petition,
    )
    if petition is not None:
        petitions.petition_receive(
            petition=petition,
            actor=actor,
            leader=session.led_by,
            on=held_on,
            ref=f"joint_session:{session.pk}",
            note=session.outcome,
        )
    return session, rows


# --- Grassroots points (群众说事点 / 网格) ---


@transaction.atomic
def point_create(*, actor: User, unit: Unit, name: str, grid: str = "") -> GrassrootsPoint:
    _require_manages(actor, unit, _("set up a grassroots point"))
    return GrassrootsPoint.objects.create(
        unit=unit,
        unit_path=unit.path,
        name=_text(name, "name", _("Give the point a name.")),
        grid=grid.strip(),
        created_by=actor,
        created_at=timeutil.now(),
    )


@transaction.atomic
def household_visit_record(
    *,
    actor: User,
    point: GrassrootsPoint,
    visited_on: dt.date,
    place: str,
    outcome: str,
    findings: str = "",
    resolution: str = "",
    intake: IntakeData | None = None,
) -> HouseholdVisit:
    """登门遍访 / 矛盾纠纷排查 — record a visit; a matter found is resolved on the spot (recorded) or registered
    into the same intake as every other petition (``petition_register`` at the point's unit, by its registrar)."""
    _require_desk(actor, point.unit, _("record a household visit"))
    _not_future(visited_on, "visited_on")
    if outcome not in VisitOutcome.values:
        raise InvalidInput(_("Choose what became of the visit."), field="outcome")
    visit = HouseholdVisit(
        point=point,
        visited_on=visited_on,
        place=_text(place, "place", _("Say which household or place was visited.")),
        findings=findings.strip(),
        outcome=outcome,
        visited_by=actor,
        created_at=timeutil.now(),
    )
    if outcome == VisitOutcome.RESOLVED:
        visit.findings = _text(findings, "findings", _("Describe the matter found."))
        visit.resolution = _text(resolution, "resolution", _("Say how it was resolved on the spot."))
    elif outcome == VisitOutcome.REGISTERED:
        if intake is None:
            raise InvalidInput(_("Record what the petition says (Art. 19)."), field="intake")
        if intake.channel != HOUSEHOLD_VISIT_CHANNEL:
            raise InvalidInput(_("A matter raised on a household visit is recorded as a visit."), field="channel")
        if intake.received_on is None:
            intake.received_on = visited_on
        petition, _code = petitions.petition_register(actor=actor, unit=point.unit, data=intake)
        visit.petition = petition
        visit.findings = visit.findings or petition.title
    visit.save()
    return visit


@transaction.atomic
def follow_up_visit_record(
    *,
    actor: User,
    petition: Petition,
    visited_on: dt.date,
    view: str,
    view_text: str = "",
    point: GrassrootsPoint | None = None,
) -> FollowUpVisit:
    """上门回访 after the reply: the petitioner's view (满意/基本满意/不满意 + their words) goes onto the petition's
    timeline through ``petition_follow_up_visit`` (which checks state and who may)."""
    unit = _staff(actor)
    if view not in Satisfaction.values:
        raise InvalidInput(
            _("Choose the petitioner's view: satisfied, basically satisfied or dissatisfied."), field="view"
        )
    _not_future(visited_on, "visited_on")
    if point is not None and point.unit_id != unit.pk:
        raise InvalidInput(_("Choose a grassroots point of your own unit."), field="point")
    row = FollowUpVisit.objects.create(
        petition=petition,
        point=point,
        unit=unit,
        unit_path=unit.path,
        visited_on=visited_on,
        view=view,
        view_text=view_text.strip(),
        visited_by=actor,
        created_at=timeutil.now(),
    )
    petitions.petition_follow_up_visit(
        petition=petition,
        actor=actor,
        on=visited_on,
        view=view,
        ref=f"joint_follow_up:{row.pk}",
        note=row.view_text,
    )
    return row
