"""API tokens (issue 9, Build 4): stored hashed, shown once, expiring after XINFANG_TOKEN_TTL_HOURS, revocable.

个人信息保护法 Art. 51 asks for security measures proportionate to the data: a copy of the database must not hand
out working credentials to 身份证号 and phone numbers, and a token left in a script must stop working.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.models import AuthToken
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
LOGOUT = "/api/v1/auth/logout/"
ME = "/api/v1/me/"
PASSWORD = "pw-xinfang-test"


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def issue(username: str = "handler_b") -> dict[str, Any]:
    response = APIClient().post(TOKEN, {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


def client_with(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_the_endpoint_answers_the_token_and_its_expiry_ten_hours_ahead(personas: Any) -> None:
    before = timezone.now()
    body = issue()
    assert set(body) == {"token", "expiry"}
    expiry = parse_datetime(body["expiry"])
    assert expiry is not None
    assert before + timedelta(hours=10) <= expiry <= timezone.now() + timedelta(hours=10)
    assert client_with(body["token"]).get(ME).status_code == 200


def test_the_database_holds_a_digest_never_the_token(personas: Any) -> None:
    token = issue()["token"]
    row = AuthToken.objects.get(user=personas.handler_b)
    assert row.digest != token and token not in row.digest
    assert token.startswith(row.token_key) and len(row.token_key) < len(token)  # a lookup prefix only
    with connection.cursor() as cursor:  # nowhere in the table, whatever the column
        cursor.execute(f"SELECT * FROM {AuthToken._meta.db_table}")  # noqa: S608 - table name from the model
        assert not any(token in str(value) for row_values in cursor.fetchall() for value in row_values)


def test_a_token_is_refused_once_expired(personas: Any) -> None:
    token = issue()["token"]
    with time_machine.travel(timezone.now() + timedelta(hours=10, minutes=1)):
        refused = client_with(token).get(ME)
    assert refused.status_code == 401
    assert not AuthToken.objects.filter(user=personas.handler_b).exists()  # the expired row is removed


def test_the_lifetime_comes_from_the_setting(personas: Any, settings: Any) -> None:
    settings.XINFANG_TOKEN_TTL = timedelta(hours=1)
    token = issue()["token"]
    with time_machine.travel(timezone.now() + timedelta(minutes=59)):
        assert client_with(token).get(ME).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        assert client_with(token).get(ME).status_code == 401


def test_logout_revokes_that_token_and_no_other(personas: Any) -> None:
    first, second = issue()["token"], issue()["token"]
    assert client_with(first).post(LOGOUT).status_code == 204
    assert client_with(first).get(ME).status_code == 401
    assert client_with(second).get(ME).status_code == 200


def test_logout_without_a_token_is_refused(personas: Any) -> None:
    assert APIClient().post(LOGOUT).status_code == 401
    session = APIClient()
    session.force_login(personas.handler_b)
    refused = session.post(LOGOUT)
    assert refused.status_code == 400
    assert refused.json()["field"] == "Authorization"


def test_wrong_password_gives_no_token(personas: Any) -> None:
    response = APIClient().post(TOKEN, {"username": "handler_b", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not AuthToken.objects.exists()


def test_a_missing_field_is_named(personas: Any) -> None:
    response = APIClient().post(TOKEN, {"username": "handler_b"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token \u00e9\u00e9\u00e9", "Token " + "f" * 64])
def test_malformed_or_unknown_tokens_are_401_never_500(personas: Any, header: str) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    assert client.get(ME).status_code == 401


def test_an_inactive_account_token_stops_working(personas: Any) -> None:
    token = issue()["token"]
    personas.handler_b.is_active = False
    personas.handler_b.save(update_fields=["is_active"])
    assert client_with(token).get(ME).status_code == 401


def test_the_schema_documents_token_and_expiry() -> None:
    schema = APIClient().get("/api/schema/?format=json").json()
    answer = schema["paths"][TOKEN]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    name = answer["$ref"].rsplit("/", 1)[-1]
    component = schema["components"]["schemas"][name]
    assert set(component["required"]) == {"token", "expiry"}
    assert component["properties"]["expiry"]["format"] == "date-time"
    request = schema["paths"][TOKEN]["post"]["requestBody"]["content"]["application/json"]["schema"]
    request_component = schema["components"]["schemas"][request["$ref"].rsplit("/", 1)[-1]]
    assert set(request_component["required"]) == {"username", "password"}
    assert "204" in schema["paths"][LOGOUT]["post"]["responses"]
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (scheme["type"], scheme["in"], scheme["name"]) == ("apiKey", "header", "Authorization")
    assert '"Token"' in scheme["description"]
