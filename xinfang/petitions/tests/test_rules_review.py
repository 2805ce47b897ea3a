"""Statutory rules of the review chain and the petitioner's rights, one test per rule: 复查 (Art. 35), 复核 and
hearings (Art. 36), closing after the window, rating, urging.

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
from xinfang.petitions import selectors, services
from xinfang.petitions.models import (
    Clock,
    Petition,
    PetitionAccess,
    PetitionEvent,
    Rating,
)
from xinfang.petitions.tests.helpers import register, to_handling
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


def replied(p: Any, decided: dt.date, served: dt.date | None = None, **overrides: Any) -> tuple[Petition, str]:
    with on(decided):
        petition, code = register(p.registrar_a, **overrides)
        to_handling(p, petition)
        services.petition_submit_decision(petition=petition, actor=p.handler_b, outcome="explain", opinion="经核查")
        services.petition_approve_decision(petition=petition, actor=p.head_b, served_on=served)
    petition.refresh_from_db()
    return petition, code


def reviewed(p: Any, replied_on: dt.date, reviewed_on: dt.date) -> Petition:
    petition, _ = replied(p, replied_on)
    with on(replied_on):
        services.petition_request_review(petition=petition, actor=None, reason="不服处理意见")
    with on(reviewed_on):
        services.petition_decide_review(petition=petition, actor=p.county_head, outcome="uphold", opinion="维持")
    petition.refresh_from_db()
    return petition


def in_recheck(p: Any, day: dt.date) -> Petition:
    petition = reviewed(p, day, day)
    with on(day):
        services.petition_request_recheck(petition=petition, actor=None, reason="不服复查意见")
    petition.refresh_from_db()
    return petition


# ---------------------------------------------------------------- Art. 35: 复查 within 30 days of service


def test_review_request_on_day_thirty_after_service_is_accepted_art_35(personas, tree):
    # Issued Tue 14 April, served Wed 15 April: 15 April + 30 = Fri 15 May, a working day.
    petition, _ = replied(personas, dt.date(2026, 4, 14), served=dt.date(2026, 4, 15))
    window = latest_clock(petition, ClockKind.REVIEW_WINDOW)
    assert (window.start, window.due, window.is_obligation) == (dt.date(2026, 4, 15), dt.date(2026, 5, 15), False)
    with on(dt.date(2026, 5, 15)):
        services.petition_request_review(petition=petition, actor=None, reason="搅拌站仍在夜间施工")
    petition.refresh_from_db()
    assert petition.state == State.REVIEW
    assert latest_clock(petition, ClockKind.REVIEW_WINDOW).stopped_on == dt.date(2026, 5, 15)


def test_review_request_on_day_thirty_one_is_refused_with_the_closing_date_art_35(personas):
    petition, code = replied(personas, dt.date(2026, 4, 14), served=dt.date(2026, 4, 15))
    with on(dt.date(2026, 5, 16)):
        events = PetitionEvent.objects.filter(petition=petition).count()
        with pytest.raises(RuleViolation) as refused:
            services.petition_request_review(petition=petition, actor=None, reason="不服")
        assert refused.value.code == "window_closed" and refused.value.article == "Art. 35"
        assert "2026-05-15" in str(refused.value) and "2026-04-15" in str(refused.value)
        petition.refresh_from_db()
        assert petition.state == State.REPLIED
        assert PetitionEvent.objects.filter(petition=petition).count() == events

        # The petitioner's page says the same: the right has closed, on which date and why.
        body = APIClient().get(f"/api/v1/track/{petition.number}", {"code": code}).json()
    review = next(r for r in body["rights"] if r["action"] == "request_review")
    assert review["available"] is False and review["until"] == "2026-05-15"
    assert "2026-05-15" in review["reason"] and "2026-04-15" in review["reason"]
    assert review["article"] == "Art. 35"


def test_review_window_ending_on_a_holiday_runs_to_the_next_working_day_art_35(personas):
    # Served Tue 1 Sep: 1 Sep + 30 = Thu 1 Oct, 国庆 1–7 October → Thu 8 October (民法典 Art. 203).
    late, _ = replied(personas, dt.date(2026, 9, 1))
    on_time, _ = replied(personas, dt.date(2026, 9, 1))
    assert latest_clock(on_time, ClockKind.REVIEW_WINDOW).due == dt.date(2026, 10, 8)
    with on(dt.date(2026, 10, 8)):
        services.petition_request_review(petition=on_time, actor=None, reason="不服")
    with on(dt.date(2026, 10, 9)), pytest.raises(RuleViolation, match="2026-10-08"):
        services.petition_request_review(petition=late, actor=None, reason="不服")


def test_review_goes_to_the_unit_above_the_handling_unit_art_35(personas, tree):
    petition, _ = replied(personas, dt.date(2026, 4, 14))
    with on(dt.date(2026, 4, 20)):
        services.petition_request_review(petition=petition, actor=None, reason="不服")
    petition.refresh_from_db()
    assert petition.handling_unit == tree.housing
    assert petition.current_unit == tree.county and petition.review_unit == tree.county  # A1区政府
    review = latest_clock(petition, ClockKind.REVIEW)
    # Decided within 30 days of receiving the request: 20 April + 30 = Wed 20 May.
    assert (review.owing_unit, review.due, review.is_obligation) == (tree.county, dt.date(2026, 5, 20), True)
    assert PetitionAccess.objects.filter(petition=petition, unit=tree.county).exists()
    with pytest.raises(NotPermitted):  # the handling unit does not review itself
        services.petition_decide_review(petition=petition, actor=personas.head_b, outcome="uphold", opinion="维持")


def test_registrar_may_record_a_review_request_made_by_letter_art_35(personas, tree):
    petition, _ = replied(personas, dt.date(2026, 4, 14))
    with pytest.raises(NotPermitted):  # the handling unit's staff cannot ask for a review of their own reply
        services.petition_request_review(petition=petition, actor=personas.handler_b, reason="代为申请")
    with on(dt.date(2026, 4, 20)):
        services.petition_request_review(petition=petition, actor=personas.registrar_a, reason="来信申请复查")
    petition.refresh_from_db()
    assert petition.state == State.REVIEW


# ---------------------------------------------------------------- Art. 36: 复核 above the reviewer


def test_recheck_goes_to_the_unit_above_the_reviewer_art_36(personas, tree):
    petition = reviewed(personas, dt.date(2026, 4, 14), dt.date(2026, 5, 6))
    with on(dt.date(2026, 5, 11)):
        services.petition_request_recheck(petition=petition, actor=None, reason="不服复查意见")
    petition.refresh_from_db()
    assert petition.review_unit == tree.county
    assert petition.current_unit == tree.city and petition.recheck_unit == tree.city  # A市政府
    recheck = latest_clock(petition, ClockKind.RECHECK)
    # 11 May + 30 = Wed 10 June.
    assert (recheck.owing_unit, recheck.due) == (tree.city, dt.date(2026, 6, 10))
    with pytest.raises(NotPermitted):  # the reviewer does not re-examine its own opinion
        services.petition_decide_recheck(
            petition=petition, actor=personas.county_head, outcome="uphold", opinion="维持"
        )
    with on(dt.date(2026, 5, 12)):
        services.petition_decide_recheck(petition=petition, actor=personas.city_head, outcome="modify", opinion="变更")
    petition.refresh_from_db()
    assert petition.state == State.TERMINATED and petition.closed_on == dt.date(2026, 5, 12)


def test_recheck_window_is_thirty_days_from_the_review_opinion_art_36(personas):
    # Review opinion served Wed 20 May: 20 May + 30 = Fri 19 June, 端午 → Mon 22 June.
    on_time = reviewed(personas, dt.date(2026, 5, 4), dt.date(2026, 5, 20))
    late = reviewed(personas, dt.date(2026, 5, 4), dt.date(2026, 5, 20))
    assert latest_clock(on_time, ClockKind.RECHECK_WINDOW).due == dt.date(2026, 6, 22)
    with on(dt.date(2026, 6, 22)):
        services.petition_request_recheck(petition=on_time, actor=None, reason="不服")
    with on(dt.date(2026, 6, 23)), pytest.raises(RuleViolation, match="2026-06-22") as refused:
        services.petition_request_recheck(petition=late, actor=None, reason="不服")
    assert refused.value.article == "Art. 36"
    late.refresh_from_db()
    assert late.state == State.REVIEWED


def test_hearing_time_is_not_counted_in_the_recheck_period_art_36_2(personas):
    p = personas
    petition = in_recheck(p, dt.date(2026, 3, 2))
    assert latest_clock(petition, ClockKind.RECHECK).due == dt.date(2026, 4, 1)  # 2 March + 30
    with on(dt.date(2026, 3, 10)):
        services.petition_start_hearing(petition=petition, actor=p.city_head, note="召开听证会")
        with pytest.raises(RuleViolation):
            services.petition_start_hearing(petition=petition, actor=p.city_head)
    with on(dt.date(2026, 3, 17)):
        services.petition_end_hearing(petition=petition, actor=p.city_head)
    recheck = latest_clock(petition, ClockKind.RECHECK)
    # 7 days of hearing: 2 March + 30 + 7 = Wed 8 April.
    assert (recheck.paused_days, recheck.paused_since, recheck.due) == (7, None, dt.date(2026, 4, 8))
    paused = [step for step in recheck.explanation if step["code"] == "paused"]
    assert paused == [{"code": "paused", "params": {"days": 7, "kind": "calendar", "date": "2026-04-08"}}]

    # A hearing still open when the opinion issues is counted up to that day.
    with on(dt.date(2026, 3, 20)):
        services.petition_start_hearing(petition=petition, actor=p.city_head)
    with on(dt.date(2026, 3, 23)):
        services.petition_decide_recheck(petition=petition, actor=p.city_head, outcome="uphold", opinion="维持")
    recheck.refresh_from_db()
    assert recheck.paused_days == 10 and recheck.stopped_on == dt.date(2026, 3, 23)
    petition.refresh_from_db()
    assert petition.state == State.TERMINATED and not petition.hearing_open


def test_recheck_clock_is_not_overdue_while_a_hearing_runs_art_36_2(personas):
    p = personas
    petition = in_recheck(p, dt.date(2026, 3, 2))  # due 1 April without a hearing
    with on(dt.date(2026, 3, 10)):
        services.petition_start_hearing(petition=petition, actor=p.city_head)
    with on(dt.date(2026, 4, 10)):  # the hearing still runs
        assert not selectors.overdue_clocks(p.city_head, dt.date(2026, 4, 10)).filter(petition=petition).exists()
        with pytest.raises(RuleViolation):
            services.petition_urge(petition=petition, actor=None)


# ---------------------------------------------------------------- closing when the window passes unused


def test_close_only_after_the_review_window_has_passed(personas):
    p = personas
    petition, _ = replied(p, dt.date(2026, 4, 14), served=dt.date(2026, 4, 15))  # window until 15 May
    with on(dt.date(2026, 5, 15)), pytest.raises(RuleViolation, match="2026-05-15") as refused:
        services.petition_close(petition=petition, actor=p.handler_b)
    assert refused.value.code == "window_open"
    petition.refresh_from_db()
    assert petition.state == State.REPLIED

    with on(dt.date(2026, 5, 16)):
        services.petition_close(petition=petition, actor=p.handler_b)
    petition.refresh_from_db()
    assert petition.state == State.CLOSED and petition.closed_on == dt.date(2026, 5, 16)
    assert latest_clock(petition, ClockKind.REVIEW_WINDOW).stopped_on == dt.date(2026, 5, 16)


def test_close_after_review_waits_for_the_recheck_window(personas):
    p = personas
    petition = reviewed(p, dt.date(2026, 5, 4), dt.date(2026, 5, 20))  # recheck window until 22 June
    with on(dt.date(2026, 6, 22)), pytest.raises(RuleViolation, match="2026-06-22"):
        services.petition_close(petition=petition, actor=p.county_head)
    with on(dt.date(2026, 6, 23)):
        services.petition_close(petition=petition, actor=p.county_head)
    petition.refresh_from_db()
    assert petition.state == State.CLOSED


# ---------------------------------------------------------------- rating: 满意 / 基本满意 / 不满意


def test_rating_is_once_per_target_per_stage(personas, tree):
    p = personas
    petition, _ = replied(p, dt.date(2026, 4, 14))
    with on(dt.date(2026, 4, 15)):
        services.petition_rate(petition=petition, actor=None, target="responsible_unit", value="dissatisfied")
        with pytest.raises(RuleViolation) as again:
            services.petition_rate(petition=petition, actor=None, target="responsible_unit", value="satisfied")
        assert again.value.code == "already_rated"
        services.petition_rate(petition=petition, actor=None, target="petition_dept", value="basically")
        services.petition_request_review(petition=petition, actor=None, reason="不服")
    with on(dt.date(2026, 4, 20)):
        services.petition_decide_review(petition=petition, actor=p.county_head, outcome="modify", opinion="变更")
        services.petition_rate(petition=petition, actor=None, target="responsible_unit", value="satisfied")
    ratings = list(Rating.objects.filter(petition=petition).order_by("id").values_list("target", "stage", "value"))
    assert ratings == [
        ("responsible_unit", "replied", "dissatisfied"),
        ("petition_dept", "replied", "basically"),
        ("responsible_unit", "reviewed", "satisfied"),
    ]
    units = list(Rating.objects.filter(petition=petition).order_by("id").values_list("unit", flat=True))
    assert units == [tree.housing.pk, tree.county_dept.pk, tree.housing.pk]  # 谁初次办理、谁接受评价


@pytest.mark.parametrize("value", ["satisfied", "basically", "dissatisfied"])
def test_rating_takes_the_three_statutory_values(personas, value):
    petition, _ = replied(personas, dt.date(2026, 4, 14))
    with on(dt.date(2026, 4, 15)):
        rating = services.petition_rate(petition=petition, actor=None, target="responsible_unit", value=value)
    assert rating.value == value


@pytest.mark.parametrize(("target", "value"), [("responsible_unit", "very_satisfied"), ("the_judge", "satisfied")])
def test_rating_refuses_other_values_and_targets(personas, target, value):
    petition, _ = replied(personas, dt.date(2026, 4, 14))
    with on(dt.date(2026, 4, 15)), pytest.raises(InvalidInput):
        services.petition_rate(petition=petition, actor=None, target=target, value=value)
    assert not Rating.objects.filter(petition=petition).exists()


def test_rating_window_closes_with_its_date(personas):
    # XINFANG_RATING_WINDOW_DAYS is 30: served Wed 15 April → until Fri 15 May.
    petition, _ = replied(personas, dt.date(2026, 4, 14), served=dt.date(2026, 4, 15))
    with on(dt.date(2026, 5, 16)), pytest.raises(RuleViolation, match="2026-05-15") as refused:
        services.petition_rate(petition=petition, actor=None, target="responsible_unit", value="satisfied")
    assert refused.value.code == "window_closed"


# ---------------------------------------------------------------- urging: only when something is overdue


def test_urge_only_when_something_is_overdue(personas, tree):
    p = personas
    with on(dt.date(2026, 3, 2)):
        petition, _ = register(p.registrar_a)
        to_handling(p, petition)  # due Wed 6 May (2 March + 60, past 劳动节)
    with on(dt.date(2026, 5, 6)), pytest.raises(RuleViolation, match="2026-05-06") as early:
        services.petition_urge(petition=petition, actor=None, message="请尽快答复")
    assert early.value.code == "not_overdue"
    assert not PetitionEvent.objects.filter(petition=petition, action="urge").exists()

    with on(dt.date(2026, 5, 7)):
        event = services.petition_urge(petition=petition, actor=None, message="已超期，请尽快答复")
        with pytest.raises(RuleViolation) as twice:
            services.petition_urge(petition=petition, actor=None)
        assert twice.value.code == "urged_today"
    assert event.data["overdue"] == [{"kind": "handle", "due": "2026-05-06", "unit": tree.housing.name}]
    assert event.actor is None and event.actor_label == "信访人"
    with on(dt.date(2026, 5, 8)):
        services.petition_urge(petition=petition, actor=None)  # the next day again
    assert PetitionEvent.objects.filter(petition=petition, action="urge").count() == 2


def test_urge_is_refused_when_only_a_petitioner_window_has_passed(personas):
    # A passed review window is the petitioner's own right, not a unit's overdue duty.
    petition, _ = replied(personas, dt.date(2026, 4, 14), served=dt.date(2026, 4, 15))
    with on(dt.date(2026, 5, 20)), pytest.raises(RuleViolation) as refused:
        services.petition_urge(petition=petition, actor=None)
    assert refused.value.code == "not_overdue"
