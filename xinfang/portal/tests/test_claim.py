"""Claiming an earlier petition into a citizen account with 编号 + 查询码 (Art. 21: 网上查询), without an oracle."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from xinfang.core.errors import InvalidInput, NotPermitted
from xinfang.orgs.models import User
from xinfang.petitions import services
from xinfang.petitions.models import Petition, PetitionEvent
from xinfang.petitions.tests.helpers import register
from xinfang.petitions.workflow import Action

pytestmark = pytest.mark.django_db

CLAIM = "/account/petitions/claim/"


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


REFUSED = "No petition you can add matches this number and query code. Check both and try again."


@pytest.fixture
def letter(personas: Any) -> tuple[Petition, str]:
    """A letter registered by the A1区信访局 registrar: no account has it yet."""
    return register(personas.registrar_a, title="来信反映路灯不亮")


def claim(client: Client, number: str, code: str) -> Any:
    return client.post(CLAIM, {"claim-number": number, "claim-code": code})


def test_a_citizen_claims_a_letter_with_its_number_and_code_and_sees_it_in_the_list(
    client: Client, citizen: User, letter: tuple[Petition, str]
) -> None:
    petition, code = letter
    client.force_login(citizen)
    response = claim(client, petition.number, code.lower())  # the code is read as on the receipt, any case
    assert response.status_code == 302 and response["Location"] == "/account/petitions/"
    petition.refresh_from_db()
    assert petition.submitted_by_id == citizen.pk
    listing = client.get("/account/petitions/").content.decode()
    assert f'href="/track/{petition.number}/"' in listing and "来信反映路灯不亮" in listing
    # The account opens the tracking page from now on, without the code.
    assert client.get(f"/track/{petition.number}/").status_code == 200


def test_the_claim_is_an_internal_timeline_event_without_identity(
    client: Client, citizen: User, letter: tuple[Petition, str]
) -> None:
    petition, code = letter
    client.force_login(citizen)
    claim(client, petition.number, code)
    event = PetitionEvent.objects.get(petition=petition, action=Action.CLAIM)
    assert event.is_public is False
    assert event.actor_id is None and event.actor_unit_id is None and event.data == {} and event.note == ""
    assert citizen.username not in event.actor_label
    html = client.get(f"/track/{petition.number}/").content.decode()
    assert zh(str(Action.CLAIM.label)) not in html  # internal: not on the petitioner's timeline


def test_a_wrong_code_and_a_wrong_number_get_one_generic_answer(
    client: Client, citizen: User, letter: tuple[Petition, str]
) -> None:
    petition, code = letter
    client.force_login(citizen)
    wrong_code = claim(client, petition.number, "0000000000AA")
    wrong_number = claim(client, "99010102-2026-999999", code)
    assert wrong_code.status_code == wrong_number.status_code == 400
    for response in (wrong_code, wrong_number):
        html = response.content.decode()
        assert zh(REFUSED) in html
        assert petition.title not in html
    petition.refresh_from_db()
    assert petition.submitted_by_id is None
    assert not PetitionEvent.objects.filter(petition=petition, action=Action.CLAIM).exists()


def test_a_petition_another_account_holds_gets_the_same_refusal_and_stays_with_it(
    client: Client, citizen: User, other_citizen: User, letter: tuple[Petition, str]
) -> None:
    petition, code = letter
    services.petition_claim(petition=petition, account=other_citizen)
    client.force_login(citizen)
    response = claim(client, petition.number, code)
    assert response.status_code == 400 and zh(REFUSED) in response.content.decode()
    petition.refresh_from_db()
    assert petition.submitted_by_id == other_citizen.pk
    assert PetitionEvent.objects.filter(petition=petition, action=Action.CLAIM).count() == 1
    assert client.get(f"/track/{petition.number}/").status_code == 302  # not opened for the second account


def test_claiming_ones_own_petition_again_changes_nothing(
    client: Client, citizen: User, letter: tuple[Petition, str]
) -> None:
    petition, code = letter
    client.force_login(citizen)
    assert claim(client, petition.number, code).status_code == 302
    assert claim(client, petition.number, code).status_code == 302
    assert PetitionEvent.objects.filter(petition=petition, action=Action.CLAIM).count() == 1


def test_wrong_codes_count_against_the_number_until_even_the_right_code_waits(
    client: Client, citizen: User, letter: tuple[Petition, str], settings: Any
) -> None:
    """The per-编号 guess counter of tracking (core.throttling) counts claims too, from any account."""
    settings.XINFANG_TRACK_FAILURES_PER_NUMBER = 3
    petition, code = letter
    client.force_login(citizen)
    for _ in range(2):
        assert claim(client, petition.number, "WRONGWRONG00").status_code == 400
    # A wrong guess on the tracking form counts against the same number.
    assert Client().post("/track/", {"number": petition.number, "code": "WRONGWRONG01"}).status_code == 400
    assert claim(client, petition.number, code).status_code == 429
    petition.refresh_from_db()
    assert petition.submitted_by_id is None


def test_claims_share_the_per_client_tracking_allowance(
    client: Client, citizen: User, letter: tuple[Petition, str], monkeypatch: Any
) -> None:
    from xinfang.portal.throttle import PortalThrottle

    monkeypatch.setattr(PortalThrottle, "THROTTLE_RATES", {"public_submit": "2/hour", "public_track": "2/hour"})
    petition, code = letter
    client.force_login(citizen)
    assert client.post("/track/", {"number": petition.number, "code": "WRONGWRONG00"}).status_code == 400
    assert claim(client, petition.number, "WRONGWRONG01").status_code == 400
    response = claim(client, petition.number, code)
    assert response.status_code == 429 and 'id="error-summary"' in response.content.decode()


def test_only_a_citizen_account_may_claim(
    client: Client, personas: Any, citizen: User, letter: tuple[Petition, str]
) -> None:
    petition, code = letter
    assert claim(client, petition.number, code)["Location"].startswith("/account/sign-in/")
    client.force_login(personas.registrar_a)
    assert claim(client, petition.number, code).status_code == 403
    with pytest.raises(InvalidInput) as err:
        services.petition_claim(petition=petition, account=personas.registrar_a)
    assert err.value.field == "account"
    petition.refresh_from_db()
    assert petition.submitted_by_id is None


def test_the_service_refuses_a_petition_held_by_another_account(
    citizen: User, other_citizen: User, letter: tuple[Petition, str]
) -> None:
    petition, _code = letter
    services.petition_claim(petition=petition, account=citizen)
    with pytest.raises(NotPermitted):
        services.petition_claim(petition=petition, account=other_citizen)
    petition.refresh_from_db()
    assert petition.submitted_by_id == citizen.pk


def test_an_empty_claim_names_the_fields(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    response = client.post(CLAIM, {"claim-number": "", "claim-code": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_claim-number_error"' in html and 'id="id_claim-code_error"' in html
