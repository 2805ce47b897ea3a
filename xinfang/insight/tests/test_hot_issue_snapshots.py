"""Hot issues in the product: the nightly job stores a snapshot per region; analysts list the regions in their
scope; the drill-down shows only the petitions the viewer may see."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from conftest import make_user
from xinfang.insight import selectors
from xinfang.insight.models import HotIssue, HotIssueMember
from xinfang.insight.services import HotIssueSettings, compute_hot_issues
from xinfang.insight.tasks import SCHEDULE, snapshot_hot_issues
from xinfang.insight.tests.test_dedup import ORIGINAL, RESUBMITTED, SAME_STREET_OTHER_MATTER
from xinfang.orgs.models import Role
from xinfang.petitions.models import Nature
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import register

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 10)
NOON = dt.datetime(2026, 3, 10, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))
THIRD = (
    "我们是A2区丽发新城的居民，小区南门外的混凝土搅拌站天天夜间施工，噪音和扬尘让老人孩子无法休息，"
    "多次反映没有结果，请求责令搅拌站停止夜间施工。"
)


def _person(n: int) -> list[PetitionerData]:
    return [PetitionerData(name=f"居民{n}", phone=f"1380000000{n}")]


@pytest.fixture
def mixing_plant(personas):
    """Three people about the mixing plant at 丽发新城 (two at A1区信访局, one at A1区政府), one other matter, and an
    accusation with the same words."""
    with time_machine.travel(NOON, tick=False):
        a, _ = register(
            personas.registrar_a,
            title="丽发新城搅拌站夜间施工噪音扰民",
            request=ORIGINAL,
            facts_and_reasons="",
            petitioners=_person(1),
        )
        b, _ = register(
            personas.registrar_a,
            title="丽发新城搅拌站噪音扰民",
            request=RESUBMITTED,
            facts_and_reasons="",
            petitioners=_person(2),
        )
        c, _ = register(
            personas.county_registrar,
            title="丽发新城搅拌站夜间施工扰民",
            request=THIRD,
            facts_and_reasons="",
            petitioners=_person(3),
            head_count=12,
            is_joint=True,
        )
        register(
            personas.registrar_a,
            title="丽发新城南门路灯不亮",
            request=SAME_STREET_OTHER_MATTER,
            facts_and_reasons="",
            petitioners=_person(4),
        )
        accusation, _ = register(
            personas.registrar_a,
            title="丽发新城搅拌站噪音扰民",
            request=ORIGINAL,
            facts_and_reasons="",
            petitioners=_person(5),
            nature=Nature.ACCUSATION,
        )
    return a, b, c, accusation


def _run() -> dict[str, int]:
    with time_machine.travel(NOON, tick=False):
        return compute_hot_issues(TODAY)


def test_the_job_stores_a_snapshot_per_region_with_its_member_petitions(personas, mixing_plant):
    a, b, c, _accusation = mixing_plant
    counts = _run()
    assert counts["regions"] == 2  # A市信访局 (city) and A1区信访局 (county); the province is not a region
    county = HotIssue.objects.get(unit=personas.registrar_a.unit, snapshot_on=TODAY, rank=1)
    assert county.unit_path == personas.registrar_a.unit.path
    assert (county.since, county.until) == (TODAY - dt.timedelta(days=30), TODAY)
    members = set(HotIssueMember.objects.filter(hot_issue=county).values_list("petition_id", flat=True))
    assert members == {a.pk, b.pk, c.pk}  # not the street lights, never the accusation (Art. 30)
    assert (county.petition_count, county.petitioner_count, county.signatures) == (3, 3, 11)
    assert "搅拌站" in county.place_people + county.description
    assert HotIssue.objects.filter(unit=personas.supervisor.unit, snapshot_on=TODAY).exists()


def test_running_the_job_again_the_same_day_replaces_the_snapshot(personas, mixing_plant):
    _run()
    first = set(HotIssue.objects.values_list("pk", flat=True))
    _run()
    assert HotIssue.objects.filter(snapshot_on=TODAY).count() == len(first)
    assert not HotIssue.objects.filter(pk__in=first).exists()


def test_the_celery_task_runs_the_job_nightly(personas, mixing_plant):
    assert SCHEDULE["insight.hot_issues"]["task"] == "xinfang.insight.tasks.snapshot_hot_issues"
    with time_machine.travel(NOON, tick=False):
        counts = snapshot_hot_issues()
    assert counts["hot_issues"] >= 2 and HotIssue.objects.filter(snapshot_on=TODAY).exists()


def test_a_single_petition_is_not_a_hot_issue(personas, mixing_plant, settings):
    settings.XINFANG_HOT_ISSUE_MIN_PETITIONS = 4
    _run()
    assert not HotIssue.objects.exists()
    assert HotIssueSettings.current().min_petitions == 4


def test_drill_down_lists_only_the_petitions_the_viewer_may_see(personas, mixing_plant):
    a, b, c, _ = mixing_plant
    _run()
    county = HotIssue.objects.get(unit=personas.registrar_a.unit, rank=1)
    # 陈区长 heads A1区政府 (no oversight role): the region is in his unit's subtree, but of its petitions he may
    # see only the one registered at A1区政府.
    head = personas.county_head
    assert [p.pk for p in selectors.hot_issue_petitions(head, county)] == [c.pk]
    api = APIClient()
    api.force_authenticate(head)
    listed = api.get(f"/api/v1/insight/hot-issues/{county.pk}/petitions/").json()["results"]
    assert [row["number"] for row in listed] == [c.number]
    api.force_authenticate(personas.supervisor)  # A市信访局 oversees A1区: all three
    listed = api.get(f"/api/v1/insight/hot-issues/{county.pk}/petitions/").json()["results"]
    assert {row["number"] for row in listed} == {a.number, b.number, c.number}


def test_regions_outside_the_viewers_scope_are_neither_listed_nor_opened(personas, mixing_plant):
    _run()
    analyst = make_user("analyst_a", personas.registrar_a.unit, Role.ANALYST)  # A1区信访局: A1区 only
    city = HotIssue.objects.filter(unit=personas.supervisor.unit).first()
    assert city is not None
    api = APIClient()
    api.force_authenticate(analyst)
    rows = api.get("/api/v1/insight/hot-issues/").json()["results"]
    assert rows and {r["region"]["id"] for r in rows} == {personas.registrar_a.unit.pk}
    assert api.get(f"/api/v1/insight/hot-issues/{city.pk}/petitions/").status_code == 404
    api.force_authenticate(personas.supervisor)
    regions = {r["region"]["id"] for r in api.get("/api/v1/insight/hot-issues/").json()["results"]}
    assert regions == {personas.registrar_a.unit.pk, personas.supervisor.unit.pk}


def test_hot_issue_pages_in_the_workbench(personas, mixing_plant, client):
    _run()
    county = HotIssue.objects.get(unit=personas.registrar_a.unit, rank=1)
    client.force_login(personas.county_head)
    listing = client.get("/workbench/insight/hot-issues/")
    assert listing.status_code == 200
    assert f"/workbench/insight/hot-issues/{county.pk}/" in listing.content.decode()
    detail = client.get(f"/workbench/insight/hot-issues/{county.pk}/")
    html = detail.content.decode()
    a, b, c, _ = mixing_plant
    assert c.number in html and a.number not in html and b.number not in html
    client.force_login(personas.registrar_a)  # no analyst, leader, supervisor or head role
    assert client.get("/workbench/insight/hot-issues/").status_code == 403
    client.force_login(personas.outsider)  # a head, but A2区住建局 oversees no region of this issue
    assert client.get(f"/workbench/insight/hot-issues/{county.pk}/").status_code == 404


def test_demo_builder_fingerprints_the_petitions_and_stores_one_snapshot(personas, mixing_plant):
    from xinfang.insight.demo import build_demo_insight
    from xinfang.insight.models import PetitionFingerprint

    PetitionFingerprint.objects.all().delete()
    with time_machine.travel(NOON, tick=False):
        counts = build_demo_insight(TODAY)
        again = build_demo_insight(TODAY)
    assert counts["fingerprinted"] == 5 and again["fingerprinted"] == 0  # idempotent
    assert counts["hot_issues"] == again["hot_issues"] >= 2
    assert set(HotIssue.objects.values_list("snapshot_on", flat=True)) == {TODAY}
