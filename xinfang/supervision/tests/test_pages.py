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
