"""The petitioner's side of the API: online submission without an account (网上信访), bad input answered with
field-level messages (Chinese by default, English on request, never a 500, nothing stored), and tracking with
编号 + 查询码 (Art. 21).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient

from xinfang.petitions import services
from xinfang.petitions.models import (
    Clock,
    NumberSequence,
    Petition,
    PetitionAccess,
    Petitioner,
    PetitionEvent,
)
from xinfang.petitions.tests.helpers import ID_OK, register

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))
MARCH_2 = dt.datetime(2026, 3, 2, 10, tzinfo=TZ)
CJK = re.compile(r"[\u4e00-\u9fff]")
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{12}$")  # Crockford base32: no I, L, O, U
URL = "/api/v1/petitions/"


@pytest.fixture(autouse=True)
def _fast_passwords_and_fresh_throttles(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


def submission(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "小区旁搅拌站夜间施工噪音扰民",
        "request": "请求责令搅拌站停止夜间施工",
        "facts_and_reasons": "每天夜里施工到凌晨两点。",
        "problem_division_code": "990101",
        "petitioners": [{"name": "张三", "id_number": ID_OK, "phone": "13812345678", "address": "丽发新城3栋"}],
    }
    body.update(overrides)
    return body


def stored_rows() -> tuple[int, ...]:
    return (
        Petition.objects.count(),
        Petitioner.objects.count(),
        Clock.objects.count(),
        PetitionEvent.objects.count(),
        PetitionAccess.objects.count(),
        NumberSequence.objects.filter(last__gt=0).count(),
    )


# ---------------------------------------------------------------- online submission


def test_public_online_submission_answers_201_with_number_tracking_code_and_clocks(tree):
    client = APIClient()
    with time_machine.travel(MARCH_2, tick=False):
        response = client.post(URL, submission(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "990101XFJ-2026-000001"
    assert CODE.match(body["tracking_code"])
    assert (body["state"], body["unit"]) == ("registered", "A1区信访局")
    (route,) = body["clocks"]
    assert (route["kind"], route["owing_unit"], route["start"], route["due"]) == (
        "route", "A1区信访局", "2026-03-02", "2026-03-17",
    )  # fmt: skip
    assert route["explanation"] and route["status"] == "running"

    petition = Petition.objects.get(number=body["number"])
    assert petition.channel == "online" and petition.registered_by is None
    assert petition.check_tracking_code(body["tracking_code"])
    assert list(petition.petitioners.values_list("name", "id_number")) == [("张三", ID_OK)]
    event = petition.events.get()
    assert event.actor is None and event.actor_label == "系统"
    tracked = client.get(f"/api/v1/track/{body['number']}", {"code": body["tracking_code"]})
    assert tracked.status_code == 200


def test_the_answers_clocks_are_the_stored_clocks_without_reading_them_back(tree):
    """The 201 answer serialises the clock registration has just written (issue 9, intake under load): it must be
    exactly what the stored row serialises to, and the answer must not read the clocks again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.renderers import JSONRenderer

    from xinfang.petitions.api.serializers import ClockSerializer

    client = APIClient()
    with time_machine.travel(MARCH_2, tick=False), CaptureQueriesContext(connection) as queries:
        response = client.post(URL, submission(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    reads_of_clocks = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"petitions_clock"' in q["sql"]]
    assert reads_of_clocks == []
    stored = Clock.objects.select_related("owing_unit").filter(petition__number=body["number"])
    with time_machine.travel(MARCH_2, tick=False):  # the status and days left are of the same day
        expected = ClockSerializer(list(stored), many=True).data
    assert body["clocks"] == json.loads(JSONRenderer().render(expected))


@pytest.mark.parametrize(
    ("division", "department"),
    [
        pytest.param("990101", "A1区信访局", id="county-with-its-own-department"),
        pytest.param("990102", "A市信访局", id="county-without-one-goes-to-the-city"),
        pytest.param("990102001", "A市信访局", id="township-code"),
        pytest.param("990000", "西地省信访局", id="province"),
    ],
)
def test_online_submission_goes_to_the_nearest_petition_department_for_the_problem_location(tree, division, department):
    response = APIClient().post(URL, submission(problem_division_code=division), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["unit"] == department
    assert Petition.objects.get().registering_unit.name == department


def test_online_submission_can_name_its_petition_department(tree):
    body = submission(problem_division_code="", unit=tree.city_dept.pk)
    response = APIClient().post(URL, body, format="json")
    assert response.status_code == 201
    assert response.json()["number"].startswith("990100XFJ-")


def test_anonymous_online_submission_needs_no_name(tree):
    response = APIClient().post(URL, submission(is_anonymous=True, petitioners=[]), format="json")
    assert response.status_code == 201
    assert Petition.objects.get().is_anonymous


# ---------------------------------------------------------------- bad input: 400, field by field, nothing stored


def test_missing_fields_are_named_in_chinese_by_default(tree):
    before = stored_rows()
    response = APIClient().post(URL, {"petitioners": []}, format="json")
    assert response.status_code == 400
    assert response.json() == {"title": ["该字段是必填项。"], "request": ["该字段是必填项。"]}
    assert stored_rows() == before


def test_missing_fields_are_named_in_english_with_accept_language_en(tree):
    response = APIClient().post(URL, {"petitioners": []}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"title": ["This field is required."], "request": ["This field is required."]}


def test_nested_petitioner_fields_are_named_where_they_are(tree):
    body = submission(title="   ", petitioners=[{"name": "张三", "email": "not-mail"}])
    response = APIClient().post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {
        "title": ["This field may not be blank."],
        "petitioners": {"0": {"email": ["Enter a valid email address."]}},  # keyed by position
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        pytest.param({"petitioners": []}, "petitioners", id="no-name-and-not-anonymous-art-19"),
        pytest.param(
            {
                "petitioner_kind": "group",
                "head_count": 30,
                "petitioners": [{"name": f"代表{i}", "is_representative": True} for i in range(6)],
            },
            "petitioners",
            id="six-representatives-art-20",
        ),
        pytest.param({"petitioner_kind": "group", "head_count": 1}, "head_count", id="group-of-one"),
        pytest.param({"received_on": "2026-03-03"}, "received_on", id="received-in-the-future"),
        pytest.param({"channel": "letter"}, "channel", id="letter-without-an-account"),
        pytest.param({"problem_division_code": "880101"}, "unit", id="no-petition-department-found"),
    ],
)
def test_rule_errors_name_the_field_in_chinese_by_default_and_english_on_request(tree, overrides, field):
    client = APIClient()
    before = stored_rows()
    with time_machine.travel(MARCH_2, tick=False):
        chinese = client.post(URL, submission(**overrides), format="json")
        english = client.post(URL, submission(**overrides), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert (chinese.status_code, english.status_code) == (400, 400), chinese.content
    zh, en = chinese.json(), english.json()
    assert zh["field"] == en["field"] == field
    assert CJK.search(zh["detail"]), zh
    assert not CJK.search(en["detail"].replace("信访", "")), en
    assert stored_rows() == before


def test_unit_that_is_not_a_petition_department_cannot_receive_online_petitions(tree):
    body = submission(problem_division_code="", unit=tree.housing.pk)
    before = stored_rows()
    response = APIClient().post(URL, body, format="json")
    assert response.status_code == 400 and response.json()["field"] == "unit"
    assert stored_rows() == before


def test_invalid_id_card_check_digit_is_refused_naming_the_field(tree):
    wrong = ID_OK[:-1] + "1"  # the check character of 11010519491231002 is X
    before = stored_rows()
    for language, words in (("zh-hans", "身份证"), ("en", "ID card")):
        response = APIClient().post(
            URL,
            submission(petitioners=[{"name": "张三", "id_number": wrong}]),
            format="json",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        assert response.status_code == 400, response.content
        body = response.json()
        assert body["field"] == "petitioners[0].id_number"
        assert words in body["detail"], body
    assert stored_rows() == before


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("not json at all", id="not-json"),
        pytest.param(["a", "list"], id="a-list"),
        pytest.param(submission(petitioners="张三"), id="petitioners-as-text"),
        pytest.param(submission(petitioners=[{"name": "张三", "phone": "12345"}]), id="bad-phone"),
        pytest.param(submission(petitioners=[{"name": "张三", "email": "not-mail"}]), id="bad-email"),
        pytest.param(submission(petitioners=[{"name": "张" * 101}]), id="name-too-long"),
        pytest.param(submission(petitioners=[{"name": "张三", "id_number": "1101051949123100"}]), id="id-too-short"),
        pytest.param(submission(petitioners=[{"name": "张三", "id_number": "110105194902300011"}]), id="id-feb-30"),
        pytest.param(submission(head_count="many"), id="head-count-text"),
        pytest.param(submission(head_count=0), id="head-count-zero"),
        pytest.param(submission(received_on="yesterday"), id="date-text"),
        pytest.param(submission(problem_division_code="99"), id="short-division-code"),
        pytest.param(submission(unit=99999999), id="unknown-unit"),
        pytest.param(submission(category=99999999), id="unknown-category"),
        pytest.param(submission(accused_unit="A1区"), id="accused-unit-text"),
        pytest.param(submission(nature="complaint"), id="unknown-nature"),
        pytest.param(submission(channel="pigeon"), id="unknown-channel"),
        pytest.param(submission(title="长" * 201), id="title-too-long"),
        pytest.param(submission(five_questions="都问了"), id="five-questions-text"),
        pytest.param(submission(is_anonymous="maybe"), id="boolean-text"),
    ],
)
def test_bad_submissions_answer_400_and_store_nothing(tree, body):
    before = stored_rows()
    client = APIClient()
    if isinstance(body, str):
        response = client.post(URL, body, content_type="application/json")
    else:
        response = client.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()  # a JSON body that says what is wrong
    assert stored_rows() == before


# ---------------------------------------------------------------- tracking with 编号 + 查询码


@pytest.fixture
def tracked(personas: Any, tree: Any) -> tuple[Petition, str]:
    """Registered at A, forwarded to B with an internal note, accepted, an extension asked and refused, an
    opinion drafted and sent back — plenty of internal matter that the petitioner must not see."""
    p = personas
    with time_machine.travel(MARCH_2, tick=False):
        petition, code = register(p.registrar_a, petitioners=[services.PetitionerData(
            name="张三", id_number=ID_OK, phone="13812345678", address="丽发新城3栋")])  # fmt: skip
        petition.petitioners.create(name="李四", id_number="11010519491231002X", phone="13900001111")
        services.petition_forward(
            petition=petition, actor=p.registrar_a, to_unit=tree.housing, note="内部备注：该户多次上访，注意方式"
        )
        services.petition_accept(petition=petition, actor=p.handler_b, notice="已受理")
        services.petition_request_extension(petition=petition, actor=p.handler_b, days=10, reason="内部：人手不足")
        services.petition_reject_extension(petition=petition, actor=p.head_b, reason="内部：不批")
        services.petition_submit_decision(petition=petition, actor=p.handler_b, outcome="explain", opinion="草稿意见")
        services.petition_return_decision(petition=petition, actor=p.head_b, reason="内部：退回重写")
        services.petition_report_urgent(petition=petition, actor=p.handler_b, summary="内部：可能聚集")
    return petition, code


def test_tracking_with_the_right_code_shows_progress_without_internal_notes_or_identities(tracked, tree):
    petition, code = tracked
    response = APIClient().get(f"/api/v1/track/{petition.number}", {"code": code})
    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["state"], body["current_unit"]) == (petition.number, "handling", tree.housing.name)
    assert [e["action"] for e in body["events"]] == ["register", "forward", "accept"]
    assert body["events"][1]["public_data"] == {"to_unit": tree.housing.name, "co_units": []}
    assert [d["kind"] for d in body["documents"]] == ["acceptance_notice"]  # no slip, no draft, no returned one
    handle = next(c for c in body["clocks"] if c["kind"] == "handle")
    assert handle["due"] == "2026-05-06"

    text = response.content.decode()
    for secret in (
        "该户多次上访", "人手不足", "内部：不批", "草稿意见", "退回重写", "可能聚集",  # internal notes and drafts
        "张三", "李四", ID_OK, "13812345678", "13900001111", "丽发新城",  # petitioners' identities
        "王承办", "赵局长", "李登记", "No.",  # staff names and 工号
    ):  # fmt: skip
        assert secret not in text, secret
    assert "note" not in {key for event in body["events"] for key in event}


def test_tracking_code_is_read_case_insensitively(tracked):
    petition, code = tracked
    assert APIClient().get(f"/api/v1/track/{petition.number}", {"code": code.lower()}).status_code == 200


@pytest.mark.parametrize(
    "how",
    ["wrong-code", "no-code", "empty-code", "other-petitions-code", "unknown-number"],
)
def test_tracking_with_a_wrong_code_or_number_answers_404(tracked, personas, how):
    petition, code = tracked
    _other, other_code = register(personas.registrar_a)
    number, params = petition.number, {"code": code}
    if how == "wrong-code":
        params = {"code": "0" * 12}
    elif how == "no-code":
        params = {}
    elif how == "empty-code":
        params = {"code": ""}
    elif how == "other-petitions-code":
        params = {"code": other_code}
    else:
        number = "990101XFJ-2026-999999"
    response = APIClient().get(f"/api/v1/track/{number}", params)
    assert response.status_code == 404
    assert petition.number not in response.content.decode()


def test_petitioner_actions_need_the_right_code(tracked):
    petition, _ = tracked
    client = APIClient()
    before = PetitionEvent.objects.filter(petition=petition).count()
    for path, body in (
        ("urge", {"message": "请尽快"}),
        ("review", {"reason": "不服"}),
        ("recheck", {"reason": "不服"}),
        ("rate", {"target": "responsible_unit", "value": "satisfied"}),
    ):
        response = client.post(f"/api/v1/track/{petition.number}/{path}/", {**body, "code": "0" * 12}, format="json")
        assert response.status_code == 404, path
    assert PetitionEvent.objects.filter(petition=petition).count() == before
