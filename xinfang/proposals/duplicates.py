"""Near-duplicate proposals, found with insight's detector (``xinfang.insight.core.dedup``) as petitions are.

Each proposal's MinHash band keys are stored (``ProposalFingerprint``); a new proposal's keys find the candidates
with one indexed lookup, and the similarity is then computed exactly on the texts. A proposal that says the same
thing as an earlier one (similarity at least ``THRESHOLD``) joins that one's group: the group's head is the
earliest proposal, and every member points to it (``Proposal.duplicate_of``), so a group is one indexed read.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from xinfang.insight.core import dedup
from xinfang.proposals.models import Proposal, ProposalFingerprint

THRESHOLD = dedup.DEFAULT_THRESHOLD
_SIGNED = 1 << 63


def _text(title: str, reason: str, suggestion: str) -> str:
    """What is compared: what the proposal says (reasons and suggestion; the title only when both are empty)."""
    return dedup.document(title, "\n".join(t for t in (reason, suggestion) if t))


def _hashes(proposal: Proposal) -> Any:
    return dedup.shingle_hashes(_text(proposal.title, proposal.reason, proposal.suggestion))


def _keys(hashes: Any) -> list[int]:
    keys = dedup.band_keys(dedup.MinHasher().signature(hashes))[0].tolist()
    return sorted({k - (1 << 64) if k >= _SIGNED else k for k in keys})


def index_and_match(proposal: Proposal) -> tuple[Proposal, float] | None:
    """Store the proposal's band keys; return the head of the group it belongs to and the best similarity."""
    hashes = _hashes(proposal)
    if len(hashes) == 0:
        return None
    keys = _keys(hashes)
    candidates = (
        ProposalFingerprint.objects.filter(key__in=keys).exclude(proposal=proposal).values("proposal").distinct()
    )
    best: tuple[float, Proposal] | None = None
    for other in Proposal.objects.filter(pk__in=candidates, pk__lt=proposal.pk).select_related("duplicate_of"):
        score = round(dedup.similarity(hashes, _hashes(other)), 4)
        if score >= THRESHOLD and (best is None or score > best[0]):
            best = (score, other)
    ProposalFingerprint.objects.bulk_create(
        [ProposalFingerprint(proposal=proposal, key=k) for k in keys], ignore_conflicts=True
    )
    if best is None:
        return None
    score, other = best
    return (other.duplicate_of or other), score


def group_of(proposal: Proposal, within: QuerySet[Proposal]) -> list[Proposal]:
    """The other proposals of ``proposal``'s group among ``within`` (what the user may see), oldest first."""
    head = proposal.group_head_id
    return list(
        within.filter(Q(pk=head) | Q(duplicate_of_id=head))
        .exclude(pk=proposal.pk)
        .select_related("receiving_unit")
        .order_by("pk")
    )
