"""Permission-limited reads of 考核 schemes and 专项工作 campaigns.

A scheme is seen by its issuing unit (all of it) and, once published, by its assessed units (the ranking and
their own lines only). A campaign is seen by the units of its scope and by the units that oversee its scope;
its case list shows each viewer only the cases their backlog board lists (``cases_visible_to``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from xinfang.assessment.models import (
    Campaign,
    CampaignCase,
    ContestStatus,
    Scheme,
    SchemeStatus,
    ScoreLine,
)
from xinfang.casework.models import CaseStatus, Resolution
from xinfang.casework.selectors import cases_visible_to
from xinfang.core.limits import parse_id
from xinfang.orgs.models import Role, User, ids_in_path

# Who issues schemes and campaigns and decides on contests: the managers of the issuing unit.
MANAGER_ROLES = (Role.SUPERVISOR, Role.LEADER, Role.HEAD)


def _unit_id(user: User | Any) -> int | None:
    return user.unit_id if getattr(user, "is_authenticated", False) and user.is_active else None


def schemes_visible_to(user: User | Any) -> QuerySet[Scheme]:
    unit = _unit_id(user)
    if unit is None:
        return Scheme.objects.none()
    mine = Scheme.objects.filter(Q(issuing_unit_id=unit) | Q(units=unit, status=SchemeStatus.PUBLISHED))
    return Scheme.objects.filter(pk__in=mine.values("pk")).select_related("issuing_unit")


def scheme_get_visible(user: User | Any, pk: int | str) -> Scheme:
    ident = parse_id(pk)
    scheme = schemes_visible_to(user).filter(pk=ident).first() if ident is not None else None
    if scheme is None:
        raise Http404
    return scheme


def is_issuer(user: User | Any, scheme: Scheme) -> bool:
    return _unit_id(user) == scheme.issuing_unit_id and user.has_role(*MANAGER_ROLES)


def lines_visible_to(user: User | Any, scheme: Scheme) -> QuerySet[ScoreLine]:
    """The issuing unit sees every line; an assessed unit its own."""
    qs = scheme.lines.select_related("unit", "indicator", "adjustment").prefetch_related("contests")
    unit = _unit_id(user)
    if unit is None:
        return qs.none()
    if unit == scheme.issuing_unit_id:
        return qs
    return qs.filter(unit_id=unit)


@dataclass
class Ranked:
    unit_id: int
    unit_name: str
    total: Decimal
    rank: int
    indicators: Decimal = Decimal(0)
    adjustments: Decimal = Decimal(0)
    pending_contests: int = 0
    lines: list[ScoreLine] = field(default_factory=list)


def ranking(scheme: Scheme) -> list[Ranked]:
    """Each assessed unit's total (indicator points + bonuses − deductions, after decisions on contests), highest
    first; equal totals share a rank (1, 2, 2, 4)."""
    rows: dict[int, Ranked] = {u.pk: Ranked(u.pk, u.name, Decimal(0), 0) for u in scheme.units.order_by("path")}
    for line in scheme.lines.select_related("unit").prefetch_related("contests"):
        row = rows.get(line.unit_id)
        if row is None:
            continue
        row.lines.append(line)
        row.total += line.final_points
        if line.indicator_id:
            row.indicators += line.final_points
        else:
            row.adjustments += line.final_points
        row.pending_contests += sum(1 for c in line.contests.all() if c.status == ContestStatus.PENDING)
    ordered = sorted(rows.values(), key=lambda r: (-r.total, r.unit_name))
    previous: Decimal | None = None
    rank = 0
    for i, row in enumerate(ordered, start=1):
        if row.total != previous:
            rank, previous = i, row.total
        row.rank = rank
    return ordered


# --- campaigns ---


def campaigns_visible_to(user: User | Any) -> QuerySet[Campaign]:
    """Campaigns whose scope holds the viewer's unit, whose scope lies in the part of the tree the viewer
    oversees, or that the viewer owns."""
    unit = user.unit if _unit_id(user) is not None else None
    if unit is None:
        return Campaign.objects.none()
    q = Q(scope_unit_id__in=ids_in_path(unit.path)) | Q(owner=user)
    if user.oversees_below:
        q |= Q(scope_unit__path__startswith=unit.scope_path)
    return Campaign.objects.filter(q).select_related("scope_unit", "owner")


def campaign_get_visible(user: User | Any, pk: int | str) -> Campaign:
    ident = parse_id(pk)
    campaign = campaigns_visible_to(user).filter(pk=ident).first() if ident is not None else None
    if campaign is None:
        raise Http404
    return campaign


def campaign_cases_for(user: User | Any, campaign: Campaign) -> QuerySet[CampaignCase]:
    """The campaign's cases that the viewer's backlog board lists, with their 包案 owners."""
    return (
        campaign.cases.filter(case__in=cases_visible_to(user).values("pk"))
        .select_related("case__petition", "case__leader", "case__responsible_unit", "case__unit", "signed_off_by")
        .order_by("id")
    )


@dataclass
class Board:
    total: int
    in_charge: int  # under 包案 (a leader assigned)
    double_owned: int  # 双包案: a leader and a responsible unit with its responsible person
    resolved: int  # closed in casework with the outcome 化解
    signed_off: int  # 销号
    rate: float | None  # signed_off / total
    goal: float
    on_track: bool
    pledged_units: int
    by_unit: list[dict[str, Any]]


def board(campaign: Campaign) -> Board:
    """Progress against the goal over all the campaign's cases (counts only: no petition is shown here)."""
    rows = list(
        campaign.cases.values(
            "case__unit_id",
            "case__unit__name",
            "case__leader_id",
            "case__responsible_unit_id",
            "case__responsible_person",
            "case__status",
            "case__outcome",
            "signed_off_on",
        )
    )
    by_unit: dict[int, dict[str, Any]] = {}
    totals = {"in_charge": 0, "double": 0, "resolved": 0, "signed": 0}
    for r in rows:
        u = by_unit.setdefault(
            r["case__unit_id"], {"unit": r["case__unit__name"], "total": 0, "resolved": 0, "signed_off": 0}
        )
        u["total"] += 1
        if r["case__leader_id"]:
            totals["in_charge"] += 1
            if r["case__responsible_unit_id"] and r["case__responsible_person"]:
                totals["double"] += 1
        if r["case__status"] == CaseStatus.CLOSED and r["case__outcome"] == Resolution.RESOLVED:
            totals["resolved"] += 1
            u["resolved"] += 1
        if r["signed_off_on"]:
            totals["signed"] += 1
            u["signed_off"] += 1
    total = len(rows)
    rate = totals["signed"] / total if total else None
    goal = float(campaign.goal_rate)
    return Board(
        total=total,
        in_charge=totals["in_charge"],
        double_owned=totals["double"],
        resolved=totals["resolved"],
        signed_off=totals["signed"],
        rate=rate,
        goal=goal,
        on_track=rate is not None and rate >= goal,
        pledged_units=campaign.pledges.count(),
        by_unit=sorted(by_unit.values(), key=lambda u: (-u["total"], u["unit"])),
    )
