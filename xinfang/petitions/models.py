"""The petition (信访事项) and everything recorded about it: petitioners, attachments, routing, timeline, clocks.

Petitioner identity (name, 身份证号, phone, address) lives only in ``Petitioner`` so that encryption at rest and
masking touch one model. The timeline (``PetitionEvent``) is append-only. Time limits are ``Clock`` rows whose open
ones carry partial indexes on their due dates, so overdue and 临期 lists are index scans.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.core.crypto import EncryptedTextField, KeyedHashField
from xinfang.core.models import AppendOnly
from xinfang.deadlines.rules import ClockKind, DayKind
from xinfang.orgs.models import Unit, division_code_validator
from xinfang.petitions.workflow import Action, State


class Channel(models.TextChoices):
    ONLINE = "online", _("Online")  # 网上
    LETTER = "letter", _("Letter")  # 来信
    VISIT = "visit", _("Visit")  # 来访
    PHONE = "phone", _("Phone call")  # 来电
    FAX = "fax", _("Fax")  # 传真
    EMAIL = "email", _("E-mail")  # 电子邮件
    VIDEO = "video", _("Video")  # 视频


# 五必问 is asked at the counter and on the phone.
FIVE_QUESTION_CHANNELS = frozenset({Channel.VISIT, Channel.PHONE, Channel.VIDEO})


class Nature(models.TextChoices):
    SUGGESTION = "suggestion", _("Suggestion or opinion")  # 建议意见类 (Art. 29)
    ACCUSATION = "accusation", _("Report or accusation")  # 检举控告类 (Art. 30)
    APPEAL = "appeal", _("Appeal or demand")  # 申诉求决类 (Art. 31)


class PetitionerKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")
    GROUP = "group", _("Group")


class RoutingMode(models.TextChoices):
    FORWARD = "forward", _("Forwarded")  # 转送
    ASSIGN = "assign", _("Assigned")  # 交办
    DISCIPLINE = "discipline", _("Referred to discipline inspection")  # 转纪检监察
    DECIDED = "decided", _("Decided by the common superior")  # Art. 24


class DivertRoute(models.TextChoices):
    """The statutory procedures of Art. 31(1)–(5) and the litigation track of Art. 28."""

    LITIGATION = "litigation", _("Litigation, procuratorial or police procedure (Art. 31(1))")
    ARBITRATION = "arbitration", _("Arbitration (Art. 31(2))")
    PARTY_APPEAL = "party_appeal", _("Party member appeal or re-examination (Art. 31(3))")
    ADMINISTRATIVE = "administrative", _("Administrative review, ruling, licence or penalty (Art. 31(4))")
    DUTY = "duty", _("Request to investigate or protect rights: duty performed or answered (Art. 31(5))")


class DeclineGround(models.TextChoices):
    ALREADY_HANDLED = "already_handled", _("Already accepted and within its time limit at a lower level (Art. 19 ¶3)")
    TERMINATED = "terminated", _("Same facts and reasons after re-examination (Art. 36 ¶3)")
    OUT_OF_SCOPE = "out_of_scope", _("Not a petition matter for any organ in scope (Art. 2)")


class Outcome(models.TextChoices):
    """信访处理意见书 outcomes (Art. 32)."""

    SUPPORT = "support", _("Supported")  # 予以支持
    EXPLAIN = "explain", _("Explained")  # 解释说明
    REJECT = "reject", _("Not supported")  # 不予支持


class ReviewOutcome(models.TextChoices):
    """复查/复核 outcomes (Shandong Art. 45). 责令重新作出 is the separate action ORDER_REDO."""

    UPHOLD = "uphold", _("Upheld")  # 维持
    REVOKE = "revoke", _("Revoked")  # 撤销
    MODIFY = "modify", _("Modified")  # 变更


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    BASICALLY = "basically", _("Basically satisfied")  # 基本满意
    DISSATISFIED = "dissatisfied", _("Dissatisfied")  # 不满意


class RatingTarget(models.TextChoices):
    """谁初次办理、谁接受评价: rated separately for the petition department and the responsible unit."""

    PETITION_DEPT = "petition_dept", _("Petition department")
    RESPONSIBLE_UNIT = "responsible_unit", _("Responsible unit")


class Category(models.Model):
    """A node of the 3-level content taxonomy (内容分类)."""

    name = models.CharField(_("name"), max_length=50)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("parent")
    )
    level = models.PositiveSmallIntegerField(_("level"), validators=[MinValueValidator(1), MaxValueValidator(3)])
    full_name = models.CharField(_("category path"), max_length=160, unique=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name


def hash_tracking_code(code: str) -> str:
    """查询码 are stored hashed: a database leak must not let anyone read other people's petitions.

    The codes are random with about 60 bits of entropy, so a fast keyed hash suffices (no password KDF needed).
    """
    return hashlib.sha256(f"{settings.SECRET_KEY}:{code.strip().upper()}".encode()).hexdigest()


#: The shape of a 编号 (unit code-year-serial): a query of this shape is answered by the unique index alone.
NUMBER_SHAPE = re.compile(r"^[0-9A-Za-z]{4,16}-\d{4}-[0-9A-Za-z]{4,8}$")


class Petition(models.Model):
    """信访事项."""

    number = models.CharField(_("number"), max_length=40, unique=True)  # 编号
    tracking_code_hash = models.CharField(max_length=64, editable=False)
    state = models.CharField(_("state"), max_length=24, choices=State.choices, default=State.REGISTERED)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    nature = models.CharField(_("nature"), max_length=12, choices=Nature.choices, default=Nature.APPEAL)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Their lookups use the composite indexes below (petition_registered_idx, petition_holder_idx).
    registering_unit = models.ForeignKey(
        Unit, verbose_name=_("registering unit"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    current_unit = models.ForeignKey(
        Unit, verbose_name=_("current unit"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    handling_unit = models.ForeignKey(
        Unit, verbose_name=_("handling unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    routed_from_unit = models.ForeignKey(
        Unit, verbose_name=_("routed by"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    routing_mode = models.CharField(_("routing mode"), max_length=12, choices=RoutingMode.choices, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A citizen account that submitted online and may list its own petitions (optional; 查询码 always works).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_petitions",
    )
    received_on = models.DateField(_("received on"))
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    title = models.CharField(_("title"), max_length=200)
    request = models.TextField(_("request"))  # 诉求
    facts_and_reasons = models.TextField(_("facts and reasons"), blank=True)  # 事实和理由
    five_questions = models.JSONField(_("five questions"), default=dict, blank=True)  # 五必问

    petitioner_kind = models.CharField(
        _("petitioner kind"), max_length=14, choices=PetitionerKind.choices, default=PetitionerKind.PERSON
    )
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    head_count = models.PositiveIntegerField(_("head count"), default=1, validators=[MinValueValidator(1)])

    problem_division_code = models.CharField(
        _("problem location code"), max_length=9, blank=True, validators=[division_code_validator]
    )  # 问题属地
    problem_address = models.CharField(_("problem location address"), max_length=200, blank=True)

    accused_name = models.CharField(_("person or unit complained about"), max_length=100, blank=True)  # 被反映对象
    accused_unit = models.ForeignKey(
        Unit, verbose_name=_("unit complained about"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accused_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member complained about"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # Art. 30 ¶3: staff confirm which unit an accusation is about (accused_unit) or that none is (a person only);
    # until then the accusation is routed nowhere (petitions.services.accused).
    accused_confirmed_at = models.DateTimeField(_("accused unit confirmed at"), null=True, blank=True)
    accused_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accused unit confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    # 承办人: the staff member of the holding unit who owns the item inside it (a head names them: ASSIGN_HANDLER).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    is_urgent = models.BooleanField(_("major and urgent"), default=False)  # 重大紧急
    is_law_related = models.BooleanField(_("litigation-related"), default=False)  # 涉法涉诉
    is_collective = models.BooleanField(_("collective visit"), default=False)  # 集体访
    is_joint = models.BooleanField(_("joint letter"), default=False)  # 联名
    is_repeat = models.BooleanField(_("repeat petition"), default=False)  # 重复 (else 初次)
    previous = models.ForeignKey(
        "self", verbose_name=_("earlier petition"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # 并案: the primary petition this one was merged into (state MERGED); cleared again by un-merging.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_items",
    )

    is_simple = models.BooleanField(_("simple handling"), default=False)  # 简易办理
    extension_used = models.BooleanField(default=False)
    hearing_open = models.BooleanField(default=False)
    review_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recheck_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reply_served_on = models.DateField(_("written reply received on"), null=True, blank=True)
    review_served_on = models.DateField(_("review opinion received on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    report_submitted = models.BooleanField(default=False)  # 办结报告 for 交办 items
    # 台账 import (petitions.ledger_import): the 编号 the item had in the office's past ledger, unique per registering
    # unit so that re-importing the same file creates nothing, and the marker of an imported (historical) item.
    source_number = models.CharField(_("original number"), max_length=40, blank=True)
    imported = models.BooleanField(_("imported from a past ledger"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("petition")
        verbose_name_plural = _("petitions")
        indexes = [
            # A unit's inbox: its petitions by state, newest first (keyset pagination on id).
            models.Index(fields=["current_unit", "state", "-id"], name="petition_inbox_idx"),
            models.Index(fields=["current_unit", "-id"], name="petition_holder_idx"),
            models.Index(fields=["registering_unit", "-id"], name="petition_registered_idx"),
            models.Index(fields=["state", "-id"], name="petition_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(head_count__gte=1), name="petition_head_count_positive"),
            models.CheckConstraint(
                condition=~Q(is_repeat=True) | Q(previous__isnull=False), name="petition_repeat_has_previous"
            ),
            models.UniqueConstraint(
                fields=["registering_unit", "source_number"],
                condition=~Q(source_number=""),
                name="petition_source_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def check_tracking_code(self, code: str) -> bool:
        import hmac

        return hmac.compare_digest(self.tracking_code_hash, hash_tracking_code(code))

    @property
    def is_open(self) -> bool:
        from xinfang.petitions.workflow import OPEN_STATES

        return self.state in OPEN_STATES


def validate_id_number(value: str) -> None:
    """身份证号 (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check character."""
    from django.core.exceptions import ValidationError

    from xinfang.petitions.identity import id_number_is_valid

    if not id_number_is_valid(value):
        raise ValidationError(
            _("The ID card number is not valid: it must have 18 characters and a correct check digit."),
            code="invalid_id_number",
        )


phone_validator = RegexValidator(
    r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$",
    _("Enter a mobile number (11 digits starting with 1) or a landline with area code, e.g. 0731-84567890."),
)


class Petitioner(models.Model):
    """The one place that holds a petitioner's identity (Art. 30: shown only to those who need it)."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="petitioners")
    is_representative = models.BooleanField(_("representative"), default=False)  # 代表 (Art. 20: at most 5)
    name = models.CharField(_("name of the petitioner"), max_length=100)  # 姓名（名称）
    # Encrypted at rest (xinfang.core.crypto); validators and max_length apply to the plain value in full_clean.
    id_number = EncryptedTextField(_("ID card number"), max_length=18, blank=True, validators=[validate_id_number])
    phone = EncryptedTextField(_("phone"), max_length=24, blank=True, validators=[phone_validator])
    address = EncryptedTextField(_("address"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # Keyed hashes for exact search (filled on save and bulk_create): search with crypto.phone_hash / id_number_hash.
    id_number_hash = KeyedHashField(source="id_number", kind="id_number")
    phone_hash = KeyedHashField(source="phone", kind="phone")

    class Meta:
        verbose_name = _("petitioner")
        verbose_name_plural = _("petitioners")
        indexes = [
            models.Index(fields=["id_number_hash"], name="petitioner_idno_hash_idx", condition=~Q(id_number_hash="")),
            models.Index(fields=["phone_hash"], name="petitioner_phone_hash_idx", condition=~Q(phone_hash="")),
        ]

    def __str__(self) -> str:
        return self.name


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.petition_id}/{filename}"


class Attachment(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class AccessReason(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ROUTED = "routed", _("Routed to")
    CO_HANDLER = "co_handler", _("Co-handling unit")
    REVIEW = "review", _("Review")
    REPORTED = "reported", _("Reported to (major and urgent)")


class PetitionAccess(models.Model):
    """Every unit that registered, held, was routed or co-assigned the petition: the basis of visibility.

    ``unit_path`` is denormalised from the unit so that "petitions of the units below me" is one range scan on
    this table's index instead of a join over the unit tree.
    """

    # Covered by the unique constraint (petition, unit) and access_unit_idx (unit, petition).
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="access", db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    unit_path = models.CharField(max_length=96)
    reason = models.CharField(max_length=12, choices=AccessReason.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition", "unit"], name="petitionaccess_unique")]
        indexes = [
            models.Index(fields=["unit", "petition"], name="access_unit_idx"),
            models.Index(fields=["unit_path", "petition"], name="access_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id}→{self.unit_id}"


class CoHandler(models.Model):
    """协办单位: units that help the lead unit; they see the petition but do not hold it."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="co_handlers")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["petition", "unit"], name="cohandler_unique")]

    def __str__(self) -> str:
        return f"{self.petition_id}+{self.unit_id}"


class EventQuerySet(models.QuerySet["PetitionEvent"]):
    def public(self) -> EventQuerySet:
        return self.filter(is_public=True)


@dataclass(frozen=True)
class Registered:
    """What a registration wrote besides the petition, handed to the register event's receivers (figures, search
    index, the petitioner's message) so that they do not read back rows written a moment ago (issue 9, intake under
    load): the petitioners as saved and the paths of the units given access."""

    petitioners: tuple[Petitioner, ...]
    access_paths: tuple[str, ...]


class PetitionEvent(AppendOnly):
    """One immutable line of the timeline. Rows are only ever inserted (``AppendOnly``)."""

    #: Set (not stored) on the register event by registration: see ``Registered``; None on every other event.
    registered: Registered | None = None

    def handed_over(self) -> Registered | None:
        """What registration handed over with this event, when the petition on it is the one it has just written
        (whole); None otherwise — the receivers then read the rows."""
        if self.registered is None or not PetitionEvent.petition.is_cached(self):
            return None
        return self.registered

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events", db_index=False)
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    actor_label = models.CharField(max_length=100, blank=True)  # "信访人" / "系统" when there is no staff actor
    at = models.DateTimeField(_("time"))
    from_state = models.CharField(max_length=24, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=24, choices=State.choices, blank=True)
    data = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("internal note"), blank=True)  # never shown to the petitioner
    is_public = models.BooleanField(default=True)  # shown on the petitioner's tracking page

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["petition", "at"], name="event_petition_idx")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.action} {self.at:%Y-%m-%d}"


class ClockQuerySet(models.QuerySet["Clock"]):
    def running(self) -> ClockQuerySet:
        return self.filter(stopped_on__isnull=True)

    def obligations(self) -> ClockQuerySet:
        return self.filter(is_obligation=True)

    def counting(self) -> ClockQuerySet:
        """Running and not paused: a clock paused for a hearing (Art. 36 ¶2) is neither due soon nor overdue."""
        return self.running().filter(paused_since__isnull=True)

    def overdue(self, today: Any) -> ClockQuerySet:
        """超期: an open obligation whose due date has passed (uses the partial index on due)."""
        return self.counting().obligations().filter(due__lt=today)

    def due_soon(self, today: Any, days: int) -> ClockQuerySet:
        """临期: an open obligation due within ``days`` days from today (inclusive)."""
        import datetime as dt

        return self.counting().obligations().filter(due__gte=today, due__lte=today + dt.timedelta(days=days))


class Clock(models.Model):
    """One time limit on one petition: what it is, who owes it, when it started, when it is due, and why.

    ``due`` is the statutory date (with the approved extension and paused time included); ``target_due`` is an
    optional stricter local target (deadlines.LocalTarget) shown beside it, never replacing it.
    """

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="clocks", db_index=False)
    kind = models.CharField(_("kind"), max_length=20, choices=ClockKind.choices)
    owing_unit = models.ForeignKey(
        Unit, verbose_name=_("owing unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised like PetitionAccess.unit_path: "overdue in my area" is one range scan, not a tree join.
    owing_path = models.CharField(max_length=96, blank=True)
    is_obligation = models.BooleanField(default=True)  # False for windows open to the petitioner or a unit
    article = models.CharField(max_length=60, blank=True)
    start = models.DateField(_("start"))
    days = models.PositiveIntegerField(_("days"))
    day_kind = models.CharField(max_length=8, choices=[(k.value, k.value) for k in DayKind])
    extended_days = models.PositiveIntegerField(default=0)
    paused_days = models.PositiveIntegerField(default=0)
    paused_since = models.DateField(null=True, blank=True)
    due = models.DateField(_("due"))
    explanation = models.JSONField(default=list)  # calendar Steps as dicts, rendered in the reader's language
    target_due = models.DateField(_("local target"), null=True, blank=True)
    target_label = models.CharField(max_length=100, blank=True)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)
    stop_reason = models.CharField(max_length=24, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClockQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["due"], name="clock_open_due_idx", condition=Q(stopped_on__isnull=True)),
            models.Index(
                fields=["owing_unit", "due"], name="clock_open_unit_due_idx", condition=Q(stopped_on__isnull=True)
            ),
            models.Index(
                fields=["owing_path", "due"], name="clock_open_path_due_idx", condition=Q(stopped_on__isnull=True)
            ),
            models.Index(fields=["petition", "kind"], name="clock_petition_kind_idx"),
            # 超期 now (``overdue``; the KPI overdue_open and its ranking by unit): covering on PostgreSQL, so that a
            # national or city count reads the overdue entries alone, index-only, instead of every open clock in the
            # path range and its heap page (242 ms → 14 ms nationally at 1,000,000 petitions; docs/benchmarks.md).
            models.Index(
                fields=["due"],
                include=["owing_path", "owing_unit", "petition"],
                name="clock_overdue_idx",
                condition=Q(stopped_on__isnull=True, paused_since__isnull=True, is_obligation=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(due__gte=models.F("start")), name="clock_due_not_before_start"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.kind} → {self.due}"

    def is_overdue(self, today: Any) -> bool:
        return self.is_obligation and self.stopped_on is None and self.paused_since is None and self.due < today


class NumberSequence(models.Model):
    """The last 编号 serial a unit issued in a year. Incremented with one UPDATE under a row lock."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="numbersequence_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class DocumentKind(models.TextChoices):
    ACCEPTANCE_NOTICE = "acceptance_notice", _("Notice of acceptance")  # 受理告知书
    NON_ACCEPTANCE_NOTICE = "non_acceptance_notice", _("Notice of non-acceptance")  # 不予受理告知书
    DIVERSION_NOTICE = "diversion_notice", _("Notice of statutory procedure")  # 导入法定途径告知书
    FORWARDING_SLIP = "forwarding_slip", _("Forwarding slip")  # 转送单
    ASSIGNMENT_SLIP = "assignment_slip", _("Assignment slip")  # 交办单
    OBJECTION = "objection", _("Objection to jurisdiction")  # 异议
    EXTENSION_NOTICE = "extension_notice", _("Notice of extension")  # 延期告知书
    OPINION = "opinion", _("Petition handling opinion")  # 信访处理意见书
    AGREEMENT = "agreement", _("Mediation or settlement agreement")  # 调解协议书 / 和解协议书
    COMPLETION_REPORT = "completion_report", _("Completion report")  # 办结报告
    REVIEW_OPINION = "review_opinion", _("Review opinion")  # 复查意见书
    RECHECK_OPINION = "recheck_opinion", _("Re-examination opinion")  # 复核意见书


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    WITHDRAWN = "withdrawn", _("Returned")


class Document(models.Model):
    """A written act on the petition: its facts are data here; .docx rendering reads them."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    status = models.CharField(max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.ISSUED)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    outcome = models.CharField(_("outcome"), max_length=16, blank=True)
    body = models.TextField(_("text"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    is_public = models.BooleanField(default=True)  # documents addressed to the petitioner
    issued_on = models.DateField(null=True, blank=True)
    served_on = models.DateField(null=True, blank=True)  # 收到书面答复之日 (starts the review windows)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["petition", "kind"], name="document_petition_kind_idx")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.kind}"


class Rating(models.Model):
    """满意 / 基本满意 / 不满意, separately for the petition department and the responsible unit."""

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="ratings")
    target = models.CharField(_("rated"), max_length=20, choices=RatingTarget.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(_("rating"), max_length=14, choices=Satisfaction.choices)
    comment = models.TextField(_("comment"), blank=True)
    stage = models.CharField(max_length=24, choices=State.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(fields=["petition", "target", "stage"], name="rating_once_per_stage"),
        ]
        indexes = [models.Index(fields=["unit", "created_at"], name="rating_unit_idx")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.target}: {self.value}"
