"""并案 — merge petitions on the same matter so that one handling answers them all (Art. 22; 重复信访).

What a merge is, exactly:

- Staff of the unit that holds both petitions mark one as the *primary* and merge another (*linked*) into it:
  petitions on the same matter, typically from the same petitioner(s) writing again before the first is answered
  (重复信访), or several people on one matter. Both must be visible to the actor and held by the actor's unit, and
  both must be before an opinion is drafted (``workflow.MERGEABLE_STATES``). The primary is never itself merged,
  and an item that is the primary of others is not merged into a third (no chains: un-merge those first).
- An accusation (检举控告) is never merged with a petition of another nature: its materials must not travel with
  items that may be shown to the accused side (Art. 30 ¶3).
- The linked petition is *closed into the primary*: state ``MERGED`` (terminal), ``merged_into`` the primary, its
  running clocks stop (reason ``merge``); the primary's clocks run on and its handling answers both. The linked
  item keeps its own 编号 and its petitioner can still track it: its timeline says "merged into 编号X" (public).
  The primary's timeline records which 编号 joined it (internal: another petitioner's item).
- 撤销并案 (un-merge) only while the primary is not yet decided (still in ``MERGEABLE_STATES``): the linked item
  returns to the state it had, and the clocks the merge stopped run again with their original due dates —
  merging never extends a statutory time limit (Arts. 22, 23, 34). Its petitioner is told it is handled on its own
  again (``notify.petitioner``). Un-merging is also possible from a primary declined on its petitioner's own bar
  before such declines were refused (below, ``declined_on_own_bar``): that decision answered none of its items.
- 不予受理 of a primary on its petitioner's own bar — Art. 19 ¶3 (the same matter is being handled below) or
  Art. 36 ¶3 (terminated after 复核) — is refused while items are merged into it (``require_decline_answers_merged``):
  that bar is the primary petitioner's history, neither the merged petitioners' bar nor theirs to learn (Art. 30),
  so they would not be told and their items, closed into a primary that ended, would never be answered. Staff
  un-merge them first; each is then decided on its own record. Declining as out of scope (Art. 2) is about the matter
  and answers them all (``MATTER_DECLINE_GROUNDS``; told to each of them).
- Once the primary is decided, its outcome reaches the merged items' petitioners too: the same message, their own
  rating in the primary's window and their own 复查/复核 request (``services.merged_outcome``).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xinfang.core.articles import article_text
from xinfang.core.errors import InvalidInput, RuleViolation
from xinfang.orgs.models import User
from xinfang.petitions.models import Clock, DeclineGround, Nature, Petition, PetitionEvent
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.services.bars import bar_article
from xinfang.petitions.services.common import lock, record, require, stop_clocks
from xinfang.petitions.workflow import MERGEABLE_STATES, Action, State

MERGE_STOP = "merge"  # Clock.stop_reason of the clocks a merge stopped (run again by un-merging)
# 不予受理 on these grounds is about the matter (Art. 2): it answers every item merged into the primary too, and their
# petitioners are told (notify.petitioner). The other grounds — the bars of Art. 19 ¶3 and Art. 36 ¶3 — are the
# primary petitioner's own history (their earlier petition): neither the merged petitioners' bar nor theirs to learn
# (Art. 30), so such a decline answers nobody else.
MATTER_DECLINE_GROUNDS = frozenset({DeclineGround.OUT_OF_SCOPE})


def _not_found(number: str) -> InvalidInput:
    # The same answer for a number that does not exist and for one the actor may not see: no existence oracle.
    return InvalidInput(_("No petition with number %(n)s that you can see.") % {"n": number}, field="primary")


def merged_items(primary: Petition) -> QuerySet[Petition]:
    """The petitions merged into ``primary`` and waiting on its handling (still ``MERGED``), by id."""
    return Petition.objects.filter(merged_into=primary, state=State.MERGED).order_by("id")


def require_decline_answers_merged(primary: Petition, ground: str) -> None:
    """不予受理 of ``primary`` on ``ground`` must answer the items merged into it as well: refused on its petitioner's
    own bar (Art. 19 ¶3, Art. 36 ¶3) while any is merged into it, naming their 编号 — they must be un-merged first,
    so that each is decided (and its petitioner told) on its own record."""
    if ground in MATTER_DECLINE_GROUNDS:
        return
    numbers = list(merged_items(primary).values_list("number", flat=True))
    if not numbers:
        return
    article = bar_article(ground)
    raise RuleViolation(
        _(
            "Merged into %(n)s: %(numbers)s. Un-merge them first, since their petitioners' matter must still be "
            "answered: not accepting %(n)s on this ground (%(article)s) rests on its own petitioner's earlier "
            "petition and answers nobody else."
        )
        % {"numbers": ", ".join(numbers), "n": primary.number, "article": article_text(article)},
        code="decline_strands_merged",
        article=article,
    )


def declined_on_own_bar(primary: Petition) -> bool:
    """Whether ``primary`` was declined on its petitioner's own bar (Art. 19 ¶3, Art. 36 ¶3): a decision that answers
    no item merged into it (declines made before ``require_decline_answers_merged`` refused them)."""
    if primary.state != State.DECLINED:
        return False
    data = (
        PetitionEvent.objects.filter(petition=primary, action=Action.DECLINE)
        .order_by("-id")
        .values_list("data", flat=True)
        .first()
    )
    ground = data.get("ground") if isinstance(data, dict) else None
    return ground is not None and ground not in MATTER_DECLINE_GROUNDS


@transaction.atomic
def petition_merge(*, petition: Petition, actor: User, primary: Petition, note: str = "") -> Petition:
    """并案 — close ``petition`` into ``primary``, which the same unit holds and whose handling answers both."""
    petition = lock(petition)
    require(petition, Action.MERGE, actor)
    number = primary.number or ""
    if primary.pk is None or not petitions_visible_to(actor).filter(pk=primary.pk).exists():
        raise _not_found(number)
    if primary.pk == petition.pk:
        raise InvalidInput(_("A petition cannot be merged into itself."), field="primary")
    main = Petition.objects.select_for_update().select_related("current_unit").get(pk=primary.pk)
    if main.state not in MERGEABLE_STATES:
        raise RuleViolation(
            _("%(n)s is “%(state)s”: a petition is merged only into one not yet decided.")
            % {"n": main.number, "state": State(main.state).label},
            code="primary_decided",
            article="Art. 22",
        )
    require(main, Action.MERGE, actor)  # held by the actor's unit, not on the accused side
    if (main.nature == Nature.ACCUSATION) != (petition.nature == Nature.ACCUSATION):
        raise RuleViolation(
            _(
                "An accusation is merged only with other accusations: its materials must not travel with petitions "
                "the accused side may see (Art. 30 ¶3)."
            ),
            code="merge_accusation",
            article="Art. 30 ¶3",
        )
    if Petition.objects.filter(merged_into=petition).exists():
        raise RuleViolation(
            _("Other petitions are merged into %(n)s; undo those merges first.") % {"n": petition.number},
            code="merge_chain",
        )
    from_state = petition.state
    stop_clocks(petition, None, reason=MERGE_STOP)
    petition.state = State.MERGED
    petition.merged_into = main
    petition.save(update_fields=["state", "merged_into", "updated_at"])
    # Public: the petitioner tracking this 编号 sees where it is handled now.
    record(
        petition,
        Action.MERGE,
        actor,
        from_state=from_state,
        note=note,
        data={"primary": main.number, "primary_id": main.pk},
    )
    record(
        main,
        Action.MERGE,
        actor,
        from_state=main.state,
        note=note,
        data={"linked": petition.number, "linked_id": petition.pk},
        public=False,
    )
    return petition


@transaction.atomic
def petition_unmerge(*, petition: Petition, actor: User, note: str = "") -> Petition:
    """撤销并案 — take a merged petition back out of its primary while the primary is not yet decided (or was declined
    on its own petitioner's bar, which answered nobody else): it is handled on its own again, with its own clocks."""
    petition = lock(petition)
    require(petition, Action.UNMERGE, actor)
    assert petition.merged_into_id is not None  # noqa: S101 - a MERGED petition has its primary (set together)
    main = Petition.objects.select_for_update().get(pk=petition.merged_into_id)
    if main.state not in MERGEABLE_STATES and not declined_on_own_bar(main):
        raise RuleViolation(
            _("%(n)s is already “%(state)s”; its handling answers this petition too, so the merge stays.")
            % {"n": main.number, "state": State(main.state).label},
            code="primary_decided",
            article="Art. 22",
        )
    merged = (
        PetitionEvent.objects.filter(petition=petition, action=Action.MERGE).order_by("-id").values("from_state")
    ).first()
    restored = State(merged["from_state"]) if merged else State.REGISTERED
    Clock.objects.filter(petition=petition, stop_reason=MERGE_STOP, stopped_on__isnull=False).update(
        stopped_on=None, stop_reason=""
    )
    petition.state = restored
    petition.merged_into = None
    petition.save(update_fields=["state", "merged_into", "updated_at"])
    record(
        petition,
        Action.UNMERGE,
        actor,
        from_state=State.MERGED,
        note=note,
        data={"primary": main.number, "primary_id": main.pk},
    )
    record(
        main,
        Action.UNMERGE,
        actor,
        from_state=main.state,
        note=note,
        data={"linked": petition.number, "linked_id": petition.pk},
        public=False,
    )
    return petition
