"""The whole API against its own OpenAPI schema: schemathesis, in-process, over the demo data (issue 9, Build 3).

Every operation of ``/api/schema/`` is called with generated requests — valid ones and invalid ones — anonymously
and with an API token for each demo role (registrar, handler, head, supervisor, leader, analyst, admin), against
the WSGI application inside the test database (so whatever the unsafe calls write is rolled back). Each answer
must pass three checks:

- ``not_a_server_error``: no 5xx, whatever the input;
- ``status_code_conformance``: the status code is one the schema lists for that operation;
- ``response_schema_conformance``: the body matches the schema of that status code.

The run is bounded for CI: ``XINFANG_API_FUZZ_EXAMPLES`` examples per operation, role and generation mode
(default 4), a fixed seed (``derandomize``) so that CI is reproducible; raise the number locally to search harder,
e.g. ``XINFANG_API_FUZZ_EXAMPLES=50 pytest xinfang/core/tests/test_api_fuzz.py``. Deselect with
``-m "not api_fuzz"``. Path parameters are drawn half of the time from objects that exist in the demo, so that
detail answers (not only 404) are checked against the schema too.

The test collects every failure and reports them grouped by check, operation and role (one example each, as a
curl command), rather than stopping at the first.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from werkzeug.test import Client as WerkzeugClient

pytestmark = pytest.mark.api_fuzz

EXAMPLES = int(os.environ.get("XINFANG_API_FUZZ_EXAMPLES", "4"))
DEMO_PASSWORD = "xinfang-demo"  # the demo accounts' published password (manage.py load_demo)
ROLES = ["registrar", "handler", "head", "supervisor", "leader", "analyst", "admin"]
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]


class _GenerousRates(dict[str, str]):
    """Every throttle scope allows far more than the run sends: throttles must not turn every call into 429."""

    def __missing__(self, key: str) -> str:
        return "1000000/hour"


@dataclass
class Failed:
    check: str
    operation: str
    role: str
    status: int
    title: str
    message: str
    curl: str


@pytest.fixture
def wsgi_app() -> Iterator[Any]:
    """The project's WSGI application, with the per-request connection closing switched off (as Django's test
    client does) so that requests run inside the test's transaction."""
    from django.core.wsgi import get_wsgi_application

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _tokens(app: Any) -> dict[str, str]:
    """An API token per demo role, through the token endpoint. Through the WSGI app, not Django's test client:
    the test client reconnects ``close_old_connections`` after each request, which would then close the test's
    connection (on PostgreSQL) at the next WSGI request."""
    client = WerkzeugClient(app)
    tokens: dict[str, str] = {}
    for role in ROLES:
        response = client.post("/api/v1/auth/token/", json={"username": role, "password": DEMO_PASSWORD})
        assert response.status_code == 200, (role, response.status_code, response.get_data()[:300])
        tokens[role] = response.get_json()["token"]
    return tokens


def _existing_ids() -> dict[str, list[Any]]:
    """Values of path parameters that name objects of the demo, by the first path segment after /api/v1/."""
    from django.apps import apps

    def ids(label: str, field: str = "pk", limit: int = 12) -> list[Any]:
        model = apps.get_model(label)
        return list(model.objects.order_by("pk").values_list(field, flat=True)[:limit])

    petitions = ids("petitions.Petition", "number", 20)
    return {
        "petitions": petitions,
        "track": petitions,
        "units": ids("orgs.Unit"),
        "casework": ids("casework.BacklogCase"),
        "notify": ids("notify.Notification"),
        "insight": ids("insight.HotIssue"),
        "reports": ids("reports.Report"),
    }


def _path_values(op: Any, known: dict[str, list[Any]]) -> dict[str, list[Any]]:
    segments = op.path.removeprefix("/api/v1/").split("/")
    first = segments[0]
    params = [p.name for p in op.path_parameters]
    if not params or first not in known or not known[first]:
        return {}
    # The first path parameter names the resource of the first segment; any deeper ones stay generated.
    return {params[0]: known[first]}


def _strategy(op: Any, mode: schemathesis.GenerationMode, known: dict[str, list[Any]]) -> Any:
    free = op.as_strategy(generation_mode=mode)
    pinned = _path_values(op, known)
    if not pinned:
        return free
    ((name, values),) = pinned.items()
    existing = st.sampled_from(values).flatmap(
        lambda v: op.as_strategy(generation_mode=mode, path_parameters={name: v})
    )
    return st.one_of(free, existing)


def _check_name(failure: Failure) -> str:
    return failure.checks[0] if failure.checks else type(failure).__name__


def _fuzz(
    op: Any, mode: Any, identities: dict[str, dict[str, str]], known: dict[str, list[Any]]
) -> tuple[int, list[Failed]]:
    """One operation in one generation mode; each generated request is sent once per identity (generation is the
    costly part). Returns the number of calls and the first failure per identity and check."""
    label = f"{op.method.upper()} {op.path}"
    found: list[Failed] = []
    seen: set[tuple[str, str]] = set()
    calls = 0

    @given(case=_strategy(op, mode, known))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def call(case: Any) -> None:
        nonlocal calls
        for role, headers in identities.items():
            cache.clear()  # throttle and guess counters: each call starts afresh
            calls += 1
            response = case.call(headers=headers)
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except FailureGroup as group:
                for failure in group.exceptions:
                    name = _check_name(failure)
                    if (role, name) not in seen:
                        seen.add((role, name))
                        curl = case.as_curl_command(headers=headers)
                        found.append(
                            Failed(name, label, role, response.status_code, failure.title, failure.message[:600], curl)
                        )

    # Unsatisfiable: nothing to vary in this mode (e.g. no input to make invalid); the other mode covers it.
    with contextlib.suppress(Unsatisfiable):
        call()
    return calls, found


def _report(found: list[Failed], calls: int) -> str:
    by_check: dict[str, list[Failed]] = defaultdict(list)
    for f in found:
        by_check[f.check].append(f)
    lines = [f"{len(found)} failures over {calls} calls: " + ", ".join(f"{k} {len(v)}" for k, v in by_check.items())]
    for check, items in sorted(by_check.items()):
        lines.append(f"\n== {check} ({len(items)})")
        lines.extend(f"- {f.operation} as {f.role}: {f.status} {f.title}\n    {f.message}\n    {f.curl}" for f in items)
    return "\n".join(lines)


def test_every_api_operation_answers_as_its_schema_says(db, wsgi_app, monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", _GenerousRates())
    call_command("load_demo", "--petitions", "24", stdout=open(os.devnull, "w"))  # noqa: SIM115
    tokens = _tokens(wsgi_app)
    known = _existing_ids()
    document = json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))
    schema = schemathesis.openapi.from_dict(document)
    schema.app = wsgi_app
    identities = {"anonymous": {}} | {role: {"Authorization": f"Token {tokens[role]}"} for role in ROLES}
    found: list[Failed] = []
    calls = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    # Logout revokes the token it is sent with: it goes last, so that every other operation is called signed in.
    operations.sort(key=lambda op: op.path == "/api/v1/auth/logout/")
    for op in operations:
        for mode in MODES:
            n, failed = _fuzz(op, mode, identities, known)
            calls += n
            found.extend(failed)
    report = _report(found, calls)
    if os.environ.get("XINFANG_API_FUZZ_REPORT"):
        with open(os.environ["XINFANG_API_FUZZ_REPORT"], "w", encoding="utf-8") as fh:
            fh.write(report)
    assert not found, report
