"""The leader's desk (待阅批 oldest first, outcomes), the instruction page, and the petition page's card."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xinfang.instructions import services
from xinfang.instructions.models import InstructionStatus
from xinfang.instructions.tests.conftest import in_ten_days
from xinfang.petitions.tests.helpers import register
from xinfang.supervision.assignments import assignment_complete
from xinfang.supervision.models import Assignment

pytestmark = pytest.mark.django_db


def test_the_desk_lists_waiting_petitions_oldest_first_and_what_came_of_each_instruction(
    client, personas, leaders, tree
):
    older, _ = register(personas.registrar_a, title="较早的来信")
    newer, _ = register(personas.registrar_a, title="较新的来信")
    for petition in (older, newer):
        services.instruction_request(actor=personas.registrar_a, petition=petition, leader=leaders.county)
    done, _ = register(personas.registrar_a, title="已批示的来信")
    given = services.instruction_request(actor=personas.registrar_a, petition=done, leader=leaders.county)
    services.instruction_give(
        actor=leaders.county, instruction=given, text="请住建局核查", units=[tree.housing], due=in_ten_days()
    )
    assignment_complete(actor=personas.head_b, assignment=Assignment.objects.get(), result="已核查并答复信访人")

    client.force_login(leaders.county)
    page = client.get(reverse("workbench:desk")).content.decode()

    assert page.index(older.number) < page.index(newer.number) < page.index(done.number)
    assert "已核查并答复信访人" in page  # the unit's feedback on the instruction


def test_the_leader_instructs_from_the_instruction_page(client, personas, leaders, tree):
    petition, _ = register(personas.registrar_a)
    instruction = services.instruction_request(actor=personas.registrar_a, petition=petition, leader=leaders.county)
    client.force_login(leaders.county)
    url = reverse("instructions:give", args=[instruction.pk])

    refused = client.post(url, {"text": "", "units": [tree.housing.pk], "due": in_ten_days().isoformat()})
    assert refused.status_code == 400

    answer = client.post(url, {"text": "请住建局核查", "units": [tree.housing.pk], "due": in_ten_days().isoformat()})
    assert answer.status_code == 302
    instruction.refresh_from_db()
    assert instruction.status == InstructionStatus.INSTRUCTED


def test_the_petition_page_shows_the_instruction_card_to_staff(client, personas, leaders, tree):
    petition, _ = register(personas.registrar_a)
    instruction = services.instruction_request(actor=personas.registrar_a, petition=petition, leader=leaders.county)
    services.instruction_give(
        actor=leaders.county, instruction=instruction, text="请住建局限期核查", units=[tree.housing], due=in_ten_days()
    )
    client.force_login(personas.registrar_a)
    page = client.get(reverse("workbench:petition", args=[petition.number])).content.decode()
    assert 'id="instructions-card"' in page and "请住建局限期核查" in page


def test_the_petition_department_puts_a_petition_before_a_leader_from_the_petition_page(client, personas, leaders):
    petition, _ = register(personas.registrar_a)
    client.force_login(personas.registrar_a)
    answer = client.post(reverse("instructions:request", args=[petition.number]), {"leader": leaders.county.pk})
    assert answer.status_code == 302
    client.force_login(leaders.county)
    assert petition.number in client.get(reverse("workbench:desk")).content.decode()


def test_an_instruction_page_of_an_unseen_petition_is_a_404(client, personas, leaders):
    petition, _ = register(personas.registrar_a)
    instruction = services.instruction_request(actor=personas.registrar_a, petition=petition, leader=leaders.county)
    client.force_login(personas.outsider)
    assert client.get(reverse("instructions:detail", args=[instruction.pk])).status_code == 404
    assert client.get(reverse("instructions:detail", args=["99999999999999999999999"])).status_code == 404
