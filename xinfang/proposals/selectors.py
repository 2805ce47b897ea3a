"""Reads of proposals. Staff lists start from ``proposals_visible_to``; public reads expose no personal data.

Visibility: staff of the receiving unit and of the competent (owning) unit see the proposal; users who oversee
the units below them (信访部门 staff, supervisory roles — ``User.oversees_below``) also see those received by or
referred to any unit in their scope (``Unit.scope_path``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from xinfang.core import timeutil
from xinfang.core.limits import is_id
from xinfang.orgs.models import User
from xinfang.proposals.models import Call, Commendation, Proposal, ProposalAttachment
from xinfang.proposals.workflow import ADOPTED_OUTCOMES, TRANSITIONS, Action, Side, State


def proposals_visible_to(user: User | Any) -> QuerySet[Proposal]:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_unit_staff", False):
        return Proposal.objects.none()
    unit = user.unit
    assert unit is not None  # noqa: S101 - is_unit_staff implies a unit
    if user.oversees_below:
        scope = unit.scope_path
        q = Q(receiving_unit__path__startswith=scope) | Q(owning_unit__path__startswith=scope)
    else:
        q = Q(receiving_unit_id=unit.pk) | Q(owning_unit_id=unit.pk)
    return Proposal.objects.filter(q)


def identity_reads_scope(user: User | Any) -> Q:
    """The reads of proposers (``core.IdentityRead.proposal_id``) an auditor may list: those of the proposals the
    auditor may see. Registered with ``core.audit`` at start-up, so the identity-read audit lists them."""
    return Q(proposal_id__in=proposals_visible_to(user).values("pk"))


def proposal_get_visible(user: User | Any, key: str | int) -> Proposal:
    """By id or 编号; missing and forbidden both answer 404 (no existence oracle)."""
    lookup = Q(number=str(key))
    if is_id(str(key)):
        lookup |= Q(pk=int(key))
    proposal = proposals_visible_to(user).select_related("receiving_unit", "owning_unit", "call").filter(lookup).first()
    if proposal is None:
        raise Http404
    return proposal


def allowed_actions(user: User, proposal: Proposal) -> list[Action]:
    """What this staff user may do now (the services check again on submit)."""
    result = []
    for action, t in TRANSITIONS.items():
        if proposal.state not in t.sources or not user.has_role(*t.roles):
            continue
        units: set[int | None] = set()
        if t.side in (Side.RECEIVER, Side.INVOLVED):
            units.add(proposal.receiving_unit_id)
        if t.side in (Side.OWNER, Side.INVOLVED):
            units.add(proposal.owning_unit_id)
        if user.unit_id in units:
            result.append(action)
    return result


def open_calls(today: dt.date | None = None) -> QuerySet[Call]:
    day = today or timeutil.today()
    return Call.objects.filter(opens_on__lte=day, closes_on__gte=day).select_related("unit").order_by("closes_on")


def public_adopted() -> QuerySet[Proposal]:
    """Proposals shown on the public page: the proposer chose to publish them, and they were (partly) adopted.

    Only the fields safe to publish are loaded; proposer name and phone are never read here.
    """
    return (
        Proposal.objects.filter(
            is_public=True, outcome__in=list(ADOPTED_OUTCOMES), state__in=[State.DECIDED, State.IMPLEMENTED]
        )
        .select_related("owning_unit", "call")
        .only(
            "number",
            "title",
            "reason",
            "suggestion",
            "outcome",
            "outcome_reason",
            "decided_on",
            "implementation",
            "implemented_on",
            "attachments_public",
            "owning_unit__name",
            "call__topic",
        )
        .prefetch_related(
            Prefetch("commendations", queryset=Commendation.objects.only("proposal_id", "kind", "given_on", "text")),
            Prefetch(
                "attachments",
                queryset=ProposalAttachment.objects.filter(proposal__attachments_public=True).only(
                    "proposal_id", "original_name", "size"
                ),
                to_attr="public_attachments",
            ),
        )
        .order_by("-decided_on", "-id")
    )


def public_attachment_get(number: str, attachment_id: int) -> ProposalAttachment:
    """An attachment of a published adopted proposal whose proposer chose to publish the attachments; else 404."""
    found = (
        ProposalAttachment.objects.filter(
            pk=attachment_id,
            proposal__number=number,
            proposal__attachments_public=True,
            proposal__in=public_adopted().values("pk"),
        )
        .select_related("proposal")
        .first()
    )
    if found is None:
        raise Http404
    return found


@dataclass(frozen=True)
class ProposalFigures:
    """Figures of people's proposals for one period and scope.

    - ``received``: proposals whose ``received_on`` falls in [start, end];
    - ``decided``: proposals whose ``decided_on`` falls in [start, end] (any outcome);
    - ``adopted``: of those decided, the ones 采纳 or 部分采纳;
    - ``adoption_rate``: adopted / decided as a percentage with one decimal, ``None`` when nothing was decided.
    """

    received: int
    decided: int
    adopted: int
    adoption_rate: Decimal | None


def proposal_figures(user: User | Any, start: dt.date, end: dt.date) -> ProposalFigures:
    """Received, adopted and adoption rate over the proposals ``user`` may see (see ``ProposalFigures``).

    For the statistics layer: the scope is the user's visibility (``proposals_visible_to``), so a 信访部门 or a
    supervisor gets its whole area and an ordinary unit its own proposals. Both dates are inclusive.
    """
    qs = proposals_visible_to(user)
    received = qs.filter(received_on__gte=start, received_on__lte=end).count()
    agg = qs.filter(decided_on__gte=start, decided_on__lte=end).aggregate(
        decided=Count("pk"), adopted=Count("pk", filter=Q(outcome__in=list(ADOPTED_OUTCOMES)))
    )
    decided, adopted = int(agg["decided"]), int(agg["adopted"])
    rate = None
    if decided:
        rate = (Decimal(100 * adopted) / Decimal(decided)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return ProposalFigures(received=received, decided=decided, adopted=adopted, adoption_rate=rate)
