"""The whole statutory path, step by step, with the clock each step starts (Arts. 22–36)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from xinfang.deadlines.rules import ClockKind
from xinfang.petitions import services
from xinfang.petitions.models import Clock, Document, DocumentKind, PetitionEvent
from xinfang.petitions.tests.helpers import register, terminated
from xinfang.petitions.workflow import Action, State

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))


def clock(petition, kind):
    return Clock.objects.filter(petition=petition, kind=kind).order_by("-id").first()


def test_registration_gives_number_code_and_route_clock_of_15_days_art_22(personas):
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, tzinfo=TZ)):
        petition, code = register(personas.registrar_a)
    assert petition.number == "990101XFJ-2026-000001"
    assert len(code) == 12 and petition.check_tracking_code(code)
    assert not petition.check_tracking_code("0" * 12)
    route = clock(petition, ClockKind.ROUTE)
    assert route.owing_unit == personas.registrar_a.unit
    assert route.due == dt.date(2026, 3, 17)  # 15 days after 2 March, a Tuesday
    assert petition.state == State.REGISTERED
    event = petition.events.get()
    assert event.action == Action.REGISTER and event.actor == personas.registrar_a


def test_numbers_are_sequential_per_unit_and_year(personas):
    a, _ = register(personas.registrar_a, received_on=dt.date(2025, 12, 31))
    b, _ = register(personas.registrar_a)
    c, _ = register(personas.registrar_a)
    assert a.number.endswith("2025-000001")
    assert b.number.endswith("-000001") and c.number.endswith("-000002")


def test_full_journey_to_termination_arts_22_to_36(personas, tree):
    p = personas
    with time_machine.travel(dt.datetime(2026, 4, 1, 9, tzinfo=TZ), tick=False) as traveller:
        petition, _ = register(p.registrar_a)
        services.petition_forward(petition=petition, actor=p.registrar_a, to_unit=tree.housing)
        petition.refresh_from_db()
        assert petition.state == State.PENDING_ACCEPTANCE and petition.current_unit == tree.housing
        assert clock(petition, ClockKind.ROUTE).stopped_on == dt.date(2026, 4, 1)
        assert clock(petition, ClockKind.NOTICE).due == dt.date(2026, 4, 16)  # Art. 23 ¶3: 15 days
        # 5 working days from Wed 1 April 2026 across 清明 (4–6 April): Thu 2, Fri 3, Tue 7, Wed 8, Thu 9.
        assert clock(petition, ClockKind.OBJECTION_WINDOW).due == dt.date(2026, 4, 9)

        traveller.shift(dt.timedelta(days=3))
        services.petition_accept(petition=petition, actor=p.handler_b, notice="你反映的问题已受理")
        petition.refresh_from_db()
        assert petition.state == State.HANDLING and petition.accepted_on == dt.date(2026, 4, 4)
        handle = clock(petition, ClockKind.HANDLE)
        assert handle.due == dt.date(2026, 6, 3)  # 60 days from acceptance (Art. 34)
        assert Document.objects.filter(petition=petition, kind=DocumentKind.ACCEPTANCE_NOTICE).exists()

        services.petition_request_extension(petition=petition, actor=p.handler_b, days=30, reason="需现场检测")
        services.petition_approve_extension(petition=petition, actor=p.head_b)
        handle.refresh_from_db()
        assert handle.extended_days == 30 and handle.due == dt.date(2026, 7, 3)

        services.petition_submit_decision(
            petition=petition,
            actor=p.handler_b,
            outcome="support",
            opinion="责令搅拌站夜间停工",
            legal_basis="《噪声污染防治法》第四十三条",
        )
        traveller.shift(dt.timedelta(days=10))
        services.petition_approve_decision(petition=petition, actor=p.head_b)
        petition.refresh_from_db()
        assert petition.state == State.REPLIED and petition.outcome == "support"
        window = clock(petition, ClockKind.REVIEW_WINDOW)
        assert window.start == dt.date(2026, 4, 14) and window.due == dt.date(2026, 5, 14)

        services.petition_rate(petition=petition, actor=None, target="responsible_unit", value="dissatisfied")
        services.petition_request_review(petition=petition, actor=None, reason="噪音仍未停止")
        petition.refresh_from_db()
        assert petition.state == State.REVIEW and petition.current_unit == tree.county  # one level up (Art. 35)

        services.petition_decide_review(petition=petition, actor=p.county_head, outcome="uphold", opinion="维持")
        petition.refresh_from_db()
        assert petition.state == State.REVIEWED
        services.petition_request_recheck(petition=petition, actor=None, reason="仍不服")
        petition.refresh_from_db()
        assert petition.state == State.RECHECK and petition.current_unit == tree.city  # above reviewer (Art. 36)
        recheck_due = clock(petition, ClockKind.RECHECK).due

        services.petition_start_hearing(petition=petition, actor=p.city_head)
        traveller.shift(dt.timedelta(days=7))
        services.petition_end_hearing(petition=petition, actor=p.city_head)
        recheck = clock(petition, ClockKind.RECHECK)
        assert recheck.paused_days == 7 and recheck.due > recheck_due  # hearing time excluded (Art. 36 ¶2)

        services.petition_decide_recheck(petition=petition, actor=p.city_head, outcome="uphold", opinion="维持")
        petition.refresh_from_db()
        assert petition.state == State.TERMINATED
    actions = list(PetitionEvent.objects.filter(petition=petition).values_list("action", flat=True))
    assert actions == [
        "register",
        "forward",
        "accept",
        "request_extension",
        "approve_extension",
        "submit_decision",
        "approve_decision",
        "rate",
        "request_review",
        "decide_review",
        "request_recheck",
        "start_hearing",
        "end_hearing",
        "decide_recheck",
    ]


def test_terminated_matter_is_not_accepted_again_art_36_3(personas, tree):
    p = personas
    petition = terminated(p)
    again, _ = register(p.registrar_a, previous=petition)
    from xinfang.core.errors import RuleViolation

    with pytest.raises(RuleViolation) as refused:
        services.petition_forward(petition=again, actor=p.registrar_a, to_unit=tree.housing)
    assert refused.value.article == "Art. 36 ¶3"
    services.petition_decline(petition=again, actor=p.registrar_a, ground="terminated", reason="已三级终结")
    again.refresh_from_db()
    assert again.state == State.DECLINED
