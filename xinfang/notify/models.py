"""Models of xinfang.notify: the message log (every notification is a row) and the periodic-job run log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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
    address = models.CharField(_("address"), max_length=254, blank=True)
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
