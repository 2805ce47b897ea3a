"""Bulk actions of the inbox: each selected row through the same service, one transaction each, a result per row."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from xinfang.casework.models import BacklogCase, CaseKind
from xinfang.casework.services import case_mark
from xinfang.core.articles import article_text
from xinfang.core.errors import NotPermitted
from xinfang.petitions import services
from xinfang.petitions.models import Nature, Petition, PetitionEvent
from xinfang.petitions.tests.helpers import register
from xinfang.petitions.workflow import Action, State
from xinfang.supervision.models import SupervisionOrder
from xinfang.supervision.services import OrderData, order_issue
from xinfang.workbench import bulk
from xinfang.workbench.actionforms import FIELD_LABELS

pytestmark = pytest.mark.django_db

BULK = reverse("workbench:bulk")
INBOX = reverse("workbench:inbox")


def post(client: Any, user: Any, data: dict[str, Any]) -> Any:
    client.force_login(user)
    return client.post(BULK, data)


def results(response: Any) -> dict[str, bulk.ItemResult]:
    return {r.number: r for r in response.context["results"]}


def test_the_inbox_offers_a_check_box_per_row_and_the_bulk_toolbar(client: Any, personas: Any) -> None:
    petition, _ = register(personas.registrar_a)
    client.force_login(personas.registrar_a)
    page = client.get(INBOX, {"tab": "all"}).content.decode()
    assert f'name="ids" value="{petition.pk}"' in page
    assert 'id="bulk-form"' in page and "data-select-all" in page
    assert f'value="{Action.FORWARD.value}"' in page and 'value="export"' in page


def test_bulk_forward_forwards_each_item_and_reports_the_one_the_workflow_refuses(client: Any, personas: Any) -> None:
    first, _ = register(personas.registrar_a, title="一")
    second, _ = register(personas.registrar_a, title="二")
    routed, _ = register(personas.registrar_a, title="已转送")
    services.petition_forward(petition=routed, actor=personas.registrar_a, to_unit=personas.handler_b.unit)
    response = post(
        client,
        personas.registrar_a,
        {"action": "forward", "ids": [first.pk, second.pk, routed.pk], "to_unit": personas.handler_b.unit.pk},
    )
    assert response.status_code == 200
    by_number = results(response)
    assert by_number[first.number].done and by_number[second.number].done
    refused = by_number[routed.number]
    # The workflow's own refusal, word for word: the item is no longer held by the registrar's unit.
    assert not refused.done and refused.message
    assert refused.message in response.content.decode()
    for p in (first, second):
        fresh = Petition.objects.get(pk=p.pk)
        assert fresh.state == State.PENDING_ACCEPTANCE and fresh.current_unit == personas.handler_b.unit
        assert PetitionEvent.objects.filter(petition=p, action=Action.FORWARD).count() == 1  # its timeline event
    assert PetitionEvent.objects.filter(petition=routed, action=Action.FORWARD).count() == 1  # nothing added


def test_bulk_forward_never_sends_an_accusation_to_the_unit_it_accuses_art_30(client: Any, personas: Any) -> None:
    housing = personas.handler_b.unit
    plain, _ = register(personas.registrar_a, title="噪音")
    accusation, _ = register(
        personas.registrar_a, title="举报住建局", nature=Nature.ACCUSATION, accused_unit=housing, accused_confirmed=True
    )
    response = post(
        client, personas.registrar_a, {"action": "forward", "ids": [plain.pk, accusation.pk], "to_unit": housing.pk}
    )
    by_number = results(response)
    assert by_number[plain.number].done
    refused = by_number[accusation.number]
    assert not refused.done and refused.article == article_text("Art. 30 ¶3")
    stays = Petition.objects.get(pk=accusation.pk)
    assert stays.state == State.REGISTERED and stays.current_unit == personas.registrar_a.unit


def test_bulk_assign_handler_names_the_handler_on_each_item(client: Any, personas: Any) -> None:
    items = []
    for title in ("甲", "乙"):
        p, _ = register(personas.registrar_a, title=title)
        services.petition_forward(petition=p, actor=personas.registrar_a, to_unit=personas.head_b.unit)
        items.append(p)
    response = post(
        client,
        personas.head_b,
        {"action": "assign_handler", "ids": [p.pk for p in items], "assignee": personas.handler_b.pk, "note": "分办"},
    )
    assert all(r.done for r in response.context["results"])
    for p in items:
        assert Petition.objects.get(pk=p.pk).assignee == personas.handler_b
        event = PetitionEvent.objects.get(petition=p, action=Action.ASSIGN_HANDLER)
        assert event.actor == personas.head_b and event.note == "分办"


def test_a_handler_without_the_head_role_is_refused_per_item(client: Any, personas: Any) -> None:
    p, _ = register(personas.registrar_a)
    services.petition_forward(petition=p, actor=personas.registrar_a, to_unit=personas.handler_b.unit)
    response = post(
        client, personas.handler_b, {"action": "assign_handler", "ids": [p.pk], "assignee": personas.handler_b.pk}
    )
    (result,) = response.context["results"]
    assert not result.done and Petition.objects.get(pk=p.pk).assignee is None


def test_rows_the_user_cannot_see_are_reported_as_not_found_and_untouched(client: Any, personas: Any) -> None:
    p, _ = register(personas.registrar_a, title="别处")
    response = post(
        client, personas.outsider, {"action": "forward", "ids": [p.pk], "to_unit": personas.outsider.unit.pk}
    )
    (result,) = response.context["results"]
    assert not result.done and result.number == "" and p.title not in response.content.decode()
    assert Petition.objects.get(pk=p.pk).state == State.REGISTERED


def test_more_rows_than_the_cap_is_a_400_naming_the_selection(client: Any, personas: Any) -> None:
    ids = [str(i) for i in range(1, bulk.MAX_ITEMS + 2)]
    response = post(client, personas.registrar_a, {"action": "forward", "ids": ids, "to_unit": "1"})
    assert response.status_code == 400
    assert str(bulk.MAX_ITEMS) in response.content.decode()
    assert not PetitionEvent.objects.filter(action=Action.FORWARD).exists()


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"action": "forward", "ids": ["1"]}, "to_unit"),  # no unit chosen
        ({"action": "assign", "ids": ["1"], "to_unit": "UNIT", "feedback_days": "abc"}, "feedback_days"),
        ({"action": "destroy", "ids": ["1"]}, "action"),
        ({"action": "forward", "ids": ["１"]}, "ids"),  # a full-width digit is not an id
        ({"action": "forward"}, "ids"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client: Any, personas: Any, data: dict[str, Any], needle: str) -> None:
    if data.get("to_unit") == "UNIT":
        data = {**data, "to_unit": str(personas.handler_b.unit.pk)}
    response = post(client, personas.registrar_a, data)
    assert response.status_code == 400
    labels = {"to_unit": FIELD_LABELS["to_unit"], "feedback_days": FIELD_LABELS["feedback_days"]}
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        label = str(labels.get(needle) or {"action": gettext("Action"), "ids": gettext("Selected rows")}[needle])
    assert [name for name, _message in response.context["errors"]] == [label]
    assert label in response.content.decode()


def test_export_selected_contains_only_the_selected_visible_rows(client: Any, personas: Any) -> None:
    chosen, _ = register(personas.registrar_a, title="选中")
    other, _ = register(personas.registrar_a, title="未选")
    response = post(client, personas.registrar_a, {"action": "export", "ids": [chosen.pk], "format": "csv"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert chosen.number in body and other.number not in body


# --- 督办 and 重点 in bulk: each row through the desk's own service (supervision / casework) ---


def forwarded(personas: Any, title: str) -> Petition:
    petition, _ = register(personas.registrar_a, title=title)
    services.petition_forward(petition=petition, actor=personas.registrar_a, to_unit=personas.handler_b.unit)
    return petition


def test_bulk_supervise_issues_one_order_per_row_to_its_current_unit_and_reports_the_refused_one(
    client: Any, personas: Any
) -> None:
    """Arts. 38 and 40: the supervising unit issues a 督办单 to the unit handling each item; the city's supervisor
    cannot supervise its own unit, so the item the city 信访局 itself holds is refused, the others issued."""
    first, second = forwarded(personas, "一"), forwarded(personas, "二")
    own, _ = register(personas.city_dept_head, title="市局自办")
    response = post(
        client,
        personas.supervisor,
        {
            "action": bulk.SUPERVISE,
            "ids": [first.pk, own.pk, second.pk],
            "matter": "久拖未决，请加快办理",
            "reply_days": "5",
        },
    )
    assert response.status_code == 200
    by_number = results(response)
    assert by_number[first.number].done and by_number[second.number].done
    refused = by_number[own.number]
    assert not refused.done and personas.supervisor.unit.name in refused.message
    assert refused.message in response.content.decode()
    for p in (first, second):
        (order,) = SupervisionOrder.objects.filter(petition=p)
        assert order.target_unit == personas.handler_b.unit and order.matter == "久拖未决，请加快办理"
        assert order.issued_by == personas.supervisor
        assert PetitionEvent.objects.filter(petition=p, action=Action.SUPERVISE).count() == 1  # its timeline line
    assert not SupervisionOrder.objects.filter(petition=own).exists()


def test_bulk_supervise_by_a_role_that_may_not_issue_is_refused_on_every_row(client: Any, personas: Any) -> None:
    petition = forwarded(personas, "一")
    response = post(
        client, personas.registrar_a, {"action": bulk.SUPERVISE, "ids": [petition.pk], "matter": "请加快办理"}
    )
    (result,) = response.context["results"]
    # The supervision service's own refusal, word for word (its roles: supervisor, leader, unit head).
    with translation.override(response.wsgi_request.LANGUAGE_CODE), pytest.raises(NotPermitted) as refused:
        order_issue(actor=personas.registrar_a, data=OrderData(target_unit=petition.current_unit, matter="x"))
    assert not result.done and result.message == str(refused.value.message)
    assert not SupervisionOrder.objects.exists()
    assert not PetitionEvent.objects.filter(action=Action.SUPERVISE).exists()


def test_the_toolbar_offers_supervise_and_key_case_only_to_roles_that_may_use_them(client: Any, personas: Any) -> None:
    register(personas.registrar_a)
    client.force_login(personas.registrar_a)
    page = client.get(INBOX, {"tab": "all"}).content.decode()
    assert f'value="{bulk.SUPERVISE}"' not in page and f'value="{bulk.MARK_KEY}"' not in page
    client.force_login(personas.supervisor)
    page = client.get(INBOX, {"tab": "all"}).content.decode()
    assert f'value="{bulk.SUPERVISE}"' in page and f'value="{bulk.MARK_KEY}"' in page
    assert 'name="matter"' in page and 'name="reason"' in page


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"action": "supervise", "matter": "  "}, "matter"),
        ({"action": "supervise", "matter": "请办理", "reply_days": "0"}, "reply_days"),
        ({"action": "supervise", "matter": "请办理", "reply_days": "五"}, "reply_days"),
        ({"action": "supervise", "matter": "请办理", "reply_days": "9999"}, "reply_days"),
        ({"action": "mark_key", "reason": ""}, "reason"),
    ],
)
def test_bad_supervise_or_key_input_is_a_400_naming_the_field_and_changes_nothing(
    client: Any, personas: Any, data: dict[str, Any], field: str
) -> None:
    petition = forwarded(personas, "一")
    response = post(client, personas.supervisor, {**data, "ids": [petition.pk]})
    assert response.status_code == 400
    labels = {"matter": "Supervision matter", "reply_days": "Reply period (working days)", "reason": "Reason"}
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        label = gettext(labels[field])
    assert [name for name, _message in response.context["errors"]] == [label]
    assert not SupervisionOrder.objects.exists() and not BacklogCase.objects.exists()


def test_bulk_mark_key_makes_each_row_a_key_case_and_reports_one_already_a_case(client: Any, personas: Any) -> None:
    first, second = forwarded(personas, "一"), forwarded(personas, "二")
    case_mark(actor=personas.supervisor, petition=second, kind=CaseKind.BACKLOG, reason="三次以上重复信访")
    response = post(
        client, personas.supervisor, {"action": bulk.MARK_KEY, "ids": [first.pk, second.pk], "reason": "群体性诉求"}
    )
    assert response.status_code == 200
    by_number = results(response)
    assert by_number[first.number].done
    case = BacklogCase.objects.get(petition=first)
    assert case.kind == CaseKind.KEY and case.decision_reason == "群体性诉求" and case.decided_by == personas.supervisor
    refused = by_number[second.number]
    assert not refused.done and refused.message in response.content.decode()
    assert BacklogCase.objects.get(petition=second).kind == CaseKind.BACKLOG  # untouched


def test_bulk_mark_key_by_a_handler_is_refused_per_row(client: Any, personas: Any) -> None:
    petition = forwarded(personas, "一")
    response = post(client, personas.handler_b, {"action": bulk.MARK_KEY, "ids": [petition.pk], "reason": "重点"})
    (result,) = response.context["results"]
    assert not result.done and result.message
    assert not BacklogCase.objects.exists()


def test_bulk_supervise_reports_a_row_that_is_not_there_as_not_found_and_issues_the_others(
    client: Any, personas: Any
) -> None:
    petition = forwarded(personas, "一")
    missing = petition.pk + 1000
    response = post(
        client, personas.supervisor, {"action": bulk.SUPERVISE, "ids": [missing, petition.pk], "matter": "请办理"}
    )
    gone, done = response.context["results"]
    assert not gone.done and gone.number == "" and gone.petition_id == missing
    assert done.done and SupervisionOrder.objects.filter(petition=petition).count() == 1
