"""Visibility, the public pages (no personal data) and the figures for the statistics layer."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from conftest import Personas, Tree
from xinfang.core import timeutil
from xinfang.proposals import services
from xinfang.proposals.models import Proposal
from xinfang.proposals.selectors import proposal_figures, proposals_visible_to
from xinfang.proposals.tests.helpers import days_from_today, submit
from xinfang.proposals.workflow import ADOPTED_OUTCOMES, Outcome

pytestmark = pytest.mark.django_db


def _decided(tree: Tree, personas: Personas, outcome: str, **kw: object) -> Proposal:
    p = submit(tree.county_dept, **kw)
    services.proposal_refer(proposal=p, actor=personas.registrar_a, to_unit=tree.housing)
    return services.proposal_decide(proposal=p, actor=personas.head_b, outcome=outcome, reason=f"理由-{outcome}")


def test_visible_to_receiving_and_competent_units_and_overseers_only(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept)
    services.proposal_refer(proposal=p, actor=personas.registrar_a, to_unit=tree.housing)
    for user in (personas.registrar_a, personas.handler_b, personas.supervisor):
        assert list(proposals_visible_to(user)) == [p], user
    for user in (personas.outsider, personas.legal):
        assert not proposals_visible_to(user).exists(), user


def test_public_page_shows_only_public_adopted_proposals_without_personal_data(tree: Tree, personas: Personas) -> None:
    shown = _decided(
        tree, personas, Outcome.ADOPTED, title="公开采纳的建议", proposer_name="钱公开", proposer_phone="13900002222"
    )
    services.proposal_implement(proposal=shown, actor=personas.handler_b, feedback="已增设东门公交站")
    partly = _decided(tree, personas, Outcome.PARTLY_ADOPTED, title="部分采纳的建议")
    _decided(tree, personas, Outcome.ADOPTED, title="不愿公开的建议", is_public=False)
    _decided(tree, personas, Outcome.NOT_ADOPTED, title="未采纳的建议")
    submit(tree.county_dept, title="尚未评估的建议")

    html = Client().get(reverse("proposals:adopted")).content.decode()
    assert "公开采纳的建议" in html and "已增设东门公交站" in html and "理由-adopted" in html
    assert partly.title in html
    for absent in (
        "不愿公开的建议",
        "未采纳的建议",
        "尚未评估的建议",
        "钱公开",
        "13900002222",
        "钱建议",
        "13900001111",
    ):
        assert absent not in html, absent


def test_anonymous_submission_through_the_portal_gives_a_receipt(tree: Tree) -> None:
    client = Client()
    response = client.post(
        reverse("proposals:submit"),
        {"unit": tree.county_dept.pk, "title": "增设路灯", "reason": "夜间太暗", "suggestion": "在巷口增设路灯"},
    )
    assert response.status_code == 302
    p = Proposal.objects.get()
    assert p.is_anonymous and not p.is_public
    receipt = client.get(reverse("proposals:receipt")).content.decode()
    assert p.number in receipt


def test_submission_to_an_open_call_from_the_calls_page(tree: Tree, personas: Personas) -> None:
    call = services.call_create(
        actor=personas.handler_b, topic="老旧小区改造", opens_on=days_from_today(0), closes_on=days_from_today(30)
    )
    client = Client()
    assert "老旧小区改造" in client.get(reverse("proposals:calls")).content.decode()
    response = client.post(
        reverse("proposals:submit_to_call", args=[call.pk]),
        {"title": "加装电梯", "reason": "老人上下楼难", "suggestion": "统一加装电梯", "proposer_name": "孙"},
    )
    assert response.status_code == 302
    assert Proposal.objects.get().receiving_unit_id == tree.housing.pk


def test_missing_fields_answer_400_naming_them(tree: Tree) -> None:
    response = Client().post(reverse("proposals:submit"), {"unit": tree.county_dept.pk, "title": ""})
    assert response.status_code == 400
    assert not Proposal.objects.exists()
    assert set(response.context["form"].errors) >= {"title", "reason", "suggestion"}


def test_general_submission_without_a_unit_is_refused_on_the_unit_field(tree: Tree) -> None:
    response = Client().post(reverse("proposals:submit"), {"title": "t", "reason": "r", "suggestion": "s"})
    assert response.status_code == 400
    assert "unit" in response.context["form"].errors


def test_staff_pages_list_and_show_visible_proposals_only(tree: Tree, personas: Personas) -> None:
    p = submit(tree.county_dept)
    client = Client()
    client.force_login(personas.registrar_a)
    assert p.number in client.get(reverse("proposals:desk")).content.decode()
    assert client.get(reverse("proposals:detail", args=[p.pk])).status_code == 200
    client.force_login(personas.outsider)
    assert p.number not in client.get(reverse("proposals:desk")).content.decode()
    assert client.get(reverse("proposals:detail", args=[p.pk])).status_code == 404


def test_figures_equal_an_independent_count(tree: Tree, personas: Personas) -> None:
    for outcome in (Outcome.ADOPTED, Outcome.PARTLY_ADOPTED, Outcome.NOT_ADOPTED, Outcome.NOT_ADOPTED):
        _decided(tree, personas, outcome)
    submit(tree.county_dept)  # received, not decided
    submit(tree.county2_housing)  # another county: outside the A1 petition department's scope
    old = submit(tree.county_dept)
    Proposal.objects.filter(pk=old.pk).update(received_on=timeutil.today() - dt.timedelta(days=400))

    start, end = timeutil.today() - dt.timedelta(days=30), timeutil.today()
    figures = proposal_figures(personas.registrar_a, start, end)

    scope = tree.county.path  # a 信访部门 oversees its level: the county government's subtree
    mine = [
        p
        for p in Proposal.objects.select_related("receiving_unit", "owning_unit")
        if p.receiving_unit.path.startswith(scope) or (p.owning_unit and p.owning_unit.path.startswith(scope))
    ]
    received = sum(1 for p in mine if start <= p.received_on <= end)
    decided = [p for p in mine if p.decided_on is not None and start <= p.decided_on <= end]
    adopted = sum(1 for p in decided if p.outcome in ADOPTED_OUTCOMES)
    assert (figures.received, figures.decided, figures.adopted) == (received, len(decided), adopted) == (5, 4, 2)
    assert str(figures.adoption_rate) == "50.0"
    assert proposal_figures(personas.outsider, start, end).adoption_rate is None
