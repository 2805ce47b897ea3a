"""The supervisor's desk and its forms in the browser (staff HTML)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from xinfang.supervision import services
from xinfang.supervision.models import Interview, OrderStatus, Recommendation, SupervisionOrder

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 16, 2, 0, tzinfo=dt.UTC)


def test_desk_shows_orders_levels_and_bulletins(client: Any, personas: Any, handling: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        petition = handling()
        order = services.order_issue(
            actor=personas.supervisor,
            data=services.OrderData(target_unit=personas.handler_b.unit, matter="噪音久拖未决", is_listed=True),
        )
        client.force_login(personas.supervisor)
        html = client.get("/workbench/supervision/").content.decode()
        assert order.number in html and 'id="level-counts"' in html
        response = client.post("/workbench/supervision/bulletins/new/", {"month": "2026-10"})
        assert response.status_code == 302
        bulletin_page = client.get(response["Location"]).content.decode()
        assert "bulletin-table" in bulletin_page or "2026" in bulletin_page
        client.force_login(personas.handler_b)
        html = client.get("/workbench/supervision/").content.decode()
        assert order.number in html  # awaiting my unit's reply
        assert client.get(f"/workbench/supervision/orders/{order.pk}/").status_code == 200
        assert petition.number  # the petition exists; the desk does not need it


def test_forms_issue_reply_close_recommend_and_interview(client: Any, personas: Any, handling: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        petition = handling()
        client.force_login(personas.supervisor)
        b = personas.handler_b.unit.pk
        response = client.post(
            "/workbench/supervision/orders/new/",
            {"target_unit": b, "petition": petition.number, "matter": "请书面回复", "reply_due": "2026-11-30"},
        )
        assert response.status_code == 302, response.content.decode()[:500]
        order = SupervisionOrder.objects.get()
        client.force_login(personas.handler_b)
        assert client.post(f"/workbench/supervision/orders/{order.pk}/reply/", {"text": ""}).status_code == 400
        assert client.post(f"/workbench/supervision/orders/{order.pk}/reply/", {"text": "已办理"}).status_code == 302
        client.force_login(personas.supervisor)
        assert client.post(f"/workbench/supervision/orders/{order.pk}/close/", {"note": "同意"}).status_code == 302
        order.refresh_from_db()
        assert order.status == OrderStatus.CLOSED

        response = client.post(
            "/workbench/supervision/recommendations/new/",
            {"kind": "accountability", "to_unit": b, "text": "建议追究拖延责任", "petitions": petition.number},
        )
        assert response.status_code == 302
        rec = Recommendation.objects.get()
        client.force_login(personas.head_b)
        page = client.get(f"/workbench/supervision/recommendations/{rec.pk}/").content.decode()
        assert "建议追究拖延责任" in page
        response = client.post(
            f"/workbench/supervision/recommendations/{rec.pk}/", {"adoption": "not_adopted", "text": "已另行处理"}
        )
        assert response.status_code == 302
        rec.refresh_from_db()
        assert rec.adoption == "not_adopted"

        client.force_login(personas.supervisor)
        response = client.post(
            "/workbench/supervision/interviews/new/",
            {
                "unit": b,
                "persons": "赵局长",
                "reason": "超期件多",
                "held_on": "2026-11-13",
                "conducted_by": "市信访局局长",
                "rectifications": "2026-12-15 清理超期件\n2026-11-30 建立台账",
            },
        )
        assert response.status_code == 302
        interview = Interview.objects.get()
        page = client.get(f"/workbench/supervision/interviews/{interview.pk}/").content.decode()
        assert "清理超期件" in page and "建立台账" in page
        bad = client.post("/workbench/supervision/interviews/new/", {"unit": b, "rectifications": "明天 清理"})
        assert bad.status_code == 200 and "2026-12-31" in bad.content.decode()


def test_outsiders_get_404_and_citizens_are_refused(client: Any, personas: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        order = services.order_issue(
            actor=personas.supervisor, data=services.OrderData(target_unit=personas.handler_b.unit, matter="x")
        )
        client.force_login(personas.outsider)
        assert client.get(f"/workbench/supervision/orders/{order.pk}/").status_code == 404
        assert client.post(f"/workbench/supervision/orders/{order.pk}/reply/", {"text": "x"}).status_code == 404
        client.logout()
        assert client.get("/workbench/supervision/").status_code == 302  # to the login page


def test_an_order_or_recommendation_on_an_accusation_to_the_accused_unit_is_refused_at_the_unit_field(
    client: Any, personas: Any, tree: Any
) -> None:
    """Art. 30 ¶3 on the forms and in the API: the refusal names the unit field; nothing is created."""
    from rest_framework.test import APIClient

    from xinfang.petitions.tests.helpers import register

    with time_machine.travel(NOW, tick=False):
        accusation, _code = register(personas.registrar_a, nature="accusation", accused_unit=tree.environment)
        client.force_login(personas.supervisor)
        env = tree.environment.pk
        response = client.post(
            "/workbench/supervision/orders/new/",
            {"target_unit": env, "petition": accusation.number, "matter": "核查", "reply_due": "2026-11-30"},
        )
        assert response.status_code == 200 and response.context["form"].errors.get("target_unit")
        response = client.post(
            "/workbench/supervision/recommendations/new/",
            {"kind": "improve_work", "to_unit": env, "text": "建议", "petitions": accusation.number},
        )
        assert response.status_code == 200 and response.context["form"].errors.get("to_unit")
        api = APIClient()
        api.force_authenticate(personas.supervisor)
        body = {"target_unit": env, "matter": "核查", "petition": accusation.number}
        answer = api.post("/api/v1/supervision/orders/", body, format="json")
        assert answer.status_code == 409 and answer.json()["article"] == "Art. 30 ¶3", answer.content
        body = {"kind": "improve_work", "to_unit": env, "text": "建议", "petitions": [accusation.number]}
        answer = api.post("/api/v1/supervision/recommendations/", body, format="json")
        assert answer.status_code == 409 and answer.json()["field"] == "to_unit", answer.content
    assert not SupervisionOrder.objects.exists() and not Recommendation.objects.exists()


def test_petition_keys_are_resolved_in_one_query_and_unseen_ones_named(
    client: Any, personas: Any, handling: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xinfang.core.errors import InvalidInput
    from xinfang.supervision import selectors

    with time_machine.travel(NOW, tick=False):
        first, second = handling(), handling()
    with CaptureQueriesContext(connection) as queries:
        keys = [f" {second.number} ", str(first.pk), "", second.number]
        found = selectors.petitions_by_keys(personas.supervisor, keys)
    assert found == [second, first] and len(queries) == 1
    assert selectors.petition_by_key(personas.supervisor, "  ") is None
    with pytest.raises(InvalidInput) as refused:
        selectors.petitions_by_keys(personas.outsider, [first.number, "NOPE-1"], field="petitions")
    assert refused.value.field == "petitions"
    assert first.number in str(refused.value.message) and "NOPE-1" in str(refused.value.message)
    client.force_login(personas.supervisor)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            "/workbench/supervision/recommendations/new/",
            {"kind": "improve_work", "to_unit": personas.handler_b.unit.pk, "text": "建议", "petitions": "NOPE-2"},
        )
    assert response.status_code == 200 and "NOPE-2" in str(response.context["form"].errors["petitions"])


def test_the_warnings_page_shows_each_level_by_its_label(client: Any, personas: Any, handling: Any) -> None:
    from xinfang.petitions.models import Clock
    from xinfang.supervision.models import WarningLevel
    from xinfang.supervision.tests.conftest import add_clock

    with time_machine.travel(NOW, tick=False):
        petition = handling()
        Clock.objects.filter(petition=petition).delete()
        today = NOW.date()
        add_clock(petition, personas.handler_b.unit, due=today + dt.timedelta(days=2))
        add_clock(petition, personas.handler_b.unit, due=today - dt.timedelta(days=2))
        add_clock(petition, personas.handler_b.unit, due=today - dt.timedelta(days=30))
        client.force_login(personas.handler_b)
        html = client.get("/workbench/supervision/warnings/").content.decode()
    for level in WarningLevel:
        assert f'level-{level.value}">{level.label}</span>' in html, level
