"""The OpenAPI document describes what the API really answers (issue 9: "the schema is not what the API does").

The whole-API check is ``test_api_fuzz.py``; these pin the rules of ``xinfang.core.schema`` one by one, cheaply.
"""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def doc() -> Any:
    return SchemaGenerator().get_schema(request=None, public=True)


def _op(doc: dict[str, Any], method: str, path: str) -> Any:
    return doc["paths"][path][method]


def _ok_schema(doc: dict[str, Any], method: str, path: str, code: str = "200") -> Any:
    schema = _op(doc, method, path)["responses"][code]["content"]["application/json"]["schema"]
    if "$ref" in schema:
        return doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/supervision/warnings/",  # CursorPagination called by hand in an APIView
        "/api/v1/supervision/assignments/overdue/",
        "/api/v1/casework/mine/",
        "/api/v1/reception/public/sessions/",  # the reception desk's ``pagination`` attribute
        "/api/v1/reception/compliance/",  # PageNumberPagination: with a count
    ],
)
def test_lists_paginated_by_hand_are_documented_as_envelopes_not_arrays(doc, path):
    schema = _ok_schema(doc, "get", path)
    assert schema["type"] == "object"
    assert {"next", "previous", "results"} <= set(schema["properties"])
    assert schema["properties"]["results"]["type"] == "array"


def test_every_operation_lists_its_errors_with_the_one_error_body(doc):
    error_ref = {"$ref": "#/components/schemas/Error"}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            errors = {code: r for code, r in op["responses"].items() if code.startswith("4")}
            assert errors, f"{method.upper()} {path} lists no error answer"
            for code, response in errors.items():
                schema = response["content"]["application/json"]["schema"]
                # Views that list an error by hand (stats) may use their own serializer for it; ours is "Error".
                assert "$ref" in schema, (method, path, code)
    assert "detail" in doc["components"]["schemas"]["Error"]["properties"]
    petitions = _op(doc, "post", "/api/v1/petitions/{key}/forward/")["responses"]
    assert petitions["409"]["content"]["application/json"]["schema"] == error_ref


def test_error_codes_follow_the_view(doc):
    def codes(method: str, path: str) -> set[str]:
        return {c for c in _op(doc, method, path)["responses"] if c.startswith("4")}

    # Staff action on a petition: invalid input, no/bad token, not permitted, missing, refused by a rule, too large,
    # a body it cannot read.
    assert codes("post", "/api/v1/petitions/{key}/forward/") == {"400", "401", "403", "404", "409", "413", "415"}
    # Public tracking: no authentication at all (no 401), throttled (429), wrong number or code (404).
    assert codes("get", "/api/v1/track/{number}") == {"400", "404", "429"}
    # Public submission: throttled, and a bad token is still refused (TokenAuthentication runs).
    assert {"401", "429"} <= codes("post", "/api/v1/petitions/")
    # The password login is locked out after failures (django-axes answers 429); no workflow, so no 409.
    assert codes("post", "/api/v1/auth/token/") == {"400", "401", "413", "415", "429"}
    # A read without parameters cannot be invalid input.
    assert "400" not in codes("get", "/api/v1/me/")


def test_read_only_choice_of_a_blank_model_field_may_be_blank(doc):
    prop = doc["components"]["schemas"]["Intake"]["properties"]["litigation_route"]
    refs = {branch["$ref"].rsplit("/", 1)[1] for branch in prop["oneOf"]}
    assert refs == {"LitigationRouteEnum", "BlankEnum"}
    assert doc["components"]["schemas"]["BlankEnum"]["enum"] == [""]


def test_field_with_default_none_is_nullable_in_answers(doc):
    # ``petition = CharField(source="petition.number", default=None)``: an assignment without a petition.
    assert doc["components"]["schemas"]["Assignment"]["properties"]["petition"]["nullable"] is True


def test_times_are_local_without_an_offset(doc):
    def walk(node: Any) -> None:
        if isinstance(node, dict):
            assert node.get("format") != "time", node  # RFC 3339 full-time would require "+08:00"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    session = doc["components"]["schemas"]["ReceptionPublicSession"]["properties"]
    times = [p for p in session.values() if isinstance(p, dict) and "pattern" in p]
    assert times, "the public session's start/end times carry the hh:mm[:ss] pattern"
