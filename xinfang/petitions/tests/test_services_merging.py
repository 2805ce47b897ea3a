"""并案 (merging related petitions, Art. 22; 重复信访) and the 承办人 when a petition moves to another unit."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from xinfang.core.errors import IllegalTransition, InvalidInput, RuleViolation
from xinfang.petitions import services
from xinfang.petitions.models import Clock, Nature, Petition, PetitionEvent
from xinfang.petitions.services.merging import MERGE_STOP
from xinfang.petitions.tests.helpers import register, to_handling, to_replied
from xinfang.petitions.workflow import Action, State
from xinfang.portal.selectors import timeline

pytestmark = pytest.mark.django_db


def fresh(p: Petition) -> Petition:
    return Petition.objects.get(pk=p.pk)


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def pair(personas: Any) -> tuple[Petition, Petition]:
    primary, _ = register(personas.registrar_a, title="搅拌站噪音（首次）")
    linked, _ = register(personas.registrar_a, title="搅拌站噪音（再次来信）")
    return primary, linked


def test_merge_closes_the_linked_item_into_the_primary_with_an_event_on_both(personas: Any, pair: Any) -> None:
    primary, linked = pair
    open_before = list(Clock.objects.filter(petition=linked, stopped_on__isnull=True).values_list("pk", flat=True))
    assert open_before
    services.petition_merge(petition=linked, actor=personas.registrar_a, primary=primary, note="同一事项")

    merged = fresh(linked)
    assert merged.state == State.MERGED and merged.merged_into == primary and not merged.is_open
    # Its clocks stop; the primary's run on.
    assert not Clock.objects.filter(petition=linked, stopped_on__isnull=True).exists()
    assert set(Clock.objects.filter(petition=linked, stop_reason=MERGE_STOP).values_list("pk", flat=True)) == set(
        open_before
    )
    assert Clock.objects.filter(petition=primary, stopped_on__isnull=True).exists()
    on_linked = PetitionEvent.objects.get(petition=linked, action=Action.MERGE)
    on_primary = PetitionEvent.objects.get(petition=primary, action=Action.MERGE)
    assert on_linked.is_public and on_linked.data["primary"] == primary.number
    assert on_linked.from_state == State.REGISTERED and on_linked.to_state == State.MERGED
    assert not on_primary.is_public and on_primary.data["linked"] == linked.number


def test_the_petitioner_of_the_merged_item_sees_which_number_handles_it(personas: Any, pair: Any) -> None:
    primary, linked = pair
    services.petition_merge(petition=linked, actor=personas.registrar_a, primary=primary)
    entries = timeline(list(PetitionEvent.objects.filter(petition=linked).public().order_by("at", "id")))
    assert any(primary.number in value for e in entries for _label, value in e.details)


def test_an_accusation_is_never_merged_with_another_kind_of_petition_art_30(personas: Any) -> None:
    appeal, _ = register(personas.registrar_a)
    accusation, _ = register(personas.registrar_a, nature=Nature.ACCUSATION, accused_confirmed=True)
    with pytest.raises(RuleViolation) as refused:
        services.petition_merge(petition=accusation, actor=personas.registrar_a, primary=appeal)
    assert refused.value.article == "Art. 30 ¶3"
    with pytest.raises(RuleViolation):
        services.petition_merge(petition=appeal, actor=personas.registrar_a, primary=accusation)
    assert fresh(accusation).state == fresh(appeal).state == State.REGISTERED


def test_a_primary_the_user_cannot_see_is_refused_like_one_that_does_not_exist(personas: Any, tree: Any) -> None:
    from conftest import make_user

    other_registrar = make_user("reg2", tree.county2_housing, "registrar")
    hidden, _ = register(other_registrar)
    mine, _ = register(personas.registrar_a)
    with pytest.raises(InvalidInput) as unseen:
        services.petition_merge(petition=mine, actor=personas.registrar_a, primary=hidden)
    with pytest.raises(InvalidInput) as missing:
        services.petition_merge(petition=mine, actor=personas.registrar_a, primary=Petition(number=hidden.number + "9"))
    assert unseen.value.field == missing.value.field == "primary"
    assert str(unseen.value.message).replace(hidden.number, "N") == str(missing.value.message).replace(
        hidden.number + "9", "N"
    )
    assert fresh(mine).state == State.REGISTERED


def test_items_held_by_different_units_are_not_merged(personas: Any, pair: Any) -> None:
    primary, linked = pair
    services.petition_forward(petition=primary, actor=personas.registrar_a, to_unit=personas.handler_b.unit)
    with pytest.raises(Exception) as refused:
        services.petition_merge(petition=linked, actor=personas.registrar_a, primary=primary)
    assert refused.value.status_code == 403  # type: ignore[attr-defined]


def test_a_decided_primary_takes_no_merge(personas: Any, pair: Any) -> None:
    primary, linked = pair
    to_replied(personas, primary)
    with pytest.raises(RuleViolation) as refused:
        services.petition_merge(petition=linked, actor=personas.registrar_a, primary=primary)
    assert refused.value.code == "primary_decided"


def test_unmerge_restores_the_state_and_runs_the_same_clocks_again(personas: Any, pair: Any) -> None:
    primary, linked = pair
    dues = dict(Clock.objects.filter(petition=linked, stopped_on__isnull=True).values_list("pk", "due"))
    services.petition_merge(petition=linked, actor=personas.registrar_a, primary=primary)
    services.petition_unmerge(petition=linked, actor=personas.registrar_a, note="并非同一事项")
    back = fresh(linked)
    assert back.state == State.REGISTERED and back.merged_into is None
    # Merging never extends a time limit: the same clocks with the same due dates.
    assert dict(Clock.objects.filter(petition=linked, stopped_on__isnull=True).values_list("pk", "due")) == dues
    assert PetitionEvent.objects.filter(petition=linked, action=Action.UNMERGE, is_public=True).exists()
    assert PetitionEvent.objects.filter(petition=primary, action=Action.UNMERGE, is_public=False).exists()


def test_unmerge_is_refused_once_the_primary_is_decided(personas: Any, pair: Any) -> None:
    primary, linked = pair
    services.petition_merge(petition=linked, actor=personas.registrar_a, primary=primary)
    to_replied(personas, primary)
    # The primary left unit A; its handler cannot take out an item unit A holds, and unit A gets the rule.
    with pytest.raises(RuleViolation) as refused:
        services.petition_unmerge(petition=linked, actor=personas.registrar_a)
    assert refused.value.code == "primary_decided" and fresh(linked).state == State.MERGED


def test_no_chains_a_primary_of_others_is_not_merged_into_a_third(personas: Any, pair: Any) -> None:
    primary, linked = pair
    third, _ = register(personas.registrar_a, title="第三件")
    services.petition_merge(petition=linked, actor=personas.registrar_a, primary=primary)
    with pytest.raises(RuleViolation):
        services.petition_merge(petition=primary, actor=personas.registrar_a, primary=third)
    with pytest.raises(RuleViolation) as refused:  # a merged item is not a primary: it is no longer open
        services.petition_merge(petition=third, actor=personas.registrar_a, primary=linked)
    assert refused.value.code == "primary_decided"
    with pytest.raises(IllegalTransition):  # nor merged a second time
        services.petition_merge(petition=linked, actor=personas.registrar_a, primary=third)


def test_merge_through_the_api_and_the_detail_names_both_sides(personas: Any, pair: Any) -> None:
    primary, linked = pair
    client = api(personas.registrar_a)
    response = client.post(f"/api/v1/petitions/{linked.number}/merge/", {"primary": primary.number}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.MERGED and response.json()["merged_into"] == primary.number
    detail = client.get(f"/api/v1/petitions/{primary.number}/").json()
    assert detail["merged_items"] == [linked.number] and detail["merged_into"] is None
    blank = client.post(f"/api/v1/petitions/{primary.number}/merge/", {"primary": ""}, format="json")
    assert blank.status_code == 400 and "primary" in blank.json()


# ---------------------------------------------------------------- 承办人 in the API and when the unit changes


def test_the_api_detail_shows_the_handler_in_charge(personas: Any) -> None:
    petition, _ = register(personas.registrar_a)
    to_handling(personas, petition)
    services.petition_assign_handler(petition=petition, actor=personas.head_b, assignee=personas.handler_b)
    data = api(personas.handler_b).get(f"/api/v1/petitions/{petition.number}/").json()
    assert data["assignee"] == {"id": personas.handler_b.pk, "name": str(personas.handler_b)}


def test_routing_to_another_unit_clears_the_handler_in_charge(personas: Any) -> None:
    """The new unit names its own 承办人: an objection sends the item back (Art. 23 ¶3) without the old one."""
    petition, _ = register(personas.registrar_a)
    services.petition_forward(petition=petition, actor=personas.registrar_a, to_unit=personas.handler_b.unit)
    services.petition_assign_handler(petition=petition, actor=personas.head_b, assignee=personas.handler_b)
    assert fresh(petition).assignee == personas.handler_b
    services.petition_object(petition=petition, actor=personas.handler_b, reason="不属本单位职责")
    moved = fresh(petition)
    assert moved.current_unit == personas.registrar_a.unit and moved.assignee is None
