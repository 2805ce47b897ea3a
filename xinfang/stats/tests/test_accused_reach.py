"""Where the rollup keeps an accusation's accused unit (Art. 30 ¶3; ``facts.accused_reach``).

The accused side reads only nodes at or below the accused unit's parent, so above it the accused unit is dropped
from the rows (they add up with every other petition's): the national node's rows of a day no longer multiply by
every unit anyone accused. The accused side still takes the accusation out of every figure it can read.
"""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from xinfang.orgs.models import Role
from xinfang.petitions.tests.helpers import register
from xinfang.stats import facts, selectors
from xinfang.stats.models import StatDaily, StatFact

pytestmark = pytest.mark.django_db


def _accused_by_node(model: Any, measure: str = "received") -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for node, accused in model.objects.filter(measure=measure).values_list("node_id", "accused_unit_id"):
        out.setdefault(node, set()).add(accused)
    return out


def _rows(model: Any) -> list[tuple[Any, ...]]:
    fields = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
    return sorted(model.objects.values_list(*fields))


def test_the_accused_unit_is_kept_at_and_below_its_parent_only(personas: Any, tree: Any) -> None:
    """An accusation against A1区政府 registered at A1区信访局: its parent A市政府 and the nodes below keep it (the
    county's own leader reads the county node and must take it out); 西地省政府 above does not."""
    register(personas.registrar_a, nature="accusation", accused_unit=tree.county, accused_confirmed=True)
    register(personas.registrar_a)  # an ordinary petition on the same nodes and day
    for model in (StatFact, StatDaily):
        by_node = _accused_by_node(model)
        assert by_node[tree.province.pk] == {0}, model  # folded in with the ordinary petition
        for unit in (tree.city, tree.county, tree.county_dept):
            assert by_node[unit.pk] == {0, tree.county.pk}, (model, unit.name)
    province = StatDaily.objects.get(node=tree.province, measure="received")
    assert province.value == 2


def test_a_top_level_accused_unit_is_kept_on_every_node(personas: Any, tree: Any) -> None:
    register(personas.registrar_a, nature="accusation", accused_unit=tree.province, accused_confirmed=True)
    by_node = _accused_by_node(StatDaily)
    for unit in (tree.province, tree.city, tree.county, tree.county_dept):
        assert by_node[unit.pk] == {tree.province.pk}, unit.name


def test_the_accused_side_still_takes_it_out_and_others_still_count_it(personas: Any, tree: Any) -> None:
    accusation, _ = register(
        personas.registrar_a, nature="accusation", accused_unit=tree.county, accused_confirmed=True
    )
    register(personas.registrar_a)
    day = accusation.received_on
    county_leader = make_user("county_leader", tree.county, Role.LEADER)  # oversees the county: the accused side
    province_leader = make_user("province_leader", tree.province, Role.LEADER)

    def received(user: Any) -> Any:
        return selectors.figures(selectors.View(user, None), day, day, live=False)["received"]

    assert received(county_leader) == 1
    assert received(personas.supervisor) == 2  # A市信访局 reads A市政府's node
    assert received(province_leader) == 2


def test_a_rebuild_places_the_accused_unit_as_the_incremental_rollup_does(personas: Any, tree: Any) -> None:
    register(personas.registrar_a, nature="accusation", accused_unit=tree.county, accused_confirmed=True)
    register(personas.registrar_a, nature="accusation", accused_unit=tree.province, accused_confirmed=True)
    register(personas.registrar_a)
    incremental = (_rows(StatFact), _rows(StatDaily))
    facts.rebuild()
    assert (_rows(StatFact), _rows(StatDaily)) == incremental
    assert facts.check() == []


def test_old_stored_contributions_without_the_marker_expand_as_before() -> None:
    """A contribution stored before ``accused_reach`` (nodes as [uid, direct]) keeps the accused unit on every node,
    so a refresh subtracts exactly the rows it added then."""
    fact = ["received", "2025-03-03", 0, "online", "accusation", "990101", 7, 0, 1]
    old = {"nodes": [[1, False], [2, True]], "facts": [fact]}
    new = {"nodes": [[1, False, 0], [2, True]], "facts": [fact]}
    assert [k[0] for k, _v in facts.expand(old) if k[8] == 7] == [1, 2]
    assert {(k[0], k[8]) for k, _v in facts.expand(new)} == {(1, 0), (2, 7)}
