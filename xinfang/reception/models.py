"""接访 — reception sites and schedules, session occurrences, 约访 bookings and invitations, reception records
(batches/persons, matters raised with their 三到位一处理 outcome) and 下访 / 带案下访 with 现场办公 minutes.

Every row a leader's desk owns carries ``unit_path`` (the leader's unit at the time) so scope queries are index
range scans. Matters on petitions also write the petition's timeline through ``petition_receive``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.core.crypto import EncryptedTextField
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Petition


class SiteKind(models.TextChoices):
    RECEPTION_VENUE = "venue", _("Petition reception venue")  # 信访接待场所
    GRASSROOTS = "grassroots", _("Grassroots reception point")  # 基层接访点
    ONE_STOP = "one_stop", _("One-stop centre")  # 一站式中心


class ReceptionSite(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reception_sites")
    unit_path = models.CharField(max_length=96, editable=False, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=SiteKind.choices, default=SiteKind.RECEPTION_VENUE)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reception site")
        verbose_name_plural = _("reception sites")
        ordering = ["unit_path", "name"]

    def __str__(self) -> str:
        return self.name


class Recurrence(models.TextChoices):
    MONTHLY = "monthly", _("Every month on a fixed day")  # e.g. 宁德 the 20th
    WEEKLY = "weekly", _("Every week on a weekday")
    DATES = "dates", _("On given dates")


class ShiftPolicy(models.TextChoices):
    """What happens when a fixed day falls on a non-working day (weekend, holiday)."""

    NEXT_WORKDAY = "next", _("Move to the next working day")
    PREVIOUS_WORKDAY = "previous", _("Move to the previous working day")
    KEEP = "keep", _("Keep the day")
    SKIP = "skip", _("Skip that occurrence")


# 0 = Monday … 6 = Sunday, as ``datetime.date.weekday``; the schedule form offers the same labels.
WEEKDAYS = (
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
)


class ReceptionSchedule(models.Model):
    """A leader's recurring (or one-off) reception days at one site, published to citizens when ``published``."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="reception_schedules"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=96, editable=False, db_index=True)
    site = models.ForeignKey(ReceptionSite, verbose_name=_("site"), on_delete=models.PROTECT, related_name="schedules")
    recurrence = models.CharField(_("recurrence"), max_length=10, choices=Recurrence.choices)
    day_of_month = models.PositiveSmallIntegerField(_("day of the month"), null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(_("weekday"), null=True, blank=True)  # 0 = Monday
    dates = models.JSONField(_("dates"), default=list, blank=True)  # ISO dates for one-off receptions
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    topic = models.CharField(_("topic"), max_length=100, blank=True)  # 专题接访 when set
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"), default=30)
    slot_capacity = models.PositiveSmallIntegerField(_("bookings per slot"), default=2)
    shift_policy = models.CharField(
        _("when the day is not a working day"),
        max_length=10,
        choices=ShiftPolicy.choices,
        default=ShiftPolicy.NEXT_WORKDAY,
    )
    published = models.BooleanField(_("published"), default=False)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reception schedule")
        verbose_name_plural = _("reception schedules")
        ordering = ["unit_path", "id"]

    def __str__(self) -> str:
        return f"{self.leader} · {self.site}"

    @property
    def is_topic(self) -> bool:
        return bool(self.topic)

    @property
    def weekday_label(self) -> str:
        """The weekday of a weekly schedule by name ("" when none)."""
        return str(dict(WEEKDAYS).get(self.weekday, "")) if self.weekday is not None else ""


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class ReceptionSession(models.Model):
    """One reception day of a schedule. ``nominal_date`` is the rule's day; ``date`` is when it takes place."""

    schedule = models.ForeignKey(
        ReceptionSchedule, verbose_name=_("schedule"), on_delete=models.PROTECT, related_name="sessions"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="reception_sessions"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=96, editable=False)
    site = models.ForeignKey(ReceptionSite, verbose_name=_("site"), on_delete=models.PROTECT, related_name="sessions")
    nominal_date = models.DateField(_("scheduled day"))
    date = models.DateField(_("date"))
    moved_reason = models.CharField(_("why the day moved"), max_length=200, blank=True)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    slot_minutes = models.PositiveSmallIntegerField(_("slot length (minutes)"))
    slot_capacity = models.PositiveSmallIntegerField(_("bookings per slot"))
    published = models.BooleanField(_("published"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    status_note = models.CharField(_("note"), max_length=200, blank=True)
    status_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    status_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reception session")
        verbose_name_plural = _("reception sessions")
        ordering = ["date", "start_time", "id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "nominal_date"], name="reception_session_once_per_day")
        ]
        indexes = [
            models.Index(fields=["unit_path", "date"], name="recep_session_scope_idx"),
            models.Index(fields=["leader", "date"], name="recep_session_leader_idx"),
            models.Index(
                fields=["date"], name="recep_session_public_idx", condition=Q(published=True, status="planned")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leader} · {self.date}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")


ACTIVE_BOOKING = (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)


class Booking(models.Model):
    """约访 — a citizen's booking of one slot of a published session. The code is stored hashed."""

    session = models.ForeignKey(
        ReceptionSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="bookings"
    )
    slot_start = models.TimeField(_("slot"))
    name = models.CharField(_("name"), max_length=50)
    phone = EncryptedTextField(_("phone"), max_length=24)  # encrypted at rest (xinfang.core.crypto)
    summary = models.TextField(_("matter in brief"), max_length=1000)
    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED)
    created_at = models.DateTimeField(auto_now_add=True)
    status_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    status_at = models.DateTimeField(null=True, blank=True)
    status_note = models.CharField(_("note"), max_length=200, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["session_id", "slot_start", "id"]
        indexes = [models.Index(fields=["session", "slot_start", "status"], name="recep_booking_slot_idx")]

    def __str__(self) -> str:
        return f"{self.session} {self.slot_start:%H:%M}"


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    HELD = "held", _("Held")
    NO_SHOW = "no_show", _("Did not come")
    CANCELLED = "cancelled", _("Cancelled")


class Invitation(models.Model):
    """约访 by staff: a leader invites the petitioner of a specific case to meet at a date and place."""

    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="reception_invitations"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="invitations"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=96, editable=False, db_index=True)
    on = models.DateField(_("date"))
    at = models.TimeField(_("time"))
    place = models.CharField(_("place"), max_length=200)
    phone = EncryptedTextField(_("phone"), max_length=24)  # encrypted at rest (xinfang.core.crypto)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.INVITED
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    status_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["on", "at", "id"]
        indexes = [models.Index(fields=["leader", "on"], name="recep_invitation_leader_idx")]

    def __str__(self) -> str:
        return f"{self.petition} · {self.on}"


class Visit(models.Model):
    """One batch (批次) received at a session; a group visit is one batch of ``head_count`` persons (人次)."""

    session = models.ForeignKey(
        ReceptionSession, verbose_name=_("session"), on_delete=models.PROTECT, related_name="visits"
    )
    head_count = models.PositiveIntegerField(_("persons"), default=1)
    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["session_id", "id"]

    def __str__(self) -> str:
        return f"{self.session} #{self.pk}"

    @property
    def is_group(self) -> bool:
        return self.head_count > 1


class Outcome(models.TextChoices):
    """三到位一处理."""

    RESOLVED = "resolved", _("Reasonable request: resolved")  # 诉求合理的解决到位
    EDUCATED = "educated", _("Unreasonable request: explained and persuaded")  # 诉求无理的思想教育到位
    ASSISTED = "assisted", _("Hardship: help and relief given")  # 生活困难的帮扶救助到位
    LAWFUL_ACTION = "lawful_action", _("Unlawful conduct: dealt with according to law")  # 行为违法的依法处理
    PENDING = "pending", _("Not yet settled")


class Matter(models.Model):
    """A matter raised in a visit: the petition (new or linked), 当场解决, assignments and the outcome."""

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="matters")
    petition = models.ForeignKey(Petition, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="+")
    registered_here = models.BooleanField(_("registered at the reception"), default=False)
    solved_on_spot = models.BooleanField(_("solved on the spot"), default=False)
    solution = models.TextField(_("what was done"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["visit_id", "id"]

    def __str__(self) -> str:
        return f"{self.petition} @ {self.visit}"


class FieldVisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class FieldVisit(models.Model):
    """下访 / 带案下访 — a leader goes where the problems are, with the cases carried; 现场办公 minutes."""

    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="field_visits"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=96, editable=False)
    on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    purpose = models.TextField(_("purpose"))
    status = models.CharField(
        _("status"), max_length=10, choices=FieldVisitStatus.choices, default=FieldVisitStatus.PLANNED
    )
    minutes = models.TextField(_("on-site meeting minutes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    minutes_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    minutes_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("visit down")
        verbose_name_plural = _("visits down")
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["unit_path", "on"], name="recep_fieldvisit_scope_idx"),
            models.Index(fields=["leader", "on"], name="recep_fieldvisit_leader_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.leader} · {self.on} · {self.place}"


class FieldVisitCase(models.Model):
    """A petition carried on a visit down (带案下访) and what came of it."""

    visit = models.ForeignKey(FieldVisit, verbose_name=_("visit down"), on_delete=models.PROTECT, related_name="cases")
    petition = models.ForeignKey(Petition, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="+")
    result = models.TextField(_("result"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    result_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    result_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("case carried")
        verbose_name_plural = _("cases carried")
        ordering = ["visit_id", "id"]
        constraints = [models.UniqueConstraint(fields=["visit", "petition"], name="reception_fieldvisit_case_once")]

    def __str__(self) -> str:
        return f"{self.petition} @ {self.visit}"
