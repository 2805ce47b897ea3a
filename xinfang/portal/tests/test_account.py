"""Optional citizen accounts: never staff, and each lists only its own petitions."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from xinfang.orgs.models import User
from xinfang.portal.models import CitizenProfile
from xinfang.portal.tests.helpers import register_online

pytestmark = pytest.mark.django_db


def test_sign_up_creates_a_citizen_account_without_unit_or_staff_rights(client: Client, db: None) -> None:
    response = client.post(
        "/account/sign-up/",
        {"username": "wangwu", "password1": "Qinghe-road-42", "password2": "Qinghe-road-42", "phone": "13800001111"},
    )
    assert response.status_code == 302 and response["Location"] == "/account/petitions/"
    user = User.objects.get(username="wangwu")
    assert user.unit_id is None and not user.is_staff and not user.is_superuser and not user.roles.exists()
    assert CitizenProfile.objects.get(user=user).phone == "13800001111"
    assert client.get("/account/petitions/").status_code == 200
    assert client.get("/admin/").status_code == 302  # no staff access


def test_sign_up_errors_are_named_next_to_the_fields(client: Client, db: None) -> None:
    response = client.post(
        "/account/sign-up/", {"username": "wangwu", "password1": "Qinghe-road-42", "password2": "other", "phone": "12"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_password2_error"' in html and 'id="id_phone_error"' in html
    assert 'value="wangwu"' in html


def test_sign_in_and_out(client: Client, citizen: User) -> None:
    response = client.post("/account/sign-in/", {"username": "citizen_a", "password": "pw-xinfang-test"})
    assert response.status_code == 302 and response["Location"] == "/account/petitions/"
    assert client.post("/account/sign-out/").status_code == 302
    assert client.get("/account/petitions/")["Location"].startswith("/account/sign-in/")


def test_sign_in_follows_only_local_next_urls(client: Client, citizen: User) -> None:
    data = {"username": "citizen_a", "password": "pw-xinfang-test"}
    assert client.post("/account/sign-in/", {**data, "next": "/submit/"})["Location"] == "/submit/"
    client.post("/account/sign-out/")
    assert (
        client.post("/account/sign-in/", {**data, "next": "https://evil.example/"})["Location"] == "/account/petitions/"
    )


def test_staff_accounts_cannot_sign_in_on_the_portal(client: Client, personas: Any) -> None:
    response = client.post("/account/sign-in/", {"username": "handler_b", "password": "pw-xinfang-test"})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_gets_an_error(client: Client, citizen: User) -> None:
    response = client.post("/account/sign-in/", {"username": "citizen_a", "password": "nope"})
    assert response.status_code == 400 and 'id="error-summary"' in response.content.decode()


def test_my_petitions_lists_only_the_accounts_own(
    client: Client, tree: Any, citizen: User, other_citizen: User
) -> None:
    mine, _ = register_online(tree, citizen=citizen, title="我的路灯问题")
    register_online(tree, citizen=other_citizen, title="别人的噪音问题")
    register_online(tree, title="没有账号的事项")
    client.force_login(citizen)
    html = client.get("/account/petitions/").content.decode()
    assert "我的路灯问题" in html and f'href="/track/{mine.number}/"' in html
    assert "别人的噪音问题" not in html and "没有账号的事项" not in html


def test_my_petitions_needs_a_citizen_account(client: Client, personas: Any) -> None:
    assert client.get("/account/petitions/")["Location"] == "/account/sign-in/?next=/account/petitions/"
    client.force_login(personas.registrar_a)
    assert client.get("/account/petitions/").status_code == 403
