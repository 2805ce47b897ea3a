"""Generate a national-scale unit tree (load testing, capacity planning, demos of the tree UI).

The defaults give about 90,000 units, the order of the real 信访 system: a national root (国务院, with 国家信访局
and the ministries under it), 31 provinces × 10 cities × 9 counties × 12 townships; every province, city and
county government has ``--depts-per-area`` departments (the first n of the catalogue, 党委 and 信访局 first) and
every township ``--depts-per-township`` (综治中心（信访办）, then 派出所).

All names and codes are FICTITIOUS. Division codes follow the GB/T 2260 shape (2-digit province from 11, 2-digit
city, 2-digit county, 3 more digits for a township) but do not correspond to real divisions; unit codes are
``G`` + division code + two-digit position (see :mod:`xinfang.orgs.catalogue`), so they never collide with the
demo tree (``99…``) or hand-entered units, and a second run is refused instead of duplicating.
"""

from __future__ import annotations

import time
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.catalogue import DEPARTMENTS, TOWNSHIP_UNITS, unit_code
from xinfang.orgs.models import Level, Unit, UnitType
from xinfang.orgs.services import bulk_create_units

CODE_PREFIX = "G"
NATIONAL_DIVISION = "100000"  # the code used for the country as a whole in GB/T 2260 listings
NATIONAL_CODE = unit_code(NATIONAL_DIVISION, 0, prefix=CODE_PREFIX)
FIRST_PROVINCE = 11  # real province codes start at 11 (北京); the generated ones are fictitious anyway


def _bounded(low: int, high: int) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError as exc:
            raise ArgumentTypeError(f"expected an integer, got {raw!r}") from exc
        if not low <= value <= high:
            raise ArgumentTypeError(f"must be between {low} and {high}")
        return value

    return parse


def expected_unit_count(
    *, provinces: int, cities: int, counties: int, townships: int, depts: int, township_depts: int
) -> int:
    """How many units a run with these options creates (printed up front, checked by the tests)."""
    area = 1 + depts
    n_cities = provinces * cities
    n_counties = n_cities * counties
    return area * (1 + provinces + n_cities + n_counties) + n_counties * townships * (1 + township_depts)


def _area(
    name: str, division: str, level: Level, parent: Unit | None, depts: int, *, government_name: str = ""
) -> list[Unit]:
    """A government and its departments, the government first (the others' parent)."""
    gov = Unit(
        name=government_name or f"{name}人民政府",
        code=unit_code(division, 0, prefix=CODE_PREFIX),
        division_code=division,
        level=level,
        unit_type=UnitType.GOVERNMENT,
        parent=parent,
    )
    units = [gov]
    if level == Level.TOWNSHIP:
        for i, t in enumerate(TOWNSHIP_UNITS[:depts], start=1):
            units.append(
                Unit(
                    name=t.name.format(area=name),
                    code=unit_code(division, i, prefix=CODE_PREFIX),
                    division_code=division,
                    level=level,
                    unit_type=t.unit_type,
                    parent=gov,
                )
            )
        return units
    for i, d in enumerate(DEPARTMENTS[:depts], start=1):
        units.append(
            Unit(
                name=d.name_for(level, name),
                code=unit_code(division, i, prefix=CODE_PREFIX),
                division_code=division,
                level=level,
                unit_type=d.unit_type,
                parent=gov,
            )
        )
    return units


class Command(BaseCommand):
    help = str(_("Generate a fictitious national-scale unit tree (about 90,000 units with the defaults)."))

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--provinces", type=_bounded(1, 99 - FIRST_PROVINCE), default=31)
        parser.add_argument("--cities-per-province", type=_bounded(1, 99), default=10)
        parser.add_argument("--counties-per-city", type=_bounded(1, 99), default=9)
        parser.add_argument("--townships-per-county", type=_bounded(0, 999), default=12)
        parser.add_argument(
            "--depts-per-area",
            type=_bounded(0, len(DEPARTMENTS)),
            default=6,
            help=str(_("Departments under each national, province, city and county government.")),
        )
        parser.add_argument(
            "--depts-per-township",
            type=_bounded(0, len(TOWNSHIP_UNITS)),
            default=1,
            help=str(_("Units under each township government (the petition office first).")),
        )
        parser.add_argument("--batch-size", type=_bounded(1, 100_000), default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        provinces: int = options["provinces"]
        cities: int = options["cities_per_province"]
        counties: int = options["counties_per_city"]
        townships: int = options["townships_per_county"]
        depts: int = options["depts_per_area"]
        township_depts: int = options["depts_per_township"]
        batch_size: int = options["batch_size"]

        if Unit.objects.filter(code=NATIONAL_CODE).exists():
            raise CommandError(
                _("A generated tree already exists (unit %(code)s); delete it or use a fresh database.")
                % {"code": NATIONAL_CODE}
            )
        expected = expected_unit_count(
            provinces=provinces,
            cities=cities,
            counties=counties,
            townships=townships,
            depts=depts,
            township_depts=township_depts,
        )
        self.stdout.write(str(_("Creating %(n)d units…") % {"n": expected}))
        started = time.monotonic()
        created = 0
        # One transaction: a failure half-way leaves nothing behind, and SQLite commits once instead of per batch.
        with transaction.atomic():
            national = _area("", NATIONAL_DIVISION, Level.NATIONAL, None, depts, government_name="国务院")
            root = national[0]
            created += len(bulk_create_units(national, batch_size=batch_size))
            # A province at a time keeps memory flat (~3,000 instances) whatever the total.
            for p in range(FIRST_PROVINCE, FIRST_PROVINCE + provinces):
                created += len(
                    bulk_create_units(
                        self._province(p, root, cities, counties, townships, depts, township_depts),
                        batch_size=batch_size,
                    )
                )
                if options["verbosity"] >= 2:
                    self.stdout.write(f"  {p}: {created}")
        # Refresh the planner's statistics: without them SQLite picks the (level, unit_type) index for "level X
        # within subtree Y" and sorts tens of thousands of rows instead of walking the path index in order.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(Unit._meta.db_table)}")
        elapsed = time.monotonic() - started
        by_level = {level: Unit.objects.filter(code__startswith=CODE_PREFIX, level=level).count() for level in Level}
        summary = ", ".join(f"{Level(level).label}: {n}" for level, n in by_level.items())
        self.stdout.write(
            self.style.SUCCESS(
                str(
                    _("Created %(n)d units in %(s).1f s (%(summary)s).")
                    % {"n": created, "s": elapsed, "summary": summary}
                )
            )
        )

    @staticmethod
    def _province(
        p: int, root: Unit, cities: int, counties: int, townships: int, depts: int, township_depts: int
    ) -> list[Unit]:
        prov_div = f"{p:02d}0000"
        units = _area(f"模拟{p}省", prov_div, Level.PROVINCE, root, depts)
        prov_gov = units[0]
        for c in range(1, cities + 1):
            city_name = f"模拟{p}省{c}市"
            city = _area(city_name, f"{p:02d}{c:02d}00", Level.CITY, prov_gov, depts)
            units += city
            for k in range(1, counties + 1):
                county_div = f"{p:02d}{c:02d}{k:02d}"
                county_name = f"{city_name}{k}县"
                county = _area(county_name, county_div, Level.COUNTY, city[0], depts)
                units += county
                for t in range(1, townships + 1):
                    units += _area(
                        f"{county_name}{t}镇",
                        f"{county_div}{t:03d}",
                        Level.TOWNSHIP,
                        county[0],
                        township_depts,
                        government_name=f"{county_name}{t}镇人民政府",
                    )
        return units
