"""The workbench page /workbench/notify/ and the unread-count template tag."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from xinfang.notify.models import Notification
from xinfang.notify.services import notify
from xinfang.orgs.models import User

pytestmark = pytest.mark.django_db


def test_my_notifications_page_lists_mine_and_marks_read(client, personas):
    mine = notify(kind="k", subject="督办单待回复", body="请于6月10日前书面回复", users=[personas.handler_b])[0]
    notify(kind="k", subject="别人的消息", body="", users=[personas.head_b])
    client.force_login(personas.handler_b)
    page = client.get("/workbench/notify/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "督办单待回复" in html and "别人的消息" not in html
    response = client.post(f"/workbench/notify/{mine.pk}/read/", {"next": "/workbench/notify/?unread=1"})
    assert response.status_code == 302 and response["Location"] == "/workbench/notify/?unread=1"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "督办单待回复" not in client.get("/workbench/notify/?unread=1").content.decode()


def test_someone_elses_notification_cannot_be_marked(client, personas):
    other = notify(kind="k", subject="x", body="", users=[personas.head_b])[0]
    client.force_login(personas.handler_b)
    assert client.post(f"/workbench/notify/{other.pk}/read/").status_code == 404
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_mark_all_read_page_action(client, personas):
    notify(kind="k", subject="a", body="", users=[personas.handler_b])
    notify(kind="k", subject="b", body="", users=[personas.handler_b])
    client.force_login(personas.handler_b)
    assert client.post("/workbench/notify/read-all/").status_code == 302
    assert not Notification.objects.filter(recipient=personas.handler_b, read_at__isnull=True).exists()


def test_the_page_is_for_staff_only(client, db):
    assert client.get("/workbench/notify/").status_code == 302  # to the login page
    citizen = User.objects.create_user(username="citizen", password="pw-xinfang-test")
    client.force_login(citizen)
    assert client.get("/workbench/notify/").status_code == 403


def test_unread_count_tag(personas):
    notify(kind="k", subject="a", body="", users=[personas.handler_b])
    notify(kind="k", subject="b", body="", users=[personas.handler_b])
    template = Template("{% load notify %}{% unread_count user %}")
    assert template.render(Context({"user": personas.handler_b})) == "2"
    assert template.render(Context({"user": personas.head_b})) == "0"
