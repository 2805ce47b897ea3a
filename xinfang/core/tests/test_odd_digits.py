"""Issue 9: no 500 on odd digits, at any entry point that reads a number from the request.

``"³".isdigit()`` is True but ``int("³")`` raises, and 99999999999999999999 does not fit a 64-bit column (SQLite
cannot even bind it). Every place that read a number did ``text.isdigit()`` then ``int(text)``; they now use
``xinfang.core.limits.is_id`` / ``parse_id``. Each case below was a 500 (or would be one with the other value).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from rest_framework.test import APIClient

from xinfang.core.limits import is_id, parse_id
from xinfang.joint.tests.helpers import conference, meeting
from xinfang.petitions.identity import id_number_is_valid
from xinfang.petitions.tests.helpers import register

pytestmark = pytest.mark.django_db

ODD = ["³", "99999999999999999999"]


@pytest.fixture(autouse=True)
def _fresh(settings: Any, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


# --- the helper itself ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", True), ("0", True), ("9" * 18, True), ("9" * 19, False), ("³", False), ("٣", False), ("", False),
     (" 1", False), ("-1", False), ("1.0", False)],
)  # fmt: skip
def test_is_id_admits_only_up_to_18_ascii_digits(text: str, expected: bool) -> None:
    assert is_id(text) is expected
    if expected:
        int(text)  # never raises, and fits a signed 64-bit column


def test_parse_id_refuses_what_int_or_the_database_cannot_take() -> None:
    assert parse_id("³") is None
    assert parse_id("99999999999999999999") is None
    assert parse_id("9223372036854775807") == 2**63 - 1
    assert parse_id(" 42 ") == 42


def test_an_id_number_with_a_superscript_digit_is_invalid_not_a_crash() -> None:
    assert id_number_is_valid("11010519491231³02X") is False


# --- every HTTP entry point -------------------------------------------------------------------------------------


@dataclass
class Hit:
    who: str
    method: str
    path: Callable[[Any, str], str]  # (world, odd value) → path
    data: Callable[[Any, str], dict[str, Any]]
    api: bool = True


class World:
    def __init__(self, tree: Any, personas: Any) -> None:
        self.tree, self.p = tree, personas
        self.petition, _code = register(personas.registrar_a)
        self.meeting = meeting(personas, conference(personas, tree))


def _none(w: Any, v: str) -> dict[str, Any]:
    return {}


HITS: dict[str, Hit] = {
    # API: query parameters
    "reception compliance ?year": Hit("registrar_a", "get", lambda w, v: "/api/v1/reception/compliance/",
                                      lambda w, v: {"year": v}),
    "clocks due soon ?days": Hit("registrar_a", "get", lambda w, v: "/api/v1/clocks/due-soon/",
                                 lambda w, v: {"days": v}),
    "stats kpis ?unit": Hit("city_dept_head", "get", lambda w, v: "/api/v1/stats/kpis/",
                            lambda w, v: {"unit": v, "kpi": "received"}),
    "identity reads ?petition": Hit("city_dept_head", "get", lambda w, v: "/api/v1/audit/identity-reads/",
                                    lambda w, v: {"petition": v}),
    # API: ids in the path
    "petition detail": Hit("registrar_a", "get", lambda w, v: f"/api/v1/petitions/{v}/", _none),
    "casework case": Hit("city_dept_head", "get", lambda w, v: f"/api/v1/casework/cases/{v}/", _none),
    "joint conference": Hit("supervisor", "get", lambda w, v: f"/api/v1/joint/conferences/{v}/", _none),
    "supervision order": Hit("city_dept_head", "get", lambda w, v: f"/api/v1/supervision/orders/{v}/", _none),
    "supervision recommendation": Hit("city_dept_head", "get",
                                      lambda w, v: f"/api/v1/supervision/recommendations/{v}/", _none),
    "supervision interview": Hit("city_dept_head", "get", lambda w, v: f"/api/v1/supervision/interviews/{v}/", _none),
    "supervision bulletin": Hit("city_dept_head", "get", lambda w, v: f"/api/v1/supervision/bulletins/{v}/", _none),
    "insight hot issue petitions": Hit("city_dept_head", "get",
                                       lambda w, v: f"/api/v1/insight/hot-issues/{v}/petitions/", _none),
    # API: ids in the body
    "joint meeting ← conference": Hit("supervisor", "post", lambda w, v: "/api/v1/joint/meetings/",
                                      lambda w, v: {"conference": v, "held_on": "2026-01-05", "convened_by": "某",
                                                    "attendees": [], "minutes": "x"}),
    # pages
    "register: one more petitioner row": Hit("registrar_a", "get", lambda w, v: "/workbench/register/petitioner-row/",
                                             lambda w, v: {"p-TOTAL_FORMS": v}, api=False),
    "register: add a row, accused unit": Hit("registrar_a", "post", lambda w, v: "/workbench/register/",
                                             lambda w, v: {"add_petitioner": "1", "p-TOTAL_FORMS": v,
                                                           "p-INITIAL_FORMS": "0", "accused_unit": v}, api=False),
    "register: accused area code": Hit("registrar_a", "get", lambda w, v: "/workbench/register/accused/",
                                       lambda w, v: {"problem_division_code": v, "nature": "accusation"}, api=False),
    "action form ← unit": Hit("registrar_a", "post", lambda w, v: f"/workbench/p/{w.petition.number}/act/route/",
                              lambda w, v: {"to_unit": v, "co_units": [v, "1"]}, api=False),
    "joint meeting page ← item": Hit("supervisor", "post", lambda w, v: f"/workbench/joint/meetings/{w.meeting.pk}/",
                                     lambda w, v: {"item": v, "action": "decision"}, api=False),
    "casework board ?after": Hit("city_dept_head", "get", lambda w, v: "/workbench/casework/",
                                 lambda w, v: {"after": v}, api=False),
    "stats dashboard ?unit": Hit("city_dept_head", "get", lambda w, v: "/workbench/stats/",
                                 lambda w, v: {"unit": v}, api=False),
    "insight hot issue page": Hit("city_dept_head", "get", lambda w, v: f"/workbench/insight/hot-issues/{v}/", _none,
                                  api=False),
    "portal: representatives shown again": Hit("", "post", lambda w, v: "/submit/",
                                               lambda w, v: {"_refresh": "1", "rep-TOTAL_FORMS": v}, api=False),
    "portal: area picker": Hit("", "get", lambda w, v: "/submit/region/",
                               lambda w, v: {"level": "province", "province": v}, api=False),
}  # fmt: skip


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize("name", list(HITS))
def test_odd_digits_are_never_a_500(tree: Any, personas: Any, name: str, odd: str) -> None:
    hit = HITS[name]
    world = World(tree, personas)
    path, data = hit.path(world, odd), hit.data(world, odd)
    user = getattr(personas, hit.who) if hit.who else None
    if hit.api:
        api = APIClient()
        if user is not None:
            api.force_authenticate(user)
        answer = getattr(api, hit.method)(path, data, format="json") if hit.method == "post" else api.get(path, data)
    else:
        client = Client(raise_request_exception=True)
        if user is not None:
            client.force_login(user)
        answer = getattr(client, hit.method)(path, data)
    assert answer.status_code < 500, (name, odd, answer.status_code)
    if hit.api and answer.status_code == 400:  # a refusal names what was wrong
        assert answer.json(), answer.content


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize(
    ("path", "param"),
    [("/api/v1/reception/compliance/", "year"), ("/api/v1/clocks/due-soon/", "days"), ("/api/v1/stats/kpis/", "unit")],
)
def test_an_odd_number_in_a_query_parameter_is_a_400_naming_it(personas: Any, path: str, param: str, odd: str) -> None:
    api = APIClient()
    api.force_authenticate(personas.city_dept_head)
    answer = api.get(path, {param: odd, "kpi": "received"})
    assert answer.status_code == 400, answer.content
    assert answer.json()["field"] == param


@pytest.mark.parametrize("odd", ODD)
def test_an_odd_petition_key_is_a_404(personas: Any, odd: str) -> None:
    api = APIClient()
    api.force_authenticate(personas.registrar_a)
    assert api.get(f"/api/v1/petitions/{odd}/").status_code == 404
