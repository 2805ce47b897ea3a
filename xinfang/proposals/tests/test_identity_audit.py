"""Issue 9 (Build 4) and 12 (《信访工作条例》Art. 30; 个人信息保护法 Art. 51, 54): the proposal page and the proposals
API show the proposer's name and phone to staff who may see the proposal (``proposals_visible_to``); each such display
writes one ``IdentityRead`` with the proposal, an anonymous proposal (nothing to show) none. The identity-read audit
lists these reads to supervisors and administrators who may see the proposal, and not to an unrelated unit's.
Converting between a proposal and a petition copies the identity: one read per conversion, both ways, page and API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import Personas, Tree, make_user
from xinfang.core.audit import identity_read_record
from xinfang.core.models import IdentityRead, IdentitySurface
from xinfang.orgs.models import Role, User
from xinfang.petitions.tests.helpers import register
from xinfang.proposals.models import Proposal
from xinfang.proposals.tests.helpers import submit

pytestmark = pytest.mark.django_db

NAME, PHONE = "钱建议", "13900001111"  # the proposer in proposals.tests.helpers.submit
AUDIT = "/api/v1/audit/identity-reads/"
AUDIT_CSV = "/api/v1/audit/identity-reads/export/"


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def reads() -> list[tuple[int, int | None, int | None, str]]:
    return list(IdentityRead.objects.order_by("id").values_list("user_id", "proposal_id", "petition_id", "surface"))


@pytest.fixture
def proposal(tree: Tree) -> Proposal:
    return submit(tree.county_dept)  # received by A1区信访局, where registrar_a works


@pytest.fixture
def anonymous(tree: Tree) -> Proposal:
    return submit(tree.county_dept, proposer_name="", proposer_phone="")


# ------------------------------------------------------------------------------------------------ the page


def test_each_display_of_the_proposal_page_writes_one_read(personas: Personas, proposal: Proposal) -> None:
    client = page(personas.registrar_a)
    url = reverse("proposals:detail", args=[proposal.pk])

    first = client.get(url)
    assert first.status_code == 200 and NAME in first.content.decode() and PHONE in first.content.decode()
    assert reads() == [(personas.registrar_a.pk, proposal.pk, None, IdentitySurface.PROPOSAL_PAGE)]

    client.get(url)
    assert len(reads()) == 2  # one per display, not one per person


def test_the_page_of_an_anonymous_proposal_writes_no_read(personas: Personas, anonymous: Proposal) -> None:
    response = page(personas.registrar_a).get(reverse("proposals:detail", args=[anonymous.pk]))
    assert response.status_code == 200
    assert reads() == []


def test_a_page_refused_as_not_found_writes_no_read(personas: Personas, proposal: Proposal) -> None:
    response = page(personas.outsider).get(reverse("proposals:detail", args=[proposal.pk]))
    assert response.status_code == 404
    assert reads() == []


def test_a_refused_action_that_renders_the_page_again_writes_one_read(personas: Personas, proposal: Proposal) -> None:
    url = reverse("proposals:act", args=[proposal.pk, "decide"])
    response = page(personas.registrar_a).post(url, {"decide-outcome": "adopted", "decide-reason": ""})
    assert response.status_code == 400
    assert [r[3] for r in reads()] == [IdentitySurface.PROPOSAL_PAGE]


# ------------------------------------------------------------------------------------------------ the API


def test_the_api_detail_writes_one_read_per_display(personas: Personas, proposal: Proposal) -> None:
    client = api(personas.registrar_a)

    body = client.get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert (body["proposer_name"], body["proposer_phone"]) == (NAME, PHONE)
    assert reads() == [(personas.registrar_a.pk, proposal.pk, None, IdentitySurface.API_PROPOSAL)]

    client.get(f"/api/v1/proposals/{proposal.number}/")
    assert len(reads()) == 2


def test_the_api_list_and_an_anonymous_proposal_write_no_read(
    personas: Personas, proposal: Proposal, anonymous: Proposal
) -> None:
    client = api(personas.registrar_a)
    assert len(client.get("/api/v1/proposals/").json()["results"]) == 2  # the list carries no proposer
    assert client.get(f"/api/v1/proposals/{anonymous.pk}/").json()["proposer_name"] == ""
    assert api(personas.outsider).get(f"/api/v1/proposals/{proposal.pk}/").status_code == 404
    assert reads() == []


def test_an_action_answer_showing_the_proposer_writes_one_read(
    tree: Tree, personas: Personas, proposal: Proposal
) -> None:
    response = api(personas.registrar_a).post(f"/api/v1/proposals/{proposal.pk}/refer/", {"to_unit": tree.housing.pk})
    assert response.status_code == 200 and response.json()["proposer_phone"] == PHONE
    assert reads() == [(personas.registrar_a.pk, proposal.pk, None, IdentitySurface.API_PROPOSAL)]


def test_a_refused_action_shows_nothing_and_writes_no_read(personas: Personas, proposal: Proposal) -> None:
    response = api(personas.registrar_a).post(f"/api/v1/proposals/{proposal.pk}/refer/", {"to_unit": 999999})
    assert response.status_code == 400
    assert reads() == []


# ------------------------------------------------------------------------------------------------ the audit list


@pytest.fixture
def audited(personas: Personas, proposal: Proposal) -> dict[str, Any]:
    """A read of the proposer (A1区), and a read of an A1区 petition for comparison."""
    api(personas.registrar_a).get(f"/api/v1/proposals/{proposal.pk}/")
    petition, _ = register(personas.registrar_a)
    identity_read_record(user=personas.registrar_a, surface="api_detail", petition_ids=[petition.pk])
    return {"proposal": proposal, "petition": petition}


def listed(user: User) -> list[tuple[str, int | None, str]]:
    response = api(user).get(AUDIT)
    assert response.status_code == 200, response.content
    return sorted((r["petition"], r["proposal_id"], r["surface"]) for r in response.json()["results"])


def test_an_administrator_over_the_proposals_unit_lists_the_proposer_read(tree: Tree, audited: dict[str, Any]) -> None:
    a1_admin = make_user("a1_admin", tree.county, Role.ADMIN)  # A1区人民政府 oversees A1区信访局
    assert listed(a1_admin) == sorted(
        [(audited["petition"].number, None, "api_detail"), ("", audited["proposal"].pk, "api_proposal")]
    )


def test_the_supervisor_above_lists_it_in_the_list_and_the_csv(personas: Personas, audited: dict[str, Any]) -> None:
    assert ("", audited["proposal"].pk, "api_proposal") in listed(personas.supervisor)

    text = api(personas.supervisor).get(AUDIT_CSV).getvalue().decode("utf-8-sig")
    assert f",,{audited['proposal'].pk},api_proposal" in text


def test_an_unrelated_units_supervisor_does_not_list_the_proposer_read(tree: Tree, audited: dict[str, Any]) -> None:
    a2_supervisor = make_user("a2_supervisor", tree.county2, Role.SUPERVISOR)
    assert listed(a2_supervisor) == []


def test_a_superuser_lists_the_proposer_read(audited: dict[str, Any]) -> None:
    root = User.objects.create_superuser("root", password="pw-xinfang-test")
    assert ("", audited["proposal"].pk, "api_proposal") in listed(root)


def test_a_booking_read_without_a_petition_stays_for_superusers_only(
    personas: Personas, audited: dict[str, Any]
) -> None:
    identity_read_record(user=personas.registrar_a, surface="api_bookings", bookings={99: None})
    assert all(surface != "api_bookings" for _p, _id, surface in listed(personas.supervisor))


# ------------------------------------------------------------------------------------------------ conversions
# Converting copies the unmasked identity from one record to the other (Art. 29 ¶2 with Art. 30): each conversion
# writes exactly one read naming the actor, the source record and the surface; an anonymous source writes none; the
# API answer that shows the copied proposer does not count the same read twice.

SOURCE_NAME, SOURCE_PHONE = "张三", "13812345678"  # the petitioner in petitions.tests.helpers.register


@pytest.fixture
def named_petition(personas: Personas) -> Any:
    petition, _code = register(personas.registrar_a)  # held by A1区信访局, which may convert it (Art. 29)
    IdentityRead.objects.all().delete()  # only the conversion's reads below
    return petition


@pytest.fixture
def anonymous_petition(personas: Personas) -> Any:
    petition, _code = register(personas.registrar_a, is_anonymous=True, petitioners=[])
    IdentityRead.objects.all().delete()
    return petition


def test_api_converting_a_proposal_into_a_petition_writes_one_read_of_the_proposal(
    personas: Personas, proposal: Proposal
) -> None:
    response = api(personas.registrar_a).post(
        f"/api/v1/proposals/{proposal.pk}/convert/", {"reason": "实为投诉", "nature": "appeal"}
    )
    assert response.status_code == 201, response.content
    assert reads() == [(personas.registrar_a.pk, proposal.pk, None, IdentitySurface.PETITION_CONVERSION)]
    petitioner = Proposal.objects.get(pk=proposal.pk).petition.petitioners.get()  # type: ignore[union-attr]
    assert (petitioner.name, petitioner.phone) == (NAME, PHONE)  # what was read was copied


def test_the_page_converting_a_proposal_into_a_petition_writes_one_read(personas: Personas, proposal: Proposal) -> None:
    response = page(personas.registrar_a).post(
        reverse("proposals:act", args=[proposal.pk, "convert"]),
        {"convert-nature": "appeal", "convert-reason": "实为投诉"},
    )
    assert response.status_code == 302
    assert reads() == [(personas.registrar_a.pk, proposal.pk, None, IdentitySurface.PETITION_CONVERSION)]


def test_converting_an_anonymous_proposal_into_a_petition_writes_no_read(
    personas: Personas, anonymous: Proposal
) -> None:
    client = api(personas.registrar_a)
    response = client.post(f"/api/v1/proposals/{anonymous.pk}/convert/", {"reason": "实为投诉", "nature": "appeal"})
    assert response.status_code == 201, response.content
    assert reads() == []


def test_a_refused_conversion_into_a_petition_writes_no_read(personas: Personas, proposal: Proposal) -> None:
    response = api(personas.registrar_a).post(
        f"/api/v1/proposals/{proposal.pk}/convert/", {"reason": "实为投诉", "nature": "no-such-nature"}
    )
    assert response.status_code == 400
    assert reads() == []


def test_api_converting_a_petition_into_a_proposal_writes_one_read_not_two(
    personas: Personas, named_petition: Any
) -> None:
    response = api(personas.registrar_a).post(
        "/api/v1/proposals/from-petition/", {"petition": named_petition.number, "reason": "属于建议意见类"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["proposer_name"], body["proposer_phone"]) == (SOURCE_NAME, SOURCE_PHONE)  # shown once, read once
    assert reads() == [(personas.registrar_a.pk, None, named_petition.pk, IdentitySurface.PROPOSAL_CONVERSION)]


def test_the_proposals_desk_converting_a_petition_writes_one_read(personas: Personas, named_petition: Any) -> None:
    response = page(personas.registrar_a).post(
        reverse("proposals:from_petition"),
        {"from_petition-petition": named_petition.number, "from_petition-reason": "属于建议意见类"},
    )
    assert response.status_code == 302
    assert reads() == [(personas.registrar_a.pk, None, named_petition.pk, IdentitySurface.PROPOSAL_CONVERSION)]


def test_the_petition_page_action_converting_into_a_proposal_writes_one_read(
    personas: Personas, named_petition: Any
) -> None:
    response = page(personas.registrar_a).post(
        reverse("workbench:act", args=[named_petition.number, "to_proposal"]), {"reason": "属于建议意见类"}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Proposal.objects.filter(source_petition=named_petition).exists()
    assert reads() == [(personas.registrar_a.pk, None, named_petition.pk, IdentitySurface.PROPOSAL_CONVERSION)]


def test_converting_an_anonymous_petition_into_a_proposal_writes_no_read(
    personas: Personas, anonymous_petition: Any
) -> None:
    response = api(personas.registrar_a).post(
        "/api/v1/proposals/from-petition/", {"petition": anonymous_petition.number, "reason": "属于建议意见类"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["proposer_name"] == ""
    assert reads() == []


def test_a_conversion_read_of_a_proposal_is_listed_to_the_supervisor_above(
    personas: Personas, proposal: Proposal
) -> None:
    client = api(personas.registrar_a)
    client.post(f"/api/v1/proposals/{proposal.pk}/convert/", {"reason": "实为投诉", "nature": "appeal"})
    assert ("", proposal.pk, "petition_conversion") in listed(personas.supervisor)
