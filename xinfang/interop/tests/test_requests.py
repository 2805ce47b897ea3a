"""POST Service Request (an online petition through the public intake) and GET Service Requests (public facts
only: never personal data, never an accusation — Art. 30), JSON and XML, against the reference schemas."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from rest_framework.test import APIClient

from xinfang.interop.tests.conftest import assert_valid, parse_xml
from xinfang.petitions.models import Channel, Petition, Petitioner
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.tests.helpers import register

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"
TZ = dt.timezone(dt.timedelta(hours=8))
CODE_IN_NOTICE = re.compile(r"[0-9A-HJKMNP-TV-Z]{12}")


def form(categories: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "service_code": str(categories["leaf"].pk),
        "description": "保障房摇号结果公示后迟迟不分配\n已等待一年",
        "address_string": "A1区丽发新城3栋",
        "attribute[division_code]": "990101",
        "first_name": "三",
        "last_name": "张",
        "phone": "13812345678",
        "email": "zhangsan@example.com",
    }
    body.update(overrides)
    return body


def post(body: dict[str, Any], fmt: str = "json", **extra: Any) -> Any:
    return APIClient().post(f"/open311/v2/requests.{fmt}", body, **extra)  # form-encoded (multipart) as the spec


# ---------------------------------------------------------------- POST


def test_post_registers_an_online_petition_seen_in_the_receiving_units_workbench(personas, categories, client):
    response = post(form(categories))
    assert response.status_code == 200, response.content
    body = response.json()
    assert_valid("request-response.json", body)
    [answer] = body
    petition = Petition.objects.get(number=answer["service_request_id"])
    assert (petition.channel, petition.registering_unit.name, petition.category) == (
        Channel.ONLINE,
        "A1区信访局",  # the petition department for the problem location 990101
        categories["leaf"],
    )
    assert (petition.title, petition.problem_address) == ("保障房摇号结果公示后迟迟不分配", "A1区丽发新城3栋")
    assert petition.registered_by is None
    person = Petitioner.objects.get(petition=petition)
    assert (person.name, person.phone, person.email) == ("张三", "13812345678", "zhangsan@example.com")
    assert petitions_visible_to(personas.registrar_a).filter(pk=petition.pk).exists()
    client.force_login(personas.registrar_a)
    assert petition.number in client.get("/workbench/").content.decode()


def test_post_gives_the_tracking_code_once_in_service_notice_and_it_opens_the_tracking_page(personas, categories):
    [answer] = post(form(categories)).json()
    number = answer["service_request_id"]
    [code] = CODE_IN_NOTICE.findall(answer["service_notice"])
    tracked = APIClient().get(f"/api/v1/track/{number}", {"code": code})
    assert tracked.status_code == 200
    assert tracked.json()["number"] == number


def test_post_without_a_name_is_an_anonymous_petition(personas, categories):
    body = form(categories, first_name="", last_name="", phone="", email="")
    [answer] = post(body).json()
    petition = Petition.objects.get(number=answer["service_request_id"])
    assert petition.is_anonymous
    assert not petition.petitioners.exists()


def test_post_takes_the_division_from_address_id_and_the_nature_and_title_from_attributes(personas, categories):
    body = form(categories, **{"attribute[division_code]": "", "address_id": "990100"})
    body.update(
        {"attribute[nature]": "suggestion", "attribute[title]": "建议公开轮候名单", "lat": "28.2", "long": "112.9"}
    )
    [answer] = post(body).json()
    petition = Petition.objects.get(number=answer["service_request_id"])
    assert (petition.registering_unit.name, petition.nature, petition.title) == (
        "A市信访局",
        "suggestion",
        "建议公开轮候名单",
    )
    assert petition.problem_address == "A1区丽发新城3栋 (28.200000, 112.900000)"


def test_post_xml_answers_in_service_requests_request(personas, categories):
    response = post(form(categories), fmt="xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = parse_xml(response.content)
    assert root.tag == "service_requests"
    number = root.findtext("request/service_request_id")
    assert Petition.objects.filter(number=number).exists()
    assert CODE_IN_NOTICE.search(root.findtext("request/service_notice") or "")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"service_code": ""}, "service_code"),
        ({"service_code": "99999"}, "service_code"),
        ({"description": ""}, "description"),
        ({"attribute[division_code]": ""}, "attribute[division_code]"),
        ({"attribute[division_code]": "12"}, "attribute[division_code]"),
        ({"attribute[division_code]": "110000"}, "attribute[division_code]"),  # no petition department there
        ({"attribute[nature]": "gossip"}, "attribute[nature]"),
        ({"phone": "12345"}, "phone"),
        ({"lat": "north", "long": "1"}, "lat"),
        ({"long": "200", "lat": "1"}, "long"),
        ({"description": "长" * 5001}, "description"),
    ],
)
def test_bad_post_is_a_400_naming_the_parameter_and_stores_nothing(personas, categories, change, field):
    response = post(form(categories, **change))
    assert response.status_code == 400, response.content
    [error] = response.json()
    assert error["code"] == 400
    assert error["description"].startswith(f"{field}: ")
    assert not Petition.objects.exists()

    xml = post(form(categories, **change), fmt="xml")
    root = parse_xml(xml.content)
    assert (xml.status_code, root.tag, root.findtext("error/code")) == (400, "errors", "400")


def test_post_json_body_is_refused_with_415_in_the_spec_shape(personas, categories):
    response = APIClient().post(URL, form(categories), format="json")
    assert response.status_code == 415
    assert response.json()[0]["code"] == 415


def test_post_is_throttled_per_address_like_the_public_api(personas, categories, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"public_submit": "1/hour", "public_track": "100/hour"})
    assert post(form(categories)).status_code == 200
    response = post(form(categories))
    assert response.status_code == 429
    assert response.json()[0]["code"] == 429
    assert Petition.objects.count() == 1


def test_post_with_the_same_idempotency_key_replays_the_first_answer(personas, categories):
    first = post(form(categories), HTTP_IDEMPOTENCY_KEY="open311-retry-1")
    again = post(form(categories), HTTP_IDEMPOTENCY_KEY="open311-retry-1")
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Petition.objects.count() == 1


# ---------------------------------------------------------------- GET


@pytest.fixture
def world(personas, categories) -> dict[str, Petition]:
    """An appeal (open), a closed suggestion, an accusation and an uncategorised one, all registered by unit A."""
    appeal, _ = register(personas.registrar_a, category=categories["leaf"], problem_address="丽发新城北门")
    closed, _ = register(personas.registrar_a, category=categories["env"], nature="suggestion", title="建议增设公交站")
    Petition.objects.filter(pk=closed.pk).update(state="closed")  # setup: the finished state, whatever the path
    accusation, _ = register(
        personas.registrar_a,
        category=categories["leaf"],
        nature="accusation",
        title="举报某科长收受开发商礼金",
        accused_name="某科长",
        problem_address="举报地址",
    )
    bare, _ = register(personas.registrar_a)
    return {"appeal": appeal, "closed": closed, "accusation": accusation, "bare": bare}


def test_requests_list_validates_and_shows_only_public_tracking_facts(world, categories):
    response = APIClient().get(URL)
    assert response.status_code == 200
    body = response.json()
    assert_valid("requests.json", body)
    by_id = {r["service_request_id"]: r for r in body}
    assert set(by_id) == {world["appeal"].number, world["closed"].number, world["bare"].number}
    appeal = by_id[world["appeal"].number]
    assert (appeal["status"], appeal["service_code"], appeal["service_name"]) == (
        "open",
        str(categories["leaf"].pk),
        "保障房分配",
    )
    assert appeal["status_notes"]  # the finer state, e.g. 已登记，待转送/交办
    assert (appeal["agency_responsible"], appeal["address"]) == ("A1区信访局", "丽发新城北门")
    assert dt.datetime.fromisoformat(appeal["requested_datetime"]).utcoffset() == dt.timedelta(hours=8)
    assert by_id[world["closed"].number]["status"] == "closed"
    assert by_id[world["bare"].number]["service_code"] == ""


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_requests_never_show_personal_data_nor_an_accusation(world, fmt):
    text = APIClient().get(f"/open311/v2/requests.{fmt}").content.decode()
    person = world["appeal"].petitioners.get()
    for secret in (person.name, person.phone, person.id_number, person.address, world["appeal"].request):
        assert secret not in text
    for trace in (world["accusation"].number, "举报某科长", "某科长", "举报地址"):
        assert trace not in text


def test_an_accusation_is_not_found_by_id_nor_by_filter(world):
    number = world["accusation"].number
    response = APIClient().get(f"/open311/v2/requests/{number}.json")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404
    assert APIClient().get(URL, {"service_request_id": number}).json() == []


def test_one_request_by_id_validates_as_a_list_of_one_in_json_and_xml(world):
    number = world["appeal"].number
    body = APIClient().get(f"/open311/v2/requests/{number}.json").json()
    assert_valid("requests.json", body)
    assert [r["service_request_id"] for r in body] == [number]
    root = parse_xml(APIClient().get(f"/open311/v2/requests/{number.lower()}.xml").content)
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [number]
    assert root.findtext("request/status") == "open"


def test_requests_filter_by_ids_service_code_and_status(world, categories):
    ids = f"{world['appeal'].number},{world['closed'].number}"
    got = APIClient().get(URL, {"service_request_id": ids, "status": "open"}).json()  # ids override the rest
    assert {r["service_request_id"] for r in got} == {world["appeal"].number, world["closed"].number}
    by_code = APIClient().get(URL, {"service_code": str(categories["env"].pk)}).json()
    assert [r["service_request_id"] for r in by_code] == [world["closed"].number]
    open_only = APIClient().get(URL, {"status": "open"}).json()
    assert {r["service_request_id"] for r in open_only} == {world["appeal"].number, world["bare"].number}
    closed_only = APIClient().get(URL, {"status": "closed"}).json()
    assert [r["service_request_id"] for r in closed_only] == [world["closed"].number]


def test_requests_default_to_the_last_90_days_and_take_a_date_range(personas, categories):
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, tzinfo=TZ), tick=False):
        old, _ = register(personas.registrar_a, category=categories["leaf"])
    with time_machine.travel(dt.datetime(2026, 5, 20, 10, tzinfo=TZ), tick=False):
        new, _ = register(personas.registrar_a, category=categories["leaf"])
        assert [r["service_request_id"] for r in APIClient().get(URL).json()] == [new.number]
        january = APIClient().get(URL, {"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-01-31"})
        assert [r["service_request_id"] for r in january.json()] == [old.number]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start_date": "yesterday"}, "start_date"),
        ({"start_date": "2026-01-01", "end_date": "2026-06-01"}, "end_date"),
        ({"start_date": "2026-02-01", "end_date": "2026-01-01"}, "end_date"),
        ({"status": "pending"}, "status"),
        ({"service_code": "1;2"}, "service_code"),
        ({"page": "0"}, "page"),
    ],
)
def test_bad_request_filters_are_a_400_naming_the_parameter(world, params, field):
    response = APIClient().get(URL, params)
    assert response.status_code == 400
    [error] = response.json()
    assert error["code"] == 400 and error["description"].startswith(f"{field}: ")


def test_get_requests_is_throttled(world, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"public_submit": "1/hour", "public_track": "1/hour"})
    assert APIClient().get(URL).status_code == 200
    response = APIClient().get(URL)
    assert response.status_code == 429
    assert response.json()[0]["code"] == 429
