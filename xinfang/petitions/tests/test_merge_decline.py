"""并案 and 不予受理: a primary is not declined on its own petitioner's bar while items are merged into it.

Art. 19 ¶3 (the same matter is being handled below) and Art. 36 ¶3 (terminated after 复核) bar the primary's
petitioner on their own earlier petition. Such a decline answers nobody else, and its merged petitioners are not told
of another's history (Art. 30): their items, closed into a primary that ended, would never be answered. So the decline
is refused, naming the merged items; staff un-merge them, and each goes on in its own workflow with its own clocks.
Declining as out of scope (Art. 2) is about the matter and still answers the merged items too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from xinfang.core.articles import article_text
from xinfang.core.errors import RuleViolation
from xinfang.petitions import services
from xinfang.petitions.models import Clock, DeclineGround, Document, DocumentKind, Petition, PetitionEvent
from xinfang.petitions.selectors import allowed_actions
from xinfang.petitions.services.merging import MERGE_STOP
from xinfang.petitions.tests.helpers import register, terminated, to_handling
from xinfang.petitions.workflow import Action, State

pytestmark = pytest.mark.django_db


def fresh(p: Petition) -> Petition:
    return Petition.objects.get(pk=p.pk)


def open_clocks(p: Petition) -> dict[int, dt.date]:
    return dict(Clock.objects.filter(petition=p, stopped_on__isnull=True).values_list("pk", "due"))


@dataclass
class Case:
    """A primary barred on its petitioner's own earlier item, held with two items merged into it by ``actor``;
    ``clocks``: each merged item's open clocks (id → due date) before the merge."""

    actor: Any
    primary: Petition
    merged: list[Petition]
    ground: str
    article: str
    clocks: dict[int, dict[int, dt.date]]


def _merged_case(actor: Any, previous: Petition, ground: str, article: str) -> Case:
    primary, _ = register(actor, previous=previous, title="搅拌站噪音问题再次反映")
    merged = [register(actor, title=f"搅拌站噪音（联名{i}）")[0] for i in (1, 2)]
    clocks = {item.pk: open_clocks(item) for item in merged}
    assert all(clocks.values())  # each has its own running intake clock (Art. 22: 15 days)
    for item in merged:
        services.petition_merge(petition=item, actor=actor, primary=primary)
        assert not open_clocks(item)  # stopped by the merge
    return Case(actor, primary, merged, ground, article, clocks)


@pytest.fixture
def art_19_case(personas: Any) -> Case:
    """张三's earlier item is accepted and within its time limit at A1区住建局; he writes again to A市信访局."""
    earlier, _ = register(personas.registrar_a)
    to_handling(personas, earlier)
    return _merged_case(personas.city_dept_head, earlier, DeclineGround.ALREADY_HANDLED, "Art. 19 ¶3")


@pytest.fixture
def art_36_case(personas: Any) -> Case:
    return _merged_case(personas.registrar_a, terminated(personas), DeclineGround.TERMINATED, "Art. 36 ¶3")


@pytest.fixture(params=["art_19_case", "art_36_case"])
def case(request: pytest.FixtureRequest) -> Case:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def decline(case: Case, ground: str | None = None) -> Petition:
    return services.petition_decline(
        petition=case.primary, actor=case.actor, ground=ground or case.ground, reason="同一事项已在办理或已终结"
    )


def test_a_primary_is_not_declined_on_its_petitioners_own_bar_while_items_are_merged_into_it(case: Case) -> None:
    with pytest.raises(RuleViolation) as refused:
        decline(case)
    error = refused.value
    assert error.code == "decline_strands_merged" and error.article == case.article
    message = str(error)
    assert all(item.number in message for item in case.merged) and case.primary.number in message
    assert article_text(case.article) in message  # the bar's article, in the text staff read too
    # Nothing written: the primary stays undecided, the merged items wait on it, no notice was issued.
    assert fresh(case.primary).state == State.REGISTERED
    assert all(fresh(item).state == State.MERGED for item in case.merged)
    assert not PetitionEvent.objects.filter(petition=case.primary, action=Action.DECLINE).exists()
    assert not Document.objects.filter(petition=case.primary, kind=DocumentKind.NON_ACCEPTANCE_NOTICE).exists()


def test_a_primary_with_merged_items_may_still_be_declined_as_out_of_scope_which_answers_them_too(
    case: Case,
) -> None:
    decline(case, DeclineGround.OUT_OF_SCOPE)
    assert fresh(case.primary).state == State.DECLINED
    for item in case.merged:  # answered by the primary's decision (the message reaches them: notify tests)
        back = fresh(item)
        assert back.state == State.MERGED and back.merged_into_id == case.primary.pk
        with pytest.raises(RuleViolation) as refused:  # and that merge stays: the decision is theirs too
            services.petition_unmerge(petition=item, actor=case.actor)
        assert refused.value.code == "primary_decided"


def test_after_unmerging_the_primary_is_declined_and_the_item_goes_on_with_its_own_clocks(
    case: Case, tree: Any
) -> None:
    first, second = case.merged
    with pytest.raises(RuleViolation):
        decline(case)
    services.petition_unmerge(petition=first, actor=case.actor, note="需单独办理")
    with pytest.raises(RuleViolation) as refused:  # one still merged: still refused, naming only that one
        decline(case)
    assert second.number in str(refused.value) and first.number not in str(refused.value)
    services.petition_unmerge(petition=second, actor=case.actor, note="需单独办理")

    decline(case)
    assert fresh(case.primary).state == State.DECLINED
    for item in (first, second):
        back = fresh(item)
        assert back.state == State.REGISTERED and back.merged_into is None and back.is_open
        # Its own clocks the merge stopped run again, with their original due dates (no limit extended).
        assert open_clocks(item) == case.clocks[item.pk]
        assert not Clock.objects.filter(petition=item, stop_reason=MERGE_STOP).exists()
        events = PetitionEvent.objects.filter(action=Action.UNMERGE)
        assert events.filter(petition=item, is_public=True, data__primary=case.primary.number).exists()
        assert events.filter(petition=case.primary, is_public=False, data__linked=item.number).exists()

    # The un-merged item is decided on its own record: routed to the competent unit and accepted there.
    to_unit = tree.housing if case.actor.unit == tree.county_dept else tree.city_housing
    services.petition_forward(petition=first, actor=case.actor, to_unit=to_unit)
    assert fresh(first).state == State.PENDING_ACCEPTANCE and fresh(first).current_unit == to_unit
    services.petition_decline(
        petition=second, actor=case.actor, ground=DeclineGround.OUT_OF_SCOPE, reason="不属于信访事项"
    )
    assert fresh(second).state == State.DECLINED


def test_the_refusal_reaches_the_api_as_a_409_naming_the_items_and_the_article(art_19_case: Case) -> None:
    client = APIClient()
    client.force_authenticate(art_19_case.actor)
    response = client.post(
        f"/api/v1/petitions/{art_19_case.primary.number}/decline/",
        {"ground": DeclineGround.ALREADY_HANDLED, "reason": "该事项正在A1区住建局办理期限内"},
        format="json",
    )
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "decline_strands_merged" and body["article"] == "Art. 19 ¶3"
    assert all(item.number in body["detail"] for item in art_19_case.merged)


def test_the_decline_form_stays_offered_and_shows_the_refusal_with_its_article(client: Any, art_36_case: Case) -> None:
    case = art_36_case
    # Declining as out of scope remains possible, so the action stays on the primary's page; the merged items
    # offer the un-merge to the unit holding them.
    assert Action.DECLINE in allowed_actions(case.actor, fresh(case.primary))
    assert all(Action.UNMERGE in allowed_actions(case.actor, fresh(item)) for item in case.merged)
    client.force_login(case.actor)
    url = reverse("workbench:act", args=[case.primary.number, Action.DECLINE.value])
    response = client.post(url, {"ground": DeclineGround.TERMINATED, "reason": "已三级终结"})
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("zh-hans"):
        article = article_text("Art. 36 ¶3")
    assert 'role="alert"' in html and article in html
    assert all(item.number in html for item in case.merged)
    assert fresh(case.primary).state == State.REGISTERED


def test_items_merged_into_a_primary_declined_on_its_own_bar_before_this_rule_can_be_unmerged(
    art_36_case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Data from before the refusal: a primary already declined on its petitioner's bar with items still merged.
    That decision answered none of them, so the merge may be undone and each item handled on its own."""
    case = art_36_case
    monkeypatch.setattr("xinfang.petitions.services.routing.require_decline_answers_merged", lambda *_a: None)
    decline(case)
    assert fresh(case.primary).state == State.DECLINED and fresh(case.merged[0]).state == State.MERGED
    item = case.merged[0]
    services.petition_unmerge(petition=item, actor=case.actor, note="原主件因信访人自身事由不予受理")
    back = fresh(item)
    assert back.state == State.REGISTERED and back.merged_into is None
    assert open_clocks(back) == case.clocks[item.pk]
    assert fresh(case.primary).state == State.DECLINED  # the primary's decision stands


def test_a_primary_with_merged_items_is_not_converted_into_a_proposal_until_they_are_unmerged(personas: Any) -> None:
    """转为人民建议 (Art. 29) answers no petition: the items merged into the primary would be closed unanswered."""
    from xinfang.petitions.services.conversion import petition_convert_to_proposal

    primary, _ = register(personas.registrar_a, title="建议增设公交站点")
    merged = [register(personas.registrar_a, title=f"建议增设公交站点（{i}）")[0] for i in (1, 2)]
    for item in merged:
        services.petition_merge(petition=item, actor=personas.registrar_a, primary=primary)
    with pytest.raises(RuleViolation) as refused:
        petition_convert_to_proposal(
            petition=primary, actor=personas.registrar_a, reason="属于建议", proposal_number="JY-1"
        )
    assert all(item.number in str(refused.value) for item in merged)
    assert fresh(primary).state == State.REGISTERED
    for item in merged:
        services.petition_unmerge(petition=item, actor=personas.registrar_a)
    petition_convert_to_proposal(
        petition=primary, actor=personas.registrar_a, reason="属于建议", proposal_number="JY-1"
    )
    assert fresh(primary).state == State.CLOSED
    assert {fresh(item).state for item in merged} == {State.REGISTERED}  # each goes on in its own workflow
