"""督办单: issue (with the petition's 督办 line), written reply, close or return, escalation when the reply is late."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from conftest import make_user
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.notify.models import Notification
from xinfang.orgs.models import Role
from xinfang.petitions.models import PetitionEvent
from xinfang.petitions.workflow import Action
from xinfang.supervision import selectors, services
from xinfang.supervision.models import OrderLog, OrderStatus, OrderStep, SupervisionOrder

pytestmark = pytest.mark.django_db

MONDAY = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)


def _at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(2, 0), tzinfo=dt.UTC), tick=False)


def _issue(personas: Any, petition: Any = None, **kw: Any) -> SupervisionOrder:
    data = services.OrderData(
        target_unit=personas.handler_b.unit,
        matter="群众反映搅拌站夜间施工噪音问题久拖未决",
        requirements="十个工作日内书面回复办理情况",
        petition=petition,
        **kw,
    )
    return services.order_issue(actor=personas.supervisor, data=data)


def _steps(order: SupervisionOrder) -> list[str]:
    return list(OrderLog.objects.filter(order=order).values_list("step", flat=True))


def test_issuing_writes_the_order_the_petition_timeline_and_the_log_and_notifies_the_unit(
    personas: Any, handling: Any
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        petition = handling()
        order = _issue(personas, petition, is_listed=True)
    # 10 working days from Monday 16 Nov 2026: weekends skipped.
    assert order.reply_due == order.first_reply_due == dt.date(2026, 11, 30)
    assert order.number == f"{personas.supervisor.unit.code}-DB-2026-0001"
    assert order.status == OrderStatus.ISSUED and order.is_listed
    event = PetitionEvent.objects.get(petition=petition, action=Action.SUPERVISE)
    assert event.data["ref"] == f"supervision_order:{order.pk}" and event.data["reply_due"] == "2026-11-30"
    assert _steps(order) == [OrderStep.ISSUED]
    assert Notification.objects.filter(recipient=personas.head_b, kind="supervision.order_issued").exists()
    assert list(selectors.listed_orders(personas.supervisor)) == [order]
    assert list(selectors.orders_awaiting_my_reply(personas.handler_b)) == [order]


def test_a_missed_reply_deadline_escalates_the_order(personas: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        order = _issue(personas, reply_due=dt.date(2026, 11, 20))
    with _at(dt.date(2026, 11, 20)):
        assert services.orders_escalate_overdue() == 0  # the deadline day itself is still in time
    with _at(dt.date(2026, 11, 21)):
        assert services.orders_escalate_overdue() == 1
        assert services.orders_escalate_overdue() == 0  # once per missed deadline
    order.refresh_from_db()
    assert order.status == OrderStatus.ESCALATED and order.escalation_level == 1
    # The new deadline: 5 working days from Saturday 21 Nov → Friday 27 Nov.
    assert order.reply_due == dt.date(2026, 11, 27) and order.first_reply_due == dt.date(2026, 11, 20)
    log = OrderLog.objects.get(order=order, step=OrderStep.ESCALATED)
    assert log.data == {"level": 1, "missed": "2026-11-20", "reply_due": "2026-11-27"}
    # The issuing unit's head and its superior's head (A市政府) are told; the unit supervised is told too.
    for user in (personas.city_dept_head, personas.city_head, personas.supervisor):
        assert Notification.objects.filter(recipient=user, kind="supervision.order_escalated").exists(), user
    assert Notification.objects.filter(recipient=personas.head_b, kind="supervision.order_overdue").exists()
    with _at(dt.date(2026, 11, 28)):
        assert services.orders_escalate_overdue() == 1
    order.refresh_from_db()
    assert order.escalation_level == 2 and _steps(order) == ["issued", "escalated", "escalated"]


def test_a_reply_on_time_does_not_escalate(personas: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        order = _issue(personas, reply_due=dt.date(2026, 11, 20))
    with _at(dt.date(2026, 11, 20)):
        services.order_reply(actor=personas.handler_b, order=order, text="已责令搅拌站停止夜间施工，并书面答复信访人。")
    with _at(dt.date(2026, 12, 10)):
        assert services.orders_escalate_overdue() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.REPLIED and order.escalation_level == 0
    assert order.replied_on == order.first_replied_on == dt.date(2026, 11, 20)
    assert Notification.objects.filter(recipient=personas.supervisor, kind="supervision.order_replied").exists()


def test_the_issuer_returns_a_reply_and_then_closes_the_order(personas: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        order = _issue(personas)
        services.order_reply(actor=personas.handler_b, order=order, text="正在处理")
        with pytest.raises(NotPermitted):
            services.order_close(actor=personas.handler_b, order=order)
        services.order_return(actor=personas.supervisor, order=order, reason="未说明整改措施")
        order.refresh_from_db()
        assert order.status == OrderStatus.ISSUED and order.reply_due == dt.date(2026, 11, 23)
        with pytest.raises(RuleViolation):
            services.order_close(actor=personas.supervisor, order=order)
        services.order_reply(actor=personas.handler_b, order=order, text="已停工整改，附现场照片")
        services.order_close(actor=personas.supervisor, order=order, note="同意办结")
    order.refresh_from_db()
    assert order.status == OrderStatus.CLOSED and order.closed_on == MONDAY.date()
    assert _steps(order) == ["issued", "replied", "returned", "replied", "closed"]
    assert order.first_replied_on == MONDAY.date()


def test_only_supervising_staff_above_the_unit_may_issue(personas: Any, handling: Any) -> None:
    data = services.OrderData(target_unit=personas.handler_b.unit, matter="x")
    for actor in (personas.handler_b, personas.outsider, personas.registrar_a):
        with pytest.raises(NotPermitted):
            services.order_issue(actor=actor, data=data)
    outside = services.OrderData(target_unit=personas.city_head.unit.parent, matter="x")
    with pytest.raises(NotPermitted):
        services.order_issue(actor=personas.supervisor, data=outside)
    with pytest.raises(InvalidInput):
        services.order_issue(
            actor=personas.supervisor, data=services.OrderData(target_unit=personas.handler_b.unit, matter=" ")
        )
    assert not SupervisionOrder.objects.exists()


def test_a_petition_the_issuer_cannot_see_is_refused(personas: Any, handling: Any) -> None:
    petition = handling()  # an A1区 petition; A2区政府's head supervises A2区 units but cannot see it
    a2_head = make_user("a2_head", personas.outsider.unit.parent, Role.HEAD)
    data = services.OrderData(target_unit=personas.outsider.unit, matter="x", petition=petition)
    with pytest.raises(InvalidInput):
        services.order_issue(actor=a2_head, data=data)
    assert not SupervisionOrder.objects.exists()


def test_only_the_unit_supervised_replies_and_the_log_is_immutable(personas: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        order = _issue(personas)
        with pytest.raises(NotPermitted):
            services.order_reply(actor=personas.outsider, order=order, text="x")
    row = OrderLog.objects.get(order=order)
    with pytest.raises(RuntimeError):
        row.save()
    with pytest.raises(RuntimeError):
        row.delete()


def _accusation(personas: Any, tree: Any) -> Any:
    from xinfang.petitions.tests.helpers import register

    accusation, _code = register(personas.registrar_a, nature="accusation", accused_unit=tree.environment)
    return accusation


def test_an_order_on_an_accusation_is_never_sent_to_the_accused_unit(personas: Any, tree: Any) -> None:
    """Art. 30 ¶3: the order, its page and its notification would show the accused unit the accusation."""
    with time_machine.travel(MONDAY, tick=False):
        accusation = _accusation(personas, tree)
        data = services.OrderData(target_unit=tree.environment, matter="请核查举报内容", petition=accusation)
        with pytest.raises(RuleViolation) as refused:
            services.order_issue(actor=personas.supervisor, data=data)
    assert (refused.value.article, refused.value.field) == ("Art. 30 ¶3", "target_unit")
    assert not SupervisionOrder.objects.exists() and not OrderLog.objects.exists()
    assert not PetitionEvent.objects.filter(petition=accusation, action=Action.SUPERVISE).exists()
    assert not Notification.objects.filter(kind="supervision.order_issued").exists()
    assert not selectors.orders_visible_to(personas.accused).exists()


def test_overdue_is_open_and_past_the_reply_deadline_in_sql_and_on_the_row(personas: Any) -> None:
    with time_machine.travel(MONDAY, tick=False):
        late = _issue(personas, reply_due=dt.date(2026, 11, 20))
        answered = _issue(personas, reply_due=dt.date(2026, 11, 20))
        services.order_reply(actor=personas.handler_b, order=answered, text="已办理")
        _issue(personas, reply_due=dt.date(2026, 11, 27))
    assert list(SupervisionOrder.objects.overdue(dt.date(2026, 11, 20))) == []  # the deadline day is in time
    assert list(SupervisionOrder.objects.overdue(dt.date(2026, 11, 21))) == [late]
    assert set(SupervisionOrder.objects.open()) == set(SupervisionOrder.objects.exclude(pk=answered.pk))
    late.refresh_from_db()
    answered.refresh_from_db()
    with _at(dt.date(2026, 11, 20)):
        assert not late.is_overdue
    with _at(dt.date(2026, 11, 21)):
        assert late.is_overdue and not answered.is_overdue
