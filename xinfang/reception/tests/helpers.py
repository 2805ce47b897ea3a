"""Reception test builders: a county leader (A1区) and a city leader (A市), a reception hall at A1区信访局."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from conftest import Personas, Tree, make_user
from xinfang.orgs.models import Role, User
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import register
from xinfang.reception import services
from xinfang.reception.models import ReceptionSchedule, ReceptionSite, Recurrence, SiteKind


@dataclass
class Desk:
    county_leader: User  # 区长 of A1区
    city_leader: User  # 副市长 of A市
    site: ReceptionSite  # A1区信访局 接待大厅
    desk: User  # registrar_a: keeps the A1 desk (信访局 oversees A1区)


def make_desk(tree: Tree, personas: Personas) -> Desk:
    county_leader = make_user("county_leader", tree.county, Role.LEADER, full_name="林区长")
    county_leader.title = "区长"
    county_leader.save(update_fields=["title"])
    city_leader = make_user("city_leader", tree.city, Role.LEADER, full_name="陈副市长")
    site = services.site_create(
        actor=personas.registrar_a,
        unit=tree.county_dept,
        name="A1区信访局接待大厅",
        address="A1区人民路1号",
        kind=SiteKind.RECEPTION_VENUE,
    )
    return Desk(county_leader, city_leader, site, personas.registrar_a)


def monthly(desk: Desk, day: int = 15, *, published: bool = True, **kw: object) -> ReceptionSchedule:
    data = services.ScheduleData(
        leader=kw.pop("leader", desk.county_leader),  # type: ignore[arg-type]
        site=desk.site,
        recurrence=Recurrence.MONTHLY,
        day_of_month=day,
        start_time=dt.time(9, 0),
        end_time=dt.time(11, 0),
        valid_from=dt.date(2026, 1, 1),
        slot_minutes=30,
        slot_capacity=2,
        published=published,
    )
    for k, v in kw.items():
        setattr(data, k, v)
    return services.schedule_create(actor=desk.desk, data=data)


def foreign_petition(tree: Tree) -> Petition:
    """A petition registered at A2区 (outside the A1 desk's scope)."""
    registrar = make_user("a2_registrar", tree.county2_housing, Role.REGISTRAR)
    petition, _ = register(registrar)
    return petition
