"""The whole OpenAPI document generates without errors or warnings (every endpoint documented)."""

from __future__ import annotations

from django.core.management import call_command


def test_openapi_schema_generates_without_warnings(tmp_path, db):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text(encoding="utf-8")
    assert "/api/v1/petitions/{key}/forward/" in text
    assert "/api/v1/track/{number}" in text
