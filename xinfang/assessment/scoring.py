"""The scoring rules of a 考核 indicator: how a figure (a rate in [0, 1]) becomes points out of the weight.

Every rule scores a rate where higher is better (the assessable KPIs of the catalogue, ``catalogue.ASSESSABLE``);
points are rounded half up to two decimals. A figure that cannot be computed (no denominator: nothing to answer in
the period) scores the full weight: a unit is never marked down for having had no petitions to answer.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from xinfang.assessment.models import ScoringRule

CENT = Decimal("0.01")


def linear(value: Decimal, weight: Decimal, floor: Decimal, target: Decimal) -> Decimal:
    """线性: full marks at or above ``target``; none at or below ``floor``; in between, in proportion:
    weight × (value − floor) / (target − floor)."""
    if value >= target:
        return weight
    if value <= floor:
        return Decimal(0)
    return weight * (value - floor) / (target - floor)


def threshold(value: Decimal, weight: Decimal, floor: Decimal, target: Decimal) -> Decimal:
    """达标得分: full marks at or above ``target``, otherwise none (``floor`` is not used)."""
    return weight if value >= target else Decimal(0)


RULES = {ScoringRule.LINEAR: linear, ScoringRule.THRESHOLD: threshold}


def score(rule: str, value: float | None, weight: Decimal, floor: Decimal, target: Decimal) -> Decimal:
    """The points of one indicator (see the module docstring for a figure of None)."""
    if value is None:
        return weight.quantize(CENT, rounding=ROUND_HALF_UP)
    points = RULES[ScoringRule(rule)](Decimal(str(value)), weight, floor, target)
    return points.quantize(CENT, rounding=ROUND_HALF_UP)
