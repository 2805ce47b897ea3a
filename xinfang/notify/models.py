"""Models of xinfang.notify: the message log (every notification is a row), the periodic-job run log, and what
petitioners are told (message templates per step, each petition's channel choice)."""

from __future__ import annotations

import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.core.crypto import EncryptedTextField


class Channel(models.TextChoices):
    INAPP = "inapp", _("In-app")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    READ = "read", _("Read")


class Notification(models.Model):
    """One message on one channel to one recipient: a user account or an external address.

    In-app messages are delivered when written (status ``sent``) and become ``read``; e-mail and SMS start
    ``queued`` and are sent after the transaction commits by the ``deliver`` task.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # The petitioner's or booker's phone or e-mail address: personal data, encrypted at rest (Fernet, core.crypto);
    # "" stays "" so the check constraint below still tells "has an address" without decrypting. Never searched:
    # the daily cap keys by a keyed hash of it (``PetitionerDailyCount``).
    address = EncryptedTextField(_("address"), max_length=254, blank=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=80)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The petition a message to its petitioner is about (kind ``petitioner.<step>``); empty for staff messages.
    petition = models.ForeignKey(
        "petitions.Petition",
        verbose_name=_("petition"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # "My notifications", newest first.
            models.Index(fields=["recipient", "channel", "-created_at"], name="notify_mine_idx"),
            # "My unread": only unread in-app rows are indexed, so the index stays small.
            models.Index(
                fields=["recipient", "-created_at"],
                name="notify_unread_idx",
                condition=Q(channel="inapp", read_at__isnull=True),
            ),
            # Deliveries still waiting (e.g. for a re-drive after an outage).
            models.Index(fields=["created_at"], name="notify_queued_idx", condition=Q(status="queued")),
            models.Index(fields=["kind", "-created_at"], name="notify_kind_idx"),
            # A petition's messages to its petitioner (the once-per-petition check of the rating-window job).
            models.Index(fields=["petition", "kind"], name="notify_petition_idx", condition=Q(petition__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | ~Q(address=""), name="notify_has_recipient_or_address"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.subject}"


class JobRun(models.Model):
    """One run of a periodic job, however it ran (Celery worker, eager call, ``manage.py jobs``)."""

    class Outcome(models.TextChoices):
        RUNNING = "running", _("Running")
        OK = "ok", _("OK")
        ERROR = "error", _("Error")

    name = models.CharField(_("job"), max_length=100)
    task = models.CharField(_("task"), max_length=200)
    task_id = models.CharField(_("task id"), max_length=64, blank=True, db_index=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.RUNNING)
    summary = models.TextField(_("summary"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["name", "-started_at"], name="jobrun_name_started_idx")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def ok(self) -> bool:
        return self.outcome == self.Outcome.OK


# --- what petitioners are told (xinfang.notify.petitioner) ---


class PetitionerStep(models.TextChoices):
    """The steps a petitioner is told of; a message's kind is ``petitioner.<step>``."""

    REGISTERED = "registered", _("Registered")  # 登记
    FORWARDED = "forwarded", _("Forwarded")  # 转送 (also to the discipline organ, or by the common superior)
    ASSIGNED = "assigned", _("Assigned")  # 交办
    ACCEPTED = "accepted", _("Accepted")  # 受理
    DECLINED = "declined", _("Not accepted")  # 不予受理
    DIVERTED = "diverted", _("Directed to the statutory procedure")  # 导入法定途径
    EXTENDED = "extended", _("Handling period extended")  # 延期
    REPLIED = "replied", _("Written reply issued")  # 信访处理意见书
    REVIEW_DECIDED = "review_decided", _("Review opinion issued")  # 复查意见
    REVIEW_REDO = "review_redo", _("Unit ordered to decide again")  # 责令重新作出
    RECHECK_DECIDED = "recheck_decided", _("Re-examination opinion issued")  # 复核意见
    URGE_ANSWERED = "urge_answered", _("Reminder passed on")  # 催办的回复
    RATING_WINDOW = "rating_window", _("Rating period closing")  # 评价期限将届满
    AGREED = "agreed", _("Closed by mediation or settlement")  # 调解/和解协议 (Art. 33)
    CLOSED = "closed", _("Closed: no review requested in time")  # 办结 (复查/复核期限届满)
    MERGED = "merged", _("Handled together with another petition")  # 并案
    UNMERGED = "unmerged", _("Handled on its own again")  # 撤销并案


# The placeholders each step's template may use ({number} is the 编号, {link} the tracking page without a code).
PLACEHOLDERS: dict[str, frozenset[str]] = {
    PetitionerStep.REGISTERED: frozenset({"number", "unit", "date", "link"}),
    PetitionerStep.FORWARDED: frozenset({"number", "unit", "link"}),
    PetitionerStep.ASSIGNED: frozenset({"number", "unit", "link"}),
    PetitionerStep.ACCEPTED: frozenset({"number", "unit", "date", "link"}),
    PetitionerStep.DECLINED: frozenset({"number", "unit", "reason", "remedy", "link"}),
    PetitionerStep.DIVERTED: frozenset({"number", "unit", "reason", "link"}),
    PetitionerStep.EXTENDED: frozenset({"number", "unit", "reason", "date", "link"}),
    PetitionerStep.REPLIED: frozenset({"number", "unit", "outcome", "date", "link"}),
    PetitionerStep.REVIEW_DECIDED: frozenset({"number", "unit", "outcome", "date", "link"}),
    PetitionerStep.REVIEW_REDO: frozenset({"number", "unit", "date", "link"}),
    PetitionerStep.RECHECK_DECIDED: frozenset({"number", "unit", "outcome", "link"}),
    PetitionerStep.URGE_ANSWERED: frozenset({"number", "unit", "date", "link"}),
    PetitionerStep.RATING_WINDOW: frozenset({"number", "date", "link"}),
    PetitionerStep.AGREED: frozenset({"number", "unit", "agreement", "date", "link"}),
    PetitionerStep.CLOSED: frozenset({"number", "request", "date", "link"}),
    PetitionerStep.MERGED: frozenset({"number", "primary", "unit", "link"}),
    PetitionerStep.UNMERGED: frozenset({"number", "primary", "unit", "link"}),
}


def template_placeholders(text: str) -> set[str]:
    """The ``{name}`` fields of a template text; raises ValueError for a malformed one (e.g. a lone ``{``)."""
    names = set()
    for _literal, name, _spec, _conversion in string.Formatter().parse(text):
        if name is not None:
            names.add(name)
    return names


class PetitionerMessageTemplate(models.Model):
    """The text of one step's message to petitioners, edited in the admin; a blank channel serves every channel
    without its own template. A step without any template uses the built-in default."""

    kind = models.CharField(_("step"), max_length=24, choices=PetitionerStep.choices)
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, blank=True, help_text=_("Blank: every channel.")
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("petitioner message template")
        verbose_name_plural = _("petitioner message templates")
        ordering = ["kind", "channel"]
        constraints = [models.UniqueConstraint(fields=["kind", "channel"], name="petitioner_template_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_channel_display() or _('every channel')})"

    def clean(self) -> None:
        allowed = PLACEHOLDERS.get(self.kind, frozenset())
        errors: dict[str, str] = {}
        for field in ("subject", "body"):
            text = getattr(self, field)
            try:
                names = template_placeholders(text)
            except ValueError:
                errors[field] = str(_("Braces must be paired, as in {number}; write {{ or }} for a brace itself."))
                continue
            unknown = sorted(n for n in names if n not in allowed)
            if unknown:
                errors[field] = str(
                    _("Unknown placeholder %(unknown)s; this step offers: %(allowed)s.")
                    % {
                        "unknown": "、".join("{" + n + "}" for n in unknown),
                        "allowed": "、".join("{" + n + "}" for n in sorted(allowed)),
                    }
                )
        if errors:
            raise ValidationError(errors)


class PetitionerPreference(models.Model):
    """How one petition's petitioner wants to hear of its steps (chosen at submission, changed on the tracking
    page). Without a row the default applies: SMS if a phone was given, else e-mail, else in-app for a citizen
    account."""

    petition = models.OneToOneField(
        "petitions.Petition", on_delete=models.CASCADE, related_name="notify_preference", verbose_name=_("petition")
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, blank=True, help_text=_("Blank: the default.")
    )
    opted_out = models.BooleanField(_("no messages"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("petitioner's message choice")
        verbose_name_plural = _("petitioners' message choices")

    def __str__(self) -> str:
        return f"{self.petition_id}: {'-' if self.opted_out else self.channel or 'default'}"


class PetitionerDailyCount(models.Model):
    """How many messages one petitioner's address (or account) was given on one local day: the per-recipient daily
    cap (``XINFANG_PETITIONER_DAILY_CAP``). Each message takes the next number under the row's lock (one ``UPDATE``),
    so two steps committing at the same moment cannot both pass the cap. ``recipient`` is a keyed hash of the
    channel and the address or account, never the phone number or e-mail address itself."""

    recipient = models.CharField(_("recipient (keyed hash)"), max_length=64)
    day = models.DateField(_("day"))
    count = models.PositiveIntegerField(_("messages"), default=0)

    class Meta:
        verbose_name = _("petitioner's daily message count")
        verbose_name_plural = _("petitioners' daily message counts")
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="petitioner_daily_count_unique")]

    def __str__(self) -> str:
        return f"{self.recipient[:8]}… {self.day}: {self.count}"
