"""Statutory rules of handling, one test per rule: Art. 34 (60 days, one extension of at most 30 days approved
by the head, reason told to the petitioner), simple handling, and 交办 with its completion report (Art. 22(3)).

Expected dates are worked out by hand in the comments (Asia/Shanghai, 2026 State Council holiday notice).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from rest_framework.test import APIClient

from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.deadlines.rules import ClockKind
from xinfang.petitions import services
from xinfang.petitions.models import Clock, Document, DocumentKind, Petition, PetitionEvent
from xinfang.petitions.tests.helpers import register, to_handling, to_replied
from xinfang.petitions.workflow import State

pytestmark = pytest.mark.django_db

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _fast_passwords_and_fresh_throttles(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()


def on(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=TZ), tick=False)


def latest_clock(petition: Petition, kind: ClockKind) -> Clock:
    found = Clock.objects.filter(petition=petition, kind=kind).order_by("-id").first()
    assert found is not None, f"no {kind} clock"
    return found


def handling_since(p: Any, day: dt.date, **overrides: Any) -> Petition:
    with on(day):
        petition, _ = register(p.registrar_a, **overrides)
        return to_handling(p, petition)


# ---------------------------------------------------------------- Art. 34: 60 days and one extension


def test_handling_period_is_sixty_days_from_acceptance_art_34(personas):
    # Accepted Mon 2 March 2026: 2 March + 60 = Fri 1 May, 劳动节 1–5 May → Wed 6 May.
    petition = handling_since(personas, dt.date(2026, 3, 2))
    handle = latest_clock(petition, ClockKind.HANDLE)
    assert (handle.start, handle.days, handle.due) == (dt.date(2026, 3, 2), 60, dt.date(2026, 5, 6))
    assert handle.owing_unit == personas.handler_b.unit and handle.article == "Art. 34"


def test_extension_is_approved_by_the_unit_head_only_art_34(personas):
    p = personas
    petition = handling_since(p, dt.date(2026, 3, 2))
    with on(dt.date(2026, 4, 20)):
        services.petition_request_extension(petition=petition, actor=p.handler_b, days=30, reason="需委托第三方检测")
        for not_head in (p.handler_b, p.registrar_a, p.outsider):  # outsider: a head, but of another unit
            with pytest.raises(NotPermitted):
                services.petition_approve_extension(petition=petition, actor=not_head)
        petition.refresh_from_db()
        assert petition.state == State.EXTENSION_REQUESTED and not petition.extension_used
        assert latest_clock(petition, ClockKind.HANDLE).extended_days == 0

        services.petition_approve_extension(petition=petition, actor=p.head_b)
    petition.refresh_from_db()
    assert petition.state == State.HANDLING and petition.extension_used
    handle = latest_clock(petition, ClockKind.HANDLE)
    # 2 March + 60 + 30 = Sun 31 May → Mon 1 June.
    assert (handle.extended_days, handle.due) == (30, dt.date(2026, 6, 1))


@pytest.mark.parametrize("days", [0, 31, 60])
def test_extension_is_one_to_thirty_days_art_34(personas, days):
    p = personas
    petition = handling_since(p, dt.date(2026, 3, 2))
    with on(dt.date(2026, 4, 20)), pytest.raises(InvalidInput) as refused:
        services.petition_request_extension(petition=petition, actor=p.handler_b, days=days, reason="情况复杂")
    assert refused.value.field == "days"
    petition.refresh_from_db()
    assert petition.state == State.HANDLING


def test_extension_is_granted_only_once_art_34(personas):
    p = personas
    petition = handling_since(p, dt.date(2026, 3, 2))
    with on(dt.date(2026, 4, 20)):
        # A rejected request does not use the one extension ...
        services.petition_request_extension(petition=petition, actor=p.handler_b, days=10, reason="理由不足")
        services.petition_reject_extension(petition=petition, actor=p.head_b, reason="请按期办结")
        services.petition_request_extension(petition=petition, actor=p.handler_b, days=10, reason="需现场检测")
        services.petition_approve_extension(petition=petition, actor=p.head_b)
        # ... an approved one does.
        events = PetitionEvent.objects.filter(petition=petition).count()
        with pytest.raises(RuleViolation) as refused:
            services.petition_request_extension(petition=petition, actor=p.handler_b, days=5, reason="再延一次")
    assert refused.value.code == "extension_used" and refused.value.article == "Art. 34"
    assert PetitionEvent.objects.filter(petition=petition).count() == events
    assert latest_clock(petition, ClockKind.HANDLE).extended_days == 10


def test_extension_is_refused_once_the_handling_period_has_run_out_art_34(personas):
    p = personas
    petition = handling_since(p, dt.date(2026, 3, 2))
    with on(dt.date(2026, 5, 7)), pytest.raises(RuleViolation) as refused:  # due Wed 6 May
        services.petition_request_extension(petition=petition, actor=p.handler_b, days=30, reason="来不及")
    assert refused.value.code == "extension_late"


def test_extension_reason_is_told_to_the_petitioner_on_the_public_track_art_34(personas):
    p = personas
    with on(dt.date(2026, 3, 2)):
        petition, code = register(p.registrar_a)
        to_handling(p, petition)
    client = APIClient()
    url = f"/api/v1/track/{petition.number}"
    with on(dt.date(2026, 4, 20)):
        services.petition_request_extension(petition=petition, actor=p.handler_b, days=30, reason="需委托第三方检测")
        pending = client.get(url, {"code": code})
        assert pending.status_code == 200
        assert "需委托第三方检测" not in pending.content.decode()  # not yet approved: internal
        services.petition_approve_extension(petition=petition, actor=p.head_b)
        body = client.get(url, {"code": code}).json()

    extension = [e for e in body["events"] if e["action"] == "approve_extension"]
    assert len(extension) == 1
    assert extension[0]["public_data"] == {
        "days": 30,
        "reason": "需委托第三方检测",
        "old_due": "2026-05-06",
        "new_due": "2026-06-01",
    }
    notices = [d for d in body["documents"] if d["kind"] == DocumentKind.EXTENSION_NOTICE]
    assert [n["body"] for n in notices] == ["需委托第三方检测"]
    handle = next(c for c in body["clocks"] if c["kind"] == ClockKind.HANDLE)
    assert handle["due"] == "2026-06-01" and handle["extended_days"] == 30


# ---------------------------------------------------------------- simple handling (简易办理)


def test_simple_handling_uses_ten_working_days(personas, tree):
    p = personas
    with on(dt.date(2026, 9, 21)):
        petition, _ = register(p.registrar_a)
        services.petition_forward(petition=petition, actor=p.registrar_a, to_unit=tree.housing)
        services.petition_accept(petition=petition, actor=p.handler_b, simple=True)
    petition.refresh_from_db()
    assert petition.state == State.HANDLING and petition.is_simple
    assert not Clock.objects.filter(petition=petition, kind=ClockKind.HANDLE).exists()
    clock = latest_clock(petition, ClockKind.HANDLE_SIMPLE)
    # Mon 21 Sep: 22, 23, 24, (中秋 25), 28, 29, 30, (国庆 1–7 Oct), 8, 9, Sat 10 (调休), Mon 12 → 10th.
    assert (clock.days, clock.day_kind, clock.due) == (10, "working", dt.date(2026, 10, 12))
    notice = Document.objects.get(petition=petition, kind=DocumentKind.ACCEPTANCE_NOTICE)
    assert notice.data["simple"] is True and notice.data["due"] == "2026-10-12"


def test_simple_handling_is_only_for_first_time_items(personas, tree):
    p = personas
    earlier, _ = register(p.registrar_a)
    to_replied(p, earlier)
    repeat, _ = register(p.registrar_a, previous=earlier)
    services.petition_forward(petition=repeat, actor=p.registrar_a, to_unit=tree.housing)
    events = PetitionEvent.objects.filter(petition=repeat).count()
    with pytest.raises(RuleViolation) as refused:
        services.petition_accept(petition=repeat, actor=p.handler_b, simple=True)
    assert refused.value.code == "simple_repeat"
    repeat.refresh_from_db()
    assert repeat.state == State.PENDING_ACCEPTANCE and not repeat.is_simple
    assert PetitionEvent.objects.filter(petition=repeat).count() == events
    services.petition_accept(petition=repeat, actor=p.handler_b)  # the normal procedure remains
    assert latest_clock(repeat, ClockKind.HANDLE).days == 60


def test_simple_handling_item_is_not_extended(personas, tree):
    p = personas
    petition, _ = register(p.registrar_a)
    services.petition_forward(petition=petition, actor=p.registrar_a, to_unit=tree.housing)
    services.petition_accept(petition=petition, actor=p.handler_b, simple=True)
    with pytest.raises(RuleViolation) as refused:
        services.petition_request_extension(petition=petition, actor=p.handler_b, days=10, reason="情况复杂")
    assert refused.value.code == "simple_extension"


# ---------------------------------------------------------------- Art. 22(3): 交办 and the completion report


def test_assignment_opens_a_feedback_clock_and_the_completion_report_stops_it_art_22_3(personas, tree):
    p = personas
    with on(dt.date(2026, 3, 2)):
        petition, _ = register(p.registrar_a)
        services.petition_assign(petition=petition, actor=p.registrar_a, to_unit=tree.housing, feedback_days=20)
    feedback = latest_clock(petition, ClockKind.FEEDBACK)
    # 2 March + 20 = Sun 22 March → Mon 23 March; owed by the unit the item was assigned to.
    assert (feedback.days, feedback.due, feedback.owing_unit) == (20, dt.date(2026, 3, 23), tree.housing)
    assert feedback.is_obligation and feedback.article == "Art. 22(3)"
    slip = Document.objects.get(petition=petition, kind=DocumentKind.ASSIGNMENT_SLIP)
    assert slip.data["feedback_days"] == 20 and not slip.is_public

    with on(dt.date(2026, 3, 3)):
        services.petition_accept(petition=petition, actor=p.handler_b)
    assert latest_clock(petition, ClockKind.FEEDBACK).stopped_on is None  # acceptance does not end it
    with on(dt.date(2026, 3, 10)):
        services.petition_submit_decision(petition=petition, actor=p.handler_b, outcome="explain", opinion="经核查")
        services.petition_approve_decision(petition=petition, actor=p.head_b)
    assert latest_clock(petition, ClockKind.FEEDBACK).stopped_on is None  # the reply does not either

    with on(dt.date(2026, 3, 12)):
        services.petition_submit_report(petition=petition, actor=p.handler_b, report="已责令停工，信访人知悉")
    feedback.refresh_from_db()
    assert feedback.stopped_on == dt.date(2026, 3, 12) and feedback.stop_reason == "reported"
    report = Document.objects.get(petition=petition, kind=DocumentKind.COMPLETION_REPORT)
    assert report.unit == tree.housing and not report.is_public
    petition.refresh_from_db()
    assert petition.report_submitted and petition.state == State.REPLIED

    with pytest.raises(RuleViolation) as again:
        services.petition_submit_report(petition=petition, actor=p.handler_b, report="再报一次")
    assert again.value.code == "report_done"


def test_completion_report_is_only_for_assigned_items_art_22_3(personas):
    p = personas
    petition, _ = register(p.registrar_a)
    to_replied(p, petition)  # forwarded (转送), not assigned
    with pytest.raises(RuleViolation) as refused:
        services.petition_submit_report(petition=petition, actor=p.handler_b, report="办结")
    assert refused.value.code == "not_assigned"
    assert not Document.objects.filter(petition=petition, kind=DocumentKind.COMPLETION_REPORT).exists()


def test_feedback_period_is_one_to_ninety_days_art_22_3(personas, tree):
    p = personas
    petition, _ = register(p.registrar_a)
    for days in (0, 91):
        with pytest.raises(InvalidInput) as refused:
            services.petition_assign(petition=petition, actor=p.registrar_a, to_unit=tree.housing, feedback_days=days)
        assert refused.value.field == "feedback_days"
    petition.refresh_from_db()
    assert petition.state == State.REGISTERED
    assert not Document.objects.filter(petition=petition).exists()
