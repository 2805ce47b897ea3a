"""Demo data: a 考核 scheme for the demo year (published, with a deduction, a bonus and a contest) and a 化解信访积案
campaign over the demo's backlog cases (by rule, one signed off, a 责任状 and a week's progress)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from xinfang.assessment import services
from xinfang.assessment.models import Campaign, CampaignCase, Scheme, ScoreLine
from xinfang.casework.models import BacklogCase, CaseStatus, Resolution
from xinfang.orgs.models import Role, Unit, UnitType, User

INDICATORS = [
    # (KPI, weight, floor, target, rule)
    ("on_time_closing_rate", Decimal(30), Decimal("0.6"), Decimal("0.95"), "linear"),
    ("satisfaction_rate", Decimal(25), Decimal("0.7"), Decimal("0.95"), "linear"),
    ("supervision_on_time_reply_rate", Decimal(15), Decimal(0), Decimal("0.9"), "threshold"),
    ("backlog_resolution_rate", Decimal(15), Decimal("0.3"), Decimal("0.8"), "linear"),
    ("leader_reception_held_rate", Decimal(15), Decimal(0), Decimal(1), "threshold"),
]


def _counts() -> dict[str, int]:
    return {
        "schemes": Scheme.objects.count(),
        "score_lines": ScoreLine.objects.count(),
        "campaigns": Campaign.objects.count(),
        "campaign_cases": CampaignCase.objects.count(),
    }


def build_demo_assessment(today: dt.date) -> dict[str, int]:
    """Idempotent: does nothing once a scheme exists. Issued by the demo supervisor (the city 信访局)."""
    if Scheme.objects.exists():
        return _counts()
    issuer = User.objects.filter(username="supervisor").select_related("unit").first()
    if issuer is None or issuer.unit is None:
        return _counts()
    scope = issuer.unit.scope_path
    units = list(
        Unit.objects.filter(path__startswith=scope, is_active=True, unit_type=UnitType.FUNCTIONAL_DEPT).order_by(
            "path"
        )[:8]
    )
    if not units:
        return _counts()
    # The deduction goes to a unit with a head on the demo staff, who contests it.
    units.sort(key=lambda u: not User.objects.filter(unit=u, roles__role=Role.HEAD, is_active=True).exists())
    scheme = services.scheme_create(
        actor=issuer,
        year=today.year,
        title=f"{today.year}年度信访工作责任制考核",
        units=units,
        period_end=today,
    )
    for kpi, weight, floor, target, rule in INDICATORS:
        services.indicator_add(
            actor=issuer, scheme=scheme, kpi=kpi, weight=weight, floor=floor, target=target, rule=rule
        )
    services.adjustment_record(
        actor=issuer, scheme=scheme, unit=units[0], kind="deduction", points=Decimal(2),
        reason="督办事项逾期未书面回复", evidence=f"督办通报〔{today.year}〕2号",
    )  # fmt: skip
    if len(units) > 1:
        services.adjustment_record(
            actor=issuer, scheme=scheme, unit=units[1], kind="bonus", points=Decimal(1),
            reason="初信初访化解经验被上级推广", evidence="信访工作简报第5期",
        )  # fmt: skip
    services.scheme_publish(actor=issuer, scheme=scheme)
    head = User.objects.filter(unit=units[0], roles__role=Role.HEAD, is_active=True).first()
    line = ScoreLine.objects.filter(scheme=scheme, unit=units[0], adjustment__isnull=False).first()
    if head is not None and line is not None:
        services.line_contest(
            actor=head, line=line, reason="已于期限内电话回复并补交书面回复", evidence="回复函及邮寄凭证"
        )

    campaign = services.campaign_create(
        actor=issuer,
        title="化解信访积案专项工作",
        scope_unit=issuer.unit.parent or issuer.unit,
        start=today - dt.timedelta(days=90),
        end=today + dt.timedelta(days=90),
        goal_rate=Decimal("0.6"),
        description="对辖区积案逐案落实双包案责任，限期化解销号。",
    )
    services.campaign_add_by_rule(actor=issuer, campaign=campaign)
    resolved = BacklogCase.objects.filter(
        status=CaseStatus.CLOSED, outcome=Resolution.RESOLVED, unit_path__startswith=campaign.scope_unit.path
    ).first()
    if resolved is not None:
        entry = services.campaign_add_case(actor=issuer, campaign=campaign, case=resolved)
        services.campaign_case_sign_off(
            actor=issuer, entry=entry, evidence="息访承诺书、回访记录", petitioner_view="basically"
        )
    services.pledge_record(
        actor=issuer, campaign=campaign, unit=units[0], signed_by="局长", signed_on=today - dt.timedelta(days=85),
        text="本单位承诺：专项工作期间积案化解率不低于60%，每案落实包案领导和责任人。",
    )  # fmt: skip
    services.campaign_progress_add(actor=issuer, campaign=campaign, text="本周召开积案调度会，逐案明确化解时限。")
    return _counts()
