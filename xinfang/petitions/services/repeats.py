"""关联重复信访 — link a petition to the same petitioner's earlier one (Art. 19 ¶3, Art. 36 ¶3).

The link is what makes the bars of ``services.bars.acceptance_bar`` apply: a petition linked to an item that was
terminated after 复核 is not accepted again (Art. 36 ¶3); one linked to an item accepted and still within its
time limit at a lower unit is not accepted by the higher one (Art. 19 ¶3). Text intelligence
(``xinfang.insight``) proposes the candidates; a registrar or handler of the holding unit confirms one here.

"The same petitioner" is decided as the candidates are found: a shared 身份证号 or phone number of any of the
two petitions' petitioners (:func:`identity_keys`; names alone are too common).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core.errors import InvalidInput, RuleViolation
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition, Petitioner, PetitionEvent
from xinfang.petitions.services.bars import MAX_CHAIN, acceptance_bar
from xinfang.petitions.services.common import lock, record, require
from xinfang.petitions.workflow import Action, State


def person_keys(person: Petitioner) -> set[str]:
    """What identifies a petitioner across petitions: the 身份证号 and the phone number.

    The phone is compared without dashes: 0731-84567890 and 073184567890 are the same number as typed twice."""
    keys = set()
    if person.id_number:
        keys.add("id:" + person.id_number.upper())
    if person.phone:
        keys.add("phone:" + person.phone.replace("-", ""))
    return keys


def identity_keys(petition: Petition) -> set[str]:
    """The identity keys of all the petition's petitioners (one query, or none when prefetched)."""
    return {k for p in petition.petitioners.all() for k in person_keys(p)}


def _not_found(number: str) -> InvalidInput:
    # The same answer for a number that does not exist and for one the actor may not see: no existence oracle.
    return InvalidInput(_("No earlier petition with number %(n)s that you can see.") % {"n": number}, field="previous")


def _reaches(start: Petition, target_pk: int) -> bool:
    """Whether following ``previous`` links from ``start`` reaches ``target_pk`` (a link would close a cycle)."""
    seen: set[int] = set()
    current_pk: int | None = start.pk
    while current_pk is not None and current_pk not in seen and len(seen) <= MAX_CHAIN:
        if current_pk == target_pk:
            return True
        seen.add(current_pk)
        current_pk = Petition.objects.filter(pk=current_pk).values_list("previous_id", flat=True).first()
    return False


@transaction.atomic
def petition_link_repeat(*, petition: Petition, actor: User, previous: Petition, note: str = "") -> PetitionEvent:
    """关联重复信访 — record that ``petition`` repeats the same petitioner's earlier ``previous``.

    Sets ``is_repeat`` and ``previous`` and writes a timeline event naming the earlier item, its state and the
    bar the link raises (if any), all in one transaction. Refused: a petition the actor may not see, the petition
    itself, another petitioner's item, an item received later, or a link that would close a cycle.
    """
    from xinfang.petitions.selectors import petitions_visible_to

    petition = lock(petition)
    require(petition, Action.LINK_REPEAT, actor)
    number = previous.number or ""
    if previous.pk is None:
        raise _not_found(number)
    earlier = (
        petitions_visible_to(actor)
        .filter(pk=previous.pk)
        .select_related("current_unit")
        .prefetch_related("petitioners")
    ).first()
    if earlier is None:
        raise _not_found(number)
    if earlier.pk == petition.pk:
        raise InvalidInput(_("A petition cannot be linked to itself."), field="previous")
    if petition.previous_id == earlier.pk:
        raise InvalidInput(_("This petition is already linked to %(n)s.") % {"n": earlier.number}, field="previous")
    if not identity_keys(petition) & identity_keys(earlier):
        raise RuleViolation(
            _(
                "%(n)s is not the same petitioner's: a repeat petition is linked only to an earlier petition with "
                "the same ID card number or phone number."
            )
            % {"n": earlier.number},
            code="other_petitioner",
            article="Art. 19 ¶3",
        )
    if earlier.received_on > petition.received_on:
        raise InvalidInput(
            _("%(n)s was received after this petition; link the later one to this one instead.")
            % {"n": earlier.number},
            field="previous",
        )
    if _reaches(earlier, petition.pk):
        raise RuleViolation(
            _("%(n)s is itself linked, directly or through others, to this petition; the link would be circular.")
            % {"n": earlier.number},
            code="repeat_cycle",
        )
    replaced = petition.previous.number if petition.previous_id and petition.previous else ""
    petition.is_repeat = True
    petition.previous = earlier
    petition.save(update_fields=["is_repeat", "previous", "updated_at"])
    bar = acceptance_bar(petition)
    data: dict[str, object] = {
        "previous": earlier.number,
        "previous_id": earlier.pk,
        "previous_state": earlier.state,
        "previous_state_label": str(State(earlier.state).label),
        "ground": str(bar[0]) if bar else "",
        "reason": bar[1] if bar else "",
    }
    if replaced:
        data["replaced"] = replaced
    # Internal: the petitioner learns the consequence from the notice of non-acceptance, if one follows.
    return record(petition, Action.LINK_REPEAT, actor, from_state=petition.state, data=data, note=note, public=False)
