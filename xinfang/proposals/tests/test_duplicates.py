"""Near-duplicate proposals are grouped on registration with insight's detector (MinHash + exact similarity)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas, Tree
from xinfang.proposals.models import ProposalEvent
from xinfang.proposals.tests.helpers import submit
from xinfang.proposals.workflow import Action

pytestmark = pytest.mark.django_db

REASON = "丽发新城小区有三千多户居民，上下班高峰时需要步行二十多分钟才能到达最近的公交站点，老人和孩子出行尤其不便。"
SUGGESTION = "建议公交公司在丽发新城东门增设一处公交站点，并在早晚高峰加密班次，方便居民出行。"


def test_proposals_saying_the_same_thing_join_the_first_ones_group(tree: Tree, personas: Personas) -> None:
    first = submit(tree.county_dept, reason=REASON, suggestion=SUGGESTION)
    second = submit(tree.county_dept, reason=REASON + "希望尽快解决。", suggestion=SUGGESTION, title="公交站")
    third = submit(tree.county_dept, reason="居民上下班" + REASON, suggestion=SUGGESTION, proposer_name="李")
    assert first.duplicate_of is None
    assert second.duplicate_of == first and third.duplicate_of == first  # the group's head, not a chain
    assert second.duplicate_similarity is not None and second.duplicate_similarity >= 0.6
    event = ProposalEvent.objects.get(proposal=second, action=Action.SUBMIT)
    assert event.data["same_as"] == first.number


def test_a_different_proposal_is_not_grouped(tree: Tree) -> None:
    submit(tree.county_dept, reason=REASON, suggestion=SUGGESTION)
    other = submit(
        tree.county_dept,
        title="图书馆延长开放时间",
        reason="市图书馆晚上六点就闭馆，上班族下班后无法借书和自习，周末座位也常常不够用。",
        suggestion="建议市图书馆工作日开放到晚上九点，并增加自习座位。",
    )
    assert other.duplicate_of is None
    assert "same_as" not in ProposalEvent.objects.get(proposal=other, action=Action.SUBMIT).data


def test_staff_page_shows_the_group_within_what_the_user_may_see(tree: Tree, personas: Personas) -> None:
    first = submit(tree.county_dept, reason=REASON, suggestion=SUGGESTION)
    second = submit(tree.county_dept, reason=REASON, suggestion=SUGGESTION)
    elsewhere = submit(tree.county2_housing, reason=REASON, suggestion=SUGGESTION)
    assert elsewhere.duplicate_of == first  # grouped everywhere ...
    client = Client()
    client.force_login(personas.registrar_a)
    html = client.get(reverse("proposals:detail", args=[second.pk])).content.decode()
    assert first.number in html
    assert elsewhere.number not in html  # ... but shown only where the user may see it
