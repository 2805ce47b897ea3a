"""领导阅批: a leader's mailbox (领导信箱), a petition put before a leader, and what the leader wrote (批示).

Each ``Instruction`` row is one petition before one leader. The leader marks it read (已阅) or instructs (批示);
an instruction names units and a deadline, and each named unit gets a ``supervision.Assignment`` (source
``instruction``, ``source_id`` = this row), which is where its status and feedback are followed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit
from xinfang.petitions.models import Petition

# 批示 are short: a few sentences naming who does what by when.
INSTRUCTION_TEXT_MAX = 500
REQUEST_NOTE_MAX = 500
MAILBOX_TITLE_MAX = 50


class LeaderMailbox(models.Model):
    """领导信箱 — a mailbox a unit publishes for one of its leaders (e.g. 区长信箱). Letters sent to it online are
    registered by ``registering_unit`` (the petition department that serves the leader) and go to the leader's
    desk as 待阅批."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("public title"), max_length=MAILBOX_TITLE_MAX)  # 区长信箱
    registering_unit = models.ForeignKey(
        Unit, verbose_name=_("registering unit"), on_delete=models.PROTECT, related_name="+"
    )
    is_open = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("leader's mailbox")
        verbose_name_plural = _("leaders' mailboxes")
        ordering = ["unit__path", "id"]

    def __str__(self) -> str:
        return self.title


class InstructionStatus(models.TextChoices):
    WAITING = "waiting", _("Awaiting the leader's reading")  # 待阅批
    READ = "read", _("Read (no instruction)")  # 已阅
    INSTRUCTED = "instructed", _("Instructed")  # 已批示


class Instruction(models.Model):
    """One petition before one leader (领导阅批) and the outcome: 已阅, or a 批示 with units and a deadline."""

    petition = models.ForeignKey(Petition, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+"
    )
    mailbox = models.ForeignKey(
        LeaderMailbox, verbose_name=_("leader's mailbox"), null=True, blank=True, on_delete=models.PROTECT
    )
    # None when the petitioner addressed the leader's mailbox; otherwise the petition department's staff member.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("put before the leader at"))
    request_note = models.TextField(_("note to the leader"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=InstructionStatus.choices, default=InstructionStatus.WAITING
    )
    text = models.TextField(_("instruction"), blank=True)
    due = models.DateField(_("due"), null=True, blank=True)
    # The addressed leader, or a leader above who took it up.
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_at = models.DateTimeField(_("given at"), null=True, blank=True)
    released_at = models.DateTimeField(_("made known to the petitioner at"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("leader's instruction")
        verbose_name_plural = _("leaders' instructions")
        ordering = ["requested_at", "id"]
        constraints = [
            # One open request per petition and leader: asking twice adds nothing to the leader's desk.
            models.UniqueConstraint(
                fields=["petition", "leader"],
                condition=Q(status="waiting"),
                name="instruction_one_waiting_per_leader",
            ),
        ]
        indexes = [
            # The leader's 待阅批 list, oldest first: an index scan on the open rows only.
            models.Index(
                fields=["leader", "requested_at", "id"],
                name="instruction_waiting_idx",
                condition=Q(status="waiting"),
            ),
            models.Index(fields=["petition"], name="instruction_petition_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} → {self.leader_id} ({self.status})"
