"""Builders for joint-work tests over the shared ``tree`` and ``personas`` fixtures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinfang.core import timeutil
from xinfang.joint import services
from xinfang.joint.models import AgendaItem, Centre, GrassrootsPoint, JointConference, Meeting, Window
from xinfang.petitions.tests.helpers import intake


def conference(p: Any, t: Any) -> JointConference:
    """The city's joint conference, run from A市信访局 by the supervisor (its office)."""
    return services.conference_create(
        actor=p.supervisor,
        unit=t.city_dept,
        name="A市信访工作联席会议",
        members=[t.city_housing, t.county, t.housing, t.environment],
    )


def meeting(p: Any, conf: JointConference, attendees: list[Any] | None = None) -> Meeting:
    return services.meeting_create(
        actor=p.supervisor,
        conference=conf,
        held_on=timeutil.today(),
        convened_by="陈副市长",
        attendees=attendees or list(conf.members.all()),
        minutes="研究丽发新城噪音问题",
    )


def petition_item(p: Any, m: Meeting, petition: Any) -> AgendaItem:
    return services.agenda_item_add(actor=p.supervisor, meeting=m, kind="petition", title="", petition=petition)


def centre(p: Any, t: Any) -> tuple[Centre, Window]:
    """A1区 centre run by A1区信访局 (registrar_a's unit) with 住建局 stationed; returns it and its universal window."""
    c = services.centre_create(
        actor=p.supervisor,
        unit=t.county_dept,
        name="A1区社会矛盾纠纷调处化解中心",
        address="A1区人民路1号",
        departments=[t.housing, t.legal],
    )
    w = services.window_create(actor=p.supervisor, centre=c, name="无差别受理窗口", is_universal=True)
    return c, w


def point(p: Any, t: Any) -> GrassrootsPoint:
    return services.point_create(actor=p.supervisor, unit=t.county_dept, name="丽发新城群众说事点", grid="第3网格")


def visit_intake(**overrides: Any) -> Any:
    data: dict[str, Any] = {"channel": "visit", "five_questions": {"facts": "楼上漏水三个月"}}
    data.update(overrides)
    return intake(**data)


def days(n: int) -> dt.date:
    return timeutil.today() + dt.timedelta(days=n)
