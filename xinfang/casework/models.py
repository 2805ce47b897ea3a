"""包案 and 积案: backlog and key cases, the leader who owns them, the plan, its milestones, progress and outcome.

A ``BacklogCase`` is one petition taken up as a 积案 (backlog case: found by the configured rules or marked by
hand) or a 重点 case (key case, marked by hand). Its life: candidate (found by the weekly rules) → open (confirmed
or marked by hand) → in charge (a 包案领导, 责任单位 and 责任人 are assigned, Art. 18) → closed (化解 outcome and
息访 status recorded); or candidate → dismissed. Each change appends a ``CaseEvent``; progress updates are
``ProgressUpdate`` rows; both are immutable. Each plan milestone is also a 交办事项 (``supervision.Assignment``)
so overdue milestones are followed by supervision.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.core.models import AppendOnly
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Petition
from xinfang.supervision.models import Assignment


class CaseKind(models.TextChoices):
    BACKLOG = "backlog", _("Backlog case")  # 积案
    KEY = "key", _("Key case")  # 重点


class CaseStatus(models.TextChoices):
    CANDIDATE = "candidate", _("Candidate")  # 待确认 (found by the rules)
    OPEN = "open", _("Confirmed, awaiting a leader")  # 已确认，待包案
    IN_CHARGE = "in_charge", _("Owned by a leader")  # 包案中
    CLOSED = "closed", _("Closed")  # 已结案
    DISMISSED = "dismissed", _("Dismissed")  # 已排除


ACTIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.IN_CHARGE)
COUNTED_STATUSES = (CaseStatus.OPEN, CaseStatus.IN_CHARGE, CaseStatus.CLOSED)  # confirmed cases


class BacklogRule(models.TextChoices):
    """The configurable 积案 rules (settings ``XINFANG_BACKLOG_RULES``)."""

    AGE = "age", _("Unsettled for a long time")  # 久拖未结
    REPEAT = "repeat", _("Petitioned repeatedly")  # 重复信访
    REVIEW = "review", _("In review, or petitioned again after termination")  # 复查复核 / 终结后仍信访


class Resolution(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")  # 化解
    PARTLY = "partly", _("Partly resolved")  # 部分化解
    UNRESOLVED = "unresolved", _("Not resolved")  # 未化解


class QuietStatus(models.TextChoices):
    QUIET = "quiet", _("Petitioning has stopped")  # 息访
    NOT_QUIET = "not_quiet", _("Still petitioning")  # 未息访


class QuietBasis(models.TextChoices):
    PLEDGE = "pledge", _("Written pledge to stop petitioning")  # 息访承诺
    FOLLOW_UP = "follow_up", _("Follow-up visit")  # 回访
    NO_NEW_PETITION = "no_new_petition", _("No new petition since")  # 未再信访
    OTHER = "other", _("Other")


class BacklogCase(models.Model):
    """积案 / 重点 case on one petition, with its 包案 assignment and outcome."""

    petition = models.OneToOneField(
        Petition, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="backlog_case"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices, default=CaseKind.BACKLOG)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.CANDIDATE)
    # Rules that matched when the case was found (all False for a case marked by hand).
    by_age = models.BooleanField(_("matched the age rule"), default=False)
    by_repeat = models.BooleanField(_("matched the repeat rule"), default=False)
    by_review = models.BooleanField(_("matched the review-stage rule"), default=False)
    chain_length = models.PositiveSmallIntegerField(_("petitions in the repeat chain"), default=1)
    # When the matter was first received (the earliest petition of the repeat chain): the ageing of the board.
    first_received_on = models.DateField(_("first received on"))
    # Where the case sits: the responsible unit once assigned, else the unit holding the petition when marked.
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=96)
    level = models.CharField(_("level"), max_length=16)

    reason = models.TextField(_("reason"), blank=True)  # why marked by hand, or the rule summary
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    marked_on = models.DateField(_("marked on"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("confirmed or dismissed on"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    # 包案: leader, responsible unit and responsible person (Art. 18).
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader in charge"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_led",
    )
    responsible_unit = models.ForeignKey(
        Unit, verbose_name=_("responsible unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responsible_person = models.CharField(_("responsible person"), max_length=100, blank=True)
    taken_on = models.DateField(_("taken in charge on"), null=True, blank=True)
    plan = models.TextField(_("resolution plan"), blank=True)
    last_progress_on = models.DateField(_("last progress on"), null=True, blank=True)

    outcome = models.CharField(_("resolution outcome"), max_length=12, choices=Resolution.choices, blank=True)
    outcome_text = models.TextField(_("outcome details"), blank=True)
    outcome_on = models.DateField(_("resolved on"), null=True, blank=True)
    quiet_status = models.CharField(_("petitioning status"), max_length=10, choices=QuietStatus.choices, blank=True)
    quiet_basis = models.CharField(_("confirmed by"), max_length=16, choices=QuietBasis.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("backlog case")
        verbose_name_plural = _("backlog cases")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["status", "-id"], name="case_status_idx"),
            models.Index(fields=["unit_path", "status"], name="case_path_idx"),
            models.Index(fields=["leader", "status"], name="case_leader_idx", condition=Q(leader__isnull=False)),
            models.Index(fields=["first_received_on"], name="case_received_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.kind} {self.status}"

    @property
    def rules(self) -> list[str]:
        return [
            r.value
            for r, on in (
                (BacklogRule.AGE, self.by_age),
                (BacklogRule.REPEAT, self.by_repeat),
                (BacklogRule.REVIEW, self.by_review),
            )
            if on
        ]

    @property
    def rule_labels(self) -> list[str]:
        return [str(BacklogRule(r).label) for r in self.rules]

    def age_days(self, today: dt.date) -> int:
        return (today - self.first_received_on).days


class CaseEventKind(models.TextChoices):
    FOUND = "found", _("Found by the backlog rules")
    MARKED = "marked", _("Marked by hand")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    TAKEN = "taken", _("Leader took charge")
    PLAN = "plan", _("Resolution plan recorded")
    MILESTONE = "milestone", _("Milestone added")
    MILESTONE_DONE = "milestone_done", _("Milestone done")
    CLOSED = "closed", _("Outcome recorded and case closed")


class CaseEvent(AppendOnly):
    """One immutable line of the case's own history."""

    case = models.ForeignKey(BacklogCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=16, choices=CaseEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField(_("time"))
    data = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class Milestone(models.Model):
    """A step of the resolution plan: what, by when, by which unit — followed as a 交办事项."""

    case = models.ForeignKey(BacklogCase, on_delete=models.CASCADE, related_name="milestones")
    what = models.TextField(_("what is to be done"))
    due = models.DateField(_("due"))
    unit = models.ForeignKey(Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+")
    assignment = models.OneToOneField(
        Assignment, null=True, blank=True, on_delete=models.PROTECT, related_name="casework_milestone"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due", "id"]
        indexes = [models.Index(fields=["case", "due"], name="milestone_case_due_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.due:%Y-%m-%d} {self.what[:20]}"


class ProgressUpdate(AppendOnly):
    """进展 — who reported what, when. Never edited."""

    case = models.ForeignKey(BacklogCase, on_delete=models.CASCADE, related_name="progress")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))
    text = models.TextField(_("progress"))

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "at"], name="progress_case_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.at:%Y-%m-%d}"


class WeeklySchedule(models.Model):
    """每周调度 — one leader's key-case schedule for one week, as sent (JSON), kept for the desk."""

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField(_("week starting"))  # the Monday
    data = models.JSONField(default=dict)
    generated_at = models.DateTimeField(_("generated at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly schedule")
        verbose_name_plural = _("weekly schedules")
        ordering = ["-week_start", "id"]
        constraints = [models.UniqueConstraint(fields=["leader", "week_start"], name="weeklyschedule_unique")]

    def __str__(self) -> str:
        return f"{self.leader_id} {self.week_start}"


# Ageing of the matter since it was first received (the board's buckets; see selectors.age_bucket_q).
AGE_LABELS = {
    "lt6m": _("Under 6 months"),
    "6to12m": _("6 to 12 months"),
    "1to2y": _("1 to 2 years"),
    "gt2y": _("Over 2 years"),
}
