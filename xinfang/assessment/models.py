"""考核 under the 信访工作责任制 (Art. 39) and 专项工作 campaigns (治理重复信访、化解信访积案).

考核: a ``Scheme`` of one issuing unit for one year lists its assessed units and its ``Indicator``s — each a KPI of
the catalogue (``xinfang.stats.catalogue``, only those marked assessable: rates of how petitions are answered,
never volume or a petitioner) with a weight, a floor, a target and a scoring rule (``scoring.py``). Deductions and
bonuses are ``Adjustment``s with their reason and evidence. Computing the scheme writes one ``ScoreLine`` per
assessed unit and indicator (the figure, its numerator and denominator, the points) and one per adjustment; an
assessed unit may contest a line (``Contest``) and the issuing unit decides; both stay on record.

专项工作: a ``Campaign`` (period, scope unit, goal: the share of its cases signed off, owner) with its case list
(``CampaignCase``, each a casework ``BacklogCase`` whose 包案 — a leader and a responsible unit with its
responsible person (双包案) — is casework's own), a 责任状 per unit (``Pledge``), weekly progress
(``CampaignProgress``) and the 销号 of each case with its evidence and the petitioner's view.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.casework.models import BacklogCase
from xinfang.core.models import AppendOnly
from xinfang.orgs.models import Unit

# --- 考核 -------------------------------------------------------------------------------------------------------


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草拟: indicators and units may change
    PUBLISHED = "published", _("Published")  # 已发布: results visible to the assessed units, who may contest


class Scheme(models.Model):
    """A 考核 scheme of one issuing unit for one year (Art. 39)."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("title"), max_length=200)
    issuing_unit = models.ForeignKey(Unit, verbose_name=_("issuing unit"), on_delete=models.PROTECT, related_name="+")
    units = models.ManyToManyField(Unit, verbose_name=_("assessed units"), related_name="+")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(_("status"), max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(_("scores computed at"), null=True, blank=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["issuing_unit", "year"], name="assess_scheme_unit_idx")]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class ScoringRule(models.TextChoices):
    LINEAR = "linear", _("Linear between floor and target")  # 线性
    THRESHOLD = "threshold", _("Full marks at or above the target, else none")  # 达标得分


class Indicator(models.Model):
    """One KPI of the catalogue scored with ``weight`` points under ``rule`` (see ``scoring.score``)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    kpi = models.CharField(_("figure"), max_length=64)
    weight = models.DecimalField(_("weight (points)"), max_digits=6, decimal_places=2)
    floor = models.DecimalField(_("floor"), max_digits=5, decimal_places=4, default=Decimal(0))
    target = models.DecimalField(_("target"), max_digits=5, decimal_places=4)
    rule = models.CharField(_("scoring rule"), max_length=10, choices=ScoringRule.choices, default=ScoringRule.LINEAR)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["scheme", "kpi"], name="assess_indicator_once")]

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.kpi}"


class AdjustmentKind(models.TextChoices):
    DEDUCTION = "deduction", _("Deduction")  # 扣分
    BONUS = "bonus", _("Bonus")  # 加分


class Adjustment(AppendOnly):
    """A recorded deduction or bonus for one assessed unit, with its reason and evidence. Never edited: a wrong
    one is corrected through a contest and its decision."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="adjustments")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=AdjustmentKind.choices)
    points = models.DecimalField(
        _("points"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence (reference or link)"))
    evidence_file = models.FileField(_("evidence file"), upload_to="assessment/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("deduction or bonus")
        verbose_name_plural = _("deductions and bonuses")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.unit_id} {self.kind} {self.points}"

    @property
    def signed_points(self) -> Decimal:
        return -self.points if self.kind == AdjustmentKind.DEDUCTION else self.points


class ScoreLine(models.Model):
    """One line of an assessed unit's score: an indicator (figure, numerator, denominator, points) or an
    adjustment. ``points`` is what the computation gave; ``decided_points`` what a decision on a contest set."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="lines")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, null=True, blank=True, on_delete=models.CASCADE, related_name="lines")
    adjustment = models.OneToOneField(Adjustment, null=True, blank=True, on_delete=models.CASCADE, related_name="line")
    value = models.FloatField(_("figure"), null=True, blank=True)
    numerator = models.IntegerField(null=True, blank=True)
    denominator = models.IntegerField(null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    decided_points = models.DecimalField(
        _("points after a decision"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("score line")
        verbose_name_plural = _("score lines")
        ordering = ["unit_id", "indicator__position", "indicator_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "unit", "indicator"],
                name="assess_line_indicator_once",
                condition=models.Q(indicator__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.unit_id} {self.indicator_id or self.adjustment_id}"

    @property
    def final_points(self) -> Decimal:
        return self.decided_points if self.decided_points is not None else self.points


class ContestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")  # 待决定
    UPHELD = "upheld", _("Upheld")  # 申诉成立
    ADJUSTED = "adjusted", _("Adjusted")  # 部分成立，调整分值
    REJECTED = "rejected", _("Rejected")  # 申诉不成立


class Contest(models.Model):
    """An assessed unit's objection to one score line (申诉) and the issuing unit's decision; both kept."""

    line = models.ForeignKey(ScoreLine, on_delete=models.CASCADE, related_name="contests")
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence (reference or link)"), blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("raised at"))
    status = models.CharField(_("decision"), max_length=10, choices=ContestStatus.choices, default="pending")
    points_before = models.DecimalField(_("points before"), max_digits=7, decimal_places=2)
    new_points = models.DecimalField(_("new points"), max_digits=7, decimal_places=2, null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contested line")
        verbose_name_plural = _("contested lines")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["line"], name="assess_contest_one_pending", condition=models.Q(status="pending")
            )
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.status}"


# --- 专项工作 ---------------------------------------------------------------------------------------------------


class Campaign(models.Model):
    """A 专项工作 campaign: its period, scope, goal (share of its cases signed off, 销号率 ≥ goal) and owner."""

    title = models.CharField(_("title"), max_length=200)
    scope_unit = models.ForeignKey(Unit, verbose_name=_("scope"), on_delete=models.PROTECT, related_name="+")
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    goal_rate = models.DecimalField(
        _("goal (share of cases signed off)"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return self.title


class PetitionerView(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")  # 满意
    BASICALLY = "basically", _("Basically satisfied")  # 基本满意
    NOT = "not", _("Not satisfied")  # 不满意
    UNREACHABLE = "unreachable", _("Could not be reached")  # 无法联系


class CampaignCase(models.Model):
    """One backlog or key case on a campaign's list, added by rule or by hand, and its 销号."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="cases")
    case = models.ForeignKey(BacklogCase, on_delete=models.PROTECT, related_name="campaign_entries")
    by_rule = models.BooleanField(_("added by rule"), default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_on = models.DateField(_("added on"))
    signed_off_on = models.DateField(_("signed off on"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="assessment/%Y/%m/", blank=True)
    petitioner_view = models.CharField(
        _("petitioner's view"), max_length=12, choices=PetitionerView.choices, blank=True
    )
    sign_off_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("campaign case")
        verbose_name_plural = _("campaign cases")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "case"], name="assess_campaign_case_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.case_id}"


class Pledge(models.Model):
    """责任状: the letter of responsibility one unit signed for the campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="pledges")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    signed_by = models.CharField(_("signed by"), max_length=100)
    signed_on = models.DateField(_("signed on"))
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("file"), upload_to="assessment/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("letter of responsibility")
        verbose_name_plural = _("letters of responsibility")
        ordering = ["unit_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="assess_pledge_once")]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.unit_id}"


class CampaignProgress(AppendOnly):
    """Weekly progress of a campaign: the week (its Monday), the text, and the board's figures that day."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="progress")
    week_start = models.DateField(_("week starting"))
    text = models.TextField(_("progress"))
    figures = models.JSONField(default=dict)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("campaign progress")
        verbose_name_plural = _("campaign progress")
        ordering = ["-week_start", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.week_start}"
