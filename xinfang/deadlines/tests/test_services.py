from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from xinfang.deadlines.models import HolidayOverride, LocalTarget
from xinfang.deadlines.rules import ClockKind, DayKind
from xinfang.deadlines.services import deadline_for, get_calendar, local_target_for
from xinfang.orgs.models import Unit

pytestmark = pytest.mark.django_db

D = dt.date


# --- get_calendar / deadline_for ------------------------------------------------------------------------------


def test_get_calendar_applies_overrides_for_a_year_the_package_does_not_know():
    HolidayOverride.objects.create(day=D(2027, 2, 8), is_workday=False, name="春节")
    HolidayOverride.objects.create(day=D(2027, 2, 7), is_workday=True, name="春节")
    calendar = get_calendar()
    assert not calendar.is_workday(D(2027, 2, 8))
    assert calendar.is_makeup_workday(D(2027, 2, 7))
    assert calendar.holiday_name(D(2027, 2, 8)) == "春节"


def test_get_calendar_is_cached_between_calls(django_assert_num_queries):
    HolidayOverride.objects.create(day=D(2027, 2, 8), is_workday=False, name="春节")
    get_calendar()
    with django_assert_num_queries(0):
        assert not get_calendar().is_workday(D(2027, 2, 8))


def test_saving_and_deleting_an_override_invalidates_the_cached_calendar():
    assert get_calendar().is_workday(D(2027, 3, 1))  # cached with no overrides
    override = HolidayOverride.objects.create(day=D(2027, 3, 1), is_workday=False, name="测试")
    assert not get_calendar().is_workday(D(2027, 3, 1))
    override.is_workday = True
    override.save()
    assert get_calendar().is_workday(D(2027, 3, 1))
    assert get_calendar().is_known(D(2027, 3, 1))
    override.delete()
    assert not get_calendar().is_known(D(2027, 3, 1))


def test_bulk_delete_invalidates_the_cached_calendar():
    HolidayOverride.objects.create(day=D(2027, 3, 1), is_workday=False)
    assert not get_calendar().is_workday(D(2027, 3, 1))
    HolidayOverride.objects.all().delete()  # what the admin's "delete selected" action does
    assert get_calendar().is_workday(D(2027, 3, 1))


def test_saving_an_override_in_the_admin_invalidates_the_cached_calendar(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    client.force_login(admin_user)
    assert get_calendar().is_workday(D(2027, 3, 1))
    response = client.post(
        reverse("admin:deadlines_holidayoverride_add"),
        {"day": "2027-03-01", "name": "测试", "note": "国办发明电〔2026〕X号"},  # is_workday unticked
    )
    assert response.status_code == 302, response.content
    assert not get_calendar().is_workday(D(2027, 3, 1))


def test_deadline_for_uses_the_override_table_art_23():
    HolidayOverride.objects.create(day=D(2027, 2, 7), is_workday=True, name="春节")
    for day in range(8, 13):
        HolidayOverride.objects.create(day=D(2027, 2, day), is_workday=False, name="春节")
    deadline = deadline_for(start=D(2027, 2, 4), days=5, kind=DayKind.WORKING)
    assert deadline.due == D(2027, 2, 17)
    assert deadline.estimated  # 2027's other days still come from the estimate


def test_deadline_for_known_year_without_overrides_civil_code_art_203():
    assert deadline_for(start=D(2025, 9, 17), days=15, kind=DayKind.CALENDAR).due == D(2025, 10, 9)


# --- local_target_for -----------------------------------------------------------------------------------------


def make_unit(name: str, code: str, level: str, parent: Unit | None = None) -> Unit:
    return Unit.objects.create(
        name=name, code=code, division_code="430000", level=level, unit_type="government", parent=parent
    )


@pytest.fixture
def tree() -> tuple[Unit, Unit, Unit]:
    province = make_unit("省", "U0001", "province")
    city = make_unit("市", "U0002", "city", province)
    county = make_unit("县", "U0003", "county", city)
    return province, city, county


def applicable(unit: Unit, kind: str, *, first_time: bool) -> LocalTarget:
    found = local_target_for(unit=unit, kind=kind, first_time=first_time)
    assert found is not None
    return found


def test_local_target_nearest_ancestor_wins(tree, django_assert_num_queries):
    province, city, county = tree
    LocalTarget.objects.create(unit=province, kind=ClockKind.FEEDBACK, days=30, label="省30天")
    LocalTarget.objects.create(unit=city, kind=ClockKind.FEEDBACK, days=7, label="7天反馈")
    # The units that have a target (cached for every path), then the nearest target on this path.
    with django_assert_num_queries(2):
        target = local_target_for(unit=county, kind=ClockKind.FEEDBACK, first_time=False)
        assert target is not None
        assert target.unit == city  # select_related: no second query
    assert target.label == "7天反馈"
    assert applicable(province, ClockKind.FEEDBACK, first_time=False).label == "省30天"


def test_local_target_own_unit_beats_ancestors(tree):
    province, _city, county = tree
    LocalTarget.objects.create(unit=province, kind=ClockKind.HANDLE, days=30)
    LocalTarget.objects.create(unit=county, kind=ClockKind.HANDLE, days=21, label="21天办结")
    assert applicable(county, ClockKind.HANDLE, first_time=False).days == 21


def test_local_target_without_include_subtree_does_not_apply_to_children(tree):
    province, city, county = tree
    LocalTarget.objects.create(unit=city, kind=ClockKind.HANDLE, days=21, include_subtree=False)
    assert local_target_for(unit=county, kind=ClockKind.HANDLE, first_time=False) is None
    assert applicable(city, ClockKind.HANDLE, first_time=False).days == 21
    # A farther ancestor whose target does cover the subtree still applies below the city.
    LocalTarget.objects.create(unit=province, kind=ClockKind.HANDLE, days=45)
    assert applicable(county, ClockKind.HANDLE, first_time=False).days == 45


def test_local_target_first_time_only_applies_to_first_time_items(tree):
    province, _city, county = tree
    LocalTarget.objects.create(unit=province, kind=ClockKind.ROUTE, days=10)
    LocalTarget.objects.create(unit=county, kind=ClockKind.ROUTE, days=3, first_time_only=True, label="3天见面")
    assert applicable(county, ClockKind.ROUTE, first_time=True).label == "3天见面"
    assert applicable(county, ClockKind.ROUTE, first_time=False).days == 10


def test_local_target_is_per_clock_kind_and_other_branches_do_not_leak(tree):
    province, city, _county = tree
    sibling = make_unit("另一市", "U0004", "city", province)
    LocalTarget.objects.create(unit=city, kind=ClockKind.ROUTE, days=3)
    assert local_target_for(unit=sibling, kind=ClockKind.ROUTE, first_time=True) is None
    assert local_target_for(unit=city, kind=ClockKind.HANDLE, first_time=True) is None


def test_local_target_days_must_be_positive(tree):
    from django.db import IntegrityError, transaction

    _province, city, _county = tree
    with pytest.raises(IntegrityError), transaction.atomic():
        LocalTarget.objects.create(unit=city, kind=ClockKind.ROUTE, days=0)


# --- the cached lookup (every public submission opens a clock and asks; issue 9, intake under load) -------------


def test_local_target_lookup_is_cached_until_a_target_changes(tree, django_assert_num_queries):
    _province, city, county = tree
    LocalTarget.objects.create(unit=city, kind=ClockKind.HANDLE, days=21, label="21天办结")
    assert applicable(county, ClockKind.HANDLE, first_time=False).days == 21
    assert local_target_for(unit=county, kind=ClockKind.ROUTE, first_time=False) is None
    with django_assert_num_queries(0):
        assert applicable(county, ClockKind.HANDLE, first_time=False).days == 21
        assert local_target_for(unit=county, kind=ClockKind.ROUTE, first_time=False) is None  # None is cached too
    stricter = LocalTarget.objects.create(unit=county, kind=ClockKind.HANDLE, days=15, label="15天办结")
    assert applicable(county, ClockKind.HANDLE, first_time=False).days == 15  # saving bumped the version
    stricter.days = 10
    stricter.save()
    assert applicable(county, ClockKind.HANDLE, first_time=False).days == 10
    stricter.delete()
    assert applicable(county, ClockKind.HANDLE, first_time=False).days == 21


def test_a_path_without_any_target_is_answered_without_a_query(tree, django_assert_num_queries):
    province, city, county = tree
    sibling = make_unit("另一市", "U0004", "city", province)
    LocalTarget.objects.create(unit=sibling, kind=ClockKind.ROUTE, days=3)
    assert local_target_for(unit=county, kind=ClockKind.ROUTE, first_time=True) is None  # reads the target units
    with django_assert_num_queries(0):  # a path of units none of which has a target: no per-path query at all
        assert local_target_for(unit=county, kind=ClockKind.HANDLE, first_time=False) is None
        assert local_target_for(unit=city, kind=ClockKind.ROUTE, first_time=True) is None
    LocalTarget.objects.create(unit=province, kind=ClockKind.ROUTE, days=10)  # now one on the path: seen at once
    assert applicable(county, ClockKind.ROUTE, first_time=True).days == 10


def test_a_unit_moved_in_the_tree_gets_its_new_ancestors_targets(tree):
    province, city, county = tree
    LocalTarget.objects.create(unit=city, kind=ClockKind.HANDLE, days=21)
    other = make_unit("另一市", "U0004", "city", province)
    LocalTarget.objects.create(unit=other, kind=ClockKind.HANDLE, days=25)
    assert applicable(county, ClockKind.HANDLE, first_time=False).days == 21
    county.parent = other
    county.save()  # a new path: the cache key names the ancestors, no target changed
    assert applicable(county, ClockKind.HANDLE, first_time=False).days == 25
