"""Inbox search by phone or 身份证号 through the keyed hash (issue 11 Build 4, issue 9 Build 4): the columns are
encrypted, yet an exact search is one indexed lookup — and only where the user may see the identity (Art. 30)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import ID_OK, register, to_handling
from xinfang.workbench import selectors as wb
from xinfang.workbench.tests.conftest import on

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
INBOX = reverse("workbench:inbox")
LANDLINE = "0731-84567890"


def numbers(response: Any) -> list[str]:
    assert response.status_code == 200
    return [row.petition.number for row in response.context["rows"]]


@pytest.fixture
def found(personas: Any) -> Any:
    with on(MONDAY):
        mine, _ = register(
            personas.registrar_a,
            title="路灯不亮",
            petitioners=[PetitionerData(name="欧阳娜娜", id_number=ID_OK, phone=LANDLINE)],
        )
        register(personas.registrar_a, title="别人的事", petitioners=[PetitionerData(name="李四", phone="13900000000")])
    return mine


@pytest.mark.parametrize("q", [LANDLINE, "073184567890", ID_OK, ID_OK.lower(), f" {ID_OK} "])
def test_registrar_finds_the_petitioner_by_phone_or_id_number(client, personas, found, q):
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        assert numbers(client.get(INBOX, {"tab": "all", "q": q})) == [found.number]


def test_handling_unit_finds_it_once_routed(client, personas, found):
    with on(MONDAY):
        to_handling(personas, found)
    client.force_login(personas.handler_b)
    with on(MONDAY):
        assert numbers(client.get(INBOX, {"tab": "all", "q": ID_OK})) == [found.number]


@pytest.mark.parametrize("who", ["outsider", "supervisor"])
def test_phone_search_reveals_nothing_to_those_who_may_not_see_the_identity(client, personas, found, who):
    """The supervisor sees the petition masked; the outsider not at all: neither may link it to a phone or ID."""
    client.force_login(getattr(personas, who))
    with on(MONDAY):
        assert numbers(client.get(INBOX, {"tab": "all", "q": LANDLINE})) == []
        assert numbers(client.get(INBOX, {"tab": "all", "q": ID_OK})) == []


def test_a_different_phone_finds_nothing(client, personas, found):
    client.force_login(personas.registrar_a)
    with on(MONDAY):
        assert numbers(client.get(INBOX, {"tab": "all", "q": "0731-84567891"})) == []


def test_open_matters_hint_matches_through_the_hash(personas, found):
    by_phone = wb.open_matters_of_petitioner(personas.registrar_a, phone="073184567890")
    by_id = wb.open_matters_of_petitioner(personas.outsider, id_number=ID_OK.lower())
    assert [m.number for m in by_phone] == [found.number] and by_phone[0].visible
    assert [m.number for m in by_id] == [found.number] and not by_id[0].visible  # not an accusation: 编号 only
