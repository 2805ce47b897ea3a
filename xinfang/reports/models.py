"""Reports: the monthly 分析研判 of a petition department's area and the Art. 41 annual report.

A report is a draft until it is issued. While a draft, its text sections are editable and its figures are
computed again from the statistics layer (``xinfang.stats.selectors``) on every edit; once issued (who, when) it
is immutable: the stored figures and text are the record. The 突出问题 the issuer selects become ``ReportIssue``
rows, each a 联席会议 agenda item and a ``supervision.Assignment`` (source ``report``) to the responsible unit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("Monthly situation analysis")  # 月度信访形势分析研判
    ANNUAL = "annual", _("Annual petition report")  # 信访情况年度报告 (Art. 41)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")  # 草稿
    ISSUED = "issued", _("Issued")  # 已签发


class Report(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=96)  # denormalised: "reports in my area" is one range scan
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    # The figures as computed at the last generation (from the stats selectors); the text sections as edited.
    figures = models.JSONField(default=dict)
    sections = models.JSONField(default=dict)
    generated_at = models.DateTimeField(_("figures computed at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # None: drafted by the monthly job
    created_at = models.DateTimeField(_("created at"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-period_start", "kind", "unit_path"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "unit", "period_start"], name="report_once_per_period"),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(issued_by__isnull=False, issued_at__isnull=False),
                name="report_issued_has_issuer",
            ),
        ]
        indexes = [models.Index(fields=["unit_path", "-period_start"], name="report_path_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.unit_id} {self.period_start:%Y-%m}"

    @property
    def is_issued(self) -> bool:
        return self.status == ReportStatus.ISSUED


class ReportIssue(models.Model):
    """突出问题 — a problem the issuer chose from an issued monthly report: put on the 联席会议 agenda and assigned
    to the responsible unit with a deadline; the next month's report lists it with its feedback."""

    report = models.ForeignKey(Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="issues")
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+")
    due = models.DateField(_("due"))
    agenda_item = models.ForeignKey(
        "joint.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignment = models.ForeignKey("supervision.Assignment", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("outstanding problem")
        verbose_name_plural = _("outstanding problems")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title
