"""The leader's desk part: selector ``cases_owned_by`` and the partial ``casework/_leader_desk.html``."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string

from xinfang.casework import services
from xinfang.casework.models import QuietStatus, Resolution
from xinfang.casework.selectors import cases_owned_by
from xinfang.casework.tests.helpers import TODAY, case_in_charge, on, open_case, petition_received

pytestmark = pytest.mark.django_db


def test_a_baoan_case_shows_on_the_leaders_desk(personas, leader):
    petition = petition_received(personas, 200, title="老旧小区加装电梯补贴未兑现")
    case = case_in_charge(personas, petition, leader)
    with on(TODAY):
        services.milestone_add(
            actor=leader, case=case, what="召开协调会", due=TODAY + dt.timedelta(days=5), unit=personas.handler_b.unit
        )
        desk = list(cases_owned_by(leader))
        html = render_to_string("casework/_leader_desk.html", {"desk_cases": desk})
    assert desk == [case]
    assert desk[0].next_milestone_what == "召开协调会"
    assert petition.number in html and "老旧小区加装电梯补贴未兑现" in html
    assert f'href="/workbench/casework/{case.pk}/"' in html
    assert "召开协调会" in html and "2026-06-20" in html
    assert re.search(r"<dd>200\D", html)  # age in days


def test_other_leaders_cases_and_closed_ones_are_not_on_the_desk(personas, leader, far_leader):
    mine = case_in_charge(personas, petition_received(personas, 200), leader)
    case_in_charge(personas, petition_received(personas, 200), far_leader)
    open_case(personas, petition_received(personas, 200))  # no leader yet
    done = case_in_charge(personas, petition_received(personas, 200), leader)
    with on(TODAY):
        services.case_close(
            actor=leader, case=done, outcome=Resolution.RESOLVED, text="已化解", on=TODAY, quiet=QuietStatus.NOT_QUIET
        )
        assert list(cases_owned_by(leader)) == [mine]
        html = render_to_string("casework/_leader_desk.html", {"desk_cases": cases_owned_by(far_leader)})
    assert mine.petition.number not in html
