"""台账 export: the exported rows are the list's rows (filters and visibility), masked as on screen, flat queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from xinfang.petitions import services
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import register, to_handling, to_replied
from xinfang.workbench.tests.conftest import on

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2026, 3, 2)
INBOX = reverse("workbench:inbox")
EXPORT = reverse("workbench:ledger_export")


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def sheet(response: Any) -> list[list[Any]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def exported_numbers(user: Any, query: str) -> list[str]:
    rows = sheet(client_for(user).get(f"{EXPORT}?{query}"))
    return [r[0] for r in rows[1:]]


def listed_numbers(user: Any, query: str) -> list[str]:
    response = client_for(user).get(f"{INBOX}?{query}")
    return [row.petition.number for row in response.context["rows"]]


@pytest.fixture
def ledger(personas: Any) -> dict[str, Any]:
    p = personas
    with on(MONDAY):
        registered, _ = register(p.registrar_a, title="路灯不亮", petitioners=[PetitionerData(name="欧阳娜娜")])
        handling, _ = register(p.registrar_a, title="物业不修电梯", channel="visit")
        to_handling(p, handling)
        replied, _ = register(p.registrar_a, title="道路破损")
        to_replied(p, replied)
        urgent, _ = register(p.registrar_a, title="危房倒塌风险", is_urgent=True)
        accusation, _ = register(
            p.registrar_a,
            title="环保局违规审批",
            nature="accusation",
            accused_unit=p.accused.unit,
            accused_name="某科长",
        )
    return {"registered": registered, "handling": handling, "replied": replied, "urgent": urgent, "acc": accusation}


@pytest.mark.parametrize(
    ("persona", "query"),
    [
        ("registrar_a", "tab=all"),
        ("registrar_a", "tab=registered"),
        ("registrar_a", "tab=all&channel=visit"),
        ("registrar_a", "tab=all&urgent=on"),
        ("registrar_a", "tab=all&q=道路"),
        ("handler_b", "tab=handling"),
        ("handler_b", "tab=all"),
        ("supervisor", "tab=all"),
        ("accused", "tab=all"),
        ("outsider", "tab=all"),
    ],
)
def test_exported_rows_are_the_lists_rows(ledger: dict[str, Any], personas: Any, persona: str, query: str) -> None:
    user = getattr(personas, persona)
    with on(MONDAY + dt.timedelta(days=3)):
        assert exported_numbers(user, query) == listed_numbers(user, query)


def test_filters_narrow_the_export(ledger: dict[str, Any], personas: Any) -> None:
    with on(MONDAY):
        assert exported_numbers(personas.registrar_a, "tab=all&urgent=on") == [ledger["urgent"].number]
        assert exported_numbers(personas.registrar_a, "tab=all&channel=visit") == [ledger["handling"].number]


def test_accusation_never_exported_to_the_accused_side(ledger: dict[str, Any], personas: Any) -> None:
    """Art. 30 ¶3: the accused unit never sees an accusation against it, in a list or in its 台账."""
    with on(MONDAY):
        assert ledger["acc"].number in exported_numbers(personas.registrar_a, "tab=all")
        assert ledger["acc"].number not in exported_numbers(personas.accused, "tab=all")
        assert ledger["acc"].number not in exported_numbers(personas.accused, "tab=all&q=环保局")


def test_petitioner_masked_exactly_as_on_screen(ledger: dict[str, Any], personas: Any) -> None:
    """The registering unit sees the name; an overseeing unit sees it masked (Art. 30; identity.mask_name)."""
    with on(MONDAY):
        mine = {r[0]: r for r in sheet(client_for(personas.registrar_a).get(f"{EXPORT}?tab=all"))[1:]}
        theirs = {r[0]: r for r in sheet(client_for(personas.supervisor).get(f"{EXPORT}?tab=all"))[1:]}
    number = ledger["registered"].number
    assert mine[number][4] == "欧阳娜娜"
    assert theirs[number][4] == "欧***"


def test_ledger_columns_carry_deadlines_overdue_and_state(ledger: dict[str, Any], personas: Any) -> None:
    with on(MONDAY + dt.timedelta(days=40)):
        rows = {r[0]: r for r in sheet(client_for(personas.registrar_a).get(f"{EXPORT}?tab=all"))[1:]}
    row = rows[ledger["registered"].number]
    assert row[1] == "2026-03-02"
    assert ledger["registered"].clocks.get().due.isoformat() in row[11]
    assert row[12] in {"Yes", "是"}  # the 15-day routing limit has passed and nothing stopped it
    assert rows[ledger["replied"].number][12] in {"No", "否"}


def test_query_count_does_not_grow_with_rows(personas: Any) -> None:
    def count() -> int:
        c = client_for(personas.registrar_a)
        with CaptureQueriesContext(connection) as ctx:
            sheet(c.get(f"{EXPORT}?tab=all"))
        return len(ctx.captured_queries)

    with on(MONDAY):
        for i in range(2):
            register(personas.registrar_a, title=f"事项{i}")
        few = count()
        for i in range(8):
            p, _ = register(personas.registrar_a, title=f"更多事项{i}")
            services.petition_forward(petition=p, actor=personas.registrar_a, to_unit=personas.handler_b.unit)
        many = count()
    assert many == few


def test_formula_text_is_not_run_by_the_spreadsheet(personas: Any) -> None:
    with on(MONDAY):
        register(personas.registrar_a, title='=HYPERLINK("http://x")')
        rows = sheet(client_for(personas.registrar_a).get(f"{EXPORT}?tab=all"))
    assert rows[1][7] == '\'=HYPERLINK("http://x")'


def test_csv_streams_the_same_rows(ledger: dict[str, Any], personas: Any) -> None:
    with on(MONDAY):
        response: Any = client_for(personas.registrar_a).get(f"{EXPORT}?tab=all&format=csv")
        content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert [r[0] for r in rows[1:]] == exported_numbers(personas.registrar_a, "tab=all")
    assert len(rows) == 1 + 5


def test_inbox_links_to_the_export_with_its_query(ledger: dict[str, Any], personas: Any) -> None:
    with on(MONDAY):
        html = client_for(personas.registrar_a).get(f"{INBOX}?tab=all&channel=visit").content.decode()
    assert f"{EXPORT}?" in html and "channel=visit" in html.split(EXPORT, 1)[1].split('"', 1)[0]


def test_export_needs_a_staff_login(ledger: dict[str, Any]) -> None:
    response = Client().get(EXPORT)
    assert response.status_code in {302, 403}


def desk_export(user: Any, source: str, query: str = "") -> list[str]:
    url = reverse("workbench:ledger_desk_export", args=[source])
    return [r[0] for r in sheet(client_for(user).get(f"{url}?{query}"))[1:]]


@pytest.mark.parametrize("persona", ["supervisor", "registrar_a", "handler_b", "accused"])
def test_warning_list_exports_its_petitions(ledger: dict[str, Any], personas: Any, persona: str) -> None:
    user = getattr(personas, persona)
    with on(MONDAY + dt.timedelta(days=40)):
        page = client_for(user).get(reverse("supervision:warnings"))
        shown = {c.petition.number for c in page.context["clocks"].object_list}
        exported = desk_export(user, "warnings")
    assert set(exported) == shown
    assert len(exported) == len(set(exported))  # one row per petition, whatever its number of clocks


def test_desk_exports_never_show_an_accusation_to_the_accused(ledger: dict[str, Any], personas: Any) -> None:
    with on(MONDAY + dt.timedelta(days=40)):
        assert ledger["acc"].number in desk_export(personas.registrar_a, "warnings")
        for source in ("warnings", "supervision", "backlog"):
            assert ledger["acc"].number not in desk_export(personas.accused, source)


def test_unknown_desk_list_is_404(personas: Any) -> None:
    url = reverse("workbench:ledger_desk_export", args=["nope"])
    assert client_for(personas.registrar_a).get(url).status_code == 404
