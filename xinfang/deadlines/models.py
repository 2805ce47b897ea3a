"""Admin-maintained calendar corrections and local practice targets.

Neither changes a statutory time limit: ``HolidayOverride`` corrects which days are working days (the State
Council publishes each year's schedule late in the previous year, and chinesecalendar may lag behind), and
``LocalTarget`` adds a stricter local target beside a statutory clock.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.deadlines.rules import ClockKind, DayKind

DAY_KIND_CHOICES = [
    (DayKind.CALENDAR.value, _("Calendar days")),
    (DayKind.WORKING.value, _("Working days")),
]


class HolidayOverride(models.Model):
    """One day whose status differs from (or is missing in) the chinesecalendar package. Overrides win."""

    day = models.DateField(_("day"), unique=True)
    is_workday = models.BooleanField(
        _("working day"),
        help_text=_("Tick for a make-up working day (调休); leave empty for a holiday or rest day."),
    )
    name = models.CharField(_("holiday name"), max_length=50, blank=True, help_text=_("For example 春节."))
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("Source, e.g. the notice number."))

    class Meta:
        verbose_name = _("holiday override")
        verbose_name_plural = _("holiday overrides")
        ordering = ["day"]

    def __str__(self) -> str:
        status = _("working day") if self.is_workday else _("holiday")
        label = f"{self.name} " if self.name else ""
        return f"{self.day.isoformat()} {label}({status})"


class LocalTarget(models.Model):
    """A unit's stricter local target for a clock (e.g. 兴国县 "3天见面"), shown beside the statutory one.

    It never replaces the statutory time limit of the 信访工作条例; it only adds a target date. A target on a
    unit applies to the units below it when ``include_subtree`` is set; the nearest unit's target wins (see
    ``services.local_target_for``).
    """

    unit = models.ForeignKey(
        "orgs.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="local_targets"
    )
    kind = models.CharField(_("clock"), max_length=20, choices=ClockKind.choices)
    days = models.PositiveSmallIntegerField(_("days"), validators=[MinValueValidator(1)])
    day_kind = models.CharField(_("day kind"), max_length=8, choices=DAY_KIND_CHOICES, default=DayKind.CALENDAR.value)
    include_subtree = models.BooleanField(
        _("applies to subordinate units"),
        default=True,
        help_text=_("If unticked, the target applies to this unit only."),
    )
    first_time_only = models.BooleanField(
        _("first-time items only"),
        default=False,
        help_text=_("Apply only to first-time (初次) petitions, as in the 兴国 practice."),
    )
    label = models.CharField(_("label"), max_length=100, blank=True, help_text=_("For example 3天见面."))

    class Meta:
        verbose_name = _("local target")
        verbose_name_plural = _("local targets")
        ordering = ["unit", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "kind"], name="localtarget_unit_kind_unique"),
            models.CheckConstraint(condition=models.Q(days__gte=1), name="localtarget_days_positive"),
        ]

    def __str__(self) -> str:
        return self.label or f"{self.get_kind_display()}: {self.days} ({self.get_day_kind_display()})"
