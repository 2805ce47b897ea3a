"""A hand-built case set driven through the real services over three months of 2025 (time-machine)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import time_machine

from conftest import make_user
from xinfang.orgs.models import Role, User
from xinfang.petitions import services
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import register

START = dt.date(2025, 3, 3)


def at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC), tick=False)


@dataclass
class Cases:
    replied: Petition  # on time, rated satisfied (dept) and dissatisfied (unit)
    late: Petition  # accepted late, replied late, 复查 upheld
    accusation: Petition  # against the county government, still at A
    repeat: Petition  # repeats ``replied``
    visit: Petition  # a collective visit of 3 at the outsider unit
    agreed: Petition  # mediation agreement at B
    county_leader: User  # oversees the county: the accused side of ``accusation``


def build(p: Any, tree: Any) -> Cases:
    day = START
    outsider_registrar = make_user("outsider_registrar", tree.county2_housing, Role.REGISTRAR)
    with at(day):
        replied, _ = register(p.registrar_a)
        late, _ = register(p.registrar_a, channel="online")
        accusation, _ = register(
            p.registrar_a, nature="accusation", accused_unit=tree.county, accused_confirmed=True, title="举报区政府"
        )
        visit, _ = register(
            outsider_registrar, channel="visit", is_collective=True, head_count=3, problem_division_code="990102"
        )
        agreed, _ = register(p.registrar_a, channel="phone")
        for pet in (replied, late, agreed):
            services.petition_forward(petition=pet, actor=p.registrar_a, to_unit=tree.housing)
        services.petition_accept(petition=replied, actor=p.handler_b, notice="已受理")
        services.petition_accept(petition=agreed, actor=p.handler_b, notice="已受理", simple=True)
    with at(day + dt.timedelta(days=5)):
        services.petition_submit_decision(
            petition=replied, actor=p.handler_b, outcome="explain", opinion="经调查核实……", legal_basis=""
        )
        services.petition_approve_decision(petition=replied, actor=p.head_b)
        services.petition_record_agreement(petition=agreed, actor=p.handler_b, kind="mediation", text="双方同意")
    with at(day + dt.timedelta(days=7)):
        services.petition_rate(petition=replied, actor=None, target="petition_dept", value="satisfied")
        services.petition_rate(petition=replied, actor=None, target="responsible_unit", value="dissatisfied")
    with at(day + dt.timedelta(days=20)):  # the 15-day written notice is late
        services.petition_accept(petition=late, actor=p.handler_b, notice="已受理")
    with at(day + dt.timedelta(days=40)):
        repeat, _ = register(p.registrar_a, previous=replied, title="再次反映噪音")
    with at(day + dt.timedelta(days=85)):  # 65 days after acceptance: late
        services.petition_submit_decision(
            petition=late, actor=p.handler_b, outcome="explain", opinion="经调查核实……", legal_basis=""
        )
        services.petition_approve_decision(petition=late, actor=p.head_b)
    with at(day + dt.timedelta(days=90)):
        services.petition_request_review(petition=late, actor=None, reason="不服")
    with at(day + dt.timedelta(days=100)):
        services.petition_decide_review(petition=late, actor=p.county_head, outcome="uphold", opinion="维持")
    leader = make_user("county_leader", tree.county, Role.LEADER)
    return Cases(replied, late, accusation, repeat, visit, agreed, leader)
