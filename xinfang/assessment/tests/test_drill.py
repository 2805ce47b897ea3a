"""考核 drill-down (issue 13): each rate line's links open exactly the petitions its numerator, its denominator and
the rest counted for that unit in the scheme's period — a recount through the scheme page's own links."""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape
from typing import Any

import pytest
from django.test import Client

from xinfang.assessment import services
from xinfang.workbench.tests.test_drill_filters import EXPECTED, P_END, P_START, RATES, World, build_world, names

YEAR = 2025
LINK = re.compile(r'<a href="(/workbench/\?[^"]+)">([^<]+)</a>')


@pytest.fixture
def world(personas: Any, tree: Any) -> World:
    return build_world(personas, tree)


@pytest.fixture
def scheme(personas: Any, tree: Any, world: World) -> Any:
    actor = personas.city_dept_head
    s = services.scheme_create(
        actor=actor,
        year=YEAR,
        title="2025年上半年信访工作考核",
        units=[tree.housing, tree.county2_housing],
        period_start=P_START,
        period_end=P_END,
    )
    for kpi in RATES:
        services.indicator_add(
            actor=actor, scheme=s, kpi=kpi, weight=Decimal(10), target=Decimal("0.9"), floor=Decimal("0.5")
        )
    return services.scheme_publish(actor=actor, scheme=s)


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def rows_of(c: Client, url: str) -> list[str]:
    r = c.get(url)
    assert r.status_code == 200, url
    return [row.petition.number for row in r.context["rows"]]


def _links(c: Client, scheme: Any) -> dict[tuple[int, str], list[Any]]:
    page = c.get(f"/workbench/assessment/schemes/{scheme.pk}/")
    assert page.status_code == 200
    return {
        (row["line"].unit_id, row["line"].indicator.kpi): row["drills"]
        for row in page.context["rows"]
        if row["line"].indicator is not None
    }


@pytest.mark.parametrize("who", ["city_dept_head", "head_b"])
def test_each_rate_line_links_to_exactly_the_petitions_it_counts(
    personas: Any, tree: Any, world: World, scheme: Any, who: str
) -> None:
    """The issuer and the assessed unit (住建局) open the same lists; each holds as many petitions as the line
    counted (both-target 满意率 counts ratings: replied is rated twice), and nothing placed outside the period or
    at A2区住建局."""
    c = client_for(getattr(personas, who))
    lines = _links(c, scheme)
    page = c.get(f"/workbench/assessment/schemes/{scheme.pk}/").content.decode()
    for kpi in RATES:
        line = scheme.lines.get(unit=tree.housing, indicator__kpi=kpi)
        links = lines[(tree.housing.pk, kpi)]
        assert [link.text.split()[-1] for link in links] == [
            str(line.denominator),
            str(line.numerator),
            str(line.denominator - line.numerator),
        ]
        got = [names(world, rows_of(c, link.url)) for link in links]
        assert got == [EXPECTED[kpi]["counted"], EXPECTED[kpi]["numerator"], EXPECTED[kpi]["rest"]], kpi
        twice = 1 if kpi == "satisfaction_rate" else 0  # replied: one row, two ratings
        assert len(got[0]) == line.denominator - twice
        assert len(got[1]) == line.numerator
        for link in links:
            assert link.url.replace("&", "&amp;") in page
    if who == "head_b":  # an assessed unit sees its own lines only, so no link to another unit's petitions
        assert not any(unit == tree.county2_housing.pk for unit, _kpi in lines)


def test_the_other_units_lines_open_only_its_own_petition(personas: Any, tree: Any, world: World, scheme: Any) -> None:
    c = client_for(personas.city_dept_head)
    lines = _links(c, scheme)
    for kpi in RATES:
        line = scheme.lines.get(unit=tree.county2_housing, indicator__kpi=kpi)
        counted = names(world, rows_of(c, lines[(tree.county2_housing.pk, kpi)][0].url))
        assert len(counted) == line.denominator
        assert counted <= {"other"}
    assert line.denominator == 1  # 初信初访: the visit's opinion of 10 April


def test_the_scheme_page_says_what_the_links_open(personas: Any, tree: Any, world: World, scheme: Any) -> None:
    c = Client(HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(personas.city_dept_head)
    body = unescape(c.get(f"/workbench/assessment/schemes/{scheme.pk}/").content.decode())
    assert "every petition the unit or a unit below it dealt with, of any date" not in body
    assert "that the figure counted in the period" in body
    closing = scheme.lines.get(unit=tree.housing, indicator__kpi="on_time_closing_rate")
    late = closing.denominator - closing.numerator
    texts = [text for _url, text in LINK.findall(body)]
    wanted = [f"counted {closing.denominator}", f"on time {closing.numerator}", f"late {late}"]
    assert any(texts[i : i + 3] == wanted for i in range(len(texts))), texts
