"""Builders for casework tests: petitions of a given age or stage, cases, a leader in charge."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine
from django.utils import timezone

from xinfang.casework import services
from xinfang.casework.models import BacklogCase, CaseKind
from xinfang.orgs.models import Unit, User
from xinfang.petitions import services as petitions
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import register, to_handling, to_replied

TODAY = dt.date(2026, 6, 15)  # a Monday


def on(day: dt.date) -> Any:
    tz = timezone.get_default_timezone()
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=tz), tick=False)


def petition_received(p: Any, days_ago: int, *, today: dt.date = TODAY, **overrides: Any) -> Petition:
    """An open petition (being handled at unit B) received ``days_ago`` days before ``today``."""
    with on(today):
        petition, _ = register(p.registrar_a, received_on=today - dt.timedelta(days=days_ago), **overrides)
        to_handling(p, petition)
    petition.refresh_from_db()
    return petition


def registered(p: Any, *, day: dt.date = TODAY, **overrides: Any) -> Petition:
    with on(day):
        petition, _ = register(p.registrar_a, **overrides)
    return petition


def chain(p: Any, length: int, *, day: dt.date = TODAY) -> list[Petition]:
    """``length`` petitions, each naming the one before as its earlier item (重复信访)."""
    items = [registered(p, day=day)]
    for _ in range(length - 1):
        items.append(registered(p, day=day, previous=items[-1]))
    return items


def in_review(p: Any, day: dt.date = TODAY) -> Petition:
    with on(day):
        petition, _ = register(p.registrar_a)
        to_replied(p, petition)
        petitions.petition_request_review(petition=petition, actor=None, reason="不服处理意见")
    petition.refresh_from_db()
    return petition


def reviewed(p: Any, day: dt.date = TODAY) -> Petition:
    petition = in_review(p, day)
    with on(day):
        petitions.petition_decide_review(petition=petition, actor=p.county_head, outcome="uphold", opinion="维持")
    petition.refresh_from_db()
    return petition


def in_recheck(p: Any, day: dt.date = TODAY) -> Petition:
    petition = reviewed(p, day)
    with on(day):
        petitions.petition_request_recheck(petition=petition, actor=None, reason="不服复查意见")
    petition.refresh_from_db()
    return petition


def terminated(p: Any, day: dt.date = TODAY) -> Petition:
    petition = in_recheck(p, day)
    with on(day):
        petitions.petition_decide_recheck(petition=petition, actor=p.city_head, outcome="uphold", opinion="维持")
    petition.refresh_from_db()
    return petition


def closed(p: Any, days_ago: int, today: dt.date = TODAY) -> Petition:
    """A petition received long ago whose matter was settled: replied, and closed after the review window."""
    received = today - dt.timedelta(days=days_ago)
    with on(received):
        petition, _ = register(p.registrar_a)
        to_replied(p, petition)
    with on(received + dt.timedelta(days=60)):
        petitions.petition_close(petition=petition, actor=p.handler_b)
    petition.refresh_from_db()
    return petition


def open_case(p: Any, petition: Petition, *, kind: str = CaseKind.BACKLOG, day: dt.date = TODAY) -> BacklogCase:
    with on(day):
        return services.case_mark(actor=p.supervisor, petition=petition, kind=kind, reason="久拖未决，列为积案")


def case_in_charge(
    p: Any, petition: Petition, leader: User, *, unit: Unit | None = None, day: dt.date = TODAY
) -> BacklogCase:
    case = open_case(p, petition, day=day)
    with on(day):
        return services.case_take_charge(
            actor=p.supervisor,
            case=case,
            leader=leader,
            unit=unit or p.handler_b.unit,
            person="王承办",
            note="市领导包案",
        )


def cases_of(*petitions_: Petition) -> dict[int, BacklogCase]:
    return {c.petition_id: c for c in BacklogCase.objects.filter(petition__in=petitions_)}
