"""Draft → edit → issue; 突出问题 become 联席会议 agenda items and assignments; next month lists their feedback;
the monthly job runs on the first working day only and is idempotent; the .docx holds charts and tables."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
import pytest
from rest_framework.test import APIClient

from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.joint import services as joint
from xinfang.reports import services
from xinfang.reports.docx import render_docx
from xinfang.reports.models import Report, ReportKind, ReportStatus
from xinfang.stats.tests.cases import at, build
from xinfang.supervision.assignments import assignment_complete
from xinfang.supervision.models import AssignmentSource

MARCH = dt.date(2025, 3, 1)
APRIL_2 = dt.date(2025, 4, 2)


def _meeting(head: Any, tree: Any) -> Any:
    conference = joint.conference_create(
        actor=head, unit=tree.county, name="A1区信访工作联席会议", members=[tree.housing]
    )
    return joint.meeting_create(
        actor=head, conference=conference, held_on=APRIL_2, convened_by="区委副书记", attendees=[tree.housing]
    )


def test_edit_changes_the_text_and_recomputes_the_figures(personas: Any, tree: Any, analyst: Any) -> None:
    with at(APRIL_2):
        report = services.report_draft_monthly(unit=tree.county_dept, month=MARCH, actor=analyst)
        assert report.figures["kpis"]["received"] == 0
    build(personas, tree)  # petitions of March arrive later (e.g. registered late): the draft's figures follow
    with at(APRIL_2):
        report = services.report_edit(actor=analyst, report=report, sections={"analysis": "住建领域反映集中。"})
    assert report.sections["analysis"] == "住建领域反映集中。"
    assert report.figures["kpis"]["received"] == 4
    with pytest.raises(InvalidInput) as error:
        services.report_edit(actor=analyst, report=report, sections={"nonsense": "x"})
    assert error.value.field == "sections"


def test_issuing_makes_each_problem_an_agenda_item_and_an_assignment_and_freezes_the_report(
    personas: Any, tree: Any, analyst: Any, dept_head: Any
) -> None:
    with at(APRIL_2):
        report = services.report_draft_monthly(unit=tree.county_dept, month=MARCH)
        meeting = _meeting(dept_head, tree)
        with pytest.raises(NotPermitted):  # an analyst drafts; a head or leader issues
            services.report_issue(actor=analyst, report=report)
        problem = services.ProblemSpec(
            title="物业服务纠纷集中", unit=tree.housing, due=dt.date(2025, 4, 30), description="规范物业收费"
        )
        with pytest.raises(InvalidInput) as error:
            services.report_issue(actor=dept_head, report=report, problems=[problem])
        assert error.value.field == "meeting"
        report = services.report_issue(actor=dept_head, report=report, problems=[problem], meeting=meeting)
    assert report.status == ReportStatus.ISSUED and report.issued_by == dept_head and report.issued_at is not None
    issue = report.issues.get()
    assert issue.agenda_item is not None and issue.agenda_item.reference == f"report:{report.pk}"
    assignment = issue.assignment
    assert (assignment.source, assignment.source_id, assignment.unit_id) == (
        AssignmentSource.REPORT,
        report.pk,
        tree.housing.pk,
    )
    with pytest.raises(RuleViolation):
        services.report_edit(actor=analyst, report=report, sections={"analysis": "改"})
    with pytest.raises(RuleViolation):
        services.report_issue(actor=dept_head, report=report)


def test_next_months_report_lists_last_months_problems_with_their_feedback(
    personas: Any, tree: Any, dept_head: Any
) -> None:
    with at(APRIL_2):
        report = services.report_draft_monthly(unit=tree.county_dept, month=MARCH)
        problems = [
            services.ProblemSpec(title="物业服务纠纷集中", unit=tree.housing, due=dt.date(2025, 4, 20)),
            services.ProblemSpec(title="征地补偿", unit=tree.housing, due=dt.date(2025, 4, 10)),
        ]
        report = services.report_issue(
            actor=dept_head, report=report, problems=problems, meeting=_meeting(dept_head, tree)
        )
    first = report.issues.order_by("id").first()
    assert first is not None
    with at(dt.date(2025, 4, 15)):
        assignment_complete(actor=personas.handler_b, assignment=first.assignment, result="已约谈物业公司")
    with at(dt.date(2025, 5, 6)):
        april = services.report_draft_monthly(unit=tree.county_dept, month=dt.date(2025, 4, 1))
    rows = april.figures["last_month_issues"]
    assert [(r["title"], r["status"]) for r in rows] == [("物业服务纠纷集中", "done"), ("征地补偿", "overdue")]
    assert rows[0]["result"] == "已约谈物业公司"


def test_the_monthly_job_runs_on_the_first_working_day_only_and_is_idempotent(tree: Any) -> None:
    # 2025-06-01 is a Sunday and 06-02 the Dragon Boat holiday: the first working day of June is 06-03.
    assert services.reports_draft_monthly(dt.date(2025, 6, 2)) == 0
    with at(dt.date(2025, 6, 3)):
        made = services.reports_draft_monthly(dt.date(2025, 6, 3))
        again = services.reports_draft_monthly(dt.date(2025, 6, 3))
    # the city and the county petition departments of the tree (the province is not a monthly level)
    assert made == 2 and again == 0
    assert set(Report.objects.filter(kind=ReportKind.MONTHLY).values_list("unit_id", "period_start")) == {
        (tree.city_dept.pk, dt.date(2025, 5, 1)),
        (tree.county_dept.pk, dt.date(2025, 5, 1)),
    }


def test_only_petition_department_staff_draft_and_only_future_months_are_refused(personas: Any, tree: Any) -> None:
    with at(APRIL_2):
        with pytest.raises(NotPermitted):
            services.report_draft_monthly(unit=tree.county_dept, month=MARCH, actor=personas.handler_b)
        with pytest.raises(InvalidInput) as error:
            services.report_draft_monthly(unit=tree.county_dept, month=dt.date(2025, 4, 1))
        assert error.value.field == "month"
        with pytest.raises(InvalidInput):
            services.report_draft_monthly(unit=tree.housing, month=MARCH)


def _open(content: bytes) -> Any:
    return docx.Document(io.BytesIO(content))


def test_the_monthly_docx_opens_and_holds_charts_and_their_tables(personas: Any, tree: Any) -> None:
    build(personas, tree)
    with at(APRIL_2):
        report = services.report_draft_monthly(unit=tree.county_dept, month=MARCH)
    document = _open(render_docx(report))
    assert len(document.inline_shapes) >= 2  # the 12-month trend and the top categories at least
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert ["月份", "信访总量"] in headers
    assert any(h[:3] == ["排名", "名称", "件数"] for h in headers)
    assert "草稿 · 未签发" in document.sections[0].header.paragraphs[0].text


def test_the_annual_docx_holds_the_art_41_content(personas: Any, tree: Any) -> None:
    build(personas, tree)
    with at(dt.date(2026, 1, 10)):
        report = services.report_draft_annual(unit=tree.county_dept, year=2025)
    assert report.figures["kpis"]["received"] == 5  # the repeat petition of April included
    document = _open(render_docx(report))
    text = "\n".join(p.text for p in document.paragraphs)
    for heading in ("被投诉较多的机关、单位", "督办和建议及采纳情况", "巡视巡察"):
        assert heading in text
    assert len(document.inline_shapes) >= 3
    headers = [[c.text for c in t.rows[0].cells] for t in document.tables]
    assert ["建议类别", "提出", "采纳", "部分采纳", "不予采纳"] in headers


def test_api_drafts_reads_edits_issues_and_downloads(personas: Any, tree: Any, analyst: Any, dept_head: Any) -> None:
    client = APIClient()
    client.force_authenticate(analyst)
    with at(APRIL_2):
        r = client.post("/api/v1/reports/", {"kind": "monthly", "month": "2025-03"}, format="json")
        assert r.status_code == 201, r.content
        pk = r.json()["id"]
        bad = client.post("/api/v1/reports/", {"kind": "monthly"}, format="json")
        assert bad.status_code == 400 and "month" in bad.json()
        r = client.patch(f"/api/v1/reports/{pk}/", {"sections": {"summary": "总体平稳"}}, format="json")
        assert r.status_code == 200 and r.json()["sections"]["summary"] == "总体平稳"
        assert client.post(f"/api/v1/reports/{pk}/issue/", {}, format="json").status_code == 403
        r = client.get(f"/api/v1/reports/{pk}/docx/")
        assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
        head = APIClient()
        head.force_authenticate(dept_head)
        unknown = head.post(f"/api/v1/reports/{pk}/issue/", {"meeting": 999999}, format="json")
        assert unknown.status_code == 400 and unknown.json()["field"] == "meeting"
        assert head.post(f"/api/v1/reports/{pk}/issue/", {}, format="json").json()["status"] == "issued"
    outsider = APIClient()
    outsider.force_authenticate(personas.handler_b)
    assert outsider.get(f"/api/v1/reports/{pk}/").status_code == 404
    assert outsider.get("/api/v1/reports/").json()["results"] == []


def test_pages_list_draft_and_show_for_staff_and_refuse_others(personas: Any, tree: Any, analyst: Any) -> None:
    from django.test import Client

    client = Client()
    client.force_login(analyst)
    with at(APRIL_2):
        r = client.post("/workbench/reports/draft/", {"kind": "monthly", "month": "2025-03"})
        assert r.status_code == 302
        pk = Report.objects.get().pk
        assert client.get("/workbench/reports/").status_code == 200
        assert client.get(f"/workbench/reports/{pk}/").status_code == 200
        assert client.post("/workbench/reports/draft/", {"kind": "monthly", "month": "2025-13"}).status_code == 400
        assert client.get(f"/workbench/reports/{pk}/docx/").status_code == 200
    other = Client()
    other.force_login(personas.handler_b)
    assert other.get(f"/workbench/reports/{pk}/").status_code == 404
    assert other.get("/workbench/reports/x/").status_code == 404
