"""State changes of 考核 schemes (Art. 39) and 专项工作 campaigns. Every service is atomic and checks the actor.

考核 rules written here:
- An indicator scores a KPI of the catalogue marked assessable (``catalogue.is_assessable``): a rate of how
  petitions are answered. A count — the number of petitions received, visits, persons — or anything about a
  petitioner as a person is refused: petitioning is a right, and the score measures how it is answered, not how
  often people use it (信访工作条例 Art. 39; since 2014 regions are no longer ranked by petition volume).
- Scores come from the same functions as the dashboards (``stats.selectors.measure_sums`` / ``desk_figures`` with
  ``view_for`` of the issuing manager narrowed to the assessed unit), so a line equals the dashboard's figure.
- An assessed unit may contest a line of a published scheme (one pending contest per line); a manager of the
  issuing unit decides: upheld (an indicator line gets its full weight, an adjustment line 0), adjusted (new
  points), or rejected (the points stand), always with a reason. The contest and the decision are both kept.

专项工作 rules written here:
- Cases come from casework (``BacklogCase``); their 包案 — the leader and the responsible unit with its responsible
  person (双包案) — is casework's own (``case_take_charge``).
- 销号 needs evidence, the petitioner's view, and the case closed in casework with the outcome resolved (化解).
- A case is signed off once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.assessment import scoring
from xinfang.assessment.models import (
    Adjustment,
    AdjustmentKind,
    Campaign,
    CampaignCase,
    CampaignProgress,
    Contest,
    ContestStatus,
    Indicator,
    PetitionerView,
    Pledge,
    Scheme,
    SchemeStatus,
    ScoreLine,
    ScoringRule,
)
from xinfang.assessment.selectors import MANAGER_ROLES, board
from xinfang.casework.models import ACTIVE_STATUSES, BacklogCase, CaseKind, CaseStatus, Resolution
from xinfang.casework.selectors import cases_visible_to
from xinfang.core import timeutil
from xinfang.core.errors import DomainError, InvalidInput, NotPermitted, RuleViolation
from xinfang.orgs.models import Unit, User
from xinfang.petitions.uploads import check_upload, stored_name
from xinfang.stats import catalogue
from xinfang.stats import selectors as stats

ART_39 = "信访工作条例 Art. 39"


def _require_manager(actor: User) -> Unit:
    unit = actor.unit
    if unit is None or not actor.has_role(*MANAGER_ROLES) or not actor.oversees_below:
        raise NotPermitted(_("Only a supervisor, leader or unit head of an overseeing unit can do this."))
    return unit


def _require_issuer(actor: User, scheme: Scheme) -> None:
    if actor.unit_id != scheme.issuing_unit_id or not actor.has_role(*MANAGER_ROLES):
        raise NotPermitted(_("Only a supervisor, leader or unit head of the issuing unit can do this."))


def _require_text(value: str, field: str) -> str:
    if not (value or "").strip():
        raise InvalidInput(_("This field is required."), field=field)
    return value.strip()


def _checked_file(f: Any, field: str) -> Any:
    """An evidence file as the petitions' attachments are checked (``petitions.uploads.check_upload``: the
    extension allowed and the content of that kind; 400 naming ``field`` otherwise), stored under a short, safe
    name. None for no file."""
    if not f:
        return None
    checked = check_upload(f, field=field)
    f.name = stored_name(f.name or "", checked.extension)
    return f


def _require_draft(scheme: Scheme) -> None:
    if scheme.status != SchemeStatus.DRAFT:
        raise RuleViolation(_("The scheme is published: its units and indicators no longer change."), code="published")


# --- 考核 schemes ---


@transaction.atomic
def scheme_create(
    *,
    actor: User,
    year: int,
    title: str,
    units: Iterable[Unit],
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> Scheme:
    """A draft scheme of the actor's unit for ``year`` (by default the whole year) over ``units``, each in the
    part of the tree the actor's unit oversees."""
    own = _require_manager(actor)
    title = _require_text(title, "title")
    start = period_start or dt.date(year, 1, 1)
    end = period_end or dt.date(year, 12, 31)
    if start > end:
        raise InvalidInput(_("“from” must not be after “to”."), field="period_start")
    if start.year != year or end.year != year:
        raise InvalidInput(_("The period must lie in the scheme's year."), field="period_start")
    units = list(units)
    if not units:
        raise InvalidInput(_("Choose at least one unit to assess."), field="units")
    for unit in units:
        if not unit.is_within(own.scope_path):
            raise InvalidInput(
                _("%(unit)s is not in the part of the tree your unit oversees.") % {"unit": unit.name},
                field="units",
            )
    scheme = Scheme.objects.create(
        year=year, title=title, issuing_unit=own, period_start=start, period_end=end, created_by=actor
    )
    scheme.units.set(units)
    return scheme


def _check_indicator(*, kpi: str, weight: Decimal, target: Decimal, floor: Decimal, rule: str) -> None:
    """An indicator's figure must be assessable (Art. 39); its weight, target, floor and rule must make sense."""
    found = catalogue.BY_NAME.get(kpi)
    if found is None:
        raise InvalidInput(_("Unknown figure."), field="kpi")
    if not catalogue.is_assessable(found):
        raise RuleViolation(
            _(
                "“%(kpi)s” cannot be scored: an assessment scores how petitions are answered, never how many "
                "arrive or who sends them (petitioning is a right)."
            )
            % {"kpi": found.label},
            code="not_assessable",
            field="kpi",
            article=ART_39,
        )
    if rule not in ScoringRule.values:
        raise InvalidInput(_("Unknown scoring rule."), field="rule")
    if weight <= 0:
        raise InvalidInput(_("The weight must be more than 0 points."), field="weight")
    for name, v in (("target", target), ("floor", floor)):
        if not Decimal(0) <= v <= Decimal(1):
            raise InvalidInput(_("Give a fraction between 0 and 1."), field=name)
    if rule == ScoringRule.LINEAR and floor >= target:
        raise InvalidInput(_("The floor must be below the target."), field="floor")


@transaction.atomic
def indicator_add(
    *,
    actor: User,
    scheme: Scheme,
    kpi: str,
    weight: Decimal,
    target: Decimal,
    floor: Decimal = Decimal(0),
    rule: str = ScoringRule.LINEAR,
) -> Indicator:
    """Add an indicator: an assessable KPI (a rate; never volume, never a person — Art. 39), its weight in points,
    its target and floor as fractions in [0, 1], and its scoring rule."""
    _require_issuer(actor, scheme)
    _require_draft(scheme)
    _check_indicator(kpi=kpi, weight=weight, target=target, floor=floor, rule=rule)
    if scheme.indicators.filter(kpi=kpi).exists():
        raise InvalidInput(_("This figure is already an indicator of the scheme."), field="kpi")
    return Indicator.objects.create(
        scheme=scheme,
        kpi=kpi,
        weight=weight,
        target=target,
        floor=floor,
        rule=rule,
        position=scheme.indicators.count(),
    )


@transaction.atomic
def indicator_edit(
    *,
    actor: User,
    indicator: Indicator,
    kpi: str,
    weight: Decimal,
    target: Decimal,
    floor: Decimal = Decimal(0),
    rule: str = ScoringRule.LINEAR,
) -> Indicator:
    """Change an indicator while its scheme is a draft (a published scheme's indicators no longer change), with
    the same checks as ``indicator_add``."""
    indicator = Indicator.objects.select_for_update().select_related("scheme").get(pk=indicator.pk)
    _require_issuer(actor, indicator.scheme)
    _require_draft(indicator.scheme)
    _check_indicator(kpi=kpi, weight=weight, target=target, floor=floor, rule=rule)
    if indicator.scheme.indicators.filter(kpi=kpi).exclude(pk=indicator.pk).exists():
        raise InvalidInput(_("This figure is already an indicator of the scheme."), field="kpi")
    indicator.kpi, indicator.weight, indicator.target, indicator.floor = kpi, weight, target, floor
    indicator.rule = rule
    indicator.save(update_fields=["kpi", "weight", "target", "floor", "rule"])
    return indicator


def _line_for(adjustment: Adjustment) -> ScoreLine:
    return ScoreLine.objects.create(
        scheme=adjustment.scheme,
        unit=adjustment.unit,
        adjustment=adjustment,
        points=adjustment.signed_points,
        computed_at=timeutil.now(),
    )


@transaction.atomic
def adjustment_record(
    *,
    actor: User,
    scheme: Scheme,
    unit: Unit,
    kind: str,
    points: Decimal,
    reason: str,
    evidence: str,
    evidence_file: Any = None,
) -> Adjustment:
    """Record a deduction or bonus for an assessed unit, with its reason and evidence (a reference, a link or a
    file); it becomes a line of the unit's score at once."""
    _require_issuer(actor, scheme)
    if not scheme.units.filter(pk=unit.pk).exists():
        raise InvalidInput(_("This unit is not assessed by the scheme."), field="unit")
    if kind not in AdjustmentKind.values:
        raise InvalidInput(_("Choose deduction or bonus."), field="kind")
    if points <= 0:
        raise InvalidInput(_("The points must be more than 0."), field="points")
    adjustment = Adjustment(
        scheme=scheme,
        unit=unit,
        kind=kind,
        points=points,
        reason=_require_text(reason, "reason"),
        evidence=_require_text(evidence, "evidence"),
        recorded_by=actor,
        recorded_at=timeutil.now(),
    )
    evidence_file = _checked_file(evidence_file, "evidence_file")
    if evidence_file:
        adjustment.evidence_file = evidence_file
    adjustment.save()
    _line_for(adjustment)
    return adjustment


def figure(view: stats.View, kpi: catalogue.Kpi, start: dt.date, end: dt.date) -> tuple[float | None, int, int]:
    """(value, numerator, denominator) of a rate KPI for the view, from the dashboards' own functions."""
    if kpi.desk:
        num, den = stats.desk_figures(view, start, end, [kpi.desk])[kpi.name]
        value = stats.desk_value(kpi, (num, den))
        return (float(value) if value is not None else None), int(num or 0), int(den or 0)
    sums = stats.measure_sums(view, start, end, catalogue.measures_of(kpi))
    value, num, den = catalogue.compute(kpi, sums)
    return (float(value) if value is not None else None), int(num), int(den or 0)


@transaction.atomic
def scheme_compute(*, actor: User, scheme: Scheme) -> Scheme:
    """Compute every assessed unit's indicator lines for the scheme's period, as the actor (a manager of the
    issuing unit) sees them on the dashboard narrowed to that unit. Lines are updated in place, so contests and
    decisions stay attached; a decided line keeps its decided points."""
    _require_issuer(actor, scheme)
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    now = timeutil.now()
    indicators = list(scheme.indicators.all())
    for unit in scheme.units.all():
        view = stats.view_for(actor, unit.pk)
        for ind in indicators:
            value, num, den = figure(view, catalogue.BY_NAME[ind.kpi], scheme.period_start, scheme.period_end)
            points = scoring.score(ind.rule, value, ind.weight, ind.floor, ind.target)
            ScoreLine.objects.update_or_create(
                scheme=scheme,
                unit=unit,
                indicator=ind,
                defaults={
                    "value": value,
                    "numerator": num,
                    "denominator": den,
                    "points": points,
                    "computed_at": now,
                },
            )
    scheme.computed_at, scheme.computed_by = now, actor
    scheme.save(update_fields=["computed_at", "computed_by"])
    return scheme


@transaction.atomic
def scheme_publish(*, actor: User, scheme: Scheme) -> Scheme:
    """Publish the results to the assessed units (computing them first), who may then contest a line."""
    _require_issuer(actor, scheme)
    _require_draft(scheme)
    if not scheme.indicators.exists():
        raise RuleViolation(_("Add at least one indicator before publishing."), code="no_indicators")
    scheme = scheme_compute(actor=actor, scheme=scheme)
    scheme.status, scheme.published_at = SchemeStatus.PUBLISHED, timeutil.now()
    scheme.save(update_fields=["status", "published_at"])
    return scheme


@transaction.atomic
def line_contest(*, actor: User, line: ScoreLine, reason: str, evidence: str = "") -> Contest:
    """申诉: a member of the assessed unit contests one line of a published scheme, with the reason and evidence."""
    line = ScoreLine.objects.select_for_update().select_related("scheme").get(pk=line.pk)
    if actor.unit_id != line.unit_id:
        raise NotPermitted(_("Only the assessed unit can contest its own lines."))
    if line.scheme.status != SchemeStatus.PUBLISHED:
        raise RuleViolation(_("Lines can be contested once the results are published."), code="not_published")
    if line.contests.filter(status=ContestStatus.PENDING).exists():
        raise RuleViolation(_("This line is already contested and awaits a decision."), code="contest_pending")
    return Contest.objects.create(
        line=line,
        reason=_require_text(reason, "reason"),
        evidence=(evidence or "").strip(),
        raised_by=actor,
        raised_at=timeutil.now(),
        points_before=line.final_points,
    )


@transaction.atomic
def contest_decide(
    *, actor: User, contest: Contest, decision: str, reason: str, new_points: Decimal | None = None
) -> Contest:
    """The issuing unit decides a contest (see the module docstring); the line's points follow the decision."""
    contest = Contest.objects.select_for_update().get(pk=contest.pk)
    line = ScoreLine.objects.select_related("scheme", "indicator").get(pk=contest.line_id)
    _require_issuer(actor, line.scheme)
    if contest.status != ContestStatus.PENDING:
        raise RuleViolation(_("This contest has already been decided."), code="contest_decided")
    reason = _require_text(reason, "reason")
    if decision == ContestStatus.UPHELD:
        new_points = line.indicator.weight if line.indicator_id and line.indicator else Decimal(0)
    elif decision == ContestStatus.ADJUSTED:
        if new_points is None:
            raise InvalidInput(_("Give the new points."), field="new_points")
        if line.indicator_id and line.indicator and not Decimal(0) <= new_points <= line.indicator.weight:
            raise InvalidInput(_("The points must lie between 0 and the indicator's weight."), field="new_points")
    elif decision == ContestStatus.REJECTED:
        new_points = None
    else:
        raise InvalidInput(_("Choose upheld, adjusted or rejected."), field="decision")
    contest.status = decision
    contest.decision_reason = reason
    contest.decided_by, contest.decided_at = actor, timeutil.now()
    contest.new_points = new_points
    contest.save()
    if new_points is not None:
        line.decided_points = new_points
        line.save(update_fields=["decided_points"])
    return contest


# --- 专项工作 campaigns ---


def may_run_campaign(actor: User, campaign: Campaign) -> bool:
    """The owner, or a manager of a unit that oversees the campaign's scope."""
    try:
        _require_campaign_manager(actor, campaign)
    except NotPermitted:
        return False
    return True


def _require_campaign_manager(actor: User, campaign: Campaign) -> None:
    """The owner, or a manager of a unit that oversees the campaign's scope."""
    if actor.pk == campaign.owner_id:
        return
    unit = actor.unit
    if unit is None or not actor.has_role(*MANAGER_ROLES) or not actor.oversees_below:
        raise NotPermitted(_("Only the campaign's owner or a manager over its scope can do this."))
    if not campaign.scope_unit.is_within(unit.scope_path):
        raise NotPermitted(_("Only the campaign's owner or a manager over its scope can do this."))


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    title: str,
    scope_unit: Unit,
    start: dt.date,
    end: dt.date,
    goal_rate: Decimal,
    owner: User | None = None,
    description: str = "",
) -> Campaign:
    own = _require_manager(actor)
    if not scope_unit.is_within(own.scope_path):
        raise InvalidInput(_("The scope must lie in the part of the tree your unit oversees."), field="scope_unit")
    if start > end:
        raise InvalidInput(_("“from” must not be after “until”."), field="start")
    if not Decimal(0) < goal_rate <= Decimal(1):
        raise InvalidInput(_("Give the goal as a fraction above 0 and at most 1."), field="goal_rate")
    owner = owner or actor
    if owner.unit is None or not (owner.unit.is_within(own.scope_path) or owner.unit_id == own.pk):
        raise InvalidInput(_("The owner must be staff of a unit in your scope."), field="owner")
    return Campaign.objects.create(
        title=_require_text(title, "title"),
        scope_unit=scope_unit,
        start=start,
        end=end,
        goal_rate=goal_rate,
        owner=owner,
        description=description.strip(),
        created_by=actor,
    )


def _in_scope(actor: User, campaign: Campaign) -> Any:
    return cases_visible_to(actor).filter(unit_path__startswith=campaign.scope_unit.path)


@transaction.atomic
def campaign_add_by_rule(*, actor: User, campaign: Campaign, kinds: Iterable[str] = ()) -> int:
    """Add every confirmed, unclosed backlog (or key) case in the campaign's scope that the actor's board lists
    and the campaign does not hold yet; the number added."""
    _require_campaign_manager(actor, campaign)
    kinds = [k for k in kinds if k] or [CaseKind.BACKLOG]
    for k in kinds:
        if k not in CaseKind.values:
            raise InvalidInput(_("Unknown kind of case."), field="kinds")
    cases = (
        _in_scope(actor, campaign)
        .filter(status__in=ACTIVE_STATUSES, kind__in=kinds)
        .exclude(campaign_entries__campaign=campaign)
        .values_list("pk", flat=True)
    )
    today = timeutil.today()
    rows = [CampaignCase(campaign=campaign, case_id=pk, by_rule=True, added_by=actor, added_on=today) for pk in cases]
    CampaignCase.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def campaign_add_case(*, actor: User, campaign: Campaign, case: BacklogCase) -> CampaignCase:
    """Add one confirmed case of the campaign's scope by hand."""
    _require_campaign_manager(actor, campaign)
    if not _in_scope(actor, campaign).filter(pk=case.pk).exists():
        raise InvalidInput(_("No case in the campaign's scope that you can see."), field="case")
    if case.status in (CaseStatus.CANDIDATE, CaseStatus.DISMISSED):
        raise RuleViolation(_("Only confirmed cases can be on a campaign's list."), code="case_status", field="case")
    if campaign.cases.filter(case=case).exists():
        raise InvalidInput(_("The case is already on the campaign's list."), field="case")
    return CampaignCase.objects.create(
        campaign=campaign, case=case, by_rule=False, added_by=actor, added_on=timeutil.today()
    )


@transaction.atomic
def campaign_add_case_by_number(*, actor: User, campaign: Campaign, number: str) -> CampaignCase:
    """Add by hand the backlog case of the petition with this 编号 (the petition's number, exact)."""
    _require_campaign_manager(actor, campaign)
    number = _require_text(number, "number")
    case = _in_scope(actor, campaign).filter(petition__number=number).first()
    if case is None:
        raise InvalidInput(
            _("No backlog case with the petition number %(number)s in the campaign's scope that you can see.")
            % {"number": number[:40]},
            field="number",
        )
    try:
        return campaign_add_case(actor=actor, campaign=campaign, case=case)
    except DomainError as exc:
        if exc.field == "case":
            exc.field = "number"
        raise


@transaction.atomic
def pledge_record(
    *, actor: User, campaign: Campaign, unit: Unit, signed_by: str, signed_on: dt.date, text: str = "", file: Any = None
) -> Pledge:
    """责任状: record the letter of responsibility a unit of the scope signed (text or file); once per unit."""
    _require_campaign_manager(actor, campaign)
    if not unit.is_within(campaign.scope_unit.path):
        raise InvalidInput(_("The unit is not in the campaign's scope."), field="unit")
    if not (text or "").strip() and not file:
        raise InvalidInput(_("Give the text of the letter or attach it."), field="text")
    file = _checked_file(file, "file")
    if campaign.pledges.filter(unit=unit).exists():
        raise InvalidInput(_("This unit's letter of responsibility is already recorded."), field="unit")
    pledge = Pledge(
        campaign=campaign,
        unit=unit,
        signed_by=_require_text(signed_by, "signed_by"),
        signed_on=signed_on,
        text=(text or "").strip(),
        recorded_by=actor,
    )
    if file:
        pledge.file = file
    pledge.save()
    return pledge


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@transaction.atomic
def campaign_progress_add(*, actor: User, campaign: Campaign, text: str) -> CampaignProgress:
    """Weekly progress: the text and the board's figures of the day, for the week of today."""
    _require_campaign_manager(actor, campaign)
    b = board(campaign)
    figures = {
        "total": b.total,
        "in_charge": b.in_charge,
        "resolved": b.resolved,
        "signed_off": b.signed_off,
        "rate": b.rate,
        "goal": b.goal,
    }
    return CampaignProgress.objects.create(
        campaign=campaign,
        week_start=monday(timeutil.today()),
        text=_require_text(text, "text"),
        figures=figures,
        author=actor,
        at=timeutil.now(),
    )


@transaction.atomic
def campaign_case_sign_off(
    *,
    actor: User,
    entry: CampaignCase,
    evidence: str,
    petitioner_view: str,
    note: str = "",
    evidence_file: Any = None,
) -> CampaignCase:
    """销号: no sign-off without evidence; the case must be closed in casework with the outcome resolved (化解);
    the petitioner's view is recorded (satisfied, basically satisfied, not satisfied, or could not be reached)."""
    entry = CampaignCase.objects.select_for_update().select_related("campaign__scope_unit", "case").get(pk=entry.pk)
    _require_campaign_manager(actor, entry.campaign)
    if entry.signed_off_on is not None:
        raise RuleViolation(_("This case is already signed off."), code="signed_off")
    if not (evidence or "").strip() and not evidence_file:
        raise InvalidInput(_("A case is signed off only with evidence."), field="evidence")
    if petitioner_view not in PetitionerView.values:
        raise InvalidInput(_("Record the petitioner's view."), field="petitioner_view")
    case = entry.case
    if case.status != CaseStatus.CLOSED or case.outcome != Resolution.RESOLVED:
        raise RuleViolation(
            _("A case is signed off only once it is closed as resolved (化解) on the backlog board."),
            code="not_resolved",
        )
    evidence_file = _checked_file(evidence_file, "evidence_file")
    entry.evidence = (evidence or "").strip()
    if evidence_file:
        entry.evidence_file = evidence_file
    entry.petitioner_view = petitioner_view
    entry.sign_off_note = (note or "").strip()
    entry.signed_off_on, entry.signed_off_by = timeutil.today(), actor
    entry.save()
    return entry
