"""网上信访服务满意率: the ratings of the online service itself (``portal.ServiceRating``), recounted here from
hand-built rows, per viewer; a unit never counts another unit's ratings nor an accusation against its side."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import make_user
from xinfang.orgs.models import Role
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import register
from xinfang.portal.models import ServiceRating
from xinfang.stats import selectors

pytestmark = pytest.mark.django_db

FROM, TO = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
KPI = "online_service_satisfaction_rate"


def _rate(petition: Petition, n: int, value: str, on: dt.date) -> None:
    ServiceRating.objects.create(petition=petition, session_token_hash=f"{n:064d}", value=value, rated_on=on)


@pytest.fixture
def world(personas: Any, tree: Any) -> dict[str, Petition]:
    """At A1信访局: three ratings in March (satisfied, basically, dissatisfied) and one in February; at A2住建局:
    one dissatisfied rating in March; an accusation against A1区生态环境局 rated satisfied in March."""
    a1, _ = register(personas.registrar_a, title="路灯")
    for n, (value, on) in enumerate(
        [
            ("satisfied", dt.date(2026, 3, 2)),
            ("basically", dt.date(2026, 3, 31)),
            ("dissatisfied", dt.date(2026, 3, 15)),
            ("satisfied", dt.date(2026, 2, 28)),
        ]
    ):
        _rate(a1, n, value, on)
    a2_registrar = make_user("a2_registrar", tree.county2_housing, Role.REGISTRAR)
    a2, _ = register(a2_registrar, title="外单位")
    _rate(a2, 10, "dissatisfied", dt.date(2026, 3, 3))
    accusation, _ = register(
        personas.registrar_a,
        nature="accusation",
        title="反映环保局",
        accused_unit=tree.environment,
        accused_confirmed=True,
    )
    _rate(accusation, 20, "satisfied", dt.date(2026, 3, 4))
    return {"a1": a1, "a2": a2, "accusation": accusation}


def figure(user: Any, unit: Any = None) -> Any:
    return selectors.figures(selectors.View(user, unit), FROM, TO, live=False)[KPI]


def test_the_rate_equals_the_ratings_counted_here(personas: Any, world: Any) -> None:
    # A1信访局 sees its petition (2 good of 3 in March) and the accusation it registered (1 good): 3 of 4.
    assert selectors.portal_figures(selectors.View(personas.registrar_a, None), FROM, TO) == {KPI: (3, 4)}
    assert figure(personas.registrar_a) == pytest.approx(3 / 4)


def test_a_unit_never_counts_another_units_ratings(personas: Any, world: Any) -> None:
    assert selectors.portal_figures(selectors.View(personas.outsider, None), FROM, TO) == {KPI: (0, 1)}
    assert figure(personas.outsider) == 0.0
    # The city 信访局 narrowing to A2住建局 counts A2's rating only.
    assert figure(personas.supervisor, personas.outsider.unit) == 0.0
    assert selectors.portal_figures(selectors.View(personas.supervisor, personas.outsider.unit), FROM, TO) == {
        KPI: (0, 1)
    }


def test_an_accusation_is_not_counted_for_the_accused_side(personas: Any, world: Any, tree: Any) -> None:
    """Art. 30: the accused unit's own figures never include ratings on the accusation against it."""
    got = selectors.portal_figures(selectors.View(personas.accused, None), FROM, TO)
    assert got == {KPI: (0, 0)}
    assert figure(personas.accused) is None  # no rating: no rate


def test_a_change_within_the_edit_window_stays_in_the_period_first_given(personas: Any, world: Any) -> None:
    february = ServiceRating.objects.get(rated_on=dt.date(2026, 2, 28))
    february.value = "dissatisfied"
    february.save()  # changed in March: still February's rating
    assert selectors.portal_figures(selectors.View(personas.registrar_a, None), FROM, TO) == {KPI: (3, 4)}


def test_the_kpis_api_returns_the_figure_with_its_definition(personas: Any, world: Any) -> None:
    from rest_framework.test import APIClient

    c = APIClient()
    c.force_authenticate(personas.registrar_a)
    body = c.get("/api/v1/stats/kpis/", {"from": FROM.isoformat(), "to": TO.isoformat()}).json()
    assert body["figures"][KPI] == pytest.approx(3 / 4) and body["definitions"][KPI]
