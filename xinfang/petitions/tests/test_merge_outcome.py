"""并案 outcome (issue 11): the petitioners of items merged into a primary see its outcome on their own tracking
page, rate it there in the primary's window (国信发〔2022〕11号), each rating counting once in 满意率, and may ask
for 复查 within their own 30 days (Art. 35) without un-merging anything."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from xinfang.core import timeutil
from xinfang.core.errors import IllegalTransition, RuleViolation
from xinfang.deadlines.rules import ClockKind
from xinfang.petitions import services
from xinfang.petitions.models import Clock, Nature, Petition, PetitionEvent, Rating, RatingTarget
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.services.merged_outcome import outcome_recipients
from xinfang.petitions.tests.helpers import ID_OK, register, to_handling, to_replied
from xinfang.petitions.workflow import Action, State
from xinfang.portal.tests.helpers import TZ, prove
from xinfang.stats import selectors as stats

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
RESPONSIBLE = RatingTarget.RESPONSIBLE_UNIT
PEOPLE = [("张三", "13812345678"), ("李四", "13987654321"), ("王五", "13700001111")]


def person(name: str, phone: str) -> list[PetitionerData]:
    return [PetitionerData(name=name, id_number=ID_OK, phone=phone, address=f"{name}家丽发新城3栋")]


def at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, tzinfo=TZ), tick=False)


def fresh(p: Petition) -> Petition:
    return Petition.objects.get(pk=p.pk)


def window(p: Petition, kind: ClockKind) -> Clock:
    return Clock.objects.filter(petition=p, kind=kind).latest("id")


def three(personas: Any, **extra: Any) -> list[tuple[Petition, str]]:
    """Three petitions on one matter from three people, registered by unit A; the 2nd and 3rd merged into the 1st."""
    items = [
        register(personas.registrar_a, title=f"搅拌站噪音（{name}）", petitioners=person(name, phone), **extra)
        for name, phone in PEOPLE
    ]
    for linked, _code in items[1:]:
        services.petition_merge(petition=linked, actor=personas.registrar_a, primary=items[0][0])
    return items


@pytest.fixture
def decided(personas: Any) -> list[tuple[Petition, str]]:
    """The primary is forwarded to unit B after the merge, handled there and answered in writing (Art. 32)."""
    items = three(personas)
    to_replied(personas, items[0][0])
    return items


def test_the_outcome_of_a_primary_reaches_the_items_still_merged_into_it(personas: Any, decided: Any) -> None:
    primary, first, second = (p for p, _c in decided)
    assert [p.pk for p in outcome_recipients(primary)] == [primary.pk, first.pk, second.pk]
    assert [p.pk for p in outcome_recipients(first)] == [first.pk]  # no chains: a merged item answers no one else
    services.petition_request_review(petition=first, actor=None, reason="不服处理意见")
    assert [p.pk for p in outcome_recipients(primary)] == [primary.pk, second.pk]  # it left for its own 复查


def test_each_petitioner_rates_on_their_own_track_page_and_the_rating_is_their_own(
    personas: Any, tree: Any, decided: Any
) -> None:
    values = ["satisfied", "basically", "dissatisfied"]
    for (petition, code), value in zip(decided, values, strict=True):
        client = Client()
        prove(client, petition, code)
        url = f"/track/{petition.number}/"
        html = client.get(url).content.decode()
        assert html.count(f'action="{url}rate/"') == 2, petition.number  # the department and the unit
        response = client.post(
            f"{url}rate/",
            {f"rate-{RESPONSIBLE}-target": RESPONSIBLE, f"rate-{RESPONSIBLE}-value": value},
            headers=HTMX,
        )
        assert response.status_code == 200
        rating = Rating.objects.get(petition=petition)
        # The unit that handled the primary is rated, on the rater's own petition, for the written reply.
        assert (rating.value, rating.unit, rating.stage) == (value, tree.housing, State.REPLIED)
        assert client.get(url).content.decode().count(f'action="{url}rate/"') == 1
    assert Rating.objects.count() == 3
    assert PetitionEvent.objects.filter(action=Action.RATE, petition=decided[1][0], data__primary=decided[0][0].number)


def test_a_merged_petitioner_rates_each_unit_once_per_opinion(personas: Any, decided: Any) -> None:
    merged = decided[1][0]
    services.petition_rate(petition=merged, actor=None, target=RESPONSIBLE, value="satisfied")
    with pytest.raises(RuleViolation) as again:
        services.petition_rate(petition=merged, actor=None, target=RESPONSIBLE, value="dissatisfied")
    assert again.value.code == "already_rated"


def test_before_the_primary_is_answered_a_merged_item_cannot_be_rated(personas: Any) -> None:
    items = three(personas)
    with pytest.raises(RuleViolation) as refused:
        services.petition_rate(petition=items[1][0], actor=None, target=RatingTarget.PETITION_DEPT, value="satisfied")
    assert refused.value.article == "国信发〔2022〕11号"
    assert not Rating.objects.exists()


def test_satisfaction_counts_each_petitioners_rating_once_recounted_from_rows(
    personas: Any, tree: Any, decided: Any
) -> None:
    for (petition, _code), value in zip(decided, ["satisfied", "basically", "dissatisfied"], strict=True):
        services.petition_rate(petition=petition, actor=None, target=RESPONSIBLE, value=value)
    today = timeutil.today()
    span = (today - dt.timedelta(days=2), today + dt.timedelta(days=2))
    # The responsible unit (B) handled only the primary; the merged petitioners' ratings of it count there too.
    for user in (personas.head_b, personas.registrar_a):
        rows = Rating.objects.filter(petition__in=petitions_visible_to(user), target=RESPONSIBLE)
        assert rows.count() == 3, user.username
        good = rows.filter(value__in=["satisfied", "basically"]).count()
        figures = stats.figures(stats.View(user, None), *span, live=False)
        assert figures["satisfaction_rate_responsible_unit"] == pytest.approx(good / rows.count()) == 2 / 3
        assert figures["dissatisfied"] == 1


def test_a_merged_items_rating_window_closes_when_the_primarys_does(personas: Any, decided: Any) -> None:
    primary, first, second = (p for p, _c in decided)
    due = window(primary, ClockKind.RATING_WINDOW).due
    with at(due):  # the last day: both may rate
        services.petition_rate(petition=first, actor=None, target=RESPONSIBLE, value="satisfied")
        services.petition_rate(petition=primary, actor=None, target=RESPONSIBLE, value="satisfied")
    with at(due + dt.timedelta(days=1)):
        with pytest.raises(RuleViolation) as late:
            services.petition_rate(petition=second, actor=None, target=RESPONSIBLE, value="satisfied")
        assert late.value.code == "window_closed" and due.isoformat() in str(late.value.message)
        client = Client()
        prove(client, second, decided[2][1])
        html = client.get(f"/track/{second.number}/").content.decode()
        assert f'action="/track/{second.number}/rate/"' not in html and due.isoformat() in html
    assert not Rating.objects.filter(petition=second).exists()


def test_the_merged_track_page_shows_the_primarys_opinion_its_date_and_the_review_deadline(
    personas: Any, decided: Any
) -> None:
    primary, merged = decided[0][0], decided[1][0]
    client = Client()
    prove(client, merged, decided[1][1])
    html = client.get(f"/track/{merged.number}/").content.decode()
    review_due = window(primary, ClockKind.REVIEW_WINDOW).due
    assert 'id="merged-outcome"' in html and primary.number in html
    assert fresh(primary).reply_served_on.isoformat() in html  # type: ignore[union-attr]
    assert review_due.isoformat() in html and "经调查核实" in html
    assert 'name="review-reason"' in html  # its petitioner may ask for 复查 here (Art. 35)


def test_the_merged_track_page_shows_the_primarys_handling_due_date_as_extended_art_34(personas: Any) -> None:
    items = three(personas)
    primary, (merged, code) = items[0][0], items[1]
    client = Client()
    prove(client, merged, code)
    assert 'id="merged-handling-due"' not in client.get(f"/track/{merged.number}/").content.decode()  # not accepted
    to_handling(personas, primary)
    first = window(primary, ClockKind.HANDLE).due
    html = client.get(f"/track/{merged.number}/").content.decode()
    assert 'id="merged-handling-due"' in html and first.isoformat() in html and 'id="merged-extended"' not in html
    services.petition_request_extension(petition=primary, actor=personas.handler_b, days=30, reason="需第三方检测")
    services.petition_approve_extension(petition=primary, actor=personas.head_b)
    extended = window(primary, ClockKind.HANDLE).due
    html = client.get(f"/track/{merged.number}/").content.decode()
    assert extended > first and extended.isoformat() in html and first.isoformat() not in html
    assert 'id="merged-extended"' in html  # the date includes the extension (Art. 34)
    services.petition_submit_decision(
        petition=primary, actor=personas.handler_b, outcome="explain", opinion="经调查核实……", legal_basis="《噪声法》"
    )
    services.petition_approve_decision(petition=primary, actor=personas.head_b)
    html = client.get(f"/track/{merged.number}/").content.decode()
    assert 'id="merged-handling-due"' not in html  # answered: the clock stopped, the opinion is shown instead


def test_a_merged_petitioner_requests_review_on_their_own_record_without_unmerging(
    personas: Any, tree: Any, decided: Any
) -> None:
    primary, merged = decided[0][0], decided[1][0]
    client = Client()
    prove(client, merged, decided[1][1])
    response = client.post(f"/track/{merged.number}/review/", {"review-reason": "事实不清"}, headers=HTMX)
    assert response.status_code == 200
    item = fresh(merged)
    # Routed as the primary's request would be: to the unit one level above the handling unit (Art. 35).
    assert item.state == State.REVIEW and item.current_unit == tree.county == item.review_unit
    assert item.handling_unit == tree.housing and item.merged_into == primary  # nothing un-merged
    assert fresh(primary).state == State.REPLIED  # the primary's petitioner keeps their own choice
    event = PetitionEvent.objects.get(petition=merged, action=Action.REQUEST_REVIEW)
    assert event.from_state == State.MERGED and event.data["primary"] == primary.number and event.is_public
    assert window(item, ClockKind.REVIEW).owing_unit == tree.county
    assert petitions_visible_to(personas.head_b).filter(pk=merged.pk).exists()  # the reviewer's records reach it
    # From here the ordinary chain runs on the merged item's own record.
    reviewer = _head_of(tree.county)
    services.petition_decide_review(petition=item, actor=reviewer, outcome="uphold", opinion="维持原处理意见")
    assert fresh(merged).state == State.REVIEWED


def _head_of(unit: Any) -> Any:
    from conftest import make_user

    return make_user(f"head_{unit.pk}", unit, "head")


def test_the_primarys_petitioner_using_their_review_does_not_shorten_a_merged_petitioners(
    personas: Any, decided: Any
) -> None:
    primary, merged = decided[0][0], decided[1][0]
    due = window(primary, ClockKind.REVIEW_WINDOW).due
    services.petition_request_review(petition=primary, actor=None, reason="不服")
    with at(due):
        services.petition_request_review(petition=merged, actor=None, reason="我也不服")
    assert fresh(merged).state == State.REVIEW


def test_a_merged_petitioners_review_request_after_30_days_is_refused_art_35(personas: Any, decided: Any) -> None:
    primary, merged = decided[0][0], decided[1][0]
    due = window(primary, ClockKind.REVIEW_WINDOW).due
    with at(due + dt.timedelta(days=1)), pytest.raises(RuleViolation) as late:
        services.petition_request_review(petition=merged, actor=None, reason="不服")
    assert late.value.code == "window_closed" and late.value.article == "Art. 35"
    assert fresh(merged).state == State.MERGED
    assert not PetitionEvent.objects.filter(petition=merged, action=Action.REQUEST_REVIEW).exists()


def test_a_merged_item_cannot_ask_for_review_before_the_primary_is_answered(personas: Any) -> None:
    items = three(personas)
    with pytest.raises(RuleViolation):
        services.petition_request_review(petition=items[1][0], actor=None, reason="不服")
    assert fresh(items[1][0]).state == State.MERGED


def test_after_its_own_review_request_a_merged_item_can_no_longer_be_unmerged(personas: Any, decided: Any) -> None:
    merged = decided[1][0]
    services.petition_request_review(petition=merged, actor=None, reason="不服")
    with pytest.raises(IllegalTransition):
        services.petition_unmerge(petition=fresh(merged), actor=personas.registrar_a)


def test_an_accusations_track_pages_never_show_another_informants_identity_art_30(personas: Any, tree: Any) -> None:
    items = three(personas, nature=Nature.ACCUSATION, accused_confirmed=True)
    primary = items[0][0]
    services.petition_forward(petition=primary, actor=personas.registrar_a, to_unit=tree.housing)
    services.petition_accept(petition=primary, actor=personas.handler_b, notice="已受理")
    # A careless opinion that names the primary's informant: the merged pages take every other identity out.
    services.petition_submit_decision(
        petition=primary,
        actor=personas.handler_b,
        outcome="explain",
        opinion="张三（电话13812345678，住张三家丽发新城3栋）反映的问题经调查核实……",
        legal_basis="《环境噪声污染防治法》",
    )
    services.petition_approve_decision(petition=primary, actor=personas.head_b)
    for index, (petition, code) in enumerate(items):
        client = Client()
        prove(client, petition, code)
        html = client.get(f"/track/{petition.number}/").content.decode()
        for other, (name, phone) in enumerate(PEOPLE):
            if other != index and index != 0:
                assert name not in html and phone not in html, (petition.number, name)
        for other, (name, phone) in enumerate(PEOPLE[1:], start=1):
            if other != index:  # the primary's page never shows the merged informants either
                assert name not in html and phone not in html, (petition.number, name)
        if index:
            assert "经调查核实" in html and "××" in html  # the opinion itself is shown, redacted
