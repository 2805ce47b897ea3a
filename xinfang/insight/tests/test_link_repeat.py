"""关联重复信访 in the product: the link service, its refusals, and the candidates a viewer is shown."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.insight import integration
from xinfang.insight.tests.test_dedup import ORIGINAL, RESUBMITTED
from xinfang.petitions import selectors, services
from xinfang.petitions.models import DeclineGround, Petition, PetitionEvent
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import register
from xinfang.petitions.workflow import Action, State

pytestmark = pytest.mark.django_db

OTHER_ID = "110105198001010016"  # another valid 身份证号


def _other_person() -> list[PetitionerData]:
    return [PetitionerData(name="李四", id_number=OTHER_ID, phone="13900000000")]


def _pair(personas, **earlier_overrides):
    earlier, _ = register(
        personas.registrar_a,
        title="丽发新城搅拌站噪音扰民",
        request=ORIGINAL,
        facts_and_reasons="",
        **earlier_overrides,
    )
    again, _ = register(personas.registrar_a, title="再次投诉丽发新城搅拌站", request=RESUBMITTED, facts_and_reasons="")
    return earlier, again


def test_link_sets_previous_and_writes_an_event_naming_the_earlier_item_its_state_and_bar(personas):
    earlier, again = _pair(personas)
    Petition.objects.filter(pk=earlier.pk).update(state=State.TERMINATED)

    event = services.petition_link_repeat(
        petition=again, actor=personas.registrar_a, previous=Petition.objects.get(pk=earlier.pk), note="同一事项"
    )

    again.refresh_from_db()
    assert again.is_repeat and again.previous_id == earlier.pk
    assert event.action == Action.LINK_REPEAT and event.actor == personas.registrar_a and not event.is_public
    assert event.data["previous"] == earlier.number
    assert event.data["previous_state"] == State.TERMINATED
    assert event.data["ground"] == DeclineGround.TERMINATED
    assert earlier.number in event.data["reason"] and "Art. 36" in event.data["reason"]
    assert event.note == "同一事项"
    assert again.state == State.REGISTERED  # a link changes no state; the bar now applies to acceptance


def test_link_to_another_petitioners_item_is_refused_and_writes_nothing(personas):
    earlier, again = _pair(personas, petitioners=_other_person())
    events = PetitionEvent.objects.count()
    with pytest.raises(RuleViolation) as refused:
        services.petition_link_repeat(petition=again, actor=personas.registrar_a, previous=earlier)
    assert refused.value.code == "other_petitioner" and earlier.number in str(refused.value.message)
    again.refresh_from_db()
    assert again.previous_id is None and not again.is_repeat
    assert PetitionEvent.objects.count() == events


def test_link_to_itself_or_in_a_cycle_is_refused(personas):
    earlier, again = _pair(personas)
    with pytest.raises(InvalidInput):
        services.petition_link_repeat(petition=again, actor=personas.registrar_a, previous=again)
    services.petition_link_repeat(petition=again, actor=personas.registrar_a, previous=earlier)
    # The earlier item was received the same day: linking it back to the later one would close a cycle.
    with pytest.raises(RuleViolation) as refused:
        services.petition_link_repeat(petition=earlier, actor=personas.registrar_a, previous=again)
    assert refused.value.code == "repeat_cycle"


def test_link_is_taken_only_by_the_holders_routers(personas):
    earlier, again = _pair(personas)
    with pytest.raises(NotPermitted):
        services.petition_link_repeat(petition=again, actor=personas.supervisor, previous=earlier)


def test_an_invisible_earlier_item_is_never_a_candidate_nor_linkable(personas):
    # Registered at A市信访局: the same petitioner and matter, but outside what A1区信访局 may see.
    hidden, _ = register(
        personas.city_dept_head, title="丽发新城搅拌站噪音扰民", request=ORIGINAL, facts_and_reasons=""
    )
    again, _ = register(personas.registrar_a, title="再次投诉丽发新城搅拌站", request=RESUBMITTED, facts_and_reasons="")
    user = personas.registrar_a
    assert not selectors.petitions_visible_to(user).filter(pk=hidden.pk).exists()
    assert [c.earlier.pk for c in integration.repeat_candidates(again)] == [hidden.pk]  # it is a real candidate
    visible = selectors.petitions_visible_to(user)
    assert integration.repeat_candidates(again, within=visible) == []
    assert integration.staff_insight(user, again).repeats == []

    with pytest.raises(InvalidInput) as refused:
        services.petition_link_repeat(petition=again, actor=user, previous=hidden)
    assert refused.value.field == "previous"

    client = APIClient()
    client.force_authenticate(user)
    detail = client.get(f"/api/v1/petitions/{again.number}/").json()
    assert detail["repeat_candidates"] == []
    hidden_answer = client.post(f"/api/v1/petitions/{again.number}/link-repeat/", {"previous": hidden.number})
    missing_answer = client.post(
        f"/api/v1/petitions/{again.number}/link-repeat/", {"previous": "990101XFJ-2026-999999"}
    )
    assert hidden_answer.status_code == missing_answer.status_code == 400
    # The same answer for a number that exists elsewhere and one that does not (no existence oracle).
    assert hidden_answer.json()["detail"].replace(hidden.number, "N") == missing_answer.json()["detail"].replace(
        "990101XFJ-2026-999999", "N"
    )
    assert Petition.objects.get(pk=again.pk).previous_id is None


def test_link_through_the_api_and_the_workbench_action_form(personas, client):
    earlier, again = _pair(personas)
    api = APIClient()
    api.force_authenticate(personas.registrar_a)
    response = api.post(f"/api/v1/petitions/{again.number}/link-repeat/", {"previous": earlier.number.lower()})
    assert response.status_code == 200, response.content
    assert response.json()["previous"] == earlier.number and response.json()["is_repeat"]

    third, _ = register(
        personas.registrar_a, title="第三次投诉丽发新城搅拌站", request=RESUBMITTED, facts_and_reasons=""
    )
    client.force_login(personas.registrar_a)
    page = client.get(f"/workbench/p/{third.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    # Both earlier items are candidates, each with its "link as repeat" button posting to the action.
    assert f"/workbench/p/{third.number}/act/link_repeat/" in html
    assert f'name="previous" value="{earlier.number}"' in html
    assert f'name="previous" value="{again.number}"' in html
    posted = client.post(f"/workbench/p/{third.number}/act/link_repeat/", {"previous": again.number, "note": ""})
    assert posted.status_code == 302
    assert Petition.objects.get(pk=third.pk).previous_id == again.pk


def test_the_same_phone_typed_with_or_without_a_dash_is_the_same_petitioner():
    """A landline is registered as 0731-84567890 once and 073184567890 the next time: one person, not two."""
    from xinfang.petitions.models import Petitioner
    from xinfang.petitions.services.repeats import person_keys

    dashed, plain = Petitioner(phone="0731-84567890"), Petitioner(phone="073184567890")
    assert person_keys(dashed) == person_keys(plain) == {"phone:073184567890"}
    assert person_keys(Petitioner(phone="0731-84567891")) != person_keys(plain)
