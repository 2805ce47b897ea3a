"""并案 outcome (issue 11): when the primary is decided, each merged item's petitioner is told the same as the
primary's petitioner — same template, their own channel, opt-out and daily cap — under their own 编号 naming the
primary's, and never anybody's name (Art. 30)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xinfang.deadlines.rules import ClockKind
from xinfang.notify.models import Notification, PetitionerStep
from xinfang.notify.petitioner import petitioner_preference_set, rating_window_reminders
from xinfang.notify.tests import gateways
from xinfang.petitions import services
from xinfang.petitions.models import Clock, Petition
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import ID_OK, register, to_replied

pytestmark = pytest.mark.django_db

PEOPLE = [("张三", "13812345678"), ("李四", "13987654321"), ("王五", "13700001111")]
REPLIED = "petitioner." + PetitionerStep.REPLIED


def person(name: str, phone: str) -> list[PetitionerData]:
    return [PetitionerData(name=name, id_number=ID_OK, phone=phone, address="丽发新城3栋")]


def merged_three(personas: Any, **extra: Any) -> list[Petition]:
    items = [
        register(personas.registrar_a, title=f"搅拌站噪音（{name}）", petitioners=person(name, phone), **extra)[0]
        for name, phone in PEOPLE
    ]
    for linked in items[1:]:
        services.petition_merge(petition=linked, actor=personas.registrar_a, primary=items[0])
    return items


def sent_to(phone: str) -> list[str]:
    return [text for to, text in gateways.SENT if to == phone]


def test_serving_the_primarys_reply_tells_each_of_the_three_petitioners_once(
    personas: Any, recording_gateway: None, zh_templates: None, run: Any
) -> None:
    primary, *merged = merged_three(personas)
    gateways.SENT.clear()
    run(to_replied, personas, primary)
    review_due = Clock.objects.filter(petition=primary, kind=ClockKind.REVIEW_WINDOW).get().due
    deadline = f"{review_due.year}年{review_due.month}月{review_due.day}日"
    for (_name, phone), item in zip(PEOPLE, [primary, *merged], strict=True):
        # One written-reply message each, with the same 复查 deadline (Art. 35), under their own 编号.
        (text,) = [t for t in sent_to(phone) if deadline in t]
        assert item.number in text and primary.number in text
        assert all(name not in text for name, _p in PEOPLE)  # nobody's name, not even their own (Art. 30)
    rows = Notification.objects.filter(kind=REPLIED)
    assert sorted(rows.values_list("petition_id", flat=True)) == sorted(p.pk for p in [primary, *merged])
    for row in rows.exclude(petition=primary).select_related("petition"):
        assert row.petition is not None and row.link.endswith(f"number={row.petition.number}")  # their own page


def test_an_opted_out_or_anonymous_merged_petitioner_is_not_told(
    personas: Any, recording_gateway: None, run: Any
) -> None:
    primary, opted_out, other = merged_three(personas)
    petitioner_preference_set(petition=opted_out, channel="", opted_out=True)
    Petition.objects.filter(pk=other.pk).update(is_anonymous=True)
    run(to_replied, personas, primary)
    assert set(Notification.objects.filter(kind=REPLIED).values_list("petition_id", flat=True)) == {primary.pk}
    assert not sent_to(PEOPLE[1][1]) and not sent_to(PEOPLE[2][1])


def test_the_daily_cap_applies_to_a_merged_petitioners_outcome_message(
    personas: Any, tree: Any, recording_gateway: None, run: Any, settings: Any
) -> None:
    from conftest import make_user

    primary, *merged = merged_three(personas)
    settings.XINFANG_PETITIONER_DAILY_CAP = 1
    run(to_replied, personas, primary)  # the merged petitioners' first message today: within the cap
    assert not Notification.objects.filter(kind=REPLIED, petition__in=merged, status="failed").exists()
    services.petition_request_review(petition=primary, actor=None, reason="不服")
    head = make_user("county_head_cap", tree.county, "head")
    run(services.petition_decide_review, petition=primary, actor=head, outcome="uphold", opinion="维持")
    for item in merged:  # the second outcome the same day goes over it: written as capped, not sent
        row = Notification.objects.get(kind="petitioner." + PetitionerStep.REVIEW_DECIDED, petition=item)
        assert row.status == "failed" and row.error.startswith("capped")


def test_a_merged_item_that_asked_for_its_own_review_no_longer_hears_the_primarys_outcomes(
    personas: Any, tree: Any, recording_gateway: None, run: Any
) -> None:
    from conftest import make_user

    primary, left, stayed = merged_three(personas)
    run(to_replied, personas, primary)
    run(services.petition_request_review, petition=left, actor=None, reason="不服")
    run(services.petition_request_review, petition=primary, actor=None, reason="不服")
    head = make_user("county_head_review", tree.county, "head")
    run(services.petition_decide_review, petition=primary, actor=head, outcome="uphold", opinion="维持")
    kind = "petitioner." + PetitionerStep.REVIEW_DECIDED
    assert set(Notification.objects.filter(kind=kind).values_list("petition_id", flat=True)) == {
        primary.pk,
        stayed.pk,
    }


def test_the_rating_reminder_reaches_the_merged_petitioners_in_the_primarys_window(
    personas: Any, recording_gateway: None, run: Any
) -> None:
    primary, rated, silent = merged_three(personas)
    run(to_replied, personas, primary)
    services.petition_rate(petition=rated, actor=None, target="responsible_unit", value="satisfied")
    due = Clock.objects.filter(petition=primary, kind=ClockKind.RATING_WINDOW).get().due
    result = rating_window_reminders(today=due - dt.timedelta(days=1))
    kind = "petitioner." + PetitionerStep.RATING_WINDOW
    reminded = set(Notification.objects.filter(kind=kind).values_list("petition_id", flat=True))
    assert reminded == {primary.pk, silent.pk} and result == {"reminded": 2, "skipped": 1}
    assert rating_window_reminders(today=due - dt.timedelta(days=1)) == {"reminded": 0, "skipped": 1}
