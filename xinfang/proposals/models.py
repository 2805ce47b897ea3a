"""人民建议征集: calls (征集活动), proposals (人民建议), their append-only timeline and their clocks."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.core.crypto import EncryptedTextField
from xinfang.core.models import AppendOnly
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Petition
from xinfang.proposals.workflow import Action, CommendationKind, Outcome, State


class Call(models.Model):
    """A call for proposals published by a unit on a topic for a period (征集活动)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(_("topic"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("call for proposals")
        verbose_name_plural = _("calls for proposals")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="call_closes_after_opens"),
        ]

    def __str__(self) -> str:
        return self.topic


class Proposal(models.Model):
    """One proposal: topic, reason, suggestion, proposer (optional: anonymous allowed)."""

    number = models.CharField(_("number"), max_length=40, unique=True)  # 编号, e.g. JY-990101XFJ-2025-000001
    call = models.ForeignKey(
        Call, verbose_name=_("call"), null=True, blank=True, on_delete=models.PROTECT, related_name="proposals"
    )
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("reason"))  # 建议理由
    suggestion = models.TextField(_("suggestion"))  # 具体建议
    # Personal data, encrypted at rest (xinfang.core.crypto; 个人信息保护法); never searched, so no keyed hash.
    # max_length applies to the plain value in full_clean and forms.
    proposer_name = EncryptedTextField(_("proposer's name"), max_length=50, blank=True)
    proposer_phone = EncryptedTextField(_("proposer's phone"), max_length=20, blank=True)
    is_public = models.BooleanField(_("may be published"), default=False)  # chosen by the proposer
    # Chosen by the proposer too: the attachments are shown on the public page only with this and ``is_public``.
    attachments_public = models.BooleanField(_("attachments may be published"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.SUBMITTED)
    receiving_unit = models.ForeignKey(
        Unit, verbose_name=_("receiving unit"), on_delete=models.PROTECT, related_name="+"
    )
    owning_unit = models.ForeignKey(
        Unit, verbose_name=_("competent unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("received on"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField(_("reasons for the outcome"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    implementation = models.TextField(_("implementation feedback"), blank=True)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    # Near-duplicate grouping (insight's detector): the first proposal saying the same thing heads the group.
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("same as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
    )
    duplicate_similarity = models.FloatField(_("similarity"), null=True, blank=True)
    # Conversion, both ways: the history stays on both records, linked here.
    source_petition = models.OneToOneField(
        Petition,
        verbose_name=_("converted from petition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposal_made",
    )
    petition = models.OneToOneField(
        Petition,
        verbose_name=_("converted into petition"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposal_converted",
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closing_reason = models.TextField(_("reason for closing"), blank=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["receiving_unit", "received_on"], name="proposal_receiving_idx"),
            models.Index(fields=["owning_unit", "state"], name="proposal_owning_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_anonymous(self) -> bool:
        return not self.proposer_name and not self.proposer_phone

    @property
    def group_head_id(self) -> int:
        """The id of the proposal heading this one's near-duplicate group (itself when it heads one or none)."""
        return self.duplicate_of_id or self.pk


def proposal_attachment_path(instance: ProposalAttachment, filename: str) -> str:
    return f"proposal-attachments/{instance.proposal_id}/{filename}"


class ProposalAttachment(models.Model):
    """A file sent with a proposal, checked by content like a petition's (``petitions.uploads``)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=proposal_attachment_path)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(_("size"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proposal attachment")
        verbose_name_plural = _("proposal attachments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


class Commendation(models.Model):
    """A reward or commendation given for an adopted proposal (奖励、表彰): kind, date, text, and who recorded it."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="commendations")
    kind = models.CharField(_("kind"), max_length=16, choices=CommendationKind.choices)
    given_on = models.DateField(_("date"))
    text = models.TextField(_("text"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reward or commendation")
        verbose_name_plural = _("rewards and commendations")
        ordering = ["given_on", "id"]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.kind} {self.given_on}"


class ProposalFingerprint(models.Model):
    """One LSH band key of a proposal's MinHash signature (as ``insight.PetitionFingerprint`` for petitions)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="fingerprints")
    key = models.BigIntegerField(_("band key"))

    class Meta:
        indexes = [models.Index(fields=["key", "proposal"], name="proposalfp_key_idx")]
        constraints = [models.UniqueConstraint(fields=["proposal", "key"], name="proposalfp_unique")]

    def __str__(self) -> str:
        return f"{self.proposal_id}:{self.key}"


class ProposalSequence(models.Model):
    """The last proposal serial a unit issued in a year (incremented by one UPDATE under the row lock)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="proposalsequence_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.year}: {self.last}"


class ProposalEvent(AppendOnly):
    """One immutable line of a proposal's timeline."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events", db_index=False)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))
    from_state = models.CharField(max_length=16, choices=State.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=State.choices, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["proposal", "at"], name="proposalevent_idx")]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.action} {self.at:%Y-%m-%d}"


class ClockKind(models.TextChoices):
    REFER = "refer", _("Refer for assessment")  # 交由主管单位评估
    DECIDE = "decide", _("Decide on adoption")  # 作出采纳意见
    IMPLEMENT = "implement", _("Report implementation")  # 反馈落实情况


class ProposalClock(models.Model):
    """One time limit on one proposal: who owes it, from when, until when (limits in settings.PROPOSAL_LIMITS)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("kind"), max_length=12, choices=ClockKind.choices)
    owing_unit = models.ForeignKey(Unit, verbose_name=_("owing unit"), on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("start"))
    days = models.PositiveIntegerField(_("days"))
    due = models.DateField(_("due"))
    explanation = models.JSONField(default=list)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["owing_unit", "due"], name="proposalclock_open_idx", condition=Q(stopped_on=None)),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(due__gte=models.F("start")), name="proposalclock_due_not_before"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.kind} → {self.due}"
