"""Demo reception month for ``make run``: fixed reception days, bookings, records, a visit down.

``build_demo_reception(today)`` runs after the petitions demo (it needs the demo tree, the demo staff and demo
petitions at A1区信访局). It creates three sites (A1区信访局接待大厅; A市社会矛盾纠纷调处化解中心, 一站式; a
grassroots point in A1区), and published schedules: the A1区 leader (黄建华, 区委副书记; the same account the casework
demo uses) every month's 15th, 陈刚 (副市长, A市) every month's 20th, and a one-off 专题接访 on land requisition.
Sessions are generated from 45 days back to 60 days ahead (days on weekends and holidays move to the next working
day, explained). Travelling back in time so every date is realistic: the A1 leader's last two days were held —
the latest with a group visit of 12 persons (one batch), a linked petition with an assignment, a petition
registered on the spot and solved there, and bookings attended / not come / cancelled —; 陈刚's earlier day was
missed and his latest held; coming days have bookings and an invitation (约访) is open; a visit down (带案下访) ten
days ago carried two petitions, with results and 现场办公 decisions turned into assignments.

Idempotent: if the A1 reception hall exists, it only returns the counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import time_machine
from django.db import transaction
from django.utils import timezone

from xinfang.orgs.demo import demo_county_leader
from xinfang.orgs.models import Unit, UnitType, User
from xinfang.petitions.models import Petition, Petitioner
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.services import IntakeData, PetitionerData
from xinfang.reception import services
from xinfang.reception.models import (
    Booking,
    BookingStatus,
    FieldVisit,
    Invitation,
    Matter,
    Outcome,
    ReceptionSchedule,
    ReceptionSession,
    ReceptionSite,
    Recurrence,
    SessionStatus,
    SiteKind,
    Visit,
)

A1_HALL = "A1区信访局接待大厅"


@contextmanager
def _at(day: dt.date, hour: int = 8) -> Iterator[None]:
    moment = dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())
    with time_machine.travel(moment, tick=False):
        yield


def _counts() -> dict[str, int]:
    return {
        "reception_sites": ReceptionSite.objects.count(),
        "reception_schedules": ReceptionSchedule.objects.count(),
        "reception_sessions": ReceptionSession.objects.count(),
        "sessions_held": ReceptionSession.objects.filter(status=SessionStatus.HELD).count(),
        "sessions_missed": ReceptionSession.objects.filter(status=SessionStatus.MISSED).count(),
        "bookings": Booking.objects.count(),
        "visits": Visit.objects.count(),
        "matters": Matter.objects.count(),
        "invitations": Invitation.objects.count(),
        "field_visits": FieldVisit.objects.count(),
    }


def _user(username: str) -> User:
    return User.objects.select_related("unit").get(username=username)


def _petitions_for(user: User, n: int) -> list[Petition]:
    """Open demo petitions ``user`` can see with a petitioner phone (for invitations)."""
    # "Has a phone" is `phone != ""`: an encrypted column allows no other comparison (xinfang.core.crypto).
    with_phone = Petitioner.objects.exclude(phone="").values("petition_id")
    qs = petitions_visible_to(user).filter(pk__in=with_phone).exclude(state__in=["closed", "declined"])
    return list(qs.order_by("id")[:n])


def _schedule(actor: User, leader: User, site: ReceptionSite, start: dt.date, **kw: object) -> ReceptionSchedule:
    data = services.ScheduleData(
        leader=leader,
        site=site,
        recurrence=str(kw.pop("recurrence", Recurrence.MONTHLY)),
        start_time=dt.time(8, 30),
        end_time=dt.time(11, 30),
        valid_from=start,
        slot_minutes=30,
        slot_capacity=3,
        published=True,
    )
    for key, value in kw.items():
        setattr(data, key, value)
    return services.schedule_create(actor=actor, data=data)


def _book(session: ReceptionSession, slot: dt.time, name: str, phone: str, summary: str) -> tuple[Booking, str]:
    return services.booking_create(
        session=session, data=services.BookingData(slot_start=slot, name=name, phone=phone, summary=summary)
    )


@transaction.atomic
def build_demo_reception(today: dt.date) -> dict[str, int]:
    if ReceptionSite.objects.filter(name=A1_HALL).exists():
        return _counts()
    registrar = _user("registrar")  # A1区信访局
    supervisor = _user("supervisor")  # A市信访局
    city_leader = _user("leader")  # 陈刚, 副市长
    assert registrar.unit is not None and supervisor.unit is not None  # noqa: S101 - demo staff have units
    a1_dept = registrar.unit
    a1_gov = a1_dept.parent
    assert a1_gov is not None  # noqa: S101
    county_leader = demo_county_leader(a1_gov)
    start, end = today - dt.timedelta(days=45), today + dt.timedelta(days=60)
    township = Unit.objects.filter(parent=a1_gov, unit_type=UnitType.GOVERNMENT).order_by("path").first()

    with _at(start - dt.timedelta(days=1)):
        hall = services.site_create(
            actor=registrar,
            unit=a1_dept,
            name=A1_HALL,
            address="A1区人民路88号信访局一楼",
            kind=SiteKind.RECEPTION_VENUE,
        )
        centre = services.site_create(
            actor=supervisor,
            unit=supervisor.unit,
            name="A市社会矛盾纠纷调处化解中心",
            address="A市市民中心B座二楼",
            kind=SiteKind.ONE_STOP,
        )
        point = services.site_create(
            actor=registrar,
            unit=a1_dept,
            name=f"{township.name if township else 'A1区'}群众说事点",
            address=f"{township.name if township else 'A1区'}便民服务中心",
            kind=SiteKind.GRASSROOTS,
        )
        county = _schedule(registrar, county_leader, hall, start, day_of_month=15)
        city = _schedule(supervisor, city_leader, centre, start, day_of_month=20)
        topic_day = today + dt.timedelta(days=10)
        topic = _schedule(
            registrar,
            county_leader,
            point,
            start,
            recurrence=Recurrence.DATES,
            dates=[topic_day],
            topic="征地拆迁专题接访",
            start_time=dt.time(14, 30),
            end_time=dt.time(17, 0),
        )
        for schedule in (county, city, topic):
            services.sessions_generate(schedule=schedule, start=start, end=end)

    county_past = list(ReceptionSession.objects.filter(schedule=county, date__lt=today).order_by("date"))
    city_past = list(ReceptionSession.objects.filter(schedule=city, date__lt=today).order_by("date"))
    linked = _petitions_for(registrar, 6)

    if county_past:
        latest = county_past[-1]
        with _at(latest.date - dt.timedelta(days=6)):
            came, _ = _book(latest, dt.time(8, 30), "周建国", "13907310011", "小区电梯长期停运，物业不维修")
            no_show, _ = _book(latest, dt.time(9, 0), "吴秀英", "13907310012", "孩子入学学位问题")
            _, code = _book(latest, dt.time(9, 30), "郑海", "13907310013", "路灯不亮")
            services.booking_cancel_by_citizen(code=code)
        with _at(latest.date, 11):
            services.visit_record(
                actor=registrar,
                session=latest,
                head_count=12,
                summary="丽发新城业主代表集体反映小区电梯停运",
                booking=came,
                matters=[
                    services.MatterData(
                        petition_key=linked[0].number,
                        outcome=Outcome.RESOLVED,
                        assignments=[
                            services.AssignmentData(
                                matter="督促物业15日内修复电梯并书面答复业主",
                                unit=linked[0].current_unit,
                                due=latest.date + dt.timedelta(days=15),
                            )
                        ],
                    )
                ]
                if linked
                else [],
            )
            services.visit_record(
                actor=registrar,
                session=latest,
                head_count=1,
                summary="反映低保申请未获答复",
                matters=[
                    services.MatterData(
                        new=IntakeData(
                            channel="visit",
                            title="低保申请三个月未获答复",
                            request="请求尽快审核低保申请",
                            facts_and_reasons="今年提交低保申请后一直未获答复。",
                            petitioners=[PetitionerData(name="孙玉梅", phone="13907310014", address="A1区城南街道")],
                            problem_division_code=a1_gov.division_code,
                        ),
                        solved_on_spot=True,
                        solution="当场联系民政局核实，申请材料齐全，承诺本周内办结",
                        outcome=Outcome.ASSISTED,
                    )
                ],
            )
            services.booking_mark(actor=registrar, booking=no_show, status=BookingStatus.NO_SHOW)
    if len(county_past) >= 2:
        earlier = county_past[-2]
        with _at(earlier.date, 11):
            services.visit_record(
                actor=registrar,
                session=earlier,
                head_count=2,
                summary="反映拆迁补偿标准",
                matters=[services.MatterData(petition_key=linked[1].number, outcome=Outcome.EDUCATED)]
                if len(linked) > 1
                else [],
            )
    if city_past:
        with _at(city_past[-1].date, 11):
            services.visit_record(actor=supervisor, session=city_past[-1], head_count=3, summary="反映企业欠薪")
        if len(city_past) >= 2:
            with _at(city_past[-2].date, 18):
                services.session_set_status(
                    actor=supervisor,
                    session=city_past[-2],
                    status=SessionStatus.MISSED,
                    note="领导临时外出，未安排替补",
                )

    with _at(today, 8):
        coming = ReceptionSession.objects.filter(schedule=county, date__gte=today).order_by("date").first()
        if coming is not None:
            _book(coming, dt.time(9, 0), "何丽", "13907310021", "小区违建无人处理")
            _book(coming, dt.time(9, 0), "冯刚", "13907310022", "物业费上涨")
        topic_session = ReceptionSession.objects.filter(schedule=topic).first()
        if topic_session is not None:
            _book(topic_session, dt.time(14, 30), "陈大海", "13907310023", "征地补偿款未足额发放")
        if len(linked) > 2:
            services.invitation_create(
                actor=registrar,
                petition_key=linked[2].pk,
                leader=county_leader,
                on=today + dt.timedelta(days=3),
                at=dt.time(15, 0),
                place="A1区信访局三楼接谈室",
                note="就久拖未结事项当面沟通",
            )

    visit_day = today - dt.timedelta(days=10)
    with _at(visit_day - dt.timedelta(days=3)):
        carried = [p.number for p in linked[3:5]]
        visit = services.field_visit_create(
            actor=county_leader,
            leader=county_leader,
            on=visit_day,
            place=f"{township.name if township else 'A1区'}丽发新城",
            purpose="带案下访：搅拌站噪音和小区配套问题",
            petition_keys=carried,
        )
    with _at(visit_day, 17):
        for case in visit.cases.select_related("petition"):
            services.field_visit_case_result(
                actor=county_leader, case=case, result="现场查看并答复，明确责任单位限期整改", outcome=Outcome.RESOLVED
            )
        housing = linked[3].current_unit if len(linked) > 3 else a1_dept
        services.field_visit_minutes(
            actor=county_leader,
            visit=visit,
            minutes="现场办公会：一、搅拌站即日起夜间停工；二、住建部门牵头整改小区配套；三、街道跟踪回访。",
            decisions=[
                services.DecisionData(
                    matter="搅拌站夜间停工并每周报告", unit=housing, due=visit_day + dt.timedelta(days=7)
                ),
                services.DecisionData(matter="小区配套整改方案", unit=housing, due=visit_day + dt.timedelta(days=30)),
            ],
        )
    return _counts()
