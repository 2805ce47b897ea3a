"""Who gets what from every /api/v1/reception/ endpoint: a hand-written table of endpoints × personas.

The world (module-scoped, rolled back afterwards; each test in its own savepoint): the A1区 leader's monthly
schedule at the A1区信访局 hall with the session of today (2026-04-15, 09:00–11:00) and next month's; a booking
today and one next month (with its code); an invitation; a visit down today carrying one petition.

Columns: anonymous; a citizen account; registrar_a (A1区信访局: keeps the A1 desk, oversees A1区); the A1区
leader; handler_b (A1区住建局: a desk role, but the rows are not its unit's); the supervisor at A市信访局 (oversees
the city); an outsider unit (A2区住建局). ``test_every_reception_endpoint_is_in_the_table`` makes a new endpoint
fail until its row is added.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from conftest import Tree, make_tree, make_user
from xinfang.orgs.models import Role, User
from xinfang.petitions.tests.helpers import register
from xinfang.reception import services
from xinfang.reception.models import Booking, FieldVisit, Invitation, ReceptionSchedule, ReceptionSession, SiteKind

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 4, 15, 8, 30, tzinfo=TZ)
PERSONAS = ("anonymous", "citizen", "registrar_a", "leader", "handler_b", "supervisor", "outsider")


@dataclass
class World:
    tree: Tree
    people: dict[str, User]
    schedule: ReceptionSchedule
    today: ReceptionSession
    next_month: ReceptionSession
    booking_today: Booking
    booking_code: str
    invitation: Invitation
    visit: FieldVisit
    petition_number: str
    other_petition_number: str


def build_world() -> World:
    tree = make_tree()
    people = {
        "citizen": make_user("citizen", None),
        "registrar_a": make_user("registrar_a", tree.county_dept, Role.REGISTRAR, Role.HANDLER),
        "leader": make_user("a1_leader", tree.county, Role.LEADER, full_name="林区长"),
        "handler_b": make_user("handler_b", tree.housing, Role.HANDLER),
        "supervisor": make_user("supervisor", tree.city_dept, Role.SUPERVISOR),
        "outsider": make_user("outsider", tree.county2_housing, Role.HANDLER, Role.HEAD),
    }
    desk = people["registrar_a"]
    with time_machine.travel(NOW - dt.timedelta(days=5), tick=False):
        site = services.site_create(actor=desk, unit=tree.county_dept, name="接待大厅", address="人民路1号")
        schedule = services.schedule_create(
            actor=desk,
            data=services.ScheduleData(
                leader=people["leader"],
                site=site,
                recurrence="monthly",
                day_of_month=15,
                start_time=dt.time(9),
                end_time=dt.time(11),
                valid_from=dt.date(2026, 1, 1),
                published=True,
            ),
        )
        today, next_month = services.sessions_generate(
            schedule=schedule, start=dt.date(2026, 4, 1), end=dt.date(2026, 5, 31)
        )
        booking_today, _ = services.booking_create(
            session=today,
            data=services.BookingData(slot_start=dt.time(10), name="王五", phone="13900001111", summary="停车"),
        )
        _, code = services.booking_create(
            session=next_month,
            data=services.BookingData(slot_start=dt.time(10), name="赵六", phone="13900002222", summary="噪音"),
        )
        petition, _ = register(desk)
        other, _ = register(desk, title="另一件事")
        invitation = services.invitation_create(
            actor=desk,
            petition_key=petition.pk,
            leader=people["leader"],
            on=dt.date(2026, 4, 20),
            at=dt.time(15),
            place="三楼会议室",
        )
        visit = services.field_visit_create(
            actor=desk,
            leader=people["leader"],
            on=NOW.date(),
            place="某村",
            purpose="带案下访",
            petition_keys=[petition.number],
        )
    return World(
        tree, people, schedule, today, next_month, booking_today, code, invitation, visit, petition.number, other.number
    )


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


Body = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str
    body: Body | None
    codes: tuple[int, ...]


# fmt: off
#                 anon citzn reg_a leadr hnd_b super outsd
STAFF_LIST =     (401, 403,  200,  200,  200,  200,  200)
VISIBLE =        (401, 403,  200,  200,  404,  200,  404)
VISIBLE_NEW =    (401, 403,  201,  201,  404,  201,  404)
DESK_CREATE =    (401, 403,  201,  201,  403,  201,  403)
# A petition named in the body that the user cannot see is a bad reference (400 at the field), as for reception
# matters: no 404 for a path that exists, and no existence oracle either (missing reads the same).
VISIBLE_REF =    (401, 403,  201,  201,  400,  201,  400)
PUBLIC =         (200, 200,  200,  200,  200,  200,  200)
PUBLIC_CREATED = (201, 201,  201,  201,  201,  201,  201)

ENDPOINTS: dict[str, Endpoint] = {
    "sites": Endpoint("get", "/api/v1/reception/sites/", None, STAFF_LIST),
    "sites-create": Endpoint("post", "/api/v1/reception/sites/", lambda w: {
        "unit": w.tree.county_dept.pk, "name": "基层接访点", "address": "某镇", "kind": SiteKind.GRASSROOTS,
    }, DESK_CREATE),
    "schedules": Endpoint("get", "/api/v1/reception/schedules/", None, STAFF_LIST),
    "schedules-create": Endpoint("post", "/api/v1/reception/schedules/", lambda w: {
        "leader": w.people["leader"].pk, "site": w.schedule.site_id, "recurrence": "weekly", "weekday": 2,
        "start_time": "14:00", "end_time": "16:00", "valid_from": "2026-04-01", "topic": "征地拆迁",
    }, DESK_CREATE),
    "schedule": Endpoint("get", "/api/v1/reception/schedules/{schedule}/", None, VISIBLE),
    "schedule-generate": Endpoint("post", "/api/v1/reception/schedules/{schedule}/generate/",
                                  lambda w: {"start": "2026-06-01", "end": "2026-06-30"}, VISIBLE_NEW),
    "schedule-publish": Endpoint("post", "/api/v1/reception/schedules/{schedule}/publish/",
                                 lambda w: {"published": False}, VISIBLE),
    "sessions": Endpoint("get", "/api/v1/reception/sessions/", None, STAFF_LIST),
    "session": Endpoint("get", "/api/v1/reception/sessions/{today}/", None, VISIBLE),
    "session-status": Endpoint("post", "/api/v1/reception/sessions/{today}/status/",
                               lambda w: {"status": "held"}, VISIBLE),
    "session-visits": Endpoint("get", "/api/v1/reception/sessions/{today}/visits/", None, VISIBLE),
    "session-visits-record": Endpoint("post", "/api/v1/reception/sessions/{today}/visits/", lambda w: {
        "head_count": 8, "summary": "集体访", "matters": [{"petition": w.petition_number, "outcome": "educated"}],
    }, VISIBLE_NEW),
    "session-bookings": Endpoint("get", "/api/v1/reception/sessions/{today}/bookings/", None, VISIBLE),
    # Public: anyone books a slot of a published session (throttled per client).
    "session-book": Endpoint("post", "/api/v1/reception/sessions/{next_month}/bookings/", lambda w: {
        "slot_start": "09:30", "name": "钱七", "phone": "13900003333", "summary": "路灯损坏",
    }, PUBLIC_CREATED),
    "booking-mark": Endpoint("post", "/api/v1/reception/bookings/{booking}/mark/",
                             lambda w: {"status": "no_show"}, VISIBLE),
    "public-sessions": Endpoint("get", "/api/v1/reception/public/sessions/", None, PUBLIC),
    "public-session": Endpoint("get", "/api/v1/reception/public/sessions/{next_month}/", None, PUBLIC),
    "public-lookup": Endpoint("post", "/api/v1/reception/public/bookings/lookup/",
                              lambda w: {"code": w.booking_code}, PUBLIC),
    "public-cancel": Endpoint("post", "/api/v1/reception/public/bookings/cancel/",
                              lambda w: {"code": w.booking_code}, PUBLIC),
    "invitations": Endpoint("get", "/api/v1/reception/invitations/", None, STAFF_LIST),
    "invitations-create": Endpoint("post", "/api/v1/reception/invitations/", lambda w: {
        "petition": w.other_petition_number, "leader": w.people["leader"].pk, "on": "2026-04-22", "at": "10:00",
        "place": "信访局",
    }, VISIBLE_REF),
    "invitation-mark": Endpoint("post", "/api/v1/reception/invitations/{invitation}/mark/",
                                lambda w: {"status": "cancelled"}, VISIBLE),
    "field-visits": Endpoint("get", "/api/v1/reception/field-visits/", None, STAFF_LIST),
    "field-visits-create": Endpoint("post", "/api/v1/reception/field-visits/", lambda w: {
        "leader": w.people["leader"].pk, "on": "2026-04-28", "place": "某社区", "purpose": "下访",
    }, DESK_CREATE),
    "field-visit": Endpoint("get", "/api/v1/reception/field-visits/{visit}/", None, VISIBLE),
    "field-visit-cases": Endpoint("post", "/api/v1/reception/field-visits/{visit}/cases/",
                                  lambda w: {"petition": w.other_petition_number}, VISIBLE_NEW),
    "field-visit-case-result": Endpoint("post", "/api/v1/reception/field-visits/{visit}/cases/{case}/result/",
                                        lambda w: {"result": "现场答复", "outcome": "resolved"}, VISIBLE),
    "field-visit-minutes": Endpoint("post", "/api/v1/reception/field-visits/{visit}/minutes/", lambda w: {
        "minutes": "现场办公纪要",
        "decisions": [{"matter": "限期整改", "unit": w.tree.housing.pk, "due": "2026-04-30"}],
    }, VISIBLE_NEW),
    "field-visit-cancel": Endpoint("post", "/api/v1/reception/field-visits/{visit}/cancel/",
                                   lambda w: {"reason": "防汛"}, VISIBLE),
    "compliance": Endpoint("get", "/api/v1/reception/compliance/", None, STAFF_LIST),
    "statistics": Endpoint("get", "/api/v1/reception/statistics/", None, STAFF_LIST),
    "desk": Endpoint("get", "/api/v1/reception/desk/", None, STAFF_LIST),
}
# fmt: on


def _url(world: World, template: str) -> str:
    case = world.visit.cases.get()
    ids = {
        "{schedule}": world.schedule.pk,
        "{today}": world.today.pk,
        "{next_month}": world.next_month.pk,
        "{booking}": world.booking_today.pk,
        "{invitation}": world.invitation.pk,
        "{visit}": world.visit.pk,
        "{case}": case.pk,
    }
    for key, value in ids.items():
        template = template.replace(key, str(value))
    return template


def _cases() -> list[Any]:
    cases = []
    for name, endpoint in ENDPOINTS.items():
        assert len(endpoint.codes) == len(PERSONAS), name
        for persona, code in zip(PERSONAS, endpoint.codes, strict=True):
            cases.append(pytest.param(name, persona, code, id=f"{name}-{persona}-{code}"))
    return cases


@pytest.mark.parametrize(("name", "persona", "expected"), _cases())
def test_reception_api_permission_table(world: World, name: str, persona: str, expected: int) -> None:
    endpoint = ENDPOINTS[name]
    client = APIClient()
    if persona != "anonymous":
        client.force_authenticate(world.people[persona])
    url = _url(world, endpoint.template)
    with time_machine.travel(NOW, tick=False):
        if endpoint.method == "get":
            response = client.get(url)
        else:
            response = client.post(url, endpoint.body(world) if endpoint.body else {}, format="json")
    assert response.status_code == expected, f"{name} as {persona}: {response.status_code} {response.content[:300]!r}"


def _path_template(template: str) -> str:
    for key in ("{schedule}", "{today}", "{next_month}", "{booking}", "{invitation}", "{visit}"):
        template = template.replace(key, "{id}")
    return template.replace("{case}", "{case_id}")


def test_every_reception_endpoint_is_in_the_table() -> None:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    in_schema = {
        (method, path)
        for path, ops in schema["paths"].items()
        for method in ops
        if path.startswith("/api/v1/reception/")
    }
    in_table = {(e.method, _path_template(e.template)) for e in ENDPOINTS.values()}
    assert in_schema == in_table


@pytest.mark.parametrize(
    ("persona", "phone"),
    [("registrar_a", "13900001111"), ("leader", "13900001111"), ("supervisor", "139****1111")],
)
def test_a_booked_citizens_phone_is_whole_only_for_those_who_receive_them(
    world: World, persona: str, phone: str, client: Any
) -> None:
    """The host unit's staff and the session's leader call the citizen; the city overseeing from above sees the
    tail only, in the API and on the session page."""
    api = APIClient()
    api.force_authenticate(world.people[persona])
    with time_machine.travel(NOW, tick=False):
        listed = api.get(f"/api/v1/reception/sessions/{world.today.pk}/bookings/").json()["results"]
        client.force_login(world.people[persona])
        page = client.get(f"/workbench/reception/sessions/{world.today.pk}/").content.decode()
    assert [b["phone"] for b in listed] == [phone]
    assert f"<td>{phone}</td>" in page
    if "*" in phone:
        assert "13900001111" not in page
