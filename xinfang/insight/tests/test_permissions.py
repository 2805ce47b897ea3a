"""Who gets what from every /api/v1/insight/ endpoint: a hand-written status-code table, endpoints × personas.

Columns: anonymous, a citizen account (no unit), registrar of A1区信访局 (no hot-issue role), handler and head of
A1区住建局 (the head oversees no region), supervisor at A市信访局 (above), head of A1区政府, an analyst at
A1区信访局, and the head of an outsider unit (A2区住建局). The hot issue used is A1区信访局's rank 1.
``test_every_insight_endpoint_is_in_the_table`` makes a new endpoint fail until its row is added here.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

import conftest
from conftest import Personas, make_tree, make_user
from xinfang.insight.models import HotIssue
from xinfang.insight.services import compute_hot_issues
from xinfang.insight.tests.test_dedup import ORIGINAL, RESUBMITTED
from xinfang.orgs.models import Role, User
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import ID_OK, register
from xinfang.petitions.tests.test_matrix_world import FAST_HASHERS

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 10, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))
PERSONAS = (
    "anonymous",
    "citizen",
    "registrar_a",
    "handler_b",
    "head_b",
    "supervisor",
    "county_head",
    "analyst",
    "outsider",
)
_make_personas = inspect.unwrap(conftest.personas)


@dataclass
class Scene:
    people: Personas
    citizen: User
    analyst: User
    issue: HotIssue


@pytest.fixture(scope="module")
def scene(django_db_setup: None, django_db_blocker: Any) -> Iterator[Scene]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        people = _make_personas(make_tree())
        citizen = User.objects.create_user(username="citizen", password="pw-xinfang-test")
        analyst = make_user("analyst_a", people.registrar_a.unit, Role.ANALYST)
        with time_machine.travel(NOON, tick=False):
            for n, text in enumerate((ORIGINAL, RESUBMITTED, ORIGINAL), start=1):
                register(
                    people.registrar_a,
                    title="丽发新城搅拌站噪音扰民",
                    request=text,
                    facts_and_reasons="",
                    petitioners=[PetitionerData(name=f"居民{n}", phone=f"1380000000{n}")],
                )
            compute_hot_issues(NOON.date())
        issue = HotIssue.objects.get(unit=people.registrar_a.unit, rank=1)
        yield Scene(people, citizen, analyst, issue)
        transaction.set_rollback(True)


def user_of(scene: Scene, persona: str) -> User | None:
    if persona == "anonymous":
        return None
    if persona in ("citizen", "analyst"):
        found: User = getattr(scene, persona)
        return found
    user: User = getattr(scene.people, persona)
    return user


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str  # as in the OpenAPI schema
    url: Callable[[Scene], str]
    codes: tuple[int, ...]  # one per persona, in PERSONAS order
    body: dict[str, Any] | None = None


# fmt: off
#                    anon citzn reg_a hnd_b hd_b  super cnty  anlst outsd
HOT_ROLES =         (401, 403,  403,  403,  200,  200,  200,  200,  200)
ISSUE_IN_A1 =       (401, 403,  403,  403,  404,  200,  200,  200,  404)
ISSUE_MISSING =     (401, 403,  403,  403,  404,  404,  404,  404,  404)
REGISTRARS =        (401, 403,  200,  403,  403,  403,  403,  403,  403)

ENDPOINTS: dict[str, Endpoint] = {
    "hot-issues": Endpoint("get", "/api/v1/insight/hot-issues/", lambda s: "/api/v1/insight/hot-issues/", HOT_ROLES),
    "hot-issue-petitions": Endpoint("get", "/api/v1/insight/hot-issues/{id}/petitions/",
                                    lambda s: f"/api/v1/insight/hot-issues/{s.issue.pk}/petitions/", ISSUE_IN_A1),
    "hot-issue-petitions-missing": Endpoint("get", "/api/v1/insight/hot-issues/{id}/petitions/",
                                            lambda s: "/api/v1/insight/hot-issues/99999999/petitions/", ISSUE_MISSING),
    "suggestions": Endpoint("post", "/api/v1/insight/suggestions/", lambda s: "/api/v1/insight/suggestions/",
                            REGISTRARS, body={"title": "搅拌站噪音", "request": ORIGINAL,
                                              "petitioners": [{"id_number": ID_OK}]}),
}
# fmt: on


def _cases() -> list[Any]:
    cases = []
    for name, endpoint in ENDPOINTS.items():
        assert len(endpoint.codes) == len(PERSONAS), name
        for persona, code in zip(PERSONAS, endpoint.codes, strict=True):
            cases.append(pytest.param(name, persona, code, id=f"{name}-{persona}-{code}"))
    return cases


@pytest.mark.parametrize(("name", "persona", "expected"), _cases())
def test_insight_api_permission_table(scene: Scene, name: str, persona: str, expected: int) -> None:
    endpoint = ENDPOINTS[name]
    client = APIClient()
    user = user_of(scene, persona)
    if user is not None:
        client.force_authenticate(user)
    url = endpoint.url(scene)
    response = client.get(url) if endpoint.method == "get" else client.post(url, endpoint.body, format="json")
    assert response.status_code == expected, f"{name} as {persona}: {response.content.decode()[:300]}"


def test_every_insight_endpoint_is_in_the_table() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    in_schema = {
        (method, path) for path, ops in schema["paths"].items() for method in ops if path.startswith("/api/v1/insight/")
    }
    assert in_schema == {(e.method, e.template) for e in ENDPOINTS.values()}
