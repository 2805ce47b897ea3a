"""The notify API: my own notifications only, unread filter, mark one / all read."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xinfang.notify.models import Notification, Status
from xinfang.notify.services import notify
from xinfang.orgs.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_b(personas):
    client = APIClient()
    client.force_authenticate(personas.handler_b)
    return client


def test_the_list_shows_only_my_own_inapp_notifications_newest_first(personas, client_b):
    notify(kind="k", subject="first", body="", users=[personas.handler_b])
    notify(kind="k", subject="someone else's", body="", users=[personas.head_b])
    notify(kind="k", subject="second", body="", users=[personas.handler_b], addresses=[("sms", "13800000000")])
    data = client_b.get("/api/v1/notify/notifications/").json()
    assert [n["subject"] for n in data["results"]] == ["second", "first"]
    assert all(n["unread"] for n in data["results"])


def test_unread_filter_and_mark_read(personas, client_b):
    first = notify(kind="k", subject="first", body="", users=[personas.handler_b])[0]
    notify(kind="k", subject="second", body="", users=[personas.handler_b])
    response = client_b.post(f"/api/v1/notify/notifications/{first.pk}/read/")
    assert response.status_code == 200 and response.json()["status"] == Status.READ
    unread = client_b.get("/api/v1/notify/notifications/?unread=1").json()["results"]
    assert [n["subject"] for n in unread] == ["second"]
    # Marking again is harmless and keeps the first reading time.
    read_at = Notification.objects.get(pk=first.pk).read_at
    client_b.post(f"/api/v1/notify/notifications/{first.pk}/read/")
    assert Notification.objects.get(pk=first.pk).read_at == read_at


def test_read_all_marks_only_my_unread(personas, client_b):
    notify(kind="k", subject="a", body="", users=[personas.handler_b, personas.head_b])
    notify(kind="k", subject="b", body="", users=[personas.handler_b])
    assert client_b.post("/api/v1/notify/notifications/read-all/").json() == {"marked": 2}
    assert Notification.objects.filter(recipient=personas.head_b, read_at__isnull=True).count() == 1


def test_a_citizen_account_sees_its_own_notifications(db):
    citizen = User.objects.create_user(username="citizen", password="pw-xinfang-test")
    notify(kind="reception.booking_confirmed", subject="预约成功", body="", users=[citizen])
    client = APIClient()
    client.force_authenticate(citizen)
    assert [n["subject"] for n in client.get("/api/v1/notify/notifications/").json()["results"]] == ["预约成功"]


def test_the_list_is_paginated(personas, client_b):
    for i in range(3):
        notify(kind="k", subject=f"n{i}", body="", users=[personas.handler_b])
    page = client_b.get("/api/v1/notify/notifications/?page_size=2").json()
    assert len(page["results"]) == 2 and page["next"]
    rest = client_b.get(page["next"]).json()
    assert [n["subject"] for n in rest["results"]] == ["n0"]
