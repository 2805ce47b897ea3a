"""转为人民建议 — a petition that is really a suggestion becomes a people's proposal (Art. 29).

The petition is not deleted: it is closed with the reason, its open clocks stop, and its timeline records which
proposal carries the matter on. ``xinfang.proposals.services.proposal_from_petition`` creates the proposal and
calls this in the same transaction (proposals sit above petitions, so the link is kept on the proposal).

A petition with items merged into it (并案) is not converted until they are un-merged: a proposal answers no
petition, so their petitioners' matter would be closed unanswered (as a decline on the primary's own bar would be,
``merging.require_decline_answers_merged``).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, RuleViolation
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.petitions.services.common import lock, record, require, stop_clocks
from xinfang.petitions.services.merging import merged_items
from xinfang.petitions.workflow import Action, State


@transaction.atomic
def petition_convert_to_proposal(*, petition: Petition, actor: User, reason: str, proposal_number: str) -> Petition:
    """Close the petition into the people's proposal ``proposal_number``, with the reason (Art. 29)."""
    petition = lock(petition)
    require(petition, Action.TO_PROPOSAL, actor)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Say why this petition is a proposal."), field="reason")
    numbers = list(merged_items(petition).values_list("number", flat=True))
    if numbers:
        raise RuleViolation(
            _(
                "Merged into %(n)s: %(numbers)s. Un-merge them first: a people's proposal answers no petition, and "
                "their petitioners' matter must still be answered."
            )
            % {"n": petition.number, "numbers": ", ".join(numbers)},
            code="convert_strands_merged",
            article="Art. 29",
        )
    from_state = petition.state
    stop_clocks(petition, None, reason=str(Action.TO_PROPOSAL))
    petition.state = State.CLOSED
    petition.closed_on = timeutil.today()
    petition.save(update_fields=["state", "closed_on", "updated_at"])
    record(
        petition,
        Action.TO_PROPOSAL,
        actor,
        from_state=from_state,
        data={"proposal": proposal_number, "reason": reason},
    )
    return petition
