"""Models of xinfang.supervision."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit
from xinfang.petitions.models import Petition


class AssignmentSource(models.TextChoices):
    """Where a decision with a deadline came from (each desk turns its decisions into assignments)."""

    RECEPTION = "reception", _("Leader's reception")  # 接访 record: assigned with a deadline
    FIELD_VISIT = "field_visit", _("Visit down / on-site meeting")  # 下访, 现场办公 minutes
    JOINT_MEETING = "joint_meeting", _("Joint conference")  # 联席会议 decision
    JOINT_SESSION = "joint_session", _("Joint reception session")  # 联合接访
    SUPERVISION = "supervision", _("Supervision")  # 督办, 责令限期整改
    CASEWORK = "casework", _("Case ownership")  # 包案 plan milestone


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
