"""Art. 30 ¶3 at the reception desk: an accusation never reaches the accused side through it.

The accusation is registered at A1区信访局 against A1区生态环境局 (``tree.environment``). 吴局长 is a leader of that
unit; ``personas.accused`` is its staff (a desk role there). The desk refuses to invite the accuser to meet the
accused leader, to carry the case on that leader's visit down, to link it at that leader's reception or to decide
on it at that leader's 现场办公. Rows that point at the accusation anyway (made before the guard; a citizen's own
booking) are kept, but the accused side does not see the petition in them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from rest_framework.test import APIClient

from conftest import Personas, Tree, make_user
from xinfang.core.errors import RuleViolation
from xinfang.orgs.models import Role, User
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import register
from xinfang.reception import selectors, services
from xinfang.reception.models import (
    FieldVisit,
    FieldVisitCase,
    Invitation,
    Matter,
    ReceptionSession,
    Visit,
)
from xinfang.reception.tests.helpers import Desk, monthly

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
BEFORE = dt.datetime(2026, 4, 10, 10, 0, tzinfo=TZ)  # the April session is on Wednesday 2026-04-15
ON_THE_DAY = dt.datetime(2026, 4, 15, 10, 5, tzinfo=TZ)
ART = "Art. 30 ¶3"


@dataclass
class Accused:
    leader: User  # 吴局长, leader of the accused unit
    accusation: Petition
    code: str  # its query code (a citizen links a booking with it)
    session: ReceptionSession  # 吴局长's reception of 2026-04-15 at the A1区信访局 hall


@pytest.fixture
def acc(desk: Desk, tree: Tree, personas: Personas) -> Accused:
    leader = make_user("env_leader", tree.environment, Role.LEADER, full_name="吴局长")
    with time_machine.travel(BEFORE, tick=False):
        accusation, code = register(
            personas.registrar_a, nature="accusation", accused_unit=tree.environment, title="反映生态环境局"
        )
        schedule = monthly(desk, 15, leader=leader)
        (session,) = services.sessions_generate(schedule=schedule, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
    return Accused(leader, accusation, code, session)


def _refused(err: pytest.ExceptionInfo[RuleViolation], field: str) -> None:
    assert err.value.article == ART
    assert err.value.field == field


# ---------------------------------------------------------------------------------------------- refusals


def test_no_invitation_to_meet_a_leader_of_the_accused_unit(acc: Accused, desk: Desk) -> None:
    with time_machine.travel(BEFORE, tick=False):
        with pytest.raises(RuleViolation) as err:
            services.invitation_create(
                actor=desk.desk,
                petition_key=acc.accusation.number,
                leader=acc.leader,
                on=dt.date(2026, 4, 20),
                at=dt.time(10),
                place="生态环境局会议室",
            )
        _refused(err, "leader")
        assert not Invitation.objects.exists()
        # A leader who is not on the accused side may still meet the accuser.
        services.invitation_create(
            actor=desk.desk,
            petition_key=acc.accusation.number,
            leader=desk.county_leader,
            on=dt.date(2026, 4, 20),
            at=dt.time(10),
            place="区信访局",
        )
    assert Invitation.objects.get().leader == desk.county_leader


def test_no_invitation_to_meet_the_accused_person(acc: Accused, desk: Desk) -> None:
    Petition.objects.filter(pk=acc.accusation.pk).update(accused_unit=None, accused_staff=desk.county_leader)
    with time_machine.travel(BEFORE, tick=False), pytest.raises(RuleViolation) as err:
        services.invitation_create(
            actor=desk.desk,
            petition_key=acc.accusation.number,
            leader=desk.county_leader,
            on=dt.date(2026, 4, 20),
            at=dt.time(10),
            place="区政府",
        )
    _refused(err, "leader")


def test_the_invitation_page_shows_the_refusal_on_the_leader(acc: Accused, desk: Desk) -> None:
    client = Client()
    client.force_login(desk.desk)
    with time_machine.travel(BEFORE, tick=False):
        response = client.post(
            "/workbench/reception/invitations/",
            {
                "petition": acc.accusation.number,
                "leader": acc.leader.pk,
                "on": "2026-04-20",
                "at": "10:00",
                "place": "生态环境局会议室",
            },
        )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


def test_no_visit_down_carrying_an_accusation_with_an_accused_leader(acc: Accused, desk: Desk) -> None:
    with time_machine.travel(BEFORE, tick=False):
        with pytest.raises(RuleViolation) as err:
            services.field_visit_create(
                actor=desk.desk,
                leader=acc.leader,
                on=dt.date(2026, 4, 20),
                place="搅拌站",
                purpose="带案下访",
                petition_keys=[acc.accusation.number],
            )
        _refused(err, "petitions")
        assert not FieldVisit.objects.exists()  # the whole visit is refused, not saved half
        visit = services.field_visit_create(
            actor=desk.desk, leader=acc.leader, on=dt.date(2026, 4, 20), place="搅拌站", purpose="现场办公"
        )
        with pytest.raises(RuleViolation) as err:
            services.field_visit_add_case(actor=desk.desk, visit=visit, petition_key=acc.accusation.number)
        _refused(err, "petitions")
    assert not FieldVisitCase.objects.exists()


def test_no_visit_down_decision_on_an_accusation_at_an_accused_leaders_visit(
    acc: Accused, desk: Desk, tree: Tree
) -> None:
    with time_machine.travel(BEFORE, tick=False):
        visit = services.field_visit_create(
            actor=desk.desk, leader=acc.leader, on=dt.date(2026, 4, 10), place="搅拌站", purpose="现场办公"
        )
        decision = services.DecisionData("核查夜间施工", tree.county_dept, dt.date(2026, 4, 30), acc.accusation.number)
        with pytest.raises(RuleViolation) as err:
            services.field_visit_minutes(actor=desk.desk, visit=visit, minutes="现场办公纪要", decisions=[decision])
        _refused(err, "decisions")
    visit.refresh_from_db()
    assert visit.minutes == ""  # nothing of the minutes was kept


def test_no_accusation_linked_at_an_accused_leaders_reception(acc: Accused, desk: Desk) -> None:
    with time_machine.travel(ON_THE_DAY, tick=False):
        with pytest.raises(RuleViolation) as err:
            services.visit_record(
                actor=desk.desk,
                session=acc.session,
                head_count=1,
                matters=[services.MatterData(petition_key=acc.accusation.number)],
            )
        _refused(err, "matters")
        assert not Visit.objects.exists() and not Matter.objects.exists()
        # The county leader's reception may take it.
        other = monthly(desk, 15)
        (session,) = services.sessions_generate(schedule=other, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30))
        services.visit_record(
            actor=desk.desk,
            session=session,
            head_count=1,
            matters=[services.MatterData(petition_key=acc.accusation.number)],
        )
    assert Matter.objects.get().petition == acc.accusation


# ---------------------------------------------------------------------------------------------- reads
# Rows made before the guard (written here through the ORM, as the services now refuse them).


def _legacy_invitation(acc: Accused, desk: Desk) -> Invitation:
    leader_unit = acc.leader.unit
    assert leader_unit is not None
    return Invitation.objects.create(
        petition=acc.accusation,
        leader=acc.leader,
        unit=leader_unit,
        unit_path=leader_unit.path,
        on=dt.date(2026, 4, 20),
        at=dt.time(10),
        place="生态环境局会议室",
        phone="13812345678",
        invited_by=desk.desk,
    )


def test_the_accused_side_does_not_see_invitations_about_the_accusation(
    acc: Accused, desk: Desk, personas: Personas
) -> None:
    invitation = _legacy_invitation(acc, desk)
    number = acc.accusation.number
    assert invitation in selectors.invitations_visible_to(desk.desk)  # the petition desk keeps seeing it
    for viewer in (personas.accused, acc.leader):
        assert invitation not in selectors.invitations_visible_to(viewer)
        client = Client()
        client.force_login(viewer)
        api = APIClient()
        api.force_authenticate(viewer)
        with time_machine.travel(BEFORE, tick=False):
            page = client.get("/workbench/reception/invitations/")
            rows = api.get("/api/v1/reception/invitations/").json()["results"]
            mark = api.post(f"/api/v1/reception/invitations/{invitation.pk}/mark/", {"status": "cancelled"})
        assert page.status_code == 200 and number not in page.content.decode()
        assert rows == []
        assert mark.status_code == 404


def test_the_accused_leaders_desk_leaves_out_the_accusation(acc: Accused, desk: Desk) -> None:
    _legacy_invitation(acc, desk)
    with time_machine.travel(BEFORE, tick=False):
        booking, _ = services.booking_create(
            session=acc.session,
            data=services.BookingData(
                slot_start=dt.time(9),
                name="张三",
                phone="13812345678",
                summary="反映生态环境局不作为",
                petition_number=acc.accusation.number,
                tracking_code=acc.code,
            ),
        )
        appointments = selectors.my_appointments(acc.leader)
    assert [(a.kind, a.pk, a.petition_number) for a in appointments] == [("booking", booking.pk, "")]


def test_the_accused_side_sees_a_booking_but_not_its_petition(acc: Accused, desk: Desk, personas: Personas) -> None:
    number = acc.accusation.number
    with time_machine.travel(BEFORE, tick=False):
        booking, _ = services.booking_create(
            session=acc.session,
            data=services.BookingData(
                slot_start=dt.time(9),
                name="张三",
                phone="13812345678",
                summary="反映环境问题",
                petition_number=number,
                tracking_code=acc.code,
            ),
        )
    url = f"/workbench/reception/sessions/{acc.session.pk}/"
    api_url = f"/api/v1/reception/sessions/{acc.session.pk}/bookings/"
    seen: dict[str, tuple[str, str]] = {}
    for name, viewer in (("desk", desk.desk), ("accused", personas.accused), ("leader", acc.leader)):
        client = Client()
        client.force_login(viewer)
        api = APIClient()
        api.force_authenticate(viewer)
        with time_machine.travel(BEFORE, tick=False):
            html = client.get(url).content.decode()
            (row,) = api.get(api_url).json()["results"]
            marked = api.post(f"/api/v1/reception/bookings/{booking.pk}/mark/", {"status": "booked"})
        assert "张三" in html and row["id"] == booking.pk
        assert marked.status_code == 400  # an invalid mark; the point is that the row is found, not hidden
        seen[name] = (str(number in html), row["petition"])
    assert seen["desk"] == ("True", number)
    assert seen["accused"] == ("False", "")
    assert seen["leader"] == ("False", "")


def test_the_accused_side_does_not_see_the_accusation_carried_on_a_visit_down(
    acc: Accused, desk: Desk, personas: Personas
) -> None:
    with time_machine.travel(BEFORE, tick=False):
        visit = services.field_visit_create(
            actor=desk.desk, leader=acc.leader, on=dt.date(2026, 4, 10), place="搅拌站", purpose="现场办公"
        )
    case = FieldVisitCase.objects.create(visit=visit, petition=acc.accusation)
    number = acc.accusation.number
    for viewer, sees in ((desk.desk, True), (personas.accused, False), (acc.leader, False)):
        client = Client()
        client.force_login(viewer)
        api = APIClient()
        api.force_authenticate(viewer)
        with time_machine.travel(BEFORE, tick=False):
            html = client.get(f"/workbench/reception/field-visits/{visit.pk}/").content.decode()
            detail = api.get(f"/api/v1/reception/field-visits/{visit.pk}/").json()
            listed = api.get("/api/v1/reception/field-visits/").json()["results"]
        assert (number in html) is sees
        assert [c["petition"] for c in detail["cases"]] == ([number] if sees else [])
        assert [c["petition"] for v in listed for c in v["cases"]] == ([number] if sees else [])
    # Nor can the accused side record a result on it (404, as for a case that does not exist).
    api = APIClient()
    api.force_authenticate(acc.leader)
    client = Client()
    client.force_login(acc.leader)
    with time_machine.travel(BEFORE, tick=False):
        result = api.post(
            f"/api/v1/reception/field-visits/{visit.pk}/cases/{case.pk}/result/",
            {"result": "已核查", "outcome": "pending"},
        )
        page = client.post(
            f"/workbench/reception/field-visits/{visit.pk}/",
            {"form": "result", "case": case.pk, "result": "已核查", "outcome": "pending"},
        )
    assert result.status_code == 404 and page.status_code == 404
    case.refresh_from_db()
    assert case.result == ""


def test_the_accused_side_does_not_see_the_accusation_linked_at_a_session(
    acc: Accused, desk: Desk, personas: Personas
) -> None:
    with time_machine.travel(ON_THE_DAY, tick=False):
        result = services.visit_record(actor=desk.desk, session=acc.session, head_count=2, summary="两人来访")
    Matter.objects.create(visit=result.visit, petition=acc.accusation)
    number = acc.accusation.number
    for viewer, sees in ((desk.desk, True), (personas.accused, False), (acc.leader, False)):
        client = Client()
        client.force_login(viewer)
        api = APIClient()
        api.force_authenticate(viewer)
        with time_machine.travel(ON_THE_DAY, tick=False):
            html = client.get(f"/workbench/reception/sessions/{acc.session.pk}/").content.decode()
            (batch,) = api.get(f"/api/v1/reception/sessions/{acc.session.pk}/visits/").json()["results"]
        assert "两人来访" in html and batch["head_count"] == 2  # the batch stays
        assert (number in html) is sees
        assert [m["petition"] for m in batch["matters"]] == ([number] if sees else [])
