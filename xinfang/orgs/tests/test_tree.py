"""The materialised-path tree: one-query subtree/ancestor look-ups and the path helpers."""

from __future__ import annotations

import pytest

from xinfang.orgs.models import (
    Level,
    Unit,
    UnitType,
    common_superior_path,
    ids_in_path,
    path_segment,
    path_upper_bound,
)


def _unit(pk: int, parent: Unit | None, level: Level) -> Unit:
    division = "990101001" if level == Level.TOWNSHIP else "990101"
    unit = Unit(
        pk=pk,
        name=f"单位{pk}",
        code=f"T{pk:08d}",
        division_code=division,
        level=level,
        unit_type=UnitType.GOVERNMENT,
        parent=parent,
    )
    unit.save()
    return unit


@pytest.fixture
def digit_tree(db):
    """Ids with different digit counts, so that an unpadded prefix match ("1" in "10") would go wrong.

    1 ─┬─ 9 ── 100 ── 1000        99999999 ── 2
       └─ 10
    """
    u1 = _unit(1, None, Level.PROVINCE)
    u9 = _unit(9, u1, Level.CITY)
    u10 = _unit(10, u1, Level.CITY)
    u100 = _unit(100, u9, Level.COUNTY)
    u1000 = _unit(1000, u100, Level.TOWNSHIP)
    top = _unit(99999999, None, Level.PROVINCE)  # path of nines: the range has no upper bound
    u2 = _unit(2, top, Level.CITY)
    return {u.pk: u for u in (u1, u9, u10, u100, u1000, top, u2)}


def test_path_is_parent_path_plus_zero_padded_id(digit_tree):
    assert digit_tree[1000].path == "00000001000000090000010000001000"
    assert digit_tree[1000].depth == 3
    assert digit_tree[2].path == "9999999900000002"
    assert ids_in_path(digit_tree[1000].path) == [1, 9, 100, 1000]


@pytest.mark.parametrize(
    ("root", "expected"),
    [
        (1, [1, 9, 100, 1000, 10]),
        (9, [9, 100, 1000]),
        (10, [10]),
        (100, [100, 1000]),
        (1000, [1000]),
        (99999999, [99999999, 2]),
    ],
)
def test_subtree_is_one_query_and_exact_across_id_digit_counts(digit_tree, django_assert_num_queries, root, expected):
    with django_assert_num_queries(1):
        got = [u.pk for u in Unit.objects.subtree(digit_tree[root])]
    assert got == expected  # ordered by path: pre-order


def test_subtree_can_exclude_the_root(digit_tree):
    assert [u.pk for u in Unit.objects.subtree(digit_tree[9], include_self=False)] == [100, 1000]


@pytest.mark.parametrize(
    ("unit", "expected"),
    [(1000, [1, 9, 100]), (100, [1, 9]), (10, [1]), (1, []), (2, [99999999])],
)
def test_ancestors_are_one_query_root_first(digit_tree, django_assert_num_queries, unit, expected):
    # A root has no ancestors: Django answers `pk IN ()` without asking the database.
    with django_assert_num_queries(1 if expected else 0):
        got = [u.pk for u in Unit.objects.ancestors(digit_tree[unit])]
    assert got == expected


def test_ancestors_can_include_the_unit_itself(digit_tree):
    assert [u.pk for u in Unit.objects.ancestors(digit_tree[100], include_self=True)] == [1, 9, 100]


def test_four_level_fixture_tree_subtree_and_ancestors(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = [u.name for u in Unit.objects.subtree(tree["市政府"])]
    assert names == ["市政府", "市信访局", "县政府", "镇政府", "另一县政府"]
    with django_assert_num_queries(1):
        chain = [u.name for u in Unit.objects.ancestors(tree["镇政府"])]
    assert chain == ["省政府", "市政府", "县政府"]


def test_within_the_empty_path_is_every_unit(digit_tree):
    assert Unit.objects.within("").count() == len(digit_tree)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("00000001", "00000002"),
        ("00000009", "00000010"),  # carry into the next digit
        ("00000099", "00000100"),
        ("0000000100000099", "0000000100000100"),
        ("0000000199999999", "0000000200000000"),  # carry across a segment boundary
        ("99999999", None),  # nothing of that length sorts after it
        ("9999999999999999", None),
        ("", None),  # the empty path bounds nothing: every unit
    ],
)
def test_path_upper_bound(path, expected):
    assert path_upper_bound(path) == expected


def test_path_upper_bound_keeps_the_length():
    bound = path_upper_bound(path_segment(12345678) * 3)
    assert bound is not None
    assert len(bound) == 24


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ([], ""),
        (["0000000100000002"], "0000000100000002"),
        (["000000010000000200000003", "000000010000000200000004"], "0000000100000002"),  # siblings
        (["0000000100000002", "000000010000000200000003"], "0000000100000002"),  # one is the other's superior
        (["0000000100000002", "0000000200000002"], ""),  # different roots
        # "00000012…" and "00000013…" share the characters "0000001" but no whole segment:
        (["0000001200000001", "0000001300000001"], ""),
        (
            ["00000001000000020000000300000004", "000000010000000200000005", "00000001000000020000000300000006"],
            "0000000100000002",
        ),
    ],
)
def test_common_superior_path_matches_whole_segments(paths, expected):
    assert common_superior_path(paths) == expected


def test_petition_department_oversees_its_parents_subtree(tree):
    assert tree["市信访局"].scope_path == tree["市政府"].path
    assert tree["县政府"].scope_path == tree["县政府"].path
    in_scope = {u.name for u in Unit.objects.within(tree["市信访局"].scope_path)}
    assert {"市政府", "县政府", "镇政府", "另一县政府"} <= in_scope
    assert "省政府" not in in_scope
