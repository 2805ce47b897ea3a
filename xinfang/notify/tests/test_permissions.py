"""Who gets what from every notify API endpoint: a hand-written table of endpoints × personas.

Every signed-in account (staff or citizen) may use the endpoints, but only on its own notifications: someone
else's notification is 404 (no existence oracle). The message used for the single-row endpoints belongs to
handler B. ``test_every_notify_endpoint_is_in_the_table`` makes a new endpoint fail until its row is added.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from xinfang.notify.services import notify
from xinfang.orgs.models import User

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "citizen", "registrar_a", "handler_b", "supervisor", "outsider")


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str  # as in the OpenAPI schema
    codes: tuple[int, ...]  # one per persona, in PERSONAS order


# fmt: off
#                                                                        anon citzn reg_a hnd_b super outsd
ENDPOINTS: dict[str, Endpoint] = {
    "list":        Endpoint("get",  "/api/v1/notify/notifications/",           (401, 200,  200,  200,  200,  200)),
    "list-unread": Endpoint("get",  "/api/v1/notify/notifications/",           (401, 200,  200,  200,  200,  200)),
    "read":        Endpoint("post", "/api/v1/notify/notifications/{id}/read/", (401, 404,  404,  200,  404,  404)),
    "read-all":    Endpoint("post", "/api/v1/notify/notifications/read-all/",  (401, 200,  200,  200,  200,  200)),
}
# fmt: on


@pytest.fixture
def world(personas):
    citizen = User.objects.create_user(username="citizen", password="pw-xinfang-test")
    row = notify(kind="test.kind", subject="给承办人的消息", body="", users=[personas.handler_b])[0]
    return personas, citizen, row


def _user(world, persona):
    personas, citizen, _ = world
    if persona == "anonymous":
        return None
    if persona == "citizen":
        return citizen
    return getattr(personas, persona)


@pytest.mark.parametrize("key", list(ENDPOINTS))
@pytest.mark.parametrize("index", range(len(PERSONAS)), ids=PERSONAS)
def test_permission_table(world, key, index):
    endpoint = ENDPOINTS[key]
    client = APIClient()
    user = _user(world, PERSONAS[index])
    if user is not None:
        client.force_authenticate(user)
    url = endpoint.template.replace("{id}", str(world[2].pk))
    if key == "list-unread":
        url += "?unread=1"
    response = getattr(client, endpoint.method)(url)
    assert response.status_code == endpoint.codes[index], response.content


def test_every_notify_endpoint_is_in_the_table():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    declared = {
        (method, path) for path, ops in schema["paths"].items() if path.startswith("/api/v1/notify/") for method in ops
    }
    assert declared == {(e.method, e.template) for e in ENDPOINTS.values()}
