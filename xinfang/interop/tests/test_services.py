"""GET Service List and GET Service Definition: content categories as Open311 services, JSON and XML."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xinfang.interop.tests.conftest import assert_valid, parse_xml

pytestmark = pytest.mark.django_db


def test_services_json_lists_every_category_with_its_level_one_group_and_validates(categories):
    response = APIClient().get("/open311/v2/services.json")
    assert response.status_code == 200
    body = response.json()
    assert_valid("services.json", body)
    by_code = {s["service_code"]: s for s in body}
    leaf = by_code[str(categories["leaf"].pk)]
    assert (leaf["service_name"], leaf["group"], leaf["type"], leaf["metadata"]) == (
        "保障房分配",
        "城乡建设",
        "realtime",
        True,
    )
    assert by_code[str(categories["env"].pk)]["group"] == "生态环境"
    assert len(body) == 4


def test_services_xml_uses_the_spec_element_names_and_content_type(categories):
    response = APIClient().get("/open311/v2/services.xml")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    root = parse_xml(response.content)
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == 4
    names = {s.findtext("service_code"): (s.findtext("service_name"), s.findtext("group")) for s in services}
    assert names[str(categories["mid"].pk)] == ("住房保障", "城乡建设")
    assert services[0].findtext("metadata") == "true"


def test_service_definition_offers_the_optional_attributes_and_validates(categories):
    code = str(categories["leaf"].pk)
    body = APIClient().get(f"/open311/v2/services/{code}.json").json()
    assert_valid("service-definition.json", body)
    assert body["service_code"] == code
    attributes = {a["code"]: a for a in body["attributes"]}
    assert set(attributes) == {"division_code", "title", "facts_and_reasons", "nature"}
    assert not any(a["required"] for a in attributes.values())
    assert [v["key"] for v in attributes["nature"]["values"]] == ["appeal", "suggestion", "accusation"]

    root = parse_xml(APIClient().get(f"/open311/v2/services/{code}.xml").content)
    assert root.tag == "service_definition"
    assert [a.findtext("code") for a in root.findall("attributes/attribute")] == [
        "division_code",
        "title",
        "facts_and_reasons",
        "nature",
    ]
    assert len(root.findall("attributes/attribute/values/value")) == 3


@pytest.mark.parametrize("code", ["999999", "abc", "1" * 30])
def test_unknown_service_is_a_404_in_the_spec_error_shape(categories, code):
    response = APIClient().get(f"/open311/v2/services/{code}.json")
    assert response.status_code == 404
    [error] = response.json()
    assert error["code"] == 404 and error["description"]

    response = APIClient().get(f"/open311/v2/services/{code}.xml")
    assert response.status_code == 404
    root = parse_xml(response.content)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"


def test_an_unknown_format_is_a_404_error_not_a_page(categories):
    response = APIClient().get("/open311/v2/services.csv")
    assert response.status_code == 404
    assert response.json()[0]["code"] == 404
