"""积案 rules (settings XINFANG_BACKLOG_RULES): each rule marks exactly the petitions it should."""

from __future__ import annotations

from typing import Any

import pytest

from xinfang.casework import services
from xinfang.casework.models import BacklogCase, CaseEvent, CaseEventKind, CaseStatus
from xinfang.casework.rules import DEFAULT_BACKLOG_RULES, backlog_rules
from xinfang.casework.tests.helpers import (
    TODAY,
    chain,
    closed,
    in_recheck,
    in_review,
    on,
    petition_received,
    registered,
    reviewed,
    terminated,
)
from xinfang.petitions.workflow import State

pytestmark = pytest.mark.django_db


def only(rule: str, settings: Any) -> None:
    """Switch every rule off but ``rule`` (so each test sees one rule's effect)."""
    settings.XINFANG_BACKLOG_RULES = {k: {"enabled": k == rule} for k in DEFAULT_BACKLOG_RULES}


def scan() -> dict[str, int]:
    with on(TODAY):
        return services.backlog_scan()


def marked() -> set[int]:
    return set(BacklogCase.objects.values_list("petition_id", flat=True))


def test_defaults_are_documented_and_used_without_settings(settings):
    settings.XINFANG_BACKLOG_RULES = {}
    cfg = backlog_rules()
    assert (cfg.age_days, cfg.min_chain, cfg.lookback) == (180, 3, 5)
    assert cfg.age_enabled and cfg.repeat_enabled and cfg.review_enabled


def test_age_rule_marks_open_petitions_received_180_days_ago_or_more(personas, settings):
    only("age", settings)
    old = petition_received(personas, 181)
    exactly = petition_received(personas, 180)
    young = petition_received(personas, 179)
    counts = scan()
    assert marked() == {old.pk, exactly.pk}
    assert young.pk not in marked()
    assert counts == {"created": 2, "age": 2, "repeat": 0, "review": 0}
    case = BacklogCase.objects.get(petition=old)
    assert case.status == CaseStatus.CANDIDATE and case.rules == ["age"]
    assert case.unit == personas.handler_b.unit and case.first_received_on == old.received_on


def test_age_rule_threshold_comes_from_the_settings(personas, settings):
    only("age", settings)
    settings.XINFANG_BACKLOG_RULES["age"]["days"] = 30
    a = petition_received(personas, 31)
    b = petition_received(personas, 29)
    scan()
    assert marked() == {a.pk}
    assert b.pk not in marked()


def test_a_settled_petition_is_not_a_candidate(personas, settings):
    settings.XINFANG_BACKLOG_RULES = {}
    settled = closed(personas, 400)
    assert settled.state == State.CLOSED
    scan()
    assert settled.pk not in marked()


def test_repeat_rule_marks_the_newest_petition_of_a_chain_of_three(personas, settings):
    only("repeat", settings)
    first, second, third = chain(personas, 3)
    short = chain(personas, 2)
    lone = registered(personas)
    scan()
    assert marked() == {third.pk}
    case = BacklogCase.objects.get(petition=third)
    assert case.rules == ["repeat"] and case.chain_length == 3
    assert case.first_received_on == first.received_on
    assert not {first.pk, second.pk, lone.pk, *(p.pk for p in short)} & marked()


def test_repeat_rule_chain_length_comes_from_the_settings(personas, settings):
    only("repeat", settings)
    settings.XINFANG_BACKLOG_RULES["repeat"]["min_chain"] = 2
    pair = chain(personas, 2)
    lone = registered(personas)
    scan()
    assert marked() == {pair[1].pk}
    assert lone.pk not in marked()


def test_review_rule_marks_petitions_in_review_and_recheck(personas, settings):
    only("review", settings)
    review = in_review(personas)
    done_review = reviewed(personas)
    recheck = in_recheck(personas)
    handling = petition_received(personas, 10)
    scan()
    assert marked() == {review.pk, done_review.pk, recheck.pk}
    assert handling.pk not in marked()


def test_review_rule_marks_a_matter_petitioned_again_after_termination_art_36_3(personas, settings):
    only("review", settings)
    ended = terminated(personas)
    again = registered(personas, previous=ended)
    ended_alone = terminated(personas)
    scan()
    assert marked() == {again.pk}
    assert not {ended.pk, ended_alone.pk} & marked()
    assert BacklogCase.objects.get(petition=again).rules == ["review"]


def test_a_switched_off_rule_marks_nothing(personas, settings):
    settings.XINFANG_BACKLOG_RULES = {k: {"enabled": False} for k in DEFAULT_BACKLOG_RULES}
    petition_received(personas, 365)
    chain(personas, 3)
    in_review(personas)
    assert scan()["created"] == 0
    assert not BacklogCase.objects.exists()


def test_every_rule_that_matched_is_recorded(personas, settings):
    settings.XINFANG_BACKLOG_RULES = {"age": {"days": 5}}
    # In review, and received more than 5 days ago: two rules.
    petition = in_review(personas, TODAY.replace(day=1))
    scan()
    case = BacklogCase.objects.get(petition=petition)
    assert case.rules == ["age", "review"]
    assert CaseEvent.objects.get(case=case).kind == CaseEventKind.FOUND


def test_marking_is_idempotent(personas, settings):
    settings.XINFANG_BACKLOG_RULES = {}
    petition_received(personas, 200)
    chain(personas, 3)
    first = scan()
    again = scan()
    assert first["created"] == 2 and again["created"] == 0
    assert BacklogCase.objects.count() == 2
    assert CaseEvent.objects.count() == 2


def test_a_dismissed_candidate_is_not_proposed_again(personas, settings):
    settings.XINFANG_BACKLOG_RULES = {}
    petition = petition_received(personas, 200)
    scan()
    case = BacklogCase.objects.get(petition=petition)
    with on(TODAY):
        services.case_dismiss(actor=personas.supervisor, case=case, reason="已导入诉讼程序")
    assert scan()["created"] == 0
    case.refresh_from_db()
    assert case.status == CaseStatus.DISMISSED
