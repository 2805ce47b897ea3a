"""Unit and staff services: validation, the one-statement subtree move, bulk creation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from xinfang.core.errors import InvalidInput
from xinfang.orgs.models import SEGMENT, Level, Role, Unit, UnitType, User, path_segment
from xinfang.orgs.services import (
    MAX_TREE_LEVELS,
    bulk_create_units,
    staff_create,
    unit_create,
    unit_move,
)
from xinfang.orgs.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _create(**overrides):
    fields = {
        "name": "新单位",
        "code": "NEW0001",
        "division_code": "990101",
        "level": Level.COUNTY,
        "unit_type": UnitType.FUNCTIONAL_DEPT,
    }
    return unit_create(**{**fields, **overrides})


def _assert_paths_consistent():
    for unit in Unit.objects.select_related("parent"):
        expected = (unit.parent.path if unit.parent else "") + path_segment(unit.pk)
        assert unit.path == expected, unit.name
        assert unit.depth == len(unit.path) // SEGMENT - 1, unit.name


# --- unit_create ---------------------------------------------------------------------------------------------


def test_unit_create_places_the_unit_under_its_parent(tree):
    unit = _create(parent=tree["县政府"], address="县府路1号")
    assert unit.path == tree["县政府"].path + path_segment(unit.pk)
    assert unit.depth == 3
    assert unit.address == "县府路1号"


def test_unit_create_township_needs_a_nine_digit_division_code(tree):
    with pytest.raises(InvalidInput) as exc:
        _create(parent=tree["镇政府"], level=Level.TOWNSHIP, division_code="990101")
    assert exc.value.field == "division_code"
    with translation.override("en"):
        assert "9 digits" in str(exc.value.message)
    assert _create(parent=tree["镇政府"], level=Level.TOWNSHIP, division_code="990101001").pk


def test_unit_create_county_needs_a_six_digit_division_code(tree):
    with pytest.raises(InvalidInput) as exc:
        _create(parent=tree["县政府"], division_code="990101001")
    assert exc.value.field == "division_code"


def test_unit_create_refuses_a_level_above_the_parents(tree):
    with pytest.raises(InvalidInput) as exc:
        _create(parent=tree["县政府"], level=Level.CITY)
    assert exc.value.field == "level"
    assert not Unit.objects.filter(code="NEW0001").exists()


def test_unit_create_reports_a_taken_code_as_a_code_error(tree):
    with pytest.raises(InvalidInput) as exc:
        _create(parent=tree["县政府"], code=tree["县政府"].code)
    assert exc.value.field == "code"


def test_unit_create_reports_a_malformed_code_naming_the_field(tree):
    with pytest.raises(InvalidInput) as exc:
        _create(parent=tree["县政府"], code="bad code")
    assert exc.value.field == "code"
    assert "单位代码" in str(exc.value.message)  # the message names the field in the default language


def test_unit_create_uses_the_parents_current_path_even_if_the_instance_is_stale(tree):
    stale_county = tree["县政府"]
    unit_move(unit=Unit.objects.get(pk=stale_county.pk), new_parent=tree["外省市政府"])
    unit = _create(parent=stale_county)  # stale_county.path is the pre-move path
    assert unit.path.startswith(tree["外省市政府"].path)
    _assert_paths_consistent()


def test_unit_create_refuses_a_tree_deeper_than_the_path_column_holds(db):
    parent = None
    for _ in range(MAX_TREE_LEVELS):
        parent = UnitFactory.create(parent=parent, level=Level.TOWNSHIP, division_code="990101001")
    with pytest.raises(InvalidInput) as exc:
        _create(parent=parent, level=Level.TOWNSHIP, division_code="990101001")
    assert exc.value.field == "parent"


# --- unit_move -----------------------------------------------------------------------------------------------


def test_unit_move_rewrites_the_paths_of_the_whole_subtree(tree):
    county, town = tree["县政府"], tree["镇政府"]
    moved = unit_move(unit=county, new_parent=tree["外省市政府"])

    assert moved is county
    assert county.parent_id == tree["外省市政府"].pk
    assert county.path == tree["外省市政府"].path + path_segment(county.pk)
    town.refresh_from_db()
    assert town.path == county.path + path_segment(town.pk)
    assert town.parent_id == county.pk  # only the moved unit changes parent
    assert town.depth == 3
    _assert_paths_consistent()


def test_unit_move_keeps_subtree_and_ancestor_queries_right(tree):
    unit_move(unit=tree["县政府"], new_parent=tree["外省市政府"])
    assert [u.name for u in Unit.objects.subtree(Unit.objects.get(pk=tree["市政府"].pk))] == [
        "市政府",
        "市信访局",
        "另一县政府",
    ]
    assert [u.name for u in Unit.objects.subtree(Unit.objects.get(pk=tree["外省政府"].pk))] == [
        "外省政府",
        "外省市政府",
        "县政府",
        "镇政府",
    ]
    town = Unit.objects.get(pk=tree["镇政府"].pk)
    assert [u.name for u in Unit.objects.ancestors(town)] == ["外省政府", "外省市政府", "县政府"]


def test_unit_move_is_one_update_statement(tree):
    with CaptureQueriesContext(connection) as ctx:
        unit_move(unit=tree["县政府"], new_parent=tree["外省市政府"])
    updates = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    assert len(updates) == 1


def test_unit_move_up_changes_depths(tree):
    # A county moved directly under a province (as a 省直管县) is one level shallower, and so is its township.
    unit_move(unit=tree["县政府"], new_parent=tree["省政府"])
    assert Unit.objects.get(pk=tree["县政府"].pk).depth == 1
    assert Unit.objects.get(pk=tree["镇政府"].pk).depth == 2
    _assert_paths_consistent()


def test_unit_move_to_the_top_makes_a_root(tree):
    city = unit_move(unit=tree["市政府"], new_parent=None)
    assert city.parent_id is None
    assert city.path == path_segment(city.pk)
    assert city.depth == 0
    _assert_paths_consistent()


@pytest.mark.parametrize("target", ["县政府", "镇政府"])
def test_unit_move_refuses_moving_under_its_own_subtree(tree, target):
    before = dict(Unit.objects.values_list("pk", "path"))
    with pytest.raises(InvalidInput) as exc:
        unit_move(unit=tree["县政府"], new_parent=tree[target])
    assert exc.value.field == "parent"
    assert dict(Unit.objects.values_list("pk", "path")) == before


def test_unit_move_refuses_a_parent_at_a_lower_level(tree):
    with pytest.raises(InvalidInput) as exc:
        unit_move(unit=tree["市政府"], new_parent=UnitFactory.create(parent=tree["外省市政府"], level=Level.COUNTY))
    assert exc.value.field == "level"


def test_unit_move_to_the_same_parent_writes_nothing(tree):
    with CaptureQueriesContext(connection) as ctx:
        unit_move(unit=tree["县政府"], new_parent=tree["市政府"])
    assert not [q for q in ctx.captured_queries if q["sql"].upper().startswith("UPDATE")]


# --- bulk_create_units ---------------------------------------------------------------------------------------


def _new(code, parent, level=Level.CITY, division="990100", unit_type=UnitType.GOVERNMENT):
    return Unit(name=code, code=code, division_code=division, level=level, unit_type=unit_type, parent=parent)


def test_bulk_create_units_orders_by_depth_and_sets_paths(tree):
    city = _new("BULKCITY", tree["省政府"])
    county = _new("BULKCOUNTY", city, Level.COUNTY, "990101")
    town = _new("BULKTOWN", county, Level.TOWNSHIP, "990101001")
    root = _new("BULKROOT", None, Level.PROVINCE, "990000")
    # Children listed before their parents on purpose.
    created = bulk_create_units([town, county, root, city])

    assert {u.code for u in created} == {"BULKCITY", "BULKCOUNTY", "BULKTOWN", "BULKROOT"}
    assert city.path == tree["省政府"].path + path_segment(city.pk)
    assert town.path == county.path + path_segment(town.pk)
    assert root.path == path_segment(root.pk)
    assert (city.depth, county.depth, town.depth, root.depth) == (1, 2, 3, 0)
    town.refresh_from_db()
    assert town.parent_id == county.pk
    _assert_paths_consistent()


def test_bulk_create_units_uses_a_few_statements_per_level(tree):
    city = _new("BULKCITY", tree["省政府"])
    counties = [_new(f"BULKC{i:03d}", city, Level.COUNTY, "990101") for i in range(50)]
    with CaptureQueriesContext(connection) as ctx:
        bulk_create_units([city, *counties])
    assert len(ctx.captured_queries) < 12


def test_bulk_create_units_refuses_a_code_repeated_in_the_batch(tree):
    with pytest.raises(InvalidInput) as exc:
        bulk_create_units([_new("DUPCODE1", tree["省政府"]), _new("DUPCODE1", tree["省政府"])])
    assert exc.value.field == "code"


def test_bulk_create_units_refuses_a_code_already_in_the_database(tree):
    with pytest.raises(InvalidInput) as exc:
        bulk_create_units([_new("FRESH001", tree["省政府"]), _new(tree["市政府"].code, tree["省政府"])])
    assert exc.value.field == "code"
    assert not Unit.objects.filter(code="FRESH001").exists()


def test_bulk_create_units_checks_division_codes_and_levels(tree):
    with pytest.raises(InvalidInput) as exc:
        bulk_create_units([_new("BADDIV01", tree["县政府"], Level.TOWNSHIP, "990101")])
    assert exc.value.field == "division_code"
    with pytest.raises(InvalidInput) as exc:
        bulk_create_units([_new("BADLVL01", tree["县政府"], Level.PROVINCE, "990000")])
    assert exc.value.field == "level"


# --- staff_create --------------------------------------------------------------------------------------------


def test_staff_create_sets_unit_profile_roles_and_password(tree):
    user = staff_create(
        username="zhangsan",
        password="s3cret-pass",
        unit=tree["县政府"],
        roles=[Role.HANDLER, Role.HEAD, Role.HANDLER],
        full_name="张三",
        staff_no="A001",
        title="科员",
    )
    user = User.objects.get(pk=user.pk)
    assert user.unit_id == tree["县政府"].pk
    assert (user.full_name, user.staff_no, user.title) == ("张三", "A001", "科员")
    assert user.role_set() == {Role.HANDLER, Role.HEAD}
    assert user.check_password("s3cret-pass")
    assert not user.is_staff


def test_staff_create_refuses_an_unknown_role_and_creates_nothing(tree):
    with pytest.raises(InvalidInput) as exc:
        staff_create(username="lisi", password="pw", unit=tree["县政府"], roles=["handler", "boss"])
    assert exc.value.field == "roles"
    assert "boss" in str(exc.value.message)
    assert not User.objects.filter(username="lisi").exists()


def test_staff_create_refuses_a_taken_username(tree, staff):
    with pytest.raises(InvalidInput) as exc:
        staff_create(username=staff.username, password="pw", unit=tree["县政府"], roles=[])
    assert exc.value.field == "username"
