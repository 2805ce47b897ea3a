"""An existing Open311 client from PyPI (``georeport``) talks to a running xinfang, in JSON and in XML.

``georeport`` 0.3.1 reads only (it has no POST Service Request); the POST is exercised in ``test_requests``."""

from __future__ import annotations

import pytest

georeport = pytest.importorskip("georeport")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_reads_services_definitions_and_requests(live_server, personas, categories, fmt):
    from xinfang.petitions.tests.helpers import register

    petition, _ = register(personas.registrar_a, category=categories["leaf"])
    client = georeport.GeoReport(f"{live_server.url}/open311/v2", output_format=fmt)

    services = client.get_service_list()
    assert {s["service_code"] for s in services} == {str(c.pk) for c in categories.values()}

    definition = client.get_service_definition(str(categories["leaf"].pk))
    assert definition["service_code"] == str(categories["leaf"].pk)

    requests = client.get_service_requests(status="open")
    request = requests if isinstance(requests, dict) else requests[0]  # xmltodict: one element is not a list
    assert request["service_request_id"] == petition.number
    assert request["agency_responsible"] == "A1区信访局"
    assert client.get_service_request(petition.number)["status"] == "open"
