"""Fixtures for the Open311 tests: a 3-level category branch and the reference JSON Schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from xinfang.petitions.models import Category

SCHEMAS = Path(__file__).parent / "schemas"  # copied from ../shared/reference/open311-georeport-v2 (CC BY 3.0)


def _registry() -> Registry:
    resources = [
        (p.name, Resource.from_contents(json.loads(p.read_text()), default_specification=DRAFT202012))
        for p in SCHEMAS.glob("*.json")
    ]
    return Registry().with_resources(resources)


REGISTRY = _registry()


def assert_valid(schema_name: str, instance: Any) -> None:
    """``instance`` validates against the reference schema ``schema_name`` (every error listed on failure)."""
    schema = json.loads((SCHEMAS / schema_name).read_text())
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in Draft202012Validator(schema, registry=REGISTRY).iter_errors(instance)
    ]
    assert not errors, errors


def parse_xml(content: bytes) -> ET.Element:
    """Parse an answer of our own test server (trusted input: no entities or DTD are produced)."""
    return ET.fromstring(content)  # noqa: S314 - our own server's output in a test, not untrusted data


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    cache.clear()


@pytest.fixture
def categories(db: None) -> dict[str, Category]:
    top = Category.objects.create(name="城乡建设", level=1, full_name="城乡建设")
    mid = Category.objects.create(name="住房保障", level=2, parent=top, full_name="城乡建设 / 住房保障")
    leaf = Category.objects.create(name="保障房分配", level=3, parent=mid, full_name="城乡建设 / 住房保障 / 保障房分配")
    env = Category.objects.create(name="生态环境", level=1, full_name="生态环境")
    return {"top": top, "mid": mid, "leaf": leaf, "env": env}
