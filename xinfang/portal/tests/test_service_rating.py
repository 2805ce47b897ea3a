"""Rating the online service itself (not the handling): one per petition per account or per tracking session, a
short comment, and a change allowed for a few days only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client

from xinfang.core.errors import InvalidInput, RuleViolation
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition, Rating
from xinfang.portal.models import SERVICE_RATING_COMMENT_MAX, ServiceRating
from xinfang.portal.services import service_rating_give
from xinfang.portal.tests.helpers import MARCH_2, TZ, prove, register_online

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def at(day: dt.date) -> Any:
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, 10, tzinfo=TZ), tick=False)


def rate(client: Client, petition: Petition, value: str, comment: str = "", **extra: Any) -> Any:
    return client.post(
        f"/track/{petition.number}/service-rating/", {"service-value": value, "service-comment": comment}, **extra
    )


def test_a_visitor_with_the_code_rates_the_service_once_and_may_change_it(
    client: Client, online: tuple[Petition, str]
) -> None:
    petition, code = online
    prove(client, petition, code)
    with at(dt.date(2026, 3, 2)):
        assert rate(client, petition, "basically", "页面有点慢").status_code == 302
    with at(dt.date(2026, 3, 5)):
        assert rate(client, petition, "satisfied", "").status_code == 302
    rating = ServiceRating.objects.get(petition=petition)  # one row: the second post changed the first
    assert (rating.value, rating.comment, rating.rated_on) == ("satisfied", "", dt.date(2026, 3, 2))
    assert rating.account_id is None and len(rating.session_token_hash) == 64
    assert rating.session_token_hash not in str(dict(client.session))  # only a hash of the session's token is kept
    assert not Rating.objects.filter(petition=petition).exists()  # not a rating of the handling


def test_each_tracking_session_has_its_own_rating(client: Client, online: tuple[Petition, str]) -> None:
    petition, code = online
    other = Client()
    for c in (client, other):
        prove(c, petition, code)
        assert rate(c, petition, "dissatisfied").status_code == 302
    assert ServiceRating.objects.filter(petition=petition).count() == 2


def test_the_account_holding_the_petition_rates_as_the_account(client: Client, tree: Any, citizen: User) -> None:
    with time_machine.travel(MARCH_2, tick=False):
        petition, _code = register_online(tree, citizen=citizen)
    client.force_login(citizen)
    assert rate(client, petition, "satisfied").status_code == 302
    client.logout()
    client.force_login(citizen)  # a new session, the same account: still one rating
    assert rate(client, petition, "basically").status_code == 302
    rating = ServiceRating.objects.get(petition=petition)
    assert rating.account_id == citizen.pk and rating.session_token_hash == "" and rating.value == "basically"


def test_the_page_offers_the_form_and_shows_the_rating_given(client: Client, online: tuple[Petition, str]) -> None:
    petition, code = online
    prove(client, petition, code)
    html = client.get(f"/track/{petition.number}/").content.decode()
    assert 'id="service-rating"' in html and f'action="/track/{petition.number}/service-rating/"' in html
    with at(dt.date(2026, 3, 2)):
        response = rate(client, petition, "basically", headers=HTMX)
    assert response.status_code == 200
    assert "2026-03-09" in response.content.decode()  # may be changed until seven days after it was given


def test_a_long_comment_and_a_missing_choice_are_named_next_to_their_fields(
    client: Client, online: tuple[Petition, str]
) -> None:
    petition, code = online
    prove(client, petition, code)
    too_long = rate(client, petition, "satisfied", "字" * (SERVICE_RATING_COMMENT_MAX + 1), headers=HTMX)
    assert too_long.status_code == 200 and 'id="id_service-comment_error"' in too_long.content.decode()
    missing = rate(client, petition, "", headers=HTMX)
    assert 'id="id_service-value_error"' in missing.content.decode()
    bogus = rate(client, petition, "excellent")
    assert bogus.status_code == 400
    assert not ServiceRating.objects.exists()


def test_after_the_edit_window_the_rating_stays_as_given(client: Client, online: tuple[Petition, str]) -> None:
    petition, code = online
    prove(client, petition, code)
    with at(dt.date(2026, 3, 2)):
        rate(client, petition, "dissatisfied", "找不到上传入口")
    with at(dt.date(2026, 3, 9)):  # the last day a change is allowed
        assert rate(client, petition, "dissatisfied", "找不到上传按钮").status_code == 302
    with at(dt.date(2026, 3, 10)):
        response = rate(client, petition, "satisfied")
        assert response.status_code == 400
        assert "2026-03-09" in response.content.decode()
        page = client.get(f"/track/{petition.number}/").content.decode()
    assert f'action="/track/{petition.number}/service-rating/"' not in page
    rating = ServiceRating.objects.get(petition=petition)
    assert (rating.value, rating.comment) == ("dissatisfied", "找不到上传按钮")


def test_rating_needs_the_code_or_the_account(client: Client, online: tuple[Petition, str], citizen: User) -> None:
    petition, _code = online
    assert rate(client, petition, "satisfied").status_code == 404
    client.force_login(citizen)  # an account that does not hold the petition
    assert rate(client, petition, "satisfied").status_code == 404
    assert not ServiceRating.objects.exists()


def test_the_service_checks_its_own_input(online: tuple[Petition, str], citizen: User) -> None:
    petition, _code = online
    with pytest.raises(InvalidInput) as err:
        service_rating_give(petition=petition, account=None, session_token="t", value="great")
    assert err.value.field == "value"
    with pytest.raises(InvalidInput) as err:
        service_rating_give(petition=petition, account=None, session_token="t", value="satisfied", comment="x" * 501)
    assert err.value.field == "comment"
    with pytest.raises(InvalidInput) as err:  # the account must hold the petition
        service_rating_give(petition=petition, account=citizen, session_token="", value="satisfied")
    assert err.value.field == "account"
    with pytest.raises(InvalidInput):
        service_rating_give(petition=petition, account=None, session_token="", value="satisfied")
    with at(dt.date(2026, 3, 2)):
        service_rating_give(petition=petition, account=None, session_token="t", value="satisfied")
    with at(dt.date(2026, 3, 10)), pytest.raises(RuleViolation):
        service_rating_give(petition=petition, account=None, session_token="t", value="basically")
