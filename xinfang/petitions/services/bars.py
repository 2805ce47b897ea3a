"""Rules that bar accepting a petition again: Art. 19 ¶3 and Art. 36 ¶3."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import RuleViolation
from xinfang.deadlines.rules import ClockKind
from xinfang.petitions.models import Clock, DeclineGround, Petition
from xinfang.petitions.workflow import State

# States in which an earlier item counts as "已经受理或者正在办理" (Art. 19 ¶3).
_BEING_HANDLED = frozenset(
    {State.HANDLING, State.EXTENSION_REQUESTED, State.DECISION_PENDING, State.REVIEW, State.RECHECK}
)
_HANDLING_CLOCKS = (ClockKind.HANDLE, ClockKind.HANDLE_SIMPLE, ClockKind.REVIEW, ClockKind.RECHECK)


def acceptance_bar(petition: Petition) -> tuple[DeclineGround, str] | None:
    """Why this (repeat) petition may not be accepted by the unit now holding it, or None.

    - Art. 36 ¶3: the earlier item went through 复核 — the same facts and reasons are not accepted again.
    - Art. 19 ¶3: the earlier item is accepted and still within its time limit at a unit below the one now
      holding this petition — the higher unit does not accept it.
    """
    for earlier in _earlier_items(petition):
        bar = _bar_from(petition, earlier)
        if bar is not None:
            return bar
    return None


MAX_CHAIN = 20  # repeat links followed back; a longer chain is data damage, not a petition history


def _earlier_items(petition: Petition) -> list[Petition]:
    """The linked earlier items, nearest first: a repeat of a declined repeat still reaches the original."""
    chain: list[Petition] = []
    seen = {petition.pk}
    current = petition.previous
    while current is not None and current.pk not in seen and len(chain) < MAX_CHAIN:
        chain.append(current)
        seen.add(current.pk)
        current = current.previous
    return chain


def _bar_from(petition: Petition, earlier: Petition) -> tuple[DeclineGround, str] | None:
    if earlier.state == State.TERMINATED:
        return (
            DeclineGround.TERMINATED,
            _(
                "The same matter (%(number)s) was terminated after re-examination; it is not accepted again "
                "(Art. 36 ¶3)."
            )
            % {"number": earlier.number},
        )
    if earlier.state in _BEING_HANDLED:
        holder = earlier.current_unit
        higher = petition.current_unit
        # A clock paused for a hearing is still within its limit (Art. 36 ¶2).
        within_limit = (
            Clock.objects.filter(petition=earlier, kind__in=_HANDLING_CLOCKS, stopped_on__isnull=True)
            .filter(Q(due__gte=timeutil.today()) | Q(paused_since__isnull=False))
            .exists()
        )
        if within_limit and holder.pk != higher.pk and holder.path.startswith(higher.scope_path):
            return (
                DeclineGround.ALREADY_HANDLED,
                _(
                    "The same matter (%(number)s) is being handled by %(unit)s within its time limit; a higher "
                    "unit does not accept it (Art. 19 ¶3)."
                )
                % {"number": earlier.number, "unit": holder.name},
            )
    return None


def bar_article(ground: DeclineGround | str) -> str:
    """The article behind a bar: an item terminated after 复核 (Art. 36 ¶3), else one accepted and in time below
    (Art. 19 ¶3)."""
    return "Art. 36 ¶3" if ground == DeclineGround.TERMINATED else "Art. 19 ¶3"


def require_no_bar(petition: Petition) -> None:
    bar = acceptance_bar(petition)
    if bar is not None:
        ground, message = bar
        raise RuleViolation(
            message,
            code=f"barred_{ground}",
            article=bar_article(ground),
        )
