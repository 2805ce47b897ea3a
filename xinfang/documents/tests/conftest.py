"""The default templates are seeded by a data migration (documents 0002). A transactional test elsewhere on the same
pytest-xdist worker flushes every table, seeded rows included; these tests read and edit those rows, so they make
sure the defaults are there first (get_or_create: an existing row is left as it is)."""

from __future__ import annotations

import pytest

from xinfang.documents.defaults import DEFAULT_TEMPLATES
from xinfang.documents.models import DocumentTemplate


@pytest.fixture(autouse=True)
def _default_templates(request: pytest.FixtureRequest) -> None:
    if "db" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("db")
    for kind, (title, body) in DEFAULT_TEMPLATES.items():
        DocumentTemplate.objects.get_or_create(kind=kind, unit=None, defaults={"title": title, "body": body})
