"""Joint work (联合): 联席会议 (Arts. 11–13, 24), joint reception centres (一站式, Art. 18 ¶3), pre-litigation
mediation referrals, grassroots points (群众说事点 / 网格) with household visits (登门遍访) and follow-up visits
after closing (上门回访).

Each desk keeps its own records here; decisions with deadlines are ``supervision.Assignment`` rows
(source ``joint_meeting`` / ``joint_session``, ``source_id`` = the decision or session id), and everything that
concerns a petition also writes the petition's own timeline through the petition services.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit
from xinfang.petitions.models import Petition, Satisfaction


class JointConference(models.Model):
    """信访工作联席会议 of one level, sitting at ``unit`` (usually the 党委/政府 or its 信访部门 as the office)."""

    unit = models.OneToOneField(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=96, db_index=True)  # denormalised: oversight is one range scan
    name = models.CharField(_("name"), max_length=100)
    members = models.ManyToManyField(Unit, verbose_name=_("member units"), related_name="+", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("joint conference")
        verbose_name_plural = _("joint conferences")
        ordering = ["unit_path"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    """One sitting of a joint conference: who convened it, which units attended, the minutes."""

    conference = models.ForeignKey(
        JointConference, verbose_name=_("joint conference"), on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField(_("date"))
    convened_by = models.CharField(_("convened by"), max_length=100)  # 召集人 (a leader of 党委/政府, Art. 13)
    attendees = models.ManyToManyField(Unit, verbose_name=_("attending units"), related_name="+", blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["conference", "-held_on", "-id"], name="joint_meeting_conf_idx")]

    def __str__(self) -> str:
        return f"{self.conference.name} {self.held_on:%Y-%m-%d}"


class AgendaKind(models.TextChoices):
    PETITION = "petition", _("Petition")  # 信访事项
    HOT_ISSUE = "hot_issue", _("Hot issue")  # 热点问题
    POLICY = "policy", _("Policy question")  # 政策问题


class JurisdictionRoute(models.TextChoices):
    """How an Art. 24 decision of the conference reached the petition."""

    SERVICE = "service", _("Decided through the petition workflow")
    ASSIGNED = "assigned", _("Assigned to the common superior to carry out")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=16, choices=AgendaKind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)  # e.g. an insight hot-issue id
    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Art. 24: the competent unit named by the conference for a disputed petition.
    jurisdiction_unit = models.ForeignKey(
        Unit,
        verbose_name=_("competent unit decided"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    jurisdiction_route = models.CharField(
        _("how the decision was carried out"), max_length=10, choices=JurisdictionRoute.choices, blank=True
    )
    jurisdiction_note = models.TextField(_("reasons"), blank=True)
    jurisdiction_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    jurisdiction_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """议定事项 — what the meeting decided on an item; its follow-up is the state of its assignments."""

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(_("decision"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]


# --- Joint reception centres (一站式, Art. 18 ¶3) ---


class Centre(models.Model):
    """社会矛盾纠纷调处化解中心 / 信访超市: the unit whose registrars take matters in at the universal window."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=96, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    departments = models.ManyToManyField(Unit, verbose_name=_("stationed departments"), related_name="+", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("joint reception centre")
        verbose_name_plural = _("joint reception centres")
        ordering = ["unit_path", "id"]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.CASCADE, related_name="windows")
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Unit, verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_universal = models.BooleanField(_("universal window"), default=False)  # 无差别受理窗口

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["centre", "-is_universal", "id"]

    def __str__(self) -> str:
        return self.name


class TriageKind(models.TextChoices):
    LITIGATION = "litigation", _("Litigation-type (诉)")
    PETITION = "petition", _("Petition-type (访)")


class LitigationRoute(models.TextChoices):
    MEDIATION = "mediation", _("Pre-litigation mediation")  # 诉前调解
    COURT = "court", _("Guidance to court")  # 引导诉讼


class Intake(models.Model):
    """One walk-in matter taken at a window and triaged 诉 / 访 (无差别受理)."""

    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="intakes")
    window = models.ForeignKey(Window, verbose_name=_("window"), on_delete=models.PROTECT, related_name="intakes")
    kind = models.CharField(_("classification"), max_length=12, choices=TriageKind.choices)
    summary = models.CharField(_("matter"), max_length=200)
    reason = models.TextField(_("reason for the classification"), blank=True)
    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    routed_to = models.ForeignKey(
        Unit, verbose_name=_("routed to"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    litigation_route = models.CharField(_("referral"), max_length=12, choices=LitigationRoute.choices, blank=True)
    guidance = models.TextField(_("guidance given"), blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("taken by"), on_delete=models.PROTECT, related_name="+"
    )
    taken_on = models.DateField(_("date"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("window intake")
        verbose_name_plural = _("window intakes")
        indexes = [models.Index(fields=["centre", "-id"], name="joint_intake_centre_idx")]

    def __str__(self) -> str:
        return self.summary


class MediationStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    AGREED = "agreed", _("Agreement reached")  # 达成调解协议
    NOT_AGREED = "not_agreed", _("No agreement reached")


class MediationReferral(models.Model):
    """诉前调解 — a litigation-type matter referred to a mediation organisation, with its 调解协议 outcome."""

    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="referrals")
    intake = models.OneToOneField(
        Intake,
        verbose_name=_("window intake"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referral",
    )
    matter = models.TextField(_("matter"))
    parties_summary = models.TextField(_("parties"))
    mediator_org = models.CharField(_("mediation organisation"), max_length=100)
    status = models.CharField(
        _("status"), max_length=12, choices=MediationStatus.choices, default=MediationStatus.REFERRED
    )
    referred_on = models.DateField(_("referred on"))
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agreement_text = models.TextField(_("agreement text"), blank=True)
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mediation referral")
        verbose_name_plural = _("mediation referrals")
        indexes = [models.Index(fields=["centre", "status", "-id"], name="joint_mediation_idx")]

    def __str__(self) -> str:
        return self.matter[:40]


class JointSession(models.Model):
    """联合接访 — several departments receive one matter together; decisions become assignments."""

    centre = models.ForeignKey(Centre, verbose_name=_("centre"), on_delete=models.PROTECT, related_name="sessions")
    held_on = models.DateField(_("date"))
    led_by = models.CharField(_("led by"), max_length=100)
    matter = models.TextField(_("matter"))
    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    departments = models.ManyToManyField(Unit, verbose_name=_("departments present"), related_name="+")
    outcome = models.TextField(_("outcome"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("joint reception session")
        verbose_name_plural = _("joint reception sessions")
        indexes = [models.Index(fields=["centre", "-held_on", "-id"], name="joint_session_centre_idx")]

    def __str__(self) -> str:
        return self.matter[:40]


# --- Grassroots points (群众说事点 / 网格) ---


class GrassrootsPoint(models.Model):
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=96, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    grid = models.CharField(_("grid"), max_length=100, blank=True)  # 网格
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("grassroots point")
        verbose_name_plural = _("grassroots points")
        ordering = ["unit_path", "id"]

    def __str__(self) -> str:
        return self.name


class VisitOutcome(models.TextChoices):
    NOTHING = "nothing", _("Nothing found")  # 无矛盾纠纷
    RESOLVED = "resolved", _("Resolved on the spot")  # 当场化解
    REGISTERED = "registered", _("Registered as a petition")  # 登记进入信访事项


class HouseholdVisit(models.Model):
    """登门遍访 / 矛盾纠纷排查 — a visit in the grid; what was found and what became of it.

    It records places and matters, never a watch-list of people.
    """

    point = models.ForeignKey(
        GrassrootsPoint, verbose_name=_("grassroots point"), on_delete=models.PROTECT, related_name="visits"
    )
    visited_on = models.DateField(_("date"))
    place = models.CharField(_("household or place visited"), max_length=200)
    findings = models.TextField(_("findings"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=VisitOutcome.choices)
    resolution = models.TextField(_("how it was resolved"), blank=True)
    petition = models.ForeignKey(
        Petition, verbose_name=_("petition"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visited by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        indexes = [models.Index(fields=["point", "-visited_on", "-id"], name="joint_visit_point_idx")]

    def __str__(self) -> str:
        return self.place


class FollowUpVisit(models.Model):
    """上门回访 after the reply: the petitioner's view, also written to the petition's timeline."""

    petition = models.ForeignKey(Petition, verbose_name=_("petition"), on_delete=models.PROTECT, related_name="+")
    point = models.ForeignKey(
        GrassrootsPoint,
        verbose_name=_("grassroots point"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("visiting unit"), on_delete=models.PROTECT, related_name="+")
    unit_path = models.CharField(max_length=96)
    visited_on = models.DateField(_("date"))
    view = models.CharField(_("petitioner's view"), max_length=14, choices=Satisfaction.choices)
    view_text = models.TextField(_("in their words"), blank=True)
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visited by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        indexes = [models.Index(fields=["unit_path", "-id"], name="joint_followup_path_idx")]

    def __str__(self) -> str:
        return f"{self.petition_id} {self.visited_on:%Y-%m-%d}"
