"""Who gets what from every /api/v1/joint/ endpoint: a hand-written status-code table, endpoints × personas.

The world (``xinfang.petitions.tests.test_matrix_world``) is extended with joint records built through the
services at ``NOW``:

- the city's joint conference, run from A市信访局 (the supervisor), members A市住建局, A1区政府, A1区住建局 (B) and
  A1区生态环境局; one meeting with a hot-issue item (decided: 住建局 by NOW+10), an item on the world's disputed
  petition, and an item on a second disputed petition whose Art. 24 decision was assigned to A1区政府 to carry out;
- a centre run by A1区信访局 (unit A) with B and A1区委政法委 stationed, a universal window, an intake, a joint
  session and a mediation referral;
- a grassroots point of unit A with one household visit.

Columns as in the petitions matrix: anonymous, citizen account, registrar of A, handler and head of B, supervisor
above A (A市信访局), outsider (A2区住建局), the accused unit (A1区生态环境局, here a member of the conference),
the head of A1区政府 and of A市政府. 404 when the record is not visible; 400 when a body refers to a record the user
cannot see; 403 when visible but not the user's to change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from xinfang.joint import services
from xinfang.joint.models import (
    AgendaItem,
    Centre,
    GrassrootsPoint,
    JointConference,
    MediationReferral,
)
from xinfang.orgs.models import User
from xinfang.petitions import services as petition_services
from xinfang.petitions.tests.helpers import register
from xinfang.petitions.tests.test_matrix_world import NOW, World, world_fixture
from xinfang.petitions.workflow import State
from xinfang.supervision.models import Assignment, AssignmentSource

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "citizen",
    "registrar_a",
    "handler_b",
    "head_b",
    "supervisor",
    "outsider",
    "accused",
    "county_head",
    "city_head",
)
TODAY = NOW.date()


@dataclass
class Joint:
    world: World
    conference: JointConference
    meeting_id: int
    hot_item: AgendaItem
    disputed_item: AgendaItem
    assigned_item: AgendaItem
    assignment: Assignment
    centre: Centre
    intake_id: int
    session_id: int
    referral: MediationReferral
    point: GrassrootsPoint


def build_joint(w: World) -> Joint:
    p, t = w.people, w.tree
    with time_machine.travel(NOW, tick=False):
        conf = services.conference_create(
            actor=p.supervisor,
            unit=t.city_dept,
            name="A市信访工作联席会议",
            members=[t.city_housing, t.county, t.housing, t.environment],
        )
        meeting = services.meeting_create(
            actor=p.supervisor,
            conference=conf,
            held_on=TODAY,
            convened_by="陈副市长",
            attendees=[t.county, t.housing, t.environment],
        )
        hot = services.agenda_item_add(actor=p.supervisor, meeting=meeting, kind="hot_issue", title="物业纠纷集中")
        _decision, (assignment,) = services.decision_record(
            actor=p.supervisor,
            item=hot,
            text="住建局出台指导意见",
            assignments=[services.AssignmentSpec(t.housing, TODAY + dt.timedelta(days=10))],
        )
        disputed = services.agenda_item_add(
            actor=p.supervisor, meeting=meeting, kind="petition", title="", petition=w.petitions[State.DISPUTED]
        )
        second, _code = register(p.registrar_a)
        petition_services.petition_escalate_dispute(
            petition=second, actor=p.registrar_a, units=[t.housing, t.environment], reason="职责争议"
        )
        assigned = services.agenda_item_add(
            actor=p.supervisor, meeting=meeting, kind="petition", title="", petition=second
        )
        services.jurisdiction_settle(actor=p.supervisor, item=assigned, to_unit=t.housing)

        centre = services.centre_create(
            actor=p.supervisor, unit=t.county_dept, name="A1区矛调中心", departments=[t.housing, t.legal]
        )
        window = services.window_create(actor=p.supervisor, centre=centre, name="无差别受理", is_universal=True)
        intake = services.centre_triage(
            actor=p.registrar_a,
            window=window,
            triage=services.Triage(
                kind="litigation", summary="合同纠纷", litigation_route="court", guidance="向法院起诉"
            ),
        )
        session, _rows = services.joint_session_record(
            actor=p.registrar_a,
            centre=centre,
            held_on=TODAY,
            led_by="区信访局局长",
            matter="噪音",
            departments=[t.housing, t.legal],
            outcome="限期整改",
        )
        referral = services.mediation_refer(
            actor=p.registrar_a,
            centre=centre,
            matter="租金纠纷",
            parties_summary="房东与租客",
            mediator_org="人民调解委员会",
        )
        point = services.point_create(actor=p.supervisor, unit=t.county_dept, name="说事点", grid="第1网格")
        services.household_visit_record(
            actor=p.registrar_a, point=point, visited_on=TODAY, place="3栋", outcome="nothing"
        )
    return Joint(
        w, conf, meeting.pk, hot, disputed, assigned, assignment, centre, intake.pk, session.pk, referral, point
    )


@pytest.fixture(scope="module")
def joint(django_db_setup: None, django_db_blocker: Any) -> Iterator[Joint]:
    for w in world_fixture(django_db_blocker):
        yield build_joint(w)


def user_of(j: Joint, persona: str) -> User | None:
    if persona == "anonymous":
        return None
    if persona == "citizen":
        return j.world.citizen
    user: User = getattr(j.world.people, persona)
    return user


Body = Callable[[Joint], Any]


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str  # as in the OpenAPI schema
    record: Callable[[Joint], int] | None  # fills {id}
    body: Body | None
    codes: tuple[int, ...]


def _due(days: int) -> str:
    return (TODAY + dt.timedelta(days=days)).isoformat()


# fmt: off
#                        anon citzn reg_a hnd_b hd_b  super outsd accsd cnty  city
STAFF_OK =              (401, 403,  200,  200,  200,  200,  200,  200,  200,  200)
CONF_SEEN =             (401, 403,  404,  200,  200,  200,  404,  200,  200,  404)
CONF_ORGANISER =        (401, 403,  404,  403,  403,  200,  404,  403,  403,  404)
CONF_ORGANISER_NEW =    (401, 403,  404,  403,  403,  201,  404,  403,  403,  404)
CENTRE_SEEN =           (401, 403,  200,  200,  200,  200,  404,  404,  404,  404)
CENTRE_ORGANISER =      (401, 403,  403,  403,  403,  200,  404,  404,  404,  404)
CENTRE_ORGANISER_NEW =  (401, 403,  403,  403,  403,  201,  404,  404,  404,  404)
CENTRE_DESK_NEW =       (401, 403,  201,  403,  403,  403,  400,  400,  400,  400)
ORGANISE_AT_A =         (401, 403,  403,  403,  403,  201,  403,  403,  403,  403)

ENDPOINTS: dict[str, Endpoint] = {
    "conferences": Endpoint("get", "/api/v1/joint/conferences/", None, None, STAFF_OK),
    "conference": Endpoint("get", "/api/v1/joint/conferences/{id}/", lambda j: j.conference.pk, None, CONF_SEEN),
    # A new conference at A1区政府: the county head (own unit) or the supervisor above.
    "conference-create": Endpoint("post", "/api/v1/joint/conferences/", None,
                                  lambda j: {"unit": j.world.tree.county.pk, "name": "A1区联席会议", "members": []},
                           (401, 403,  403,  403,  403,  201,  403,  403,  201,  403)),
    "conference-members": Endpoint("post", "/api/v1/joint/conferences/{id}/members/", lambda j: j.conference.pk,
                                   lambda j: {"members": [j.world.tree.housing.pk]}, CONF_ORGANISER),
    "meetings": Endpoint("get", "/api/v1/joint/meetings/", None, None, STAFF_OK),
    "meeting": Endpoint("get", "/api/v1/joint/meetings/{id}/", lambda j: j.meeting_id, None, CONF_SEEN),
    "meeting-create": Endpoint("post", "/api/v1/joint/meetings/", None,
                               lambda j: {"conference": j.conference.pk, "held_on": TODAY.isoformat(),
                                          "convened_by": "陈副市长", "attendees": [j.world.tree.housing.pk]},
                           (401, 403,  400,  403,  403,  201,  400,  403,  403,  400)),
    "meeting-minutes": Endpoint("post", "/api/v1/joint/meetings/{id}/minutes/", lambda j: j.meeting_id,
                                lambda j: {"minutes": "会议纪要"}, CONF_ORGANISER),
    "meeting-items": Endpoint("post", "/api/v1/joint/meetings/{id}/items/", lambda j: j.meeting_id,
                              lambda j: {"kind": "policy", "title": "征地补偿标准"}, CONF_ORGANISER_NEW),
    "item-decisions": Endpoint("post", "/api/v1/joint/agenda-items/{id}/decisions/", lambda j: j.hot_item.pk,
                               lambda j: {"text": "限期整改", "assignments": [
                                   {"unit": j.world.tree.housing.pk, "due": _due(10)}]}, CONF_ORGANISER_NEW),
    "item-jurisdiction": Endpoint("post", "/api/v1/joint/agenda-items/{id}/jurisdiction/",
                                  lambda j: j.disputed_item.pk, lambda j: {"to_unit": j.world.tree.housing.pk},
                                  CONF_ORGANISER_NEW),
    # Only a head of the common superior holding the petition (A1区政府) carries the decision out.
    "item-carry-out": Endpoint("post", "/api/v1/joint/agenda-items/{id}/jurisdiction/carry-out/",
                               lambda j: j.assigned_item.pk, lambda j: {},
                           (401, 403,  404,  403,  403,  403,  404,  403,  200,  404)),
    "decisions": Endpoint("get", "/api/v1/joint/decisions/", None, None, STAFF_OK),
    # The responsible unit (B) reports done; units above see it but do not report for B.
    "assignment-complete": Endpoint("post", "/api/v1/joint/assignments/{id}/complete/", lambda j: j.assignment.pk,
                                    lambda j: {"result": "指导意见已印发"},
                           (401, 403,  403,  200,  200,  403,  404,  404,  404,  404)),
    "centres": Endpoint("get", "/api/v1/joint/centres/", None, None, STAFF_OK),
    "centre": Endpoint("get", "/api/v1/joint/centres/{id}/", lambda j: j.centre.pk, None, CENTRE_SEEN),
    "centre-create": Endpoint("post", "/api/v1/joint/centres/", None,
                              lambda j: {"unit": j.world.tree.county_dept.pk, "name": "信访超市", "departments": []},
                              ORGANISE_AT_A),
    "centre-departments": Endpoint("post", "/api/v1/joint/centres/{id}/departments/", lambda j: j.centre.pk,
                                   lambda j: {"departments": [j.world.tree.housing.pk]}, CENTRE_ORGANISER),
    "centre-windows": Endpoint("post", "/api/v1/joint/centres/{id}/windows/", lambda j: j.centre.pk,
                               lambda j: {"name": "住建窗口", "department": j.world.tree.housing.pk},
                               CENTRE_ORGANISER_NEW),
    "intakes": Endpoint("get", "/api/v1/joint/intakes/", None, None, STAFF_OK),
    "intake": Endpoint("get", "/api/v1/joint/intakes/{id}/", lambda j: j.intake_id, None, CENTRE_SEEN),
    # Triage at the universal window: a registrar of the centre's unit (A).
    "intake-create": Endpoint("post", "/api/v1/joint/intakes/", None,
                              lambda j: {"window": j.centre.windows.get().pk, "kind": "litigation",
                                         "summary": "借款纠纷", "litigation_route": "court", "guidance": "向法院起诉"},
                              CENTRE_DESK_NEW),
    "sessions": Endpoint("get", "/api/v1/joint/sessions/", None, None, STAFF_OK),
    "session": Endpoint("get", "/api/v1/joint/sessions/{id}/", lambda j: j.session_id, None, CENTRE_SEEN),
    "session-create": Endpoint("post", "/api/v1/joint/sessions/", None,
                               lambda j: {"centre": j.centre.pk, "held_on": TODAY.isoformat(), "led_by": "局长",
                                          "matter": "噪音", "outcome": "限期整改",
                                          "departments": [j.world.tree.housing.pk, j.world.tree.legal.pk]},
                               CENTRE_DESK_NEW),
    "mediations": Endpoint("get", "/api/v1/joint/mediations/", None, None, STAFF_OK),
    "mediation": Endpoint("get", "/api/v1/joint/mediations/{id}/", lambda j: j.referral.pk, None, CENTRE_SEEN),
    "mediation-create": Endpoint("post", "/api/v1/joint/mediations/", None,
                                 lambda j: {"centre": j.centre.pk, "matter": "欠款", "parties_summary": "甲乙",
                                            "mediator_org": "人民调解委员会"}, CENTRE_DESK_NEW),
    "mediation-outcome": Endpoint("post", "/api/v1/joint/mediations/{id}/outcome/", lambda j: j.referral.pk,
                                  lambda j: {"reached": True, "agreement_text": "分期还款",
                                             "concluded_on": TODAY.isoformat()},
                           (401, 403,  200,  403,  403,  403,  404,  404,  404,  404)),
    "points": Endpoint("get", "/api/v1/joint/points/", None, None, STAFF_OK),
    "point": Endpoint("get", "/api/v1/joint/points/{id}/", lambda j: j.point.pk, None,
                           (401, 403,  200,  404,  404,  200,  404,  404,  404,  404)),
    "point-create": Endpoint("post", "/api/v1/joint/points/", None,
                             lambda j: {"unit": j.world.tree.county_dept.pk, "name": "第二说事点"}, ORGANISE_AT_A),
    "visits": Endpoint("get", "/api/v1/joint/visits/", None, None, STAFF_OK),
    "visit-create": Endpoint("post", "/api/v1/joint/visits/", None,
                             lambda j: {"point": j.point.pk, "visited_on": TODAY.isoformat(), "place": "5栋",
                                        "outcome": "nothing"},
                           (401, 403,  201,  400,  400,  403,  400,  400,  400,  400)),
    "follow-ups": Endpoint("get", "/api/v1/joint/follow-ups/", None, None, STAFF_OK),
    # 上门回访 on a replied petition: whoever may see it with a desk role.
    "follow-up-create": Endpoint("post", "/api/v1/joint/follow-ups/", None,
                                 lambda j: {"petition": j.world.petitions[State.REPLIED].number,
                                            "visited_on": TODAY.isoformat(), "view": "satisfied"},
                           (401, 403,  201,  201,  201,  201,  400,  400,  400,  400)),
}
# fmt: on


def _cases() -> list[Any]:
    cases = []
    for name, endpoint in ENDPOINTS.items():
        assert len(endpoint.codes) == len(PERSONAS), name
        for persona, code in zip(PERSONAS, endpoint.codes, strict=True):
            cases.append(pytest.param(name, persona, code, id=f"{name}-{persona}-{code}"))
    return cases


@pytest.mark.parametrize(("name", "persona", "expected"), _cases())
def test_joint_api_permission_matrix(joint: Joint, name: str, persona: str, expected: int) -> None:
    endpoint = ENDPOINTS[name]
    user = user_of(joint, persona)
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    url = endpoint.template
    if endpoint.record is not None:
        url = url.replace("{id}", str(endpoint.record(joint)))
    with time_machine.travel(NOW, tick=False):
        if endpoint.method == "get":
            response = client.get(url)
        else:
            response = client.post(url, endpoint.body(joint) if endpoint.body else {}, format="json")
    body = response.content.decode(errors="replace")[:300]
    assert response.status_code == expected, f"{name} as {persona}: {response.status_code} {body}"


def test_every_joint_endpoint_is_in_the_matrix() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    in_schema = {
        (method, path) for path, ops in schema["paths"].items() for method in ops if path.startswith("/api/v1/joint/")
    }
    in_matrix = {(e.method, e.template) for e in ENDPOINTS.values()}
    assert in_schema == in_matrix


def test_the_assigned_art_24_decision_is_held_by_the_common_superior(joint: Joint) -> None:
    """The world's premise for the carry-out row: the assignment went to A1区政府."""
    decision = joint.assigned_item.decisions.get()
    (a,) = Assignment.objects.filter(source=AssignmentSource.JOINT_MEETING, source_id=decision.pk)
    assert a.unit == joint.world.tree.county
