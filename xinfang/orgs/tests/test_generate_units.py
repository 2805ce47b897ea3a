"""The national-scale generator, at a small size."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from xinfang.orgs.management.commands.generate_units import NATIONAL_CODE, expected_unit_count
from xinfang.orgs.models import SEGMENT, Level, Unit, UnitType, path_segment

pytestmark = pytest.mark.django_db

SMALL = {
    "provinces": 2,
    "cities_per_province": 2,
    "counties_per_city": 2,
    "townships_per_county": 3,
    "depts_per_area": 4,
    "depts_per_township": 1,
}


def _run(**options):
    out = StringIO()
    with translation.override("en"):  # assertions read the English source strings
        call_command("generate_units", stdout=out, **options)
    return out.getvalue()


def test_generate_units_creates_the_expected_count():
    output = _run(**SMALL)
    # national 1+4, provinces 2×5, cities 4×5, counties 8×5, townships 24×2
    expected = 5 + 10 + 20 + 40 + 48
    assert expected_unit_count(provinces=2, cities=2, counties=2, townships=3, depts=4, township_depts=1) == expected
    assert Unit.objects.count() == expected
    assert f"Created {expected} units" in output


def test_generated_tree_has_consistent_paths_unique_codes_and_valid_division_codes():
    _run(**SMALL)
    for unit in Unit.objects.select_related("parent"):
        assert unit.path == (unit.parent.path if unit.parent else "") + path_segment(unit.pk)
        assert unit.depth == len(unit.path) // SEGMENT - 1
        assert len(unit.division_code) == (9 if unit.level == Level.TOWNSHIP else 6)
        if unit.parent:
            assert unit.parent.unit_type == UnitType.GOVERNMENT
    assert Unit.objects.filter(level=Level.PROVINCE, unit_type=UnitType.GOVERNMENT).count() == 2
    assert Unit.objects.filter(unit_type=UnitType.PETITION_DEPT).count() == 1 + 2 + 4 + 8 + 24


def test_generate_units_refuses_to_run_twice():
    _run(**SMALL)
    with pytest.raises(CommandError, match=NATIONAL_CODE):
        _run(**SMALL)


def test_generate_units_rejects_out_of_range_options():
    with pytest.raises(CommandError):
        call_command("generate_units", "--provinces", "0")
