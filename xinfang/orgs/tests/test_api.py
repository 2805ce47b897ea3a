"""The unit tree API and /me/."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from xinfang.orgs.models import Level, Role, Unit, UnitType
from xinfang.orgs.tests.factories import UnitFactory, UserFactory

UNITS = "/api/v1/units/"


def _names(response):
    return [u["name"] for u in response.json()["results"]]


# --- access --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [UNITS, f"{UNITS}1/", f"{UNITS}1/children/", "/api/v1/me/"])
def test_anonymous_requests_get_401(url):
    assert APIClient().get(url).status_code == 401


@pytest.mark.django_db
def test_a_citizen_account_without_a_unit_gets_403_on_units():
    client = APIClient()
    client.force_authenticate(UserFactory.create(unit=None))
    response = client.get(UNITS)
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_superuser_without_a_unit_may_list_units():
    client = APIClient()
    client.force_authenticate(UserFactory.create(unit=None, is_superuser=True))
    assert client.get(UNITS).status_code == 200


def test_token_authentication_is_accepted(tree):
    from knox.models import AuthToken

    user = UserFactory.create(unit=tree["县政府"])
    client = APIClient()
    _instance, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get(UNITS).status_code == 200


# --- list ----------------------------------------------------------------------------------------------------


def test_list_is_in_tree_order_with_has_children(api, tree):
    response = api.get(UNITS, {"within": tree["省政府"].pk})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["name"] for r in rows] == ["省政府", "省信访局", "市政府", "市信访局", "县政府", "镇政府", "另一县政府"]
    by_name = {r["name"]: r for r in rows}
    assert by_name["县政府"]["has_children"] is True
    assert by_name["镇政府"]["has_children"] is False
    assert by_name["县政府"]["parent"] == tree["市政府"].pk
    assert set(by_name["县政府"]) == {
        "id",
        "name",
        "code",
        "division_code",
        "level",
        "unit_type",
        "parent",
        "depth",
        "is_active",
        "has_children",
    }


def test_list_query_count_does_not_grow_with_the_page(api, tree):
    with CaptureQueriesContext(connection) as small:
        api.get(UNITS, {"page_size": 2})
    for _ in range(20):
        UnitFactory.create(parent=tree["县政府"], level=Level.COUNTY, unit_type=UnitType.FUNCTIONAL_DEPT)
    with CaptureQueriesContext(connection) as large:
        response = api.get(UNITS, {"page_size": 30})
    assert len(response.json()["results"]) == 30
    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "县政"}, ["县政府", "另一县政府"]),
        ({"level": "province"}, ["省政府", "省信访局", "外省政府"]),
        ({"type": "petition_dept"}, ["省信访局", "市信访局"]),
        ({"root": "true"}, ["省政府", "外省政府"]),
        ({"level": "city", "type": "government"}, ["市政府", "外省市政府"]),
        ({"q": "", "level": ""}, None),  # empty values are ignored
    ],
)
def test_list_filters(api, tree, params, expected):
    response = api.get(UNITS, params)
    assert response.status_code == 200, response.json()
    if expected is None:
        expected = [u.name for u in Unit.objects.all() if not u.name.startswith("测试单位")]
    assert [n for n in _names(response) if not n.startswith("测试单位")] == expected


def test_list_filters_by_code_prefix(api, tree):
    response = api.get(UNITS, {"q": tree["镇政府"].code.lower()})
    assert _names(response) == ["镇政府"]


def test_list_filters_by_parent_and_within(api, tree):
    assert _names(api.get(UNITS, {"parent": tree["市政府"].pk})) == ["市信访局", "县政府", "另一县政府"]
    assert _names(api.get(UNITS, {"within": tree["县政府"].pk})) == ["县政府", "镇政府"]
    assert _names(api.get(UNITS, {"within": tree["市政府"].pk, "level": "county"})) == ["县政府", "另一县政府"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"level": "galaxy"}, "level"),
        ({"type": "ministry"}, "type"),
        ({"within": "abc"}, "within"),
        ({"within": "987654321"}, "within"),
        ({"within": "99999999999999999999999"}, "within"),
        ({"parent": "-1"}, "parent"),
        ({"parent": "1.5"}, "parent"),
        ({"root": "maybe"}, "root"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_bad_query_parameters_give_400_naming_the_parameter(api, tree, params, field):
    response = api.get(UNITS, params)
    assert response.status_code == 400
    assert field in response.json()


def test_cursor_pagination_walks_the_whole_list(api, tree):
    seen = []
    url = f"{UNITS}?page_size=4"
    while url:
        body = api.get(url).json()
        seen += [u["name"] for u in body["results"]]
        url = body["next"]
    assert seen == [u.name for u in Unit.objects.all()]


def test_a_tampered_cursor_is_a_400_naming_the_cursor(api, tree):
    response = api.get(UNITS, {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_a_nonsense_page_size_falls_back_to_the_default(api, tree):
    assert api.get(UNITS, {"page_size": "lots"}).status_code == 200


# --- detail and children -------------------------------------------------------------------------------------


def test_detail_lists_the_ancestors_root_first(api, tree):
    response = api.get(f"{UNITS}{tree['镇政府'].pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "镇政府"
    assert [a["name"] for a in body["ancestors"]] == ["省政府", "市政府", "县政府"]
    assert body["has_children"] is False


def test_detail_costs_one_query_for_the_unit_and_one_for_its_ancestors(api, tree):
    url = f"{UNITS}{tree['镇政府'].pk}/"
    with CaptureQueriesContext(connection) as ctx:
        api.get(url)
    unit_queries = [q for q in ctx.captured_queries if "orgs_unit" in q["sql"]]
    # force_authenticate skips the user look-up; the staff permission reads unit_id from the user row.
    assert len(unit_queries) == 2


@pytest.mark.parametrize(
    "suffix",
    ["987654321/", "abc/", "987654321/children/", "99999999999999999999999/", "99999999999999999999999/children/"],
)
def test_unknown_unit_is_404(api, tree, suffix):
    assert api.get(f"{UNITS}{suffix}").status_code == 404


def test_children_lists_direct_subordinates_only(api, tree):
    response = api.get(f"{UNITS}{tree['市政府'].pk}/children/")
    assert response.status_code == 200
    assert _names(response) == ["市信访局", "县政府", "另一县政府"]
    assert [u["has_children"] for u in response.json()["results"]] == [False, True, False]


# --- me ------------------------------------------------------------------------------------------------------


def test_me_returns_profile_unit_and_roles(tree):
    user = UserFactory.create(
        unit=tree["县政府"], full_name="王五", staff_no="X9", title="局长", roles=[Role.HEAD, Role.HANDLER]
    )
    client = APIClient()
    client.force_authenticate(user)
    body = client.get("/api/v1/me/").json()
    assert body == {
        "username": user.username,
        "full_name": "王五",
        "staff_no": "X9",
        "title": "局长",
        "unit": {"id": tree["县政府"].pk, "name": "县政府"},
        "roles": ["handler", "head"],
    }


@pytest.mark.django_db
def test_me_for_an_account_without_a_unit():
    client = APIClient()
    client.force_authenticate(UserFactory.create(unit=None))
    body = client.get("/api/v1/me/").json()
    assert body["unit"] is None
    assert body["roles"] == []


# --- schema --------------------------------------------------------------------------------------------------


def test_openapi_schema_for_these_endpoints_has_no_warnings():
    GENERATOR_STATS.reset()
    generator = SchemaGenerator(patterns=[path("api/v1/", include("xinfang.orgs.api.urls"))])
    schema = generator.get_schema(request=None, public=True)
    assert not GENERATOR_STATS, "drf-spectacular reported warnings or errors"
    assert {"/api/v1/units/", "/api/v1/units/{id}/", "/api/v1/units/{id}/children/", "/api/v1/me/"} <= set(
        schema["paths"]
    )
    list_params = {p["name"] for p in schema["paths"]["/api/v1/units/"]["get"]["parameters"]}
    assert {"q", "parent", "level", "type", "within", "cursor", "page_size"} <= list_params
