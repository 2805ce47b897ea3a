"""The petitioner's choice of messages at submission (portal form, public API) and on the tracking page, and the
portal's notifications page for citizen accounts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from xinfang.notify.models import Channel, Notification, PetitionerPreference, Status
from xinfang.orgs.models import User
from xinfang.petitions import services
from xinfang.petitions.models import Petition
from xinfang.petitions.services import PetitionerData
from xinfang.portal.tests.helpers import prove, register_online, submission

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh(settings: Any, tmp_path: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def citizen(db: None) -> User:
    return User.objects.create_user(username="citizen_m", password="pw-xinfang-test")


def api_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "小区旁搅拌站夜间施工噪音扰民",
        "request": "请求责令搅拌站停止夜间施工",
        "problem_division_code": "990101",
        "petitioners": [{"name": "张三", "phone": "13812345678", "address": "丽发新城3栋"}],
    }
    body.update(overrides)
    return body


def test_the_api_keeps_the_choice_made_at_submission(tree, django_capture_on_commit_callbacks):
    body = api_body(
        petitioners=[{"name": "张三", "phone": "13812345678", "address": "丽发新城", "email": "zs@example.com"}],
        notify_channel="email",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = APIClient().post("/api/v1/petitions/", body, format="json")
    assert response.status_code == 201, response.content
    petition = Petition.objects.get()
    assert PetitionerPreference.objects.get(petition=petition).channel == Channel.EMAIL
    assert Notification.objects.get(petition=petition).channel == Channel.EMAIL


def test_the_api_refuses_sms_without_a_phone_naming_the_field(tree):
    body = api_body(petitioners=[{"name": "张三", "address": "丽发新城"}], notify_channel="sms")
    response = APIClient().post("/api/v1/petitions/", body, format="json")
    assert response.status_code == 400
    assert "notify_channel" in response.content.decode()
    assert Petition.objects.count() == 0


def test_the_api_refuses_an_unknown_channel(tree):
    response = APIClient().post("/api/v1/petitions/", api_body(notify_channel="fax"), format="json")
    assert response.status_code == 400 and "notify_channel" in response.json().get("errors", response.json())


def test_the_portal_form_can_opt_out_at_submission(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/submit/", submission(notify_opt_out="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    petition = Petition.objects.get()
    assert PetitionerPreference.objects.get(petition=petition).opted_out
    assert not Notification.objects.filter(petition=petition).exists()


def test_the_portal_form_names_the_channel_field_when_it_cannot_reach(tree):
    response = Client().post("/submit/", submission(notify_channel="email"))
    assert response.status_code == 400
    assert "notify_channel" in response.content.decode() and Petition.objects.count() == 0


def test_the_tracking_page_changes_the_channel_and_opts_out(tree, django_capture_on_commit_callbacks):
    people = [PetitionerData(name="张三", phone="13812345678", address="丽发新城", email="zs@example.com")]
    petition, code = register_online(tree, petitioners=people)
    client = Client()
    prove(client, petition, code)
    page = client.get(f"/track/{petition.number}/").content.decode()
    assert 'id="notify"' in page and 'value="email"' in page and 'value="inapp"' not in page
    response = client.post(f"/track/{petition.number}/notifications/", {"channel": "email"})
    assert response.status_code == 302
    assert PetitionerPreference.objects.get(petition=petition).channel == Channel.EMAIL
    response = client.post(f"/track/{petition.number}/notifications/", {"channel": "inapp"})
    assert response.status_code == 400  # no citizen account submitted it
    response = client.post(f"/track/{petition.number}/notifications/", {"channel": "", "opted_out": "on"})
    assert PetitionerPreference.objects.get(petition=petition).opted_out


def test_a_stranger_cannot_change_the_choice(tree):
    petition, _code = register_online(tree)
    response = Client().post(f"/track/{petition.number}/notifications/", {"opted_out": "on"})
    assert response.status_code == 404
    assert not PetitionerPreference.objects.filter(petition=petition).exists()


def test_the_notifications_page_lists_the_accounts_messages_and_marks_them_read(
    tree, personas, citizen, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        petition, _ = register_online(tree, citizen=citizen, petitioners=[PetitionerData(name="张三", address="x")])
        services.petition_forward(petition=petition, actor=personas.registrar_a, to_unit=tree.housing)
        services.petition_accept(petition=petition, actor=personas.handler_b, notice="已受理")
    client = Client()
    client.force_login(citizen)
    page = client.get("/account/notifications/").content.decode()
    accepted = Notification.objects.get(petition=petition, kind="petitioner.accepted")
    assert accepted.subject in page and "/account/notifications/" in client.get("/account/petitions/").content.decode()
    assert client.post(f"/account/notifications/{accepted.pk}/read/").status_code == 302
    accepted.refresh_from_db()
    assert accepted.status == Status.READ and accepted.read_at is not None
    client.post("/account/notifications/read-all/")
    assert not Notification.objects.filter(recipient=citizen, read_at__isnull=True).exists()


def test_another_account_cannot_read_or_mark_the_messages(tree, citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        petition, _ = register_online(tree, citizen=citizen, petitioners=[PetitionerData(name="张三", address="x")])
    row = Notification.objects.get(petition=petition)
    other = User.objects.create_user(username="citizen_o", password="pw-xinfang-test")
    client = Client()
    client.force_login(other)
    assert row.subject not in client.get("/account/notifications/").content.decode()
    assert client.post(f"/account/notifications/{row.pk}/read/").status_code == 404


def test_staff_and_visitors_are_not_shown_the_citizen_page(tree, personas):
    assert Client().get("/account/notifications/").status_code == 302
    client = Client()
    client.force_login(personas.registrar_a)
    assert client.get("/account/notifications/").status_code == 403
