"""/api/v1/instructions/: the same services behind thin views; bad input is a 4xx naming the field, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from xinfang.instructions.models import Instruction, InstructionStatus
from xinfang.instructions.tests.conftest import in_ten_days
from xinfang.petitions.tests.helpers import register
from xinfang.supervision.models import Assignment, AssignmentSource

pytestmark = pytest.mark.django_db


def api(user: Any = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _requested(personas, leaders) -> dict[str, Any]:
    petition, _ = register(personas.registrar_a)
    answer = api(personas.registrar_a).post(
        "/api/v1/instructions/",
        {"petition": petition.number, "leader": leaders.county.pk, "note": "请区长阅示"},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    body: dict[str, Any] = answer.json()
    return body


def test_the_petition_department_requests_and_the_leader_instructs_through_the_api(personas, leaders, tree):
    body = _requested(personas, leaders)
    assert body["status"] == InstructionStatus.WAITING

    mine = api(leaders.county).get("/api/v1/instructions/", {"status": "waiting", "mine": "true"}).json()
    assert [row["id"] for row in mine["results"]] == [body["id"]]

    due = in_ten_days().isoformat()
    answer = api(leaders.county).post(
        f"/api/v1/instructions/{body['id']}/give/",
        {"text": "请区住建局核查，按期反馈。", "units": [tree.housing.pk], "due": due},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    given = answer.json()
    assert given["status"] == "instructed"
    assert [(a["unit_id"], a["due"], a["done_on"]) for a in given["assignments"]] == [(tree.housing.pk, due, None)]
    assert Assignment.objects.filter(source=AssignmentSource.INSTRUCTION, source_id=body["id"]).count() == 1


def test_an_unknown_or_oversized_unit_id_is_a_400_at_units(personas, leaders):
    body = _requested(personas, leaders)
    for units in ([987654321], [2**63 + 5], []):
        answer = api(leaders.county).post(
            f"/api/v1/instructions/{body['id']}/give/",
            {"text": "请核查", "units": units, "due": in_ten_days().isoformat()},
            format="json",
        )
        assert answer.status_code == 400, (units, answer.content)
        assert "units" in answer.json().get("field", answer.json())


def test_a_leader_beside_cannot_reach_the_instruction(personas, leaders, tree):
    body = _requested(personas, leaders)
    answer = api(leaders.county2).post(
        f"/api/v1/instructions/{body['id']}/give/",
        {"text": "请核查", "units": [tree.housing.pk], "due": in_ten_days().isoformat()},
        format="json",
    )
    # A peer leader cannot even see the petition: missing and forbidden look the same.
    assert answer.status_code == 404
    assert Instruction.objects.get().status == InstructionStatus.WAITING


def test_the_petitioner_sees_the_instruction_on_the_track_api_only_once_released(personas, leaders, tree):
    petition, code = register(personas.registrar_a)
    body = (
        api(personas.registrar_a)
        .post("/api/v1/instructions/", {"petition": petition.number, "leader": leaders.county.pk}, format="json")
        .json()
    )
    api(leaders.county).post(
        f"/api/v1/instructions/{body['id']}/give/",
        {"text": "请依法依规妥善处理", "units": [tree.housing.pk], "due": in_ten_days().isoformat()},
        format="json",
    )
    staff = api(personas.registrar_a).get(f"/api/v1/petitions/{petition.number}/").json()
    assert any(e["action"] == "instruct" and e["data"].get("text") == "请依法依规妥善处理" for e in staff["events"])

    def track():
        answer = api().get(f"/api/v1/track/{petition.number}", {"code": code})
        assert answer.status_code == 200
        return answer.content.decode()

    assert "请依法依规妥善处理" not in track()
    assert api(leaders.county).post(f"/api/v1/instructions/{body['id']}/release/").status_code == 200
    assert "请依法依规妥善处理" in track()


def test_anyone_may_list_open_mailboxes_and_write_to_one(mailbox, leaders):
    listed = api().get("/api/v1/instructions/mailboxes/").json()
    assert [(m["id"], m["title"]) for m in listed] == [(mailbox.pk, "区长信箱")]

    answer = api().post(
        f"/api/v1/instructions/mailboxes/{mailbox.pk}/petitions/",
        {
            "title": "小区门口道路破损",
            "request": "请尽快修复",
            "petitioners": [{"name": "张三", "phone": "13812345678"}],
            "problem_division_code": "990101",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.content
    instruction = Instruction.objects.get()
    assert instruction.petition.number == answer.json()["number"]
    assert instruction.leader == leaders.county and instruction.mailbox == mailbox


def test_a_missing_or_huge_mailbox_id_is_a_404(mailbox):
    for pk in (mailbox.pk + 100, 2**70):
        assert api().post(f"/api/v1/instructions/mailboxes/{pk}/petitions/", {}, format="json").status_code == 404


def test_a_bad_status_filter_is_a_400_naming_it(personas):
    answer = api(personas.registrar_a).get("/api/v1/instructions/", {"status": "nonsense"})
    assert answer.status_code == 400 and answer.json()["field"] == "status"
