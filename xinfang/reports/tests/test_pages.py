"""The report page (/workbench/reports/<id>/): rates shown as percentages, and the issue form choosing the
responsible unit and the 联席会议 sitting from selects limited to what the issuer may choose."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client

from xinfang.joint import services as joint
from xinfang.reports import services
from xinfang.reports.models import ReportIssue, ReportStatus
from xinfang.stats.tests.cases import at, build

pytestmark = pytest.mark.django_db

MARCH = dt.date(2025, 3, 1)
APRIL_2 = dt.date(2025, 4, 2)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _meeting(head: Any, unit: Any, name: str, member: Any) -> Any:
    conference = joint.conference_create(actor=head, unit=unit, name=name, members=[member])
    return joint.meeting_create(
        actor=head, conference=conference, held_on=APRIL_2, convened_by="区委副书记", attendees=[member]
    )


def _options(html: str, select_id: str) -> dict[str, str]:
    select = re.search(rf'<select name="\w+" id="{select_id}">(.*?)</select>', html, re.S)
    assert select is not None, select_id
    return dict(re.findall(r'<option value="(\d+)">([^<]*)</option>', select.group(1)))


def test_the_figures_table_shows_rates_as_percentages(personas: Any, tree: Any, analyst: Any) -> None:
    build(personas, tree)
    with at(APRIL_2):
        report = services.report_draft_monthly(unit=tree.county_dept, month=MARCH, actor=analyst)
        html = _client(analyst).get(f"/workbench/reports/{report.pk}/").content.decode()
    rate = report.figures["kpis"]["on_time_closing_rate"]
    table = html[html.index('id="report-kpis"') : html.index("</table>", html.index('id="report-kpis"'))]
    assert rate is not None  # the built cases close items in March
    assert f"<td>{rate * 100:.1f}%</td>" in table
    received = report.figures["kpis"]["received"]
    assert f"<td>{received}</td>" in table  # a count stays a count


def test_the_issue_form_offers_only_units_of_the_area_and_meetings_the_issuer_may_use(
    personas: Any, tree: Any, dept_head: Any
) -> None:
    with at(APRIL_2):
        report = services.report_draft_monthly(unit=tree.county_dept, month=MARCH)
        own = _meeting(dept_head, tree.county, "A1区信访工作联席会议", tree.housing)
        elsewhere = _meeting(personas.outsider, tree.county2_housing, "A2区住建局联席会议", tree.county2_housing)
        html = _client(dept_head).get(f"/workbench/reports/{report.pk}/").content.decode()
    units = _options(html, "issue-unit")
    assert str(tree.housing.pk) in units and str(tree.county_dept.pk) in units
    assert str(tree.county2_housing.pk) not in units and str(tree.city_housing.pk) not in units
    meetings = _options(html, "issue-meeting")
    assert str(own.pk) in meetings and str(elsewhere.pk) not in meetings


def test_issuing_from_the_page_with_chosen_unit_and_meeting_makes_the_problem(
    personas: Any, tree: Any, dept_head: Any
) -> None:
    with at(APRIL_2):
        report = services.report_draft_monthly(unit=tree.county_dept, month=MARCH)
        meeting = _meeting(dept_head, tree.county, "A1区信访工作联席会议", tree.housing)
        client = _client(dept_head)
        form = {"title": "物业服务纠纷集中", "unit": tree.housing.pk, "due": "2025-04-30", "meeting": meeting.pk}
        assert client.post(f"/workbench/reports/{report.pk}/issue/", form).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ISSUED
    assert ReportIssue.objects.get(report=report).unit == tree.housing


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"unit": "county2"}, "unit"),  # a unit outside the report's area (resolved in the test)
        ({"unit": "²"}, "unit"),
        ({"unit": "99999999999999999999999"}, "unit"),
        ({"meeting": "x"}, "meeting"),
        ({"meeting": "999999"}, "meeting"),
        ({"due": "30.4.2025"}, "due"),
    ],
)
def test_a_bad_issue_form_is_refused_with_a_4xx_naming_the_field(
    personas: Any, tree: Any, dept_head: Any, change: dict[str, str], field: str
) -> None:
    with at(APRIL_2):
        report = services.report_draft_monthly(unit=tree.county_dept, month=MARCH)
        meeting = _meeting(dept_head, tree.county, "A1区信访工作联席会议", tree.housing)
        form: dict[str, Any] = {
            "title": "物业纠纷",
            "unit": tree.housing.pk,
            "due": "2025-04-30",
            "meeting": meeting.pk,
        }
        form.update(change)
        if form["unit"] == "county2":
            form["unit"] = tree.county2_housing.pk
        response = _client(dept_head).post(f"/workbench/reports/{report.pk}/issue/", form)
    assert response.status_code == 400
    assert f'id="error-{field}"' in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
