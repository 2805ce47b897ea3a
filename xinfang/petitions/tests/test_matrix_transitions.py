"""The state table is the law of the services: every action from every state it does not list is refused.

For each (action, state) pair where the state is not a source of the action in ``workflow.TRANSITIONS``, the
service raises ``IllegalTransition`` and writes nothing: no event, clock, document, access, rating or co-handler
row, and the petition row is unchanged. Each call uses the actor and input that would be valid in a legal
state, so the state is the only reason to refuse.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xinfang.core.articles import local_provisions
from xinfang.core.errors import IllegalTransition
from xinfang.petitions import services
from xinfang.petitions.api import views
from xinfang.petitions.models import (
    Attachment,
    Clock,
    CoHandler,
    Document,
    Petition,
    PetitionAccess,
    PetitionEvent,
    Rating,
)
from xinfang.petitions.services.conversion import petition_convert_to_proposal
from xinfang.petitions.tests.test_matrix_world import NOW, World, world_fixture
from xinfang.petitions.workflow import TRANSITIONS, Action, State

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    yield from world_fixture(django_db_blocker)


Call = Callable[[World, Petition], object]

# One call per action: the service, the actor who would take it in a legal state, and valid input.
CALLS: dict[Action, Call] = {
    Action.FORWARD: lambda w, p: services.petition_forward(
        petition=p, actor=w.people.registrar_a, to_unit=w.tree.housing
    ),
    Action.ASSIGN: lambda w, p: services.petition_assign(
        petition=p, actor=w.people.registrar_a, to_unit=w.tree.housing, feedback_days=30
    ),
    Action.REFER_DISCIPLINE: lambda w, p: services.petition_refer_discipline(
        petition=p, actor=w.people.registrar_a, to_unit=w.tree.discipline
    ),
    Action.DIVERT: lambda w, p: services.petition_divert(
        petition=p, actor=w.people.registrar_a, route="litigation", guidance="请向法院起诉"
    ),
    Action.DECLINE: lambda w, p: services.petition_decline(
        petition=p, actor=w.people.registrar_a, ground="out_of_scope", reason="不属信访事项"
    ),
    Action.REPORT_URGENT: lambda w, p: services.petition_report_urgent(
        petition=p, actor=w.people.registrar_a, summary="群体性事件苗头"
    ),
    Action.ACCEPT: lambda w, p: services.petition_accept(petition=p, actor=w.people.handler_b, notice="已受理"),
    Action.ACCEPT_SIMPLE: lambda w, p: services.petition_accept(petition=p, actor=w.people.handler_b, simple=True),
    Action.OBJECT: lambda w, p: services.petition_object(petition=p, actor=w.people.handler_b, reason="不属本单位"),
    Action.ESCALATE_DISPUTE: lambda w, p: services.petition_escalate_dispute(
        petition=p, actor=w.people.registrar_a, units=[w.tree.housing, w.tree.environment], reason="职责争议"
    ),
    Action.DECIDE_JURISDICTION: lambda w, p: services.petition_decide_jurisdiction(
        petition=p, actor=w.people.county_head, to_unit=w.tree.housing
    ),
    Action.REQUEST_EXTENSION: lambda w, p: services.petition_request_extension(
        petition=p, actor=w.people.handler_b, days=10, reason="需现场检测"
    ),
    Action.APPROVE_EXTENSION: lambda w, p: services.petition_approve_extension(petition=p, actor=w.people.head_b),
    Action.REJECT_EXTENSION: lambda w, p: services.petition_reject_extension(petition=p, actor=w.people.head_b),
    Action.SUBMIT_DECISION: lambda w, p: services.petition_submit_decision(
        petition=p, actor=w.people.handler_b, outcome="explain", opinion="经核查……"
    ),
    Action.APPROVE_DECISION: lambda w, p: services.petition_approve_decision(petition=p, actor=w.people.head_b),
    Action.RETURN_DECISION: lambda w, p: services.petition_return_decision(
        petition=p, actor=w.people.head_b, reason="请补充法律依据"
    ),
    Action.RECORD_AGREEMENT: lambda w, p: services.petition_record_agreement(
        petition=p, actor=w.people.handler_b, kind="mediation", text="双方同意"
    ),
    Action.SUBMIT_REPORT: lambda w, p: services.petition_submit_report(
        petition=p, actor=w.people.handler_b, report="已办结"
    ),
    Action.RATE: lambda w, p: services.petition_rate(
        petition=p, actor=None, target="responsible_unit", value="satisfied"
    ),
    Action.URGE: lambda w, p: services.petition_urge(petition=p, actor=None, message="请尽快办理"),
    Action.REQUEST_REVIEW: lambda w, p: services.petition_request_review(petition=p, actor=None, reason="不服"),
    Action.DECIDE_REVIEW: lambda w, p: services.petition_decide_review(
        petition=p, actor=w.people.county_head, outcome="uphold", opinion="维持"
    ),
    Action.ORDER_REDO: lambda w, p: services.petition_order_redo(
        petition=p, actor=w.people.county_head, reason="事实不清"
    ),
    Action.REQUEST_RECHECK: lambda w, p: services.petition_request_recheck(petition=p, actor=None, reason="不服"),
    Action.START_HEARING: lambda w, p: services.petition_start_hearing(petition=p, actor=w.people.city_head),
    Action.END_HEARING: lambda w, p: services.petition_end_hearing(petition=p, actor=w.people.city_head),
    Action.DECIDE_RECHECK: lambda w, p: services.petition_decide_recheck(
        petition=p, actor=w.people.city_head, outcome="uphold", opinion="维持"
    ),
    Action.CLOSE: lambda w, p: services.petition_close(petition=p, actor=w.people.handler_b),
    Action.ATTACH: lambda w, p: services.petition_add_attachments(
        petition=p, actor=w.people.registrar_a, files=[SimpleUploadedFile("补充.pdf", b"%PDF-1.4 test")]
    ),
    Action.LINK_REPEAT: lambda w, p: services.petition_link_repeat(
        petition=p, actor=w.people.registrar_a, previous=w.fresh(State.CLOSED)
    ),
    Action.CONFIRM_ACCUSED: lambda w, p: services.petition_confirm_accused(
        petition=p, actor=w.people.registrar_a, accused_unit=None
    ),
    Action.MERGE: lambda w, p: services.petition_merge(
        petition=p, actor=w.people.registrar_a, primary=w.fresh("merge_primary")
    ),
    Action.UNMERGE: lambda w, p: services.petition_unmerge(petition=p, actor=w.people.registrar_a),
    Action.TO_PROPOSAL: lambda w, p: petition_convert_to_proposal(
        petition=p, actor=w.people.registrar_a, reason="实为建议", proposal_number="JY-990101XFJ-2025-000001"
    ),
    Action.ASSIGN_HANDLER: lambda w, p: services.petition_assign_handler(
        petition=p, actor=w.people.head_b, assignee=w.people.handler_b
    ),
    Action.SUPERVISE: lambda w, p: services.petition_supervise(
        petition=p, actor=w.people.supervisor, to_unit="A1区住建局", reply_due=NOW.date()
    ),
    Action.TAKE_CHARGE: lambda w, p: services.petition_take_charge(
        petition=p, actor=w.people.supervisor, leader="张副市长", unit="A1区住建局"
    ),
    Action.RECEIVE: lambda w, p: services.petition_receive(
        petition=p, actor=w.people.supervisor, leader="张副市长", on=NOW.date()
    ),
    Action.COORDINATE: lambda w, p: services.petition_coordinate(
        petition=p, actor=w.people.supervisor, meeting="市信访工作联席会议"
    ),
    Action.FOLLOW_UP_VISIT: lambda w, p: services.petition_follow_up_visit(
        petition=p, actor=w.people.supervisor, on=NOW.date(), view="满意"
    ),
    Action.CLAIM: lambda w, p: services.petition_claim(petition=p, account=w.citizen),
    # 领导阅批 (any state: never refused for the state; listed so every stateful action has its call)
    Action.REQUEST_INSTRUCTION: lambda w, p: services.petition_request_instruction(
        petition=p, actor=w.people.supervisor, leader="张副市长"
    ),
    Action.INSTRUCT: lambda w, p: services.petition_instruct(
        petition=p, actor=w.people.supervisor, leader="张副市长", text="请核查", units=["A1区住建局"], due=NOW.date()
    ),
    Action.MARK_READ: lambda w, p: services.petition_mark_read(
        petition=p, actor=w.people.supervisor, leader="张副市长"
    ),
    Action.RELEASE_INSTRUCTION: lambda w, p: services.petition_release_instruction(
        petition=p, actor=w.people.supervisor, leader="张副市长", text="请核查"
    ),
}

# REGISTER creates a petition; it has no source state and is not an action on an existing one.
STATEFUL_ACTIONS = [a for a, t in TRANSITIONS.items() if t.sources]
ILLEGAL_PAIRS = [
    pytest.param(action, state, id=f"{action.value.replace('_', '-')}-from-{state.value.replace('_', '-')}")
    for action in STATEFUL_ACTIONS
    for state in State
    if state not in TRANSITIONS[action].sources
]


def snapshot() -> dict[str, Any]:
    """Every row a service could write, in full, so that any change (not only a new row) shows."""
    return {
        "petitions": list(Petition.objects.order_by("pk").values()),
        "events": list(PetitionEvent.objects.order_by("pk").values()),
        "clocks": list(Clock.objects.order_by("pk").values()),
        "documents": list(Document.objects.order_by("pk").values()),
        "access": list(PetitionAccess.objects.order_by("pk").values()),
        "co_handlers": list(CoHandler.objects.order_by("pk").values()),
        "ratings": list(Rating.objects.order_by("pk").values()),
        "attachments": list(Attachment.objects.order_by("pk").values()),
    }


@pytest.mark.parametrize(("action", "state"), ILLEGAL_PAIRS)
def test_illegal_transition_is_refused_and_writes_nothing(world: World, action: Action, state: State) -> None:
    petition = world.fresh(state)
    assert petition.state == state
    before = snapshot()

    with pytest.raises(IllegalTransition) as refused:
        CALLS[action](world, petition)

    # The refusal cites the table's article, a local provision resolved as the deployment names it (or dropped).
    assert refused.value.article == local_provisions(TRANSITIONS[action].article)
    assert refused.value.status_code == 409
    assert snapshot() == before


# Actions served outside ``views.ACTIONS`` (their own endpoint or the petitioner's track endpoints).
OWN_ENDPOINTS = {
    Action.REGISTER: "petition_register",  # POST /api/v1/petitions/
    Action.RATE: "petition_rate",  # also POST /api/v1/track/{编号}/rate/
    Action.URGE: "petition_urge",  # POST /api/v1/track/{编号}/urge/
    Action.ATTACH: "petition_add_attachments",  # POST /api/v1/petitions/{id}/attachments/ and track/…/attachments/
    # Taken from the desks of xinfang.supervision, reception, casework and joint, through their own endpoints.
    Action.SUPERVISE: "petition_supervise",
    Action.TAKE_CHARGE: "petition_take_charge",
    Action.RECEIVE: "petition_receive",
    Action.COORDINATE: "petition_coordinate",
    Action.FOLLOW_UP_VISIT: "petition_follow_up_visit",
    Action.CLAIM: "petition_claim",  # the portal's account page, after 编号 + 查询码
    # 领导阅批, through /api/v1/instructions/ (xinfang.instructions).
    Action.REQUEST_INSTRUCTION: "petition_request_instruction",
    Action.INSTRUCT: "petition_instruct",
    Action.MARK_READ: "petition_mark_read",
    Action.RELEASE_INSTRUCTION: "petition_release_instruction",
    # 人民建议: a petition that is really a proposal, through /api/v1/proposals/from-petition/ (xinfang.proposals).
    Action.TO_PROPOSAL: "petition_convert_to_proposal",
}


def test_every_action_in_the_table_has_a_service() -> None:
    """A new action cannot be added to the table without an API mapping or a named service."""
    assert set(TRANSITIONS) == set(Action), "every Action is a row of the table"
    assert set(TRANSITIONS) == set(views.ACTIONS) | set(OWN_ENDPOINTS)
    for name in OWN_ENDPOINTS.values():
        assert callable(getattr(services, name))
    assert set(CALLS) == set(STATEFUL_ACTIONS), "the matrix above calls every stateful action"


def test_every_api_action_calls_the_service_named_after_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each line of ``views.ACTIONS`` calls ``services.petition_<action>`` (``accept_simple``: accept, simple)."""
    called: list[tuple[str, dict[str, Any]]] = []

    def recorder(name: str) -> Callable[..., None]:
        def record(**kwargs: Any) -> None:
            called.append((name, kwargs))

        return record

    names = [n for n in services.__all__ if n.startswith("petition_")]
    signatures = {name: inspect.signature(getattr(services, name)) for name in names}
    for name in names:
        monkeypatch.setattr(services, name, recorder(name))

    class Anything(dict[str, Any]):
        def __missing__(self, key: str) -> str:
            return f"<{key}>"

    petition, user = object(), object()
    for action, spec in views.ACTIONS.items():
        called.clear()
        spec.call(petition, user, Anything())  # type: ignore[arg-type]
        expected = "petition_accept" if action == Action.ACCEPT_SIMPLE else f"petition_{action.value}"
        assert [name for name, _ in called] == [expected], action
        kwargs = called[0][1]
        assert kwargs["petition"] is petition and kwargs["actor"] is user
        if action in (Action.ACCEPT, Action.ACCEPT_SIMPLE):
            assert kwargs.get("simple", False) is (action == Action.ACCEPT_SIMPLE)
        signatures[expected].bind(**kwargs)  # raises TypeError if the view passes what the service does not take
    for action in views.ACTIONS:
        assert hasattr(views.PetitionViewSet, f"action_{action.value}"), action
