"""专项工作 campaigns: the case list by rule and by hand, 双包案 from casework, 责任状, weekly progress and the rules
of 销号 — no 销号 without evidence, only once the case is closed as resolved (化解), the petitioner's view recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xinfang.assessment import reports, selectors, services
from xinfang.assessment.models import CampaignCase, PetitionerView
from xinfang.casework.models import BacklogCase, CaseStatus, Resolution
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation


def _resolve(case: BacklogCase) -> None:
    BacklogCase.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, outcome=Resolution.RESOLVED, closed_on=dt.date(2025, 6, 1)
    )


def test_case_list_by_rule_takes_the_confirmed_unclosed_backlog_cases_in_scope(personas: Any, world: Any) -> None:
    campaign, cases = world
    added = services.campaign_add_by_rule(actor=personas.city_dept_head, campaign=campaign)
    assert added == 2  # not the candidate, not the key case, not the case in A2区
    assert set(campaign.cases.values_list("case_id", flat=True)) == {cases[0].pk, cases[1].pk}
    assert services.campaign_add_by_rule(actor=personas.city_dept_head, campaign=campaign) == 0  # idempotent
    services.campaign_add_case(actor=personas.city_dept_head, campaign=campaign, case=cases[3])  # by hand
    with pytest.raises(InvalidInput) as err:  # out of scope
        services.campaign_add_case(actor=personas.city_dept_head, campaign=campaign, case=cases[4])
    assert err.value.field == "case"
    with pytest.raises(RuleViolation):  # a candidate is not a confirmed case
        services.campaign_add_case(actor=personas.city_dept_head, campaign=campaign, case=cases[2])


def test_no_sign_off_without_evidence_nor_before_the_case_is_resolved(personas: Any, world: Any) -> None:
    campaign, cases = world
    services.campaign_add_by_rule(actor=personas.city_dept_head, campaign=campaign)
    entry = CampaignCase.objects.get(campaign=campaign, case=cases[0])
    with pytest.raises(RuleViolation) as not_resolved:  # still in charge: not resolved in casework terms
        services.campaign_case_sign_off(
            actor=personas.city_dept_head, entry=entry, evidence="息访承诺书", petitioner_view="satisfied"
        )
    assert not_resolved.value.code == "not_resolved"
    BacklogCase.objects.filter(pk=cases[0].pk).update(status=CaseStatus.CLOSED, outcome=Resolution.PARTLY)
    with pytest.raises(RuleViolation):  # closed but only partly resolved
        services.campaign_case_sign_off(
            actor=personas.city_dept_head, entry=entry, evidence="息访承诺书", petitioner_view="satisfied"
        )
    _resolve(cases[0])
    with pytest.raises(InvalidInput) as no_evidence:
        services.campaign_case_sign_off(actor=personas.city_dept_head, entry=entry, evidence=" ", petitioner_view="not")
    assert no_evidence.value.field == "evidence"
    with pytest.raises(InvalidInput) as no_view:
        services.campaign_case_sign_off(
            actor=personas.city_dept_head, entry=entry, evidence="回访记录", petitioner_view=""
        )
    assert no_view.value.field == "petitioner_view"
    services.campaign_case_sign_off(
        actor=personas.city_dept_head, entry=entry, evidence="回访记录", petitioner_view=PetitionerView.UNREACHABLE
    )
    entry.refresh_from_db()
    assert entry.signed_off_on and entry.petitioner_view == "unreachable" and entry.evidence == "回访记录"
    with pytest.raises(RuleViolation):  # once
        services.campaign_case_sign_off(
            actor=personas.city_dept_head, entry=entry, evidence="x", petitioner_view="satisfied"
        )


def test_board_shows_progress_against_the_goal_and_double_ownership(personas: Any, world: Any) -> None:
    campaign, cases = world
    services.campaign_add_by_rule(actor=personas.city_dept_head, campaign=campaign)
    board = selectors.board(campaign)
    assert (board.total, board.in_charge, board.double_owned, board.signed_off, board.on_track) == (2, 1, 1, 0, False)
    _resolve(cases[0])
    entry = CampaignCase.objects.get(campaign=campaign, case=cases[0])
    services.campaign_case_sign_off(
        actor=personas.city_dept_head, entry=entry, evidence="协议", petitioner_view="basically"
    )
    board = selectors.board(campaign)
    assert (board.resolved, board.signed_off, board.rate, board.on_track) == (1, 1, 0.5, True)  # goal 0.5


def test_pledges_and_weekly_progress_are_recorded(personas: Any, tree: Any, world: Any) -> None:
    campaign, _cases = world
    services.pledge_record(
        actor=personas.city_dept_head, campaign=campaign, unit=tree.housing, signed_by="赵局长",
        signed_on=dt.date(2025, 1, 10), text="确保年内化解率不低于50%",
    )  # fmt: skip
    with pytest.raises(InvalidInput):  # once per unit
        services.pledge_record(
            actor=personas.city_dept_head, campaign=campaign, unit=tree.housing, signed_by="x",
            signed_on=dt.date(2025, 1, 10), text="y",
        )  # fmt: skip
    with pytest.raises(InvalidInput):  # outside the scope
        services.pledge_record(
            actor=personas.city_dept_head, campaign=campaign, unit=tree.county2_housing, signed_by="x",
            signed_on=dt.date(2025, 1, 10), text="y",
        )  # fmt: skip
    services.campaign_add_by_rule(actor=personas.city_dept_head, campaign=campaign)
    progress = services.campaign_progress_add(actor=personas.city_dept_head, campaign=campaign, text="本周走访2件")
    assert progress.figures["total"] == 2 and progress.week_start.weekday() == 0
    with pytest.raises(NotPermitted):  # a handler of a unit in scope does not run the campaign
        services.campaign_progress_add(actor=personas.handler_b, campaign=campaign, text="x")


def test_campaign_report_docx_opens_and_holds_the_board(personas: Any, world: Any) -> None:
    import io

    import docx

    campaign, _cases = world
    services.campaign_add_by_rule(actor=personas.city_dept_head, campaign=campaign)
    document = docx.Document(io.BytesIO(reports.campaign_docx(personas.city_dept_head, campaign)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "化解信访积案专项工作" in text
    assert document.tables and any("A1区住房和城乡建设局" in c.text for c in document.tables[0]._cells)
