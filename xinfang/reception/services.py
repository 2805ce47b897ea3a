"""State changes of the reception desk. Each is atomic, checks the actor, validates and records who did it.

Anything that touches a petition also writes the petition's timeline through ``petition_receive`` in the same
transaction (ref ``reception_matter:<id>``, ``reception_invitation:<id>`` or ``field_visit:<id>``); decisions with a
deadline become 交办事项 through ``assignment_create`` (source RECEPTION with the matter's id, or FIELD_VISIT with
the visit's id).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.core.punctuation import semicolon
from xinfang.deadlines.calendar import WorkCalendar
from xinfang.deadlines.services import get_calendar
from xinfang.orgs.models import Role, Unit, User
from xinfang.petitions.models import Petition, hash_tracking_code
from xinfang.petitions.selectors import petition_get_visible
from xinfang.petitions.services import IntakeData, petition_receive, petition_register
from xinfang.reception import messaging
from xinfang.reception.models import (
    Booking,
    BookingStatus,
    FieldVisit,
    FieldVisitCase,
    FieldVisitStatus,
    Invitation,
    InvitationStatus,
    Matter,
    Outcome,
    ReceptionSchedule,
    ReceptionSession,
    ReceptionSite,
    Recurrence,
    SessionStatus,
    ShiftPolicy,
    SiteKind,
    Visit,
)
from xinfang.supervision.assignments import assignment_create, require_not_accused
from xinfang.supervision.models import Assignment, AssignmentSource

# Roles that may keep a unit's reception desk (schedules, sessions, records) besides the leader themself.
DESK_ROLES = frozenset({Role.REGISTRAR, Role.HANDLER, Role.HEAD, Role.SUPERVISOR, Role.LEADER, Role.ADMIN})
_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BOOKING_CODE_LENGTH = 10


def default_shift_policy() -> str:
    value = str(getattr(settings, "XINFANG_RECEPTION_SHIFT_POLICY", ShiftPolicy.NEXT_WORKDAY))
    return value if value in ShiftPolicy.values else ShiftPolicy.NEXT_WORKDAY


# ---------------------------------------------------------------------------------------------- permissions


def may_keep_desk(actor: User, unit: Unit) -> bool:
    """Staff with a desk role at ``unit``, or overseeing it from above (信访部门, supervisory roles)."""
    if not actor.is_unit_staff or actor.unit is None or not actor.has_role(*DESK_ROLES):
        return False
    if actor.unit_id == unit.pk:
        return True
    return actor.oversees_below and unit.is_within(actor.unit.scope_path)


def require_desk(actor: User, unit: Unit) -> None:
    if not may_keep_desk(actor, unit):
        raise NotPermitted(
            _("Only staff of %(unit)s, or of a unit overseeing it, can keep its reception desk.") % {"unit": unit.name}
        )


def require_leader(leader: User | None) -> User:
    if leader is None or not leader.is_unit_staff or not leader.has_role(Role.LEADER):
        raise InvalidInput(_("Choose a staff member with the leader role."), field="leader")
    return leader


def leader_label(leader: User) -> str:
    """姓名 + 职务, as shown to citizens and in the petition's timeline."""
    name = leader.full_name or leader.username
    return f"{name}（{leader.title}）" if leader.title else name


# ---------------------------------------------------------------------------------------------- sites


@transaction.atomic
def site_create(
    *, actor: User, unit: Unit, name: str, address: str, kind: str = SiteKind.RECEPTION_VENUE
) -> ReceptionSite:
    require_desk(actor, unit)
    if not name.strip():
        raise InvalidInput(_("Give the site a name."), field="name")
    if not address.strip():
        raise InvalidInput(_("Give the site's address, so citizens can find it."), field="address")
    if kind not in SiteKind.values:
        raise InvalidInput(_("Unknown kind of site."), field="kind")
    return ReceptionSite.objects.create(
        unit=unit, unit_path=unit.path, name=name.strip(), address=address.strip(), kind=kind, created_by=actor
    )


# ---------------------------------------------------------------------------------------------- schedules


@dataclass
class ScheduleData:
    leader: User
    site: ReceptionSite
    recurrence: str
    start_time: dt.time
    end_time: dt.time
    valid_from: dt.date
    day_of_month: int | None = None
    weekday: int | None = None
    dates: list[dt.date] = field(default_factory=list)
    valid_until: dt.date | None = None
    topic: str = ""
    slot_minutes: int = 30
    slot_capacity: int = 2
    shift_policy: str = ""
    published: bool = False


def _validate_schedule(data: ScheduleData) -> None:
    if data.recurrence not in Recurrence.values:
        raise InvalidInput(_("Unknown recurrence."), field="recurrence")
    if data.recurrence == Recurrence.MONTHLY and not (data.day_of_month and 1 <= data.day_of_month <= 31):
        raise InvalidInput(_("A monthly reception needs a day of the month from 1 to 31."), field="day_of_month")
    if data.recurrence == Recurrence.WEEKLY and (data.weekday is None or not 0 <= data.weekday <= 6):
        raise InvalidInput(_("A weekly reception needs a weekday (0 = Monday … 6 = Sunday)."), field="weekday")
    if data.recurrence == Recurrence.DATES and not data.dates:
        raise InvalidInput(_("Give at least one date for a one-off reception."), field="dates")
    if data.end_time <= data.start_time:
        raise InvalidInput(_("The reception must end after it starts."), field="end_time")
    if not 5 <= data.slot_minutes <= 480:
        raise InvalidInput(_("A booking slot lasts from 5 to 480 minutes."), field="slot_minutes")
    if not 1 <= data.slot_capacity <= 100:
        raise InvalidInput(_("A slot takes from 1 to 100 bookings."), field="slot_capacity")
    if data.shift_policy and data.shift_policy not in ShiftPolicy.values:
        raise InvalidInput(_("Unknown rule for non-working days."), field="shift_policy")
    if data.valid_until is not None and data.valid_until < data.valid_from:
        raise InvalidInput(_("“Valid until” cannot be before “valid from”."), field="valid_until")
    if not data.site.is_active:
        raise InvalidInput(_("This site is no longer in use."), field="site")


@transaction.atomic
def schedule_create(*, actor: User, data: ScheduleData) -> ReceptionSchedule:
    """A leader's reception days at a site. The leader's own unit keeps the desk (or a unit overseeing it)."""
    leader = require_leader(data.leader)
    assert leader.unit is not None  # noqa: S101 - require_leader checks is_unit_staff
    require_desk(actor, leader.unit)
    _validate_schedule(data)
    if not may_keep_desk(actor, data.site.unit):  # the same sites the schedule form offers
        raise InvalidInput(_("Choose a reception site of your unit or of a unit it oversees."), field="site")
    return ReceptionSchedule.objects.create(
        leader=leader,
        unit=leader.unit,
        unit_path=leader.unit.path,
        site=data.site,
        recurrence=data.recurrence,
        day_of_month=data.day_of_month if data.recurrence == Recurrence.MONTHLY else None,
        weekday=data.weekday if data.recurrence == Recurrence.WEEKLY else None,
        dates=sorted({d.isoformat() for d in data.dates}) if data.recurrence == Recurrence.DATES else [],
        start_time=data.start_time,
        end_time=data.end_time,
        topic=data.topic.strip(),
        slot_minutes=data.slot_minutes,
        slot_capacity=data.slot_capacity,
        shift_policy=data.shift_policy or default_shift_policy(),
        published=data.published,
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        created_by=actor,
    )


@transaction.atomic
def schedule_publish(*, actor: User, schedule: ReceptionSchedule, published: bool) -> ReceptionSchedule:
    """Publish (or withdraw) a schedule and its coming planned sessions on the citizens' calendar."""
    require_desk(actor, schedule.unit)
    schedule.published = published
    schedule.save(update_fields=["published"])
    ReceptionSession.objects.filter(schedule=schedule, status=SessionStatus.PLANNED, date__gte=timeutil.today()).update(
        published=published
    )
    return schedule


@dataclass(frozen=True)
class Occurrence:
    nominal: dt.date
    date: dt.date
    reason: str  # why ``date`` differs from ``nominal`` ("" when it does not)


def _last_day(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


def _nominal_dates(schedule: ReceptionSchedule, start: dt.date, end: dt.date) -> list[dt.date]:
    lo = max(start, schedule.valid_from)
    hi = min(end, schedule.valid_until) if schedule.valid_until else end
    if hi < lo:
        return []
    if schedule.recurrence == Recurrence.DATES:
        days = sorted(dt.date.fromisoformat(s) for s in schedule.dates)
        return [d for d in days if lo <= d <= hi]
    if schedule.recurrence == Recurrence.WEEKLY:
        first = lo + dt.timedelta(days=(int(schedule.weekday or 0) - lo.weekday()) % 7)
        return [first + dt.timedelta(weeks=i) for i in range((hi - first).days // 7 + 1)] if first <= hi else []
    result = []
    year, month = lo.year, lo.month
    while (year, month) <= (hi.year, hi.month):
        day = min(int(schedule.day_of_month or 1), _last_day(year, month))  # the 31st is a short month's last day
        d = dt.date(year, month, day)
        if lo <= d <= hi:
            result.append(d)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def _why_not_working(calendar: WorkCalendar, d: dt.date) -> str:
    name = calendar.holiday_name(d)
    if name:
        return _("%(date)s is a public holiday (%(name)s)") % {"date": d.isoformat(), "name": name}
    return _("%(date)s is a weekend day") % {"date": d.isoformat()}


def occurrences(
    schedule: ReceptionSchedule, start: dt.date, end: dt.date, calendar: WorkCalendar | None = None
) -> list[Occurrence]:
    """The reception days of ``schedule`` whose rule day lies in [start, end], after the non-working-day policy.

    Fixed days that fall on a weekend or holiday follow ``shift_policy`` (default: the next working day,
    honouring holidays and 调休 make-up working days). One-off dates are kept as given.
    """
    cal = calendar or get_calendar()
    result = []
    for nominal in _nominal_dates(schedule, start, end):
        if schedule.recurrence == Recurrence.DATES or cal.is_workday(nominal):
            result.append(Occurrence(nominal, nominal, ""))
            continue
        why = _why_not_working(cal, nominal)
        policy = schedule.shift_policy
        if policy == ShiftPolicy.SKIP:
            continue
        if policy == ShiftPolicy.KEEP:
            result.append(Occurrence(nominal, nominal, ""))
            continue
        step = dt.timedelta(days=-1 if policy == ShiftPolicy.PREVIOUS_WORKDAY else 1)
        d = nominal + step
        while not cal.is_workday(d):
            d += step
        label = _("moved to the previous working day") if step.days < 0 else _("moved to the next working day")
        result.append(Occurrence(nominal, d, f"{why}{semicolon()}{label}"))
    return result


@transaction.atomic
def sessions_generate(
    *, schedule: ReceptionSchedule, start: dt.date, end: dt.date, actor: User | None = None
) -> list[ReceptionSession]:
    """Create the sessions of [start, end] that do not exist yet (idempotent: one per schedule and rule day)."""
    if actor is not None:
        require_desk(actor, schedule.unit)
    if end < start:
        raise InvalidInput(_("The end of the period is before its start."), field="end")
    if (end - start).days > 400:
        raise InvalidInput(_("Generate at most about a year of sessions at a time."), field="end")
    wanted = occurrences(schedule, start, end)
    existing = set(
        ReceptionSession.objects.filter(schedule=schedule, nominal_date__in=[o.nominal for o in wanted]).values_list(
            "nominal_date", flat=True
        )
    )
    new = [
        ReceptionSession(
            schedule=schedule,
            leader_id=schedule.leader_id,
            unit_id=schedule.unit_id,
            unit_path=schedule.unit_path,
            site_id=schedule.site_id,
            nominal_date=o.nominal,
            date=o.date,
            moved_reason=o.reason,
            start_time=schedule.start_time,
            end_time=schedule.end_time,
            topic=schedule.topic,
            slot_minutes=schedule.slot_minutes,
            slot_capacity=schedule.slot_capacity,
            published=schedule.published,
        )
        for o in wanted
        if o.nominal not in existing
    ]
    ReceptionSession.objects.bulk_create(new, ignore_conflicts=True)
    # The callers render leader, unit and site of every session (ScheduleGenerateView): join them here (no N+1).
    return list(
        ReceptionSession.objects.filter(schedule=schedule, nominal_date__in=[s.nominal_date for s in new])
        .select_related("leader__unit", "site", "unit")
        .order_by("date")
    )


def sessions_generate_all(start: dt.date, end: dt.date) -> int:
    """The periodic job: sessions for every schedule valid in [start, end]. Returns how many were created."""
    schedules = ReceptionSchedule.objects.filter(valid_from__lte=end).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=start)
    )
    return sum(len(sessions_generate(schedule=s, start=start, end=end)) for s in schedules.iterator())


@transaction.atomic
def session_set_status(*, actor: User, session: ReceptionSession, status: str, note: str = "") -> ReceptionSession:
    """Mark a session held, missed or cancelled (cancelling tells everyone booked, by SMS)."""
    session = ReceptionSession.objects.select_for_update().select_related("unit", "site", "leader").get(pk=session.pk)
    require_desk(actor, session.unit)
    if status not in SessionStatus.values or status == SessionStatus.PLANNED:
        raise InvalidInput(_("A session can be marked held, missed or cancelled."), field="status")
    today = timeutil.today()
    if status in {SessionStatus.HELD, SessionStatus.MISSED} and session.date > today:
        raise RuleViolation(_("A session cannot be marked held or missed before its day."), code="future_session")
    if status == SessionStatus.MISSED and session.visits.exists():
        raise RuleViolation(_("Visits were recorded for this session: it was held."), code="has_visits")
    if status == SessionStatus.CANCELLED and not note.strip():
        raise InvalidInput(_("Say why the session is cancelled; booked citizens are told."), field="note")
    session.status = status
    session.status_note = note.strip()
    session.status_by = actor
    session.status_at = timeutil.now()
    session.save(update_fields=["status", "status_note", "status_by", "status_at"])
    if status == SessionStatus.CANCELLED:
        booked = list(session.bookings.filter(status=BookingStatus.BOOKED))
        Booking.objects.filter(pk__in=[b.pk for b in booked]).update(
            status=BookingStatus.CANCELLED, status_by=actor, status_at=timeutil.now(), status_note=note.strip()
        )
        for b in booked:
            messaging.sms(
                kind="reception.session_cancelled",
                phone=b.phone,
                subject=_("Reception cancelled"),
                body=_("The reception of %(leader)s on %(date)s at %(site)s is cancelled: %(why)s")
                % {
                    "leader": leader_label(session.leader),
                    "date": session.date,
                    "site": session.site.name,
                    "why": note,
                },
            )
    return session


# ---------------------------------------------------------------------------------------------- bookings


@dataclass(frozen=True)
class Slot:
    start: dt.time
    end: dt.time
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


def slot_starts(session: ReceptionSession) -> list[tuple[dt.time, dt.time]]:
    day = dt.date(2000, 1, 1)
    t = dt.datetime.combine(day, session.start_time)
    end = dt.datetime.combine(day, session.end_time)
    step = dt.timedelta(minutes=session.slot_minutes)
    result = []
    while t + step <= end:
        result.append((t.time(), (t + step).time()))
        t += step
    return result


def new_booking_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(BOOKING_CODE_LENGTH))


def hash_booking_code(code: str) -> str:
    return hash_tracking_code(f"reception-booking:{code.strip().upper()}")


def _slot_started(session: ReceptionSession, slot: dt.time) -> bool:
    local = timezone.localtime(timeutil.now())
    return session.date < local.date() or (session.date == local.date() and slot <= local.time())


@dataclass
class BookingData:
    slot_start: dt.time
    name: str
    phone: str
    summary: str
    petition_number: str = ""
    tracking_code: str = ""


@transaction.atomic
def booking_create(*, session: ReceptionSession, data: BookingData) -> tuple[Booking, str]:
    """约访 by a citizen: one slot of a published, planned session. Returns the booking and its code (shown once).

    Refused when the slot is full, has passed, or is not a slot of this session; the session row is locked so two
    citizens cannot take the last place together.
    """
    session = ReceptionSession.objects.select_for_update().select_related("site", "leader").get(pk=session.pk)
    if not session.published or session.status != SessionStatus.PLANNED:
        raise RuleViolation(_("This reception is not open for booking."), code="not_bookable", field="session")
    slots = dict(slot_starts(session))
    if data.slot_start not in slots:
        raise InvalidInput(
            _("%(time)s is not a booking slot of this reception.") % {"time": data.slot_start.strftime("%H:%M")},
            field="slot_start",
        )
    if _slot_started(session, data.slot_start):
        raise RuleViolation(
            _("This slot (%(date)s %(time)s) has already passed; choose a later one.")
            % {"date": session.date.isoformat(), "time": data.slot_start.strftime("%H:%M")},
            code="slot_past",
            field="slot_start",
        )
    taken = Booking.objects.filter(session=session, slot_start=data.slot_start, status=BookingStatus.BOOKED).count()
    if taken >= session.slot_capacity:
        raise RuleViolation(
            _("The slot %(date)s %(time)s is fully booked (%(n)s places); choose another slot.")
            % {"date": session.date.isoformat(), "time": data.slot_start.strftime("%H:%M"), "n": session.slot_capacity},
            code="slot_full",
            field="slot_start",
        )
    name, phone, summary = data.name.strip(), data.phone.strip(), data.summary.strip()
    if not name:
        raise InvalidInput(_("Give your name."), field="name")
    if not phone:
        raise InvalidInput(_("Give a mobile number for the confirmation."), field="phone")
    if not summary:
        raise InvalidInput(_("Say briefly what you wish to raise."), field="summary")
    petition = None
    if data.petition_number.strip() or data.tracking_code.strip():
        petition = Petition.objects.filter(number=data.petition_number.strip()).first()
        if petition is None or not petition.check_tracking_code(data.tracking_code):
            raise InvalidInput(
                _("No petition matches this number and query code. Check both, or leave them empty."),
                field="petition_number",
            )
    code = new_booking_code()
    booking = Booking.objects.create(
        session=session,
        slot_start=data.slot_start,
        name=name,
        phone=phone,
        summary=summary,
        petition=petition,
        code_hash=hash_booking_code(code),
    )
    messaging.sms(
        kind="reception.booking_confirmed",
        phone=phone,
        subject=_("Reception booked"),
        # The SMS reads "subject：body", so the body does not say "booked" again (issue 11).
        body=_("%(leader)s receives you on %(date)s at %(time)s, %(site)s (%(address)s). Booking code %(code)s.")
        % {
            "leader": leader_label(session.leader),
            "date": session.date.isoformat(),
            "time": data.slot_start.strftime("%H:%M"),
            "site": session.site.name,
            "address": session.site.address,
            "code": code,
        },
    )
    return booking, code


def booking_by_code(code: str) -> Booking | None:
    """The booking with this code; None for a wrong code (no oracle)."""
    if not code.strip():
        return None
    return (
        Booking.objects.select_related("session__site", "session__leader")
        .filter(code_hash=hash_booking_code(code))
        .first()
    )


@transaction.atomic
def booking_cancel_by_citizen(*, code: str) -> Booking:
    booking = booking_by_code(code)
    if booking is None:
        raise Http404
    booking = Booking.objects.select_for_update().select_related("session").get(pk=booking.pk)
    if booking.status != BookingStatus.BOOKED:
        raise RuleViolation(_("This booking is no longer open, so it cannot be cancelled."), code="not_open")
    if _slot_started(booking.session, booking.slot_start):
        raise RuleViolation(_("The booked time has passed; it can no longer be cancelled."), code="slot_past")
    booking.status = BookingStatus.CANCELLED
    booking.status_at = timeutil.now()
    booking.status_note = _("Cancelled by the citizen")
    booking.save(update_fields=["status", "status_at", "status_note"])
    return booking


@transaction.atomic
def booking_mark(*, actor: User, booking: Booking, status: str, note: str = "") -> Booking:
    """Staff record a cancellation (any time before), a no-show or an attendance (from the session's day)."""
    booking = Booking.objects.select_for_update().select_related("session__unit").get(pk=booking.pk)
    require_desk(actor, booking.session.unit)
    if status not in {BookingStatus.CANCELLED, BookingStatus.NO_SHOW, BookingStatus.ATTENDED}:
        raise InvalidInput(_("A booking can be marked cancelled, attended or not come."), field="status")
    if booking.status == BookingStatus.CANCELLED:
        raise RuleViolation(_("This booking was cancelled."), code="cancelled")
    if status != BookingStatus.CANCELLED and booking.session.date > timeutil.today():
        raise RuleViolation(
            _("Attendance can be recorded from the day of the reception (%(date)s).")
            % {"date": booking.session.date.isoformat()},
            code="future_session",
        )
    booking.status = status
    booking.status_by = actor
    booking.status_at = timeutil.now()
    booking.status_note = note.strip()
    booking.save(update_fields=["status", "status_by", "status_at", "status_note"])
    return booking


def send_reminders(today: dt.date) -> int:
    """The day before: remind every open booking and invitation of tomorrow by SMS, once. Returns the count."""
    tomorrow = today + dt.timedelta(days=1)
    sent = 0
    bookings = Booking.objects.filter(
        session__date=tomorrow,
        session__status=SessionStatus.PLANNED,
        status=BookingStatus.BOOKED,
        reminded_on__isnull=True,
    ).select_related("session__site", "session__leader")
    for b in bookings:
        with transaction.atomic():
            if Booking.objects.filter(pk=b.pk, reminded_on__isnull=True).update(reminded_on=today):
                messaging.sms(
                    kind="reception.booking_reminder",
                    phone=b.phone,
                    subject=_("Reception tomorrow"),
                    body=_("Reminder: %(leader)s receives you tomorrow %(date)s at %(time)s, %(site)s (%(address)s).")
                    % {
                        "leader": leader_label(b.session.leader),
                        "date": b.session.date.isoformat(),
                        "time": b.slot_start.strftime("%H:%M"),
                        "site": b.session.site.name,
                        "address": b.session.site.address,
                    },
                )
                sent += 1
    invitations = Invitation.objects.filter(
        on=tomorrow, status=InvitationStatus.INVITED, reminded_on__isnull=True
    ).select_related("leader")
    for inv in invitations:
        with transaction.atomic():
            if Invitation.objects.filter(pk=inv.pk, reminded_on__isnull=True).update(reminded_on=today):
                messaging.sms(
                    kind="reception.invitation_reminder",
                    phone=inv.phone,
                    subject=_("Appointment tomorrow"),
                    body=_("Reminder: %(leader)s meets you tomorrow %(date)s at %(time)s, %(place)s.")
                    % {
                        "leader": leader_label(inv.leader),
                        "date": inv.on.isoformat(),
                        "time": inv.at.strftime("%H:%M"),
                        "place": inv.place,
                    },
                )
                sent += 1
    return sent


# ---------------------------------------------------------------------------------------------- invitations


def _petition_phone(petition: Petition) -> str:
    phone = (
        petition.petitioners.exclude(phone="")
        .order_by("-is_representative", "id")
        .values_list("phone", flat=True)
        .first()
    )
    return phone or ""


@transaction.atomic
def invitation_create(
    *,
    actor: User,
    petition_key: str | int,
    leader: User,
    on: dt.date,
    at: dt.time,
    place: str,
    note: str = "",
) -> Invitation:
    """约访 a petitioner on a case the actor can see: an appointment, notified by SMS to the petition's phone."""
    if not actor.is_unit_staff:
        raise NotPermitted(_("Only staff can invite a petitioner."))
    try:
        petition = petition_get_visible(actor, petition_key)
    except Http404:  # missing and not visible read the same (no oracle), at the field, as for reception matters
        raise InvalidInput(
            _("No petition “%(key)s” that you can see.") % {"key": petition_key}, field="petition"
        ) from None
    leader = require_leader(leader)
    assert leader.unit is not None  # noqa: S101
    if leader.pk != actor.pk:
        require_desk(actor, leader.unit)
    if on < timeutil.today():
        raise InvalidInput(_("The appointment cannot be in the past."), field="on")
    if not place.strip():
        raise InvalidInput(_("Say where the meeting takes place."), field="place")
    # Art. 30 ¶3: an accuser is never summoned to meet a leader of the accused unit (or the accused person).
    require_not_accused(petition, unit=leader.unit, person=leader, field="leader")
    phone = _petition_phone(petition)
    if not phone:
        raise RuleViolation(
            _("The petition has no phone number of the petitioner; contact them by letter instead."),
            code="no_phone",
            field="petition",
        )
    invitation = Invitation.objects.create(
        petition=petition,
        leader=leader,
        unit=leader.unit,
        unit_path=leader.unit.path,
        on=on,
        at=at,
        place=place.strip(),
        phone=phone,
        note=note.strip(),
        invited_by=actor,
    )
    messaging.sms(
        kind="reception.invitation",
        phone=phone,
        subject=_("Invitation to meet"),
        body=_("About your petition %(number)s: %(leader)s invites you to meet on %(date)s at %(time)s, %(place)s.")
        % {
            "number": petition.number,
            "leader": leader_label(leader),
            "date": on.isoformat(),
            "time": at.strftime("%H:%M"),
            "place": place.strip(),
        },
    )
    return invitation


@transaction.atomic
def invitation_mark(*, actor: User, invitation: Invitation, status: str, note: str = "") -> Invitation:
    """Record how an invitation went; held writes the petition's timeline (接访, ref reception_invitation:id)."""
    invitation = (
        Invitation.objects.select_for_update().select_related("unit", "leader", "petition").get(pk=invitation.pk)
    )
    if invitation.leader_id != actor.pk:
        require_desk(actor, invitation.unit)
    if status not in {InvitationStatus.HELD, InvitationStatus.NO_SHOW, InvitationStatus.CANCELLED}:
        raise InvalidInput(_("An invitation can be marked held, not come or cancelled."), field="status")
    if invitation.status != InvitationStatus.INVITED:
        raise RuleViolation(_("This invitation was already settled."), code="settled")
    if status != InvitationStatus.CANCELLED and invitation.on > timeutil.today():
        raise RuleViolation(_("The meeting has not taken place yet."), code="future")
    invitation.status = status
    invitation.status_by = actor
    invitation.status_at = timeutil.now()
    invitation.save(update_fields=["status", "status_by", "status_at"])
    if status == InvitationStatus.HELD:
        petition_receive(
            petition=invitation.petition,
            actor=actor,
            leader=leader_label(invitation.leader),
            on=invitation.on,
            ref=f"reception_invitation:{invitation.pk}",
            note=note.strip(),
        )
    return invitation


# ---------------------------------------------------------------------------------------------- records


@dataclass
class AssignmentData:
    matter: str
    unit: Unit
    due: dt.date


@dataclass
class MatterData:
    """One matter raised: an existing petition (``petition_key``) or a new one (``new``), never both."""

    petition_key: str = ""
    new: IntakeData | None = None
    solved_on_spot: bool = False
    solution: str = ""
    outcome: str = Outcome.PENDING
    assignments: list[AssignmentData] = field(default_factory=list)


@dataclass
class VisitResult:
    visit: Visit
    matters: list[Matter]
    new_codes: dict[str, str]  # 编号 → 查询码 of petitions registered on the spot (to hand to the petitioner)


def _check_matter(m: MatterData, i: int) -> None:
    if bool(m.petition_key) == (m.new is not None):
        raise InvalidInput(
            _("Matter %(n)s: link an existing petition or register a new one (one of the two).") % {"n": i},
            field="matters",
        )
    if m.outcome not in Outcome.values:
        raise InvalidInput(_("Matter %(n)s: unknown outcome.") % {"n": i}, field="matters")
    if m.solved_on_spot and not m.solution.strip():
        raise InvalidInput(_("Matter %(n)s: say what was solved on the spot.") % {"n": i}, field="matters")


@transaction.atomic
def visit_record(
    *,
    actor: User,
    session: ReceptionSession,
    head_count: int,
    matters: Sequence[MatterData] = (),
    summary: str = "",
    booking: Booking | None = None,
) -> VisitResult:
    """Record one batch received at a held session (a group is one batch of ``head_count`` persons).

    Each matter is a new petition registered on the spot (only a registrar of the site's unit; others link
    it) or a linked petition the actor can see; either way the petition's timeline gets a 接访 line. Work
    assigned with a deadline becomes 交办事项 (source RECEPTION, source_id = the matter).
    """
    session = (
        ReceptionSession.objects.select_for_update(of=("self",))  # leader__unit is an outer join: lock the row only
        .select_related("unit", "site__unit", "leader__unit")
        .get(pk=session.pk)
    )
    if not (may_keep_desk(actor, session.unit) or may_keep_desk(actor, session.site.unit)):
        raise NotPermitted(_("Only staff keeping this reception desk can record its visits."))
    if session.status in {SessionStatus.CANCELLED, SessionStatus.MISSED}:
        raise RuleViolation(
            _("The session was marked “%(status)s”; no visits can be recorded.")
            % {"status": SessionStatus(session.status).label},
            code="session_closed",
        )
    if session.date > timeutil.today():
        raise RuleViolation(_("Visits are recorded on or after the day of the reception."), code="future_session")
    if head_count < 1:
        raise InvalidInput(_("A batch has at least one person."), field="head_count")
    if head_count > 10000:
        raise InvalidInput(_("The head count is not plausible."), field="head_count")
    for i, m in enumerate(matters, start=1):
        _check_matter(m, i)
    if booking is not None:
        if booking.session_id != session.pk:
            raise InvalidInput(_("The booking belongs to another session."), field="booking")
        if booking.status == BookingStatus.CANCELLED:
            raise RuleViolation(_("This booking was cancelled."), code="cancelled", field="booking")
    now = timeutil.now()
    visit = Visit.objects.create(
        session=session,
        head_count=head_count,
        booking=booking,
        summary=summary.strip(),
        recorded_by=actor,
        recorded_at=now,
    )
    if session.status != SessionStatus.HELD:
        session.status, session.status_by, session.status_at = SessionStatus.HELD, actor, now
        session.save(update_fields=["status", "status_by", "status_at"])
    if booking is not None and booking.status != BookingStatus.ATTENDED:
        Booking.objects.filter(pk=booking.pk).update(status=BookingStatus.ATTENDED, status_by=actor, status_at=now)
    label = leader_label(session.leader)
    result = VisitResult(visit, [], {})
    for i, m in enumerate(matters, start=1):
        if m.new is not None:
            if actor.unit_id != session.site.unit_id or not actor.has_role(Role.REGISTRAR):
                raise NotPermitted(
                    _(
                        "Matter %(n)s: only a registrar of %(unit)s can register a new petition at this reception; "
                        "register it at the counter and link it here."
                    )
                    % {"n": i, "unit": session.site.unit.name}
                )
            petition, code = petition_register(actor=actor, unit=session.site.unit, data=m.new)
            result.new_codes[petition.number] = code
        else:
            try:
                petition = petition_get_visible(actor, m.petition_key)
            except Http404:
                raise InvalidInput(
                    _("Matter %(n)s: no petition “%(key)s” that you can see.") % {"n": i, "key": m.petition_key},
                    field="matters",
                ) from None
            # Art. 30 ¶3: an accusation is not brought before a leader on the accused side (the record and the
            # petition's 接访 line would put it in their hands).
            require_not_accused(petition, unit=session.leader.unit, person=session.leader, field="matters")
        matter = Matter.objects.create(
            visit=visit,
            petition=petition,
            registered_here=m.new is not None,
            solved_on_spot=m.solved_on_spot,
            solution=m.solution.strip(),
            outcome=m.outcome,
        )
        for a in m.assignments:
            assignment_create(
                actor=actor,
                source=AssignmentSource.RECEPTION,
                source_id=matter.pk,
                matter=a.matter,
                unit=a.unit,
                due=a.due,
                petition=petition,
            )
        note = m.solution.strip() if m.solved_on_spot else ""
        petition_receive(
            petition=petition,
            actor=actor,
            leader=label,
            on=session.date,
            ref=f"reception_matter:{matter.pk}",
            note=note,
        )
        result.matters.append(matter)
    return result


# ---------------------------------------------------------------------------------------------- field visits


@transaction.atomic
def field_visit_create(
    *, actor: User, leader: User, on: dt.date, place: str, purpose: str, petition_keys: Iterable[str | int] = ()
) -> FieldVisit:
    """下访 / 带案下访 — planned by or for a leader, with the (visible) cases carried."""
    leader = require_leader(leader)
    assert leader.unit is not None  # noqa: S101
    if leader.pk != actor.pk:
        require_desk(actor, leader.unit)
    if not place.strip():
        raise InvalidInput(_("Say where the visit goes."), field="place")
    if not purpose.strip():
        raise InvalidInput(_("Say what the visit is for."), field="purpose")
    visit = FieldVisit.objects.create(
        leader=leader,
        unit=leader.unit,
        unit_path=leader.unit.path,
        on=on,
        place=place.strip(),
        purpose=purpose.strip(),
        created_by=actor,
    )
    for key in petition_keys:
        field_visit_add_case(actor=actor, visit=visit, petition_key=key)
    return visit


def _require_visit_desk(actor: User, visit: FieldVisit) -> None:
    if visit.leader_id != actor.pk:
        require_desk(actor, visit.unit)


@transaction.atomic
def field_visit_add_case(*, actor: User, visit: FieldVisit, petition_key: str | int) -> FieldVisitCase:
    _require_visit_desk(actor, visit)
    try:
        petition = petition_get_visible(actor, petition_key)
    except Http404:
        raise InvalidInput(
            _("No petition “%(key)s” that you can see.") % {"key": petition_key}, field="petitions"
        ) from None
    # Art. 30 ¶3: 带案下访 puts the case in the leader's hands; never an accusation against the leader's side.
    require_not_accused(petition, unit=visit.leader.unit, person=visit.leader, field="petitions")
    try:
        with transaction.atomic():
            return FieldVisitCase.objects.create(visit=visit, petition=petition)
    except IntegrityError:
        raise RuleViolation(
            _("Petition %(number)s is already carried on this visit.") % {"number": petition.number},
            code="duplicate",
            field="petitions",
        ) from None


@transaction.atomic
def field_visit_case_result(
    *, actor: User, case: FieldVisitCase, result: str, outcome: str = Outcome.PENDING
) -> FieldVisitCase:
    """The result of a carried case; the petition's timeline gets a 下访 line (ref field_visit:<id>)."""
    case = (
        FieldVisitCase.objects.select_for_update()
        .select_related("visit__unit", "visit__leader", "petition")
        .get(pk=case.pk)
    )
    visit = case.visit
    _require_visit_desk(actor, visit)
    if visit.status == FieldVisitStatus.CANCELLED:
        raise RuleViolation(_("The visit was cancelled."), code="cancelled")
    if visit.on > timeutil.today():
        raise RuleViolation(_("Results are recorded on or after the day of the visit."), code="future")
    if not result.strip():
        raise InvalidInput(_("Say what came of the case."), field="result")
    if outcome not in Outcome.values:
        raise InvalidInput(_("Unknown outcome."), field="outcome")
    case.result, case.outcome, case.result_by, case.result_at = result.strip(), outcome, actor, timeutil.now()
    case.save(update_fields=["result", "outcome", "result_by", "result_at"])
    petition_receive(
        petition=case.petition,
        actor=actor,
        leader=leader_label(visit.leader),
        on=visit.on,
        ref=f"field_visit:{visit.pk}",
        note=result.strip(),
    )
    return case


@dataclass
class DecisionData:
    matter: str
    unit: Unit
    due: dt.date
    petition_key: str = ""


@transaction.atomic
def field_visit_minutes(
    *, actor: User, visit: FieldVisit, minutes: str, decisions: Sequence[DecisionData] = ()
) -> list[Assignment]:
    """现场办公 minutes: the visit is done; each decision becomes 交办事项 (source FIELD_VISIT, the visit's id)."""
    # leader__unit is an outer join (a user's unit is nullable): PostgreSQL locks only this table's row.
    visit = FieldVisit.objects.select_for_update(of=("self",)).select_related("unit", "leader__unit").get(pk=visit.pk)
    _require_visit_desk(actor, visit)
    if visit.status == FieldVisitStatus.CANCELLED:
        raise RuleViolation(_("The visit was cancelled."), code="cancelled")
    if visit.on > timeutil.today():
        raise RuleViolation(_("Minutes are recorded on or after the day of the visit."), code="future")
    if not minutes.strip():
        raise InvalidInput(_("Write the minutes of the on-site meeting."), field="minutes")
    visit.minutes = (visit.minutes + "\n\n" if visit.minutes else "") + minutes.strip()
    visit.status, visit.minutes_by, visit.minutes_at = FieldVisitStatus.DONE, actor, timeutil.now()
    visit.save(update_fields=["minutes", "status", "minutes_by", "minutes_at"])
    created = []
    for d in decisions:
        petition = None
        if d.petition_key:
            try:
                petition = petition_get_visible(actor, d.petition_key)
            except Http404:
                raise InvalidInput(
                    _("No petition “%(key)s” that you can see.") % {"key": d.petition_key}, field="decisions"
                ) from None
            # Art. 30 ¶3: a 现场办公 decision on an accusation is not taken at the accused leader's visit.
            require_not_accused(petition, unit=visit.leader.unit, person=visit.leader, field="decisions")
        created.append(
            assignment_create(
                actor=actor,
                source=AssignmentSource.FIELD_VISIT,
                source_id=visit.pk,
                matter=d.matter,
                unit=d.unit,
                due=d.due,
                petition=petition,
            )
        )
    return created


@transaction.atomic
def field_visit_cancel(*, actor: User, visit: FieldVisit, reason: str) -> FieldVisit:
    visit = FieldVisit.objects.select_for_update().select_related("unit").get(pk=visit.pk)
    _require_visit_desk(actor, visit)
    if visit.status != FieldVisitStatus.PLANNED:
        raise RuleViolation(_("Only a planned visit can be cancelled."), code="not_planned")
    if not reason.strip():
        raise InvalidInput(_("Say why the visit is cancelled."), field="reason")
    visit.status = FieldVisitStatus.CANCELLED
    visit.minutes = reason.strip()
    visit.minutes_by, visit.minutes_at = actor, timeutil.now()
    visit.save(update_fields=["status", "minutes", "minutes_by", "minutes_at"])
    return visit
