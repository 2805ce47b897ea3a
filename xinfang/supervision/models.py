"""Models of xinfang.supervision."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.core import timeutil
from xinfang.core.models import AppendOnly
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Clock, Petition


class AssignmentSource(models.TextChoices):
    """Where a decision with a deadline came from (each desk turns its decisions into assignments)."""

    RECEPTION = "reception", _("Leader's reception")  # 接访 record: assigned with a deadline
    FIELD_VISIT = "field_visit", _("Visit down / on-site meeting")  # 下访, 现场办公 minutes
    JOINT_MEETING = "joint_meeting", _("Joint conference")  # 联席会议 decision
    JOINT_SESSION = "joint_session", _("Joint reception session")  # 联合接访
    SUPERVISION = "supervision", _("Supervision")  # 督办, 责令限期整改
    CASEWORK = "casework", _("Case ownership")  # 包案 plan milestone
    INSTRUCTION = "instruction", _("Leader's instruction")  # 领导批示 (xinfang.instructions)
    REPORT = "report", _("Situation analysis report")  # 分析研判: a 突出问题 of an issued report


class Assignment(models.Model):
    """交办事项 — one decision turned into work for one unit with a deadline, followed up until it is done.

    The desk that decided keeps its own record (``source`` + ``source_id``); this row is what the responsible unit
    sees in its list and what the overdue sweep and the supervisor's desk follow.
    """

    source = models.CharField(_("source"), max_length=20, choices=AssignmentSource.choices)
    source_id = models.PositiveBigIntegerField(_("source record"))
    matter = models.TextField(_("matter"))
    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+")
    # Denormalised like Clock.owing_path: "open assignments in my area" is one range scan.
    unit_path = models.CharField(max_length=96)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_on = models.DateField(_("assigned on"))
    due = models.DateField(_("due"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["due", "id"]
        indexes = [
            models.Index(fields=["due"], name="assignment_open_due_idx", condition=Q(done_on__isnull=True)),
            models.Index(
                fields=["unit_path", "due"], name="assignment_open_path_idx", condition=Q(done_on__isnull=True)
            ),
            models.Index(fields=["source", "source_id"], name="assignment_source_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.due:%Y-%m-%d} {self.matter[:20]}"


# --------------------------------------------------------------------------------------------- clock warnings


class WarningLevel(models.TextChoices):
    """预警 levels of a running obligation clock (thresholds: ``xinfang.supervision.levels``)."""

    DUE_SOON = "due_soon", _("Due soon")  # 临期
    OVERDUE = "overdue", _("Overdue")  # 超期
    SEVERE = "severe", _("Seriously overdue")  # 严重超期


class ClockWarning(models.Model):
    """A level a clock reached, written once by the overdue sweep (so each level is notified once)."""

    clock = models.ForeignKey(
        Clock, verbose_name=_("time limit"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    level = models.CharField(_("warning level"), max_length=10, choices=WarningLevel.choices)
    raised_on = models.DateField(_("raised on"))
    owing_unit = models.ForeignKey(
        Unit, verbose_name=_("owing unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owing_path = models.CharField(max_length=96, blank=True)

    class Meta:
        verbose_name = _("clock warning")
        verbose_name_plural = _("clock warnings")
        constraints = [models.UniqueConstraint(fields=["clock", "level"], name="clockwarning_once_per_level")]
        indexes = [models.Index(fields=["owing_path", "raised_on"], name="clockwarning_path_idx")]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.level} {self.raised_on}"


# --------------------------------------------------------------------------------------------- 督办单


class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("Awaiting reply")  # 已下发，待回复
    REPLIED = "replied", _("Replied")  # 已回复
    ESCALATED = "escalated", _("Escalated")  # 逾期未复，已升级督办
    CLOSED = "closed", _("Closed")  # 已办结


OPEN_ORDER_STATUSES = (OrderStatus.ISSUED, OrderStatus.ESCALATED)


class OrderQuerySet(models.QuerySet["SupervisionOrder"]):
    """The one statement of "open" and "overdue" for 督办单 (desk, list badges, escalation job)."""

    def open(self) -> OrderQuerySet:
        """Awaiting the written reply: issued, or escalated after a missed deadline (not replied, not closed)."""
        return self.filter(status__in=OPEN_ORDER_STATUSES)

    def overdue(self, today: dt.date) -> OrderQuerySet:
        """Open and past the reply deadline; the deadline day itself is still in time (partial index on reply_due)."""
        return self.open().filter(reply_due__lt=today)


class SupervisionOrder(models.Model):
    """督办单 — a supervising unit orders a unit to act on a matter and to reply in writing by a date (Arts. 38, 40).

    Escalation (升级督办) when the reply deadline passes raises ``escalation_level`` and sets a new deadline;
    every step is an immutable ``OrderLog`` row.
    """

    number = models.CharField(_("number"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField()
    serial = models.PositiveIntegerField()
    issuing_unit = models.ForeignKey(Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    target_unit = models.ForeignKey(
        Unit, verbose_name=_("unit supervised"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    target_path = models.CharField(max_length=96)
    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    matter = models.TextField(_("matter"))
    requirements = models.TextField(_("requirements"), blank=True)
    is_listed = models.BooleanField(_("listed for supervision"), default=False)  # 挂牌督办
    issued_on = models.DateField(_("issued on"))
    first_reply_due = models.DateField(_("original reply deadline"))
    reply_due = models.DateField(_("reply deadline"))
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.ISSUED)
    escalation_level = models.PositiveSmallIntegerField(_("escalations"), default=0)
    reply_text = models.TextField(_("written reply"), blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    first_replied_on = models.DateField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["issuing_unit", "year", "serial"], name="supervisionorder_serial"),
        ]
        indexes = [
            models.Index(fields=["target_unit", "status"], name="order_target_idx"),
            models.Index(fields=["target_path", "issued_on"], name="order_path_idx"),
            models.Index(
                fields=["reply_due"],
                name="order_open_due_idx",
                condition=Q(status__in=["issued", "escalated"]),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ORDER_STATUSES

    @property
    def is_overdue(self) -> bool:
        """The row-level twin of ``OrderQuerySet.overdue`` (today in the deployment's time zone)."""
        return self.is_open and self.reply_due < timeutil.today()


class OrderStep(models.TextChoices):
    ISSUED = "issued", _("Issued")
    REPLIED = "replied", _("Replied in writing")
    RETURNED = "returned", _("Reply returned")
    CLOSED = "closed", _("Reply accepted and closed")
    ESCALATED = "escalated", _("Escalated: reply deadline missed")


class OrderLog(AppendOnly):
    """One immutable step of a 督办单 (rows are only inserted)."""

    order = models.ForeignKey(SupervisionOrder, on_delete=models.CASCADE, related_name="log")
    step = models.CharField(_("step"), max_length=10, choices=OrderStep.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField(_("time"))
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.step}"


# --------------------------------------------------------------------------------------------- Art. 40


class RecommendationKind(models.TextChoices):
    IMPROVE_WORK = "improve_work", _("Recommendation to improve work")  # 改进工作建议
    IMPROVE_POLICY = "improve_policy", _("Recommendation to improve policy")  # 完善政策建议
    ACCOUNTABILITY = "accountability", _("Recommendation to hold accountable")  # 追究责任建议


class Adoption(models.TextChoices):
    ADOPTED = "adopted", _("Adopted")  # 采纳
    PARTLY = "partly", _("Partly adopted")  # 部分采纳
    NOT_ADOPTED = "not_adopted", _("Not adopted")  # 不予采纳


AWAITING_FEEDBACK = Q(feedback_on__isnull=True)


def overdue_feedback_q(today: dt.date) -> Q:
    """No written feedback yet and the feedback date has passed (Art. 40)."""
    return AWAITING_FEEDBACK & Q(feedback_due__lt=today)


class RecommendationQuerySet(models.QuerySet["Recommendation"]):
    """The one statement of "awaiting feedback" and "overdue" for Art. 40 recommendations."""

    def awaiting(self) -> RecommendationQuerySet:
        return self.filter(AWAITING_FEEDBACK)

    def overdue(self, today: dt.date) -> RecommendationQuerySet:
        return self.filter(overdue_feedback_q(today))


class Recommendation(models.Model):
    """Art. 40 recommendation; the recipient replies in writing whether and how it was adopted."""

    kind = models.CharField(_("kind"), max_length=16, choices=RecommendationKind.choices)
    issuing_unit = models.ForeignKey(Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(Unit, verbose_name=_("addressed to"), on_delete=models.PROTECT, related_name="+")
    to_path = models.CharField(max_length=96)
    order = models.ForeignKey(
        SupervisionOrder,
        verbose_name=_("supervision order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    petitions = models.ManyToManyField(Petition, verbose_name=_("petitions"), blank=True, related_name="+")
    text = models.TextField(_("recommendation"))
    issued_on = models.DateField(_("issued on"))
    feedback_due = models.DateField(_("feedback due"))
    adoption = models.CharField(_("adoption"), max_length=12, choices=Adoption.choices, blank=True)
    feedback_text = models.TextField(_("written feedback"), blank=True)
    feedback_on = models.DateField(_("feedback on"), null=True, blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = RecommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-id"]
        indexes = [
            models.Index(
                fields=["feedback_due"], name="recommendation_open_idx", condition=Q(feedback_on__isnull=True)
            ),
            models.Index(fields=["to_path", "issued_on"], name="recommendation_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.to_unit_id}"

    @property
    def is_overdue(self) -> bool:
        """The row-level twin of ``RecommendationQuerySet.overdue`` (today in the deployment's time zone)."""
        return self.feedback_on is None and self.feedback_due < timeutil.today()


# --------------------------------------------------------------------------------------------- 约谈


class Interview(models.Model):
    """约谈 — leaders of a unit are called in over its petition work (Art. 39); 责令限期整改 become assignments."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit interviewed"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=96)
    persons = models.TextField(_("persons interviewed"))
    reason = models.TextField(_("reason"))
    held_on = models.DateField(_("held on"))
    conducted_by = models.CharField(_("conducted by"), max_length=200)  # the leaders who held it
    by_unit = models.ForeignKey(Unit, verbose_name=_("held by unit"), on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    minutes = models.TextField(_("minutes"), blank=True)
    order = models.ForeignKey(
        SupervisionOrder, null=True, blank=True, on_delete=models.PROTECT, related_name="interviews"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["unit_path", "held_on"], name="interview_path_idx")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.held_on}"


# --------------------------------------------------------------------------------------------- 通报


class Bulletin(models.Model):
    """每月通报 — a month's figures per unit in a unit's scope, ranked; stored as a snapshot."""

    unit = models.ForeignKey(Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(max_length=96)
    month = models.DateField(_("month"))  # the first day of the month
    data = models.JSONField(default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("generated at"))

    class Meta:
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")
        ordering = ["-month", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="bulletin_once_per_month")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m}"


class CaseVerdict(models.TextChoices):
    GOOD_PRACTICE = "good", _("Good practice")  # 典型经验
    NEGLIGENCE = "negligence", _("Failure to act or take responsibility")  # 不担当不作为


class BulletinCase(models.Model):
    """A typical case (典型案例) carried by a bulletin: chosen by the issuing unit and approved before it shows.

    Only the 编号, the unit concerned and the account of what went right or wrong are printed — never the
    petitioner's identity nor an accusation's informant (the text is checked against the petitioner's records).
    """

    bulletin = models.ForeignKey(Bulletin, verbose_name=_("bulletin"), on_delete=models.CASCADE, related_name="cases")
    petition = models.ForeignKey(Petition, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, verbose_name=_("unit concerned"), on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("kind"), max_length=12, choices=CaseVerdict.choices)
    account = models.TextField(_("what went right or wrong"))
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chosen_at = models.DateTimeField(_("chosen at"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")
        ordering = ["verdict", "id"]
        constraints = [models.UniqueConstraint(fields=["bulletin", "petition"], name="bulletin_case_once")]

    def __str__(self) -> str:
        return f"{self.bulletin_id}:{self.petition_id}"
