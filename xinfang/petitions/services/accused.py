"""Art. 30 ¶3 by name: an accusation never reaches the unit it names, even when it names it only in words.

The public form (and most letters) give the accused as text — "A1区住房和城乡建设局", "区住建局", "住建局". Until
staff confirm which unit is accused (or that none is: a person only), the text is all the system knows, so:

- the text is resolved against the unit tree, within the problem's area first, and the matches are shown to the
  registrar (``accused_matches``);
- an accusation is not routed anywhere (转送, 交办, 协办, 督办, 约访 …) before staff confirm its accused unit
  (``require_routable``); the refusal says why and cites Art. 30 ¶3;
- routing to a unit the text names is refused before and after confirmation (``names_unit``): the accused
  unit is never given what accuses it, whatever a confirmation says.

Name matching itself (forms and abbreviations) is in ``xinfang.orgs.names``; the tree rule for a confirmed accused
unit (the unit and those under it) is ``sides.is_accused_side``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import RuleViolation
from xinfang.deadlines.rules import ClockKind
from xinfang.orgs.models import Unit, UnitType, User
from xinfang.orgs.names import NameForms, Strength, area_of_government, name_forms, normalise, strength
from xinfang.petitions.models import AccessReason, Nature, Petition
from xinfang.petitions.services.common import (
    grant,
    lock,
    open_clock,
    record,
    require,
    set_holder,
    stop_clocks,
)
from xinfang.petitions.sides import is_accused_side
from xinfang.petitions.workflow import Action, State

ARTICLE = "Art. 30 ¶3"
MAX_MATCHES = 8


@dataclass(frozen=True)
class AccusedMatch:
    unit: Unit
    strength: Strength
    in_area: bool  # the unit serves the problem's own area (township or county)


def _area_code(petition: Petition) -> str:
    """The problem's own area: its 问题属地 code, else the registering unit's division."""
    return petition.problem_division_code or petition.registering_unit.division_code


def division_chain(code: str) -> list[str]:
    """The division and those above it: township (9 digits), county, city, province — as unit division codes."""
    chain = [code] if len(code) == 9 else []
    base = code[:6]
    for c in (base, base[:4] + "00", base[:2] + "0000"):
        if c not in chain:
            chain.append(c)
    return chain


def _own_area(code: str) -> set[str]:
    """Divisions counted as the problem's own area for a bare name ("住建局"): the township and its county."""
    return {code, code[:6]}


def _areas(codes: Iterable[str]) -> dict[str, str]:
    """Short area names by division code, read off the areas' governments (one query)."""
    rows = Unit.objects.filter(unit_type=UnitType.GOVERNMENT, division_code__in=set(codes)).values_list(
        "division_code", "name"
    )
    areas: dict[str, str] = {}
    for code, name in rows.order_by("depth"):
        areas.setdefault(code, area_of_government(name))
    return areas


def _forms(unit: Unit, areas: dict[str, str]) -> NameForms:
    return name_forms(unit.name, areas.get(unit.division_code, ""))


def _counts(match: Strength, unit: Unit, area_code: str) -> bool:
    """Whether a match of this strength names this unit for a problem in ``area_code``."""
    if match == Strength.QUALIFIED:
        return True
    if match == Strength.LEVEL:
        return unit.division_code in division_chain(area_code)
    if match == Strength.BARE:
        return unit.division_code in _own_area(area_code)
    return False


def accused_text(petition: Petition) -> str:
    return normalise(petition.accused_name)


def names_unit(petition: Petition, unit: Unit, *, areas: dict[str, str] | None = None) -> bool:
    """Does the accusation's text name ``unit``? Two queries at most (the unit's area name); none for others."""
    if petition.nature != Nature.ACCUSATION:
        return False
    text = accused_text(petition)
    if not text:
        return False
    if areas is None:
        areas = _areas([unit.division_code])
    return _counts(strength(text, _forms(unit, areas)), unit, _area_code(petition))


def accused_matches(petition: Petition, *, limit: int = MAX_MATCHES) -> list[AccusedMatch]:
    """The units the accused text may name, best first: the units of the problem's area and of the levels above
    it (a few hundred rows at most, one indexed query on division_code) plus those of the registering unit's."""
    text = accused_text(petition)
    if petition.nature != Nature.ACCUSATION or not text:
        return []
    area_code = _area_code(petition)
    codes = set(division_chain(area_code)) | set(division_chain(petition.registering_unit.division_code))
    units = list(Unit.objects.active().filter(division_code__in=codes))
    areas = _areas(codes)
    found = []
    for unit in units:
        match = strength(text, _forms(unit, areas))
        if match and _counts(match, unit, area_code):
            found.append(AccusedMatch(unit, match, unit.division_code in _own_area(area_code)))
    # Best first: how precisely the text names it, then the problem's own area, then the lower level (a county
    # bureau before the city's when the text says only "住建局").
    found.sort(key=lambda m: (-m.strength, not m.in_area, -m.unit.depth, m.unit.path))
    return found[:limit]


@dataclass(frozen=True)
class AccusedStatus:
    """What the petition page and the staff API show of an accusation's accused side (Art. 30 ¶3)."""

    confirmed: bool
    matches: list[AccusedMatch]  # looked up only while unconfirmed


def accused_status(petition: Petition) -> AccusedStatus | None:
    """None for anything but an accusation; the text's matches until staff confirm the accused unit."""
    if petition.nature != Nature.ACCUSATION:
        return None
    confirmed = is_confirmed(petition)
    return AccusedStatus(confirmed, [] if confirmed else accused_matches(petition))


def is_confirmed(petition: Petition) -> bool:
    return petition.nature != Nature.ACCUSATION or petition.accused_confirmed_at is not None


def refuse_target(petition: Petition, unit: Unit, *, field: str = "to_unit") -> None:
    """Art. 30 ¶3 for one unit that would receive the accusation or work on it: refuse when the text names it,
    when the accused unit is not yet confirmed, or when it is on the confirmed accused side."""
    if petition.nature != Nature.ACCUSATION:
        return
    if names_unit(petition, unit):
        raise RuleViolation(
            _(
                "The accusation names %(unit)s (“%(text)s”): it must not be sent to the unit it accuses, nor any "
                "work on it be given to that unit (Art. 30 ¶3)."
            )
            % {"unit": unit.name, "text": petition.accused_name},
            code="accused_named",
            field=field,
            article=ARTICLE,
        )
    require_confirmed(petition, field=field)
    if is_accused_side(unit, None, petition):
        raise RuleViolation(
            _("An accusation must not be sent to the accused unit or the units under it (Art. 30 ¶3)."),
            code="accused_side",
            field=field,
            article=ARTICLE,
        )


def require_confirmed(petition: Petition, *, field: str | None = None) -> None:
    if not is_confirmed(petition):
        raise RuleViolation(
            _(
                "Confirm first which unit this accusation is about (or that it concerns a person only or no unit): "
                "until then it cannot be routed or given to any unit, so that it never reaches the accused "
                "(Art. 30 ¶3)."
            ),
            code="accused_unconfirmed",
            field=field,
            article=ARTICLE,
        )


def excluded_by_name(petition: Petition, units: Iterable[Unit]) -> list[Unit]:
    """``units`` less those the accusation's text names (for lists of recipients, e.g. an Art. 25 report)."""
    units = list(units)
    if petition.nature != Nature.ACCUSATION or not accused_text(petition):
        return units
    areas = _areas({u.division_code for u in units})
    return [u for u in units if not names_unit(petition, u, areas=areas)]


def holder_off_accused_side(petition: Petition, unit: Unit) -> Unit:
    """Who holds an accusation that reached ``unit``: that unit, unless it is accused or named (Art. 30 ¶3).

    An accusation handed in at the accused unit must not stay with it. It is registered there (the duty to
    register holds, Art. 43) and passed at once to the nearest petition department above that is neither on the
    accused side nor named by the accusation, which routes it.
    """
    if not is_accused_side(unit, None, petition) and not names_unit(petition, unit):
        return unit
    candidates = Unit.objects.filter(
        parent_id__in=unit.ancestor_ids, unit_type=UnitType.PETITION_DEPT, is_active=True
    ).order_by("-depth")
    for candidate in candidates:
        on_side = is_accused_side(candidate, None, petition) or names_unit(petition, candidate)
        if candidate.pk != unit.pk and not on_side:
            return candidate
    raise RuleViolation(
        _(
            "This accusation concerns the receiving unit; hand it to a petition department or a discipline "
            "inspection organ above it (Art. 30)."
        ),
        code="accused_side",
        article=ARTICLE,
    )


@transaction.atomic
def petition_confirm_accused(*, petition: Petition, actor: User, accused_unit: Unit | None, note: str = "") -> Petition:
    """确认被反映单位 — staff confirm which unit an accusation accuses, or (``accused_unit`` None) that it accuses
    a person only or no unit (Art. 30 ¶3). From then on visibility and routing keep that unit's side out.

    If the holder turns out to be on the accused side, the accusation leaves it at once for the nearest petition
    department above that is not (as at intake), which owes its routing (Art. 22).
    """
    petition = lock(petition)
    require(petition, Action.CONFIRM_ACCUSED, actor)
    if petition.nature != Nature.ACCUSATION:
        raise RuleViolation(
            _("Only a report or accusation (检举控告类) has an accused unit to confirm."), code="not_accusation"
        )
    previous = petition.accused_unit
    petition.accused_unit = accused_unit
    petition.accused_confirmed_at = timeutil.now()
    petition.accused_confirmed_by = actor
    fields = ["accused_unit", "accused_confirmed_at", "accused_confirmed_by", "updated_at"]
    from_state = petition.state
    data: dict[str, Any] = {
        "accused_unit": accused_unit.name if accused_unit else None,
        "previous": previous.name if previous else None,
    }
    holder = petition.current_unit
    if is_accused_side(holder, None, petition) or names_unit(petition, holder):
        new_holder = holder_off_accused_side(petition, holder)
        stop_clocks(petition, None, reason="accused_side")
        set_holder(petition, new_holder)
        petition.state = State.REGISTERED
        fields += ["current_unit", "assignee", "state"]
        grant(petition, new_holder, AccessReason.ROUTED)
        open_clock(petition, ClockKind.ROUTE, owing_unit=new_holder, start=timeutil.today(), article="Art. 22")
        data["to_unit"] = new_holder.name
    petition.save(update_fields=fields)
    # Internal: the accused unit's name is staff's finding, not a message to the petitioner.
    record(petition, Action.CONFIRM_ACCUSED, actor, from_state=from_state, data=data, note=note, public=False)
    return petition
