"""Conversion both ways, with the history kept: a proposal that is really a complaint becomes a petition through
the petitions intake (same registration rules and clocks, Arts. 21-22), and a petition that is really a suggestion
(建议意见类, Art. 29) becomes a proposal. The converted record is closed with the reason, never deleted; the two
are linked and each timeline records the conversion."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import Personas, Tree
from xinfang.core import timeutil
from xinfang.core.errors import IllegalTransition, InvalidInput, NotPermitted
from xinfang.deadlines.rules import ClockKind as PetitionClockKind
from xinfang.petitions import services as petition_services
from xinfang.petitions.models import Channel, Clock, Petition, PetitionEvent
from xinfang.petitions.workflow import Action as PetitionAction
from xinfang.petitions.workflow import State as PetitionState
from xinfang.proposals import services
from xinfang.proposals.models import Proposal, ProposalClock, ProposalEvent
from xinfang.proposals.tests.helpers import submit
from xinfang.proposals.workflow import Action, State

pytestmark = pytest.mark.django_db


def _petition(tree: Tree, personas: Personas, **overrides: object) -> Petition:
    data = petition_services.IntakeData(
        channel=Channel.LETTER,
        title="建议在丽发新城增设公交站",
        request="建议公交公司在东门增设站点",
        facts_and_reasons="居民出行不便",
        petitioners=[petition_services.PetitionerData(name="王五", phone="13800001111")],
        attachments=[SimpleUploadedFile("线路图.pdf", b"%PDF-1.4 map")],
    )
    for key, value in overrides.items():
        setattr(data, key, value)
    petition, _code = petition_services.petition_register(actor=personas.registrar_a, unit=tree.county_dept, data=data)
    return petition


def test_proposal_becomes_a_petition_and_both_timelines_say_so(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept, attachments=[SimpleUploadedFile("现场.pdf", b"%PDF-1.4 site")])
    petition, code = services.proposal_convert_to_petition(
        proposal=p, actor=personas.registrar_a, reason="反映的是物业侵权，属于投诉"
    )
    p.refresh_from_db()
    assert (p.state, p.petition, p.closed_on, p.closing_reason) == (
        State.CONVERTED,
        petition,
        timeutil.today(),
        "反映的是物业侵权，属于投诉",
    )
    assert not ProposalClock.objects.filter(proposal=p, stopped_on__isnull=True).exists()
    last = ProposalEvent.objects.filter(proposal=p).last()
    assert last is not None and (last.action, last.data["petition"]) == (Action.CONVERT, petition.number)

    # The petition went through intake: registered at the receiving unit, with its 查询码 and the Art. 22 clock
    # counted from the day the proposal was received; its registration event names the proposal.
    assert petition.state == PetitionState.REGISTERED and petition.registering_unit == tree.county_dept
    assert petition.check_tracking_code(code)
    assert (petition.title, petition.request, petition.received_on) == (p.title, p.suggestion, p.received_on)
    assert Clock.objects.filter(petition=petition, kind=PetitionClockKind.ROUTE, start=p.received_on).exists()
    register = PetitionEvent.objects.get(petition=petition, action=PetitionAction.REGISTER)
    assert register.data["origin"] == {"proposal": p.number}
    assert [a.original_name for a in petition.attachments.all()] == ["现场.pdf"]
    assert [x.name for x in petition.petitioners.all()] == ["钱建议"]
    assert Proposal.objects.filter(pk=p.pk).exists()  # kept, not deleted


def test_an_anonymous_proposal_becomes_an_anonymous_petition(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept, proposer_name="", proposer_phone="")
    petition, _ = services.proposal_convert_to_petition(proposal=p, actor=personas.registrar_a, reason="实为投诉")
    assert petition.is_anonymous and not petition.petitioners.exists()


def test_only_a_registrar_of_the_receiving_unit_converts_and_only_before_a_decision(
    tree: Tree, personas: Personas
) -> None:
    p = submit(tree.county_dept)
    for outsider in (personas.outsider, personas.handler_b):
        with pytest.raises(NotPermitted):
            services.proposal_convert_to_petition(proposal=p, actor=outsider, reason="r")
    with pytest.raises(InvalidInput) as err:
        services.proposal_convert_to_petition(proposal=p, actor=personas.registrar_a, reason=" ")
    assert err.value.field == "reason"
    assert not Petition.objects.exists()
    services.proposal_refer(proposal=p, actor=personas.registrar_a, to_unit=tree.housing)
    services.proposal_decide(proposal=p, actor=personas.head_b, outcome="not_adopted", reason="不可行")
    with pytest.raises(IllegalTransition):
        services.proposal_convert_to_petition(proposal=p, actor=personas.registrar_a, reason="r")
    assert not Petition.objects.exists()


def test_petition_becomes_a_proposal_and_both_timelines_say_so(tree: Tree, personas: Personas) -> None:
    petition = _petition(tree, personas)
    proposal = services.proposal_from_petition(petition=petition, actor=personas.registrar_a, reason="属于建议意见类")
    petition.refresh_from_db()
    assert (petition.state, petition.closed_on) == (PetitionState.CLOSED, timeutil.today())
    assert not Clock.objects.filter(petition=petition, stopped_on__isnull=True).exists()
    closing = PetitionEvent.objects.filter(petition=petition).order_by("id").last()
    assert closing is not None and closing.action == PetitionAction.TO_PROPOSAL
    assert closing.data == {"proposal": proposal.number, "reason": "属于建议意见类"}

    assert (proposal.source_petition, proposal.state, proposal.receiving_unit) == (
        petition,
        State.SUBMITTED,
        tree.county_dept,
    )
    assert (proposal.title, proposal.suggestion, proposal.proposer_name) == (petition.title, petition.request, "王五")
    assert not proposal.is_public  # the petitioner never chose publication
    first = ProposalEvent.objects.get(proposal=proposal)
    assert (first.action, first.data["petition"]) == (Action.FROM_PETITION, petition.number)
    assert ProposalClock.objects.filter(proposal=proposal, stopped_on__isnull=True).count() == 1
    assert [a.original_name for a in proposal.attachments.all()] == ["线路图.pdf"]


def test_a_petition_already_ended_or_seen_from_outside_is_not_converted(tree: Tree, personas: Personas) -> None:
    petition = _petition(tree, personas)
    with pytest.raises(NotPermitted):
        services.proposal_from_petition(petition=petition, actor=personas.outsider, reason="r")
    petition_services.petition_decline(
        petition=petition, actor=personas.registrar_a, ground="out_of_scope", reason="不属信访事项"
    )
    with pytest.raises(IllegalTransition):
        services.proposal_from_petition(petition=petition, actor=personas.registrar_a, reason="r")
    assert not Proposal.objects.exists()


def test_api_converts_both_ways(tree: Tree, personas: Personas) -> None:
    client = APIClient()
    client.force_authenticate(personas.registrar_a)
    p = submit(tree.county_dept)
    r = client.post(f"/api/v1/proposals/{p.pk}/convert/", {"reason": "实为投诉", "nature": "appeal"})
    assert r.status_code == 201, r.content
    petition = Petition.objects.get(number=r.json()["petition"])
    assert petition.check_tracking_code(r.json()["tracking_code"])
    assert client.get(f"/api/v1/proposals/{p.pk}/").json()["petition"] == petition.number

    other = _petition(tree, personas)
    r = client.post("/api/v1/proposals/from-petition/", {"petition": other.number, "reason": "属于建议"})
    assert r.status_code == 201 and r.json()["source_petition"] == other.number
    r = client.post("/api/v1/proposals/from-petition/", {"petition": "NO-SUCH", "reason": "属于建议"})
    assert r.status_code == 400 and "petition" in str(r.json())


def test_workbench_forms_convert_both_ways(tree: Tree, personas: Personas) -> None:
    client = Client()
    client.force_login(personas.registrar_a)
    p = submit(tree.county_dept)
    page = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert 'id="action-convert"' in page
    r = client.post(
        reverse("proposals:act", args=[p.pk, "convert"]), {"convert-nature": "appeal", "convert-reason": "实为投诉"}
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.state == State.CONVERTED and p.petition is not None

    petition = _petition(tree, personas)
    r = client.post(
        reverse("proposals:from_petition"),
        {"from_petition-petition": petition.number, "from_petition-reason": "属于建议"},
    )
    made = Proposal.objects.get(source_petition=petition)
    assert r.status_code == 302 and r["Location"] == reverse("proposals:detail", args=[made.pk])
    r = client.post(
        reverse("proposals:from_petition"), {"from_petition-petition": petition.number, "from_petition-reason": "x"}
    )
    assert r.status_code == 409  # closed already: the form says so instead of converting twice
