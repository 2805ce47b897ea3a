"""The demo's 人民建议征集 (Art. 29 ¶2): an open call with proposals at each step, the adopted one on the public page
with what came of it and its commendation; the private ones never shown; running it again adds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from xinfang.core import timeutil
from xinfang.orgs.demo import build_demo_tree, create_demo_staff
from xinfang.proposals.demo import build_demo_proposals
from xinfang.proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_call_has_an_adopted_public_proposal_and_runs_twice(client: Client) -> None:
    create_demo_staff(build_demo_tree())
    first = build_demo_proposals(timeutil.today())
    assert build_demo_proposals(timeutil.today()) == first == {"calls": 1, "proposals": 4}
    outcomes = sorted(p.outcome for p in Proposal.objects.all())
    assert outcomes == ["", "", "adopted", "not_adopted"]
    page = client.get("/proposals/adopted/").content.decode()
    assert "口袋公园" in page and "口袋公园已完成施工" in page  # the proposal and what came of it
    assert "自行车道" not in page  # not adopted, and private
