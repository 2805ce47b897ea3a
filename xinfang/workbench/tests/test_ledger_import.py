"""台账 import: template, dry run with row/column errors in Chinese, all-or-nothing import, idempotent re-import."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from xinfang.core.errors import InvalidInput, NotPermitted
from xinfang.petitions.ledger_import import ledger_import, template_rows
from xinfang.petitions.models import Petition
from xinfang.petitions.workflow import Action, State
from xinfang.workbench.tests.conftest import on

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)
IMPORT = reverse("workbench:ledger_import")
HEADER = ["编号", "收到日期", "来源", "性质", "信访人", "联系电话", "标题", "诉求", "状态", "办结日期"]
GOOD = [
    [
        "2023-信-0001",
        "2023-05-06",
        "来信",
        "申诉求决类",
        "张三",
        "13812345678",
        "路灯不亮",
        "修路灯",
        "已办结",
        "2023-06-20",
    ],
    ["2023-访-0002", "2025-12-01", "来访", "", "李四", "", "噪音扰民", "停止夜间施工", "在办", ""],
]


def xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(user: Any, rows: list[list[Any]], *, dry_run: bool, name: str = "台账.xlsx") -> Any:
    data = xlsx(rows) if name.endswith(".xlsx") else "\n".join(",".join(r) for r in rows).encode("gb18030")
    with translation.override("zh-hans"), on(TODAY):
        return ledger_import(actor=user, upload=io.BytesIO(data), name=name, size=len(data), dry_run=dry_run)


def test_dry_run_reports_each_bad_row_and_column_in_chinese(personas: Any) -> None:
    rows = [HEADER, GOOD[0], ["X-3", "2023/13/40", "飞鸽", "", "", "", "标题", "诉求", "已办结", ""], GOOD[1]]
    report = run(personas.registrar_a, rows, dry_run=True)
    with translation.override("zh-hans"):
        lines = report.lines()
    assert [line.split("：")[0] for line in lines] == ["第 3 行「收到日期」", "第 3 行「来源」", "第 3 行「办结日期」"]
    assert lines[0] == "第 3 行「收到日期」：日期格式应为 YYYY-MM-DD"
    assert "网上、网上信访、来信、来访、来电、传真、电子邮件、视频" in lines[1]
    assert Petition.objects.count() == 0  # a dry run writes nothing


def test_import_with_a_bad_row_imports_nothing(personas: Any) -> None:
    rows = [HEADER, GOOD[0], ["X-3", "2023-05-06", "来信", "", "", "", "", "诉求", "在办", ""]]
    report = run(personas.registrar_a, rows, dry_run=False)
    assert not report.ok
    assert report.errors[0].row == 3
    assert Petition.objects.count() == 0


def test_import_keeps_the_original_number_and_marks_the_timeline(personas: Any) -> None:
    report = run(personas.registrar_a, [HEADER, *GOOD], dry_run=False)
    assert report.ok and report.created == ["2023-信-0001", "2023-访-0002"]
    closed = Petition.objects.get(source_number="2023-信-0001")
    open_ = Petition.objects.get(source_number="2023-访-0002")
    assert closed.imported and open_.imported
    assert closed.registering_unit == personas.registrar_a.unit
    assert (closed.state, closed.closed_on, closed.received_on) == (
        State.CLOSED,
        dt.date(2023, 6, 20),
        dt.date(2023, 5, 6),
    )
    assert not closed.clocks.exists()  # a closed historical item owes nothing
    # An open item is registered at the importing unit; its first time limit starts on the import day.
    assert open_.state == State.REGISTERED and open_.current_unit == personas.registrar_a.unit
    assert open_.clocks.get().start == TODAY
    event = closed.events.get()
    assert event.action == Action.REGISTER and event.data["imported"] is True
    assert event.data["source_number"] == "2023-信-0001"
    assert "2023-信-0001" in event.note
    assert closed.petitioners.get().name == "张三"


def test_reimport_creates_nothing_and_reports_existing(personas: Any) -> None:
    run(personas.registrar_a, [HEADER, *GOOD], dry_run=False)
    again = run(personas.registrar_a, [HEADER, *GOOD], dry_run=False)
    assert again.ok and again.created == []
    assert [n for _, n in again.existing] == ["2023-信-0001", "2023-访-0002"]
    with translation.override("en"):
        assert again.lines() == [
            "Row 2, “编号”: 2023-信-0001 already exists",
            "Row 3, “编号”: 2023-访-0002 already exists",
        ]
    assert Petition.objects.count() == 2


def test_the_same_number_twice_in_one_file_is_an_error(personas: Any) -> None:
    report = run(personas.registrar_a, [HEADER, GOOD[0], GOOD[0]], dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(3, "编号")]


def test_csv_in_gb18030_is_read(personas: Any) -> None:
    report = run(personas.registrar_a, [HEADER, *GOOD], dry_run=False, name="台账.csv")
    assert report.ok and Petition.objects.filter(imported=True).count() == 2


def test_only_registrars_import(personas: Any) -> None:
    with pytest.raises(NotPermitted):
        run(personas.handler_b, [HEADER, *GOOD], dry_run=True)


def test_limits_refuse_oversized_input(personas: Any) -> None:
    with pytest.raises(InvalidInput) as exc, on(TODAY):
        ledger_import(actor=personas.registrar_a, upload=io.BytesIO(b""), name="a.xlsx", size=50 * 2**20, dry_run=True)
    assert exc.value.field == "file"
    long_title = [*GOOD[0][:6], "长" * 201, *GOOD[0][7:]]
    report = run(personas.registrar_a, [HEADER, long_title], dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(2, "标题")]
    with pytest.raises(InvalidInput):
        run(personas.registrar_a, [["随便"], GOOD[0]], dry_run=True)  # not the template's header


def test_template_round_trips_through_a_dry_run(personas: Any) -> None:
    with translation.override("zh-hans"):
        header, example = template_rows()
    report = run(personas.registrar_a, [header, example], dry_run=True)
    assert report.ok and report.created == [example[0]]


def test_workbench_page_checks_then_imports(personas: Any) -> None:
    c = Client()
    c.force_login(personas.registrar_a)
    body = xlsx([HEADER, *GOOD])
    with on(TODAY):
        assert c.get(reverse("workbench:ledger_template")).status_code == 200
        checked = c.post(IMPORT, {"file": SimpleUploadedFile("t.xlsx", body), "commit": "0"})
        assert checked.status_code == 200 and Petition.objects.count() == 0
        done = c.post(IMPORT, {"file": SimpleUploadedFile("t.xlsx", body), "commit": "1"})
    assert done.status_code == 200 and Petition.objects.filter(imported=True).count() == 2
    response: Any = c.get(reverse("workbench:ledger_template"))
    template = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert template.active.max_row == 2


def test_workbench_page_refuses_bad_files_with_4xx(personas: Any) -> None:
    c = Client()
    c.force_login(personas.registrar_a)
    with on(TODAY):
        assert c.post(IMPORT, {}).status_code == 400
        assert c.post(IMPORT, {"file": SimpleUploadedFile("t.pdf", b"%PDF")}).status_code == 400
        assert c.post(IMPORT, {"file": SimpleUploadedFile("t.xlsx", b"not a zip")}).status_code == 400
    other = Client()
    other.force_login(personas.handler_b)
    assert other.get(IMPORT).status_code == 403


def test_management_command_checks_by_default(personas: Any, tmp_path: Any) -> None:
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(xlsx([HEADER, *GOOD]))
    out = io.StringIO()
    with on(TODAY):
        call_command("ledger_import", str(path), user=personas.registrar_a.username, stdout=out)
        assert Petition.objects.count() == 0
        call_command("ledger_import", str(path), "--commit", user=personas.registrar_a.username, stdout=out)
    assert Petition.objects.filter(imported=True).count() == 2
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([HEADER, ["X", "nope", "来信", "", "", "", "t", "r", "在办", ""]]))
    with pytest.raises(CommandError), on(TODAY):
        call_command("ledger_import", str(bad), user=personas.registrar_a.username, stdout=out)


def test_report_reads_in_chinese(personas: Any) -> None:
    rows = [HEADER, ["X-3", "2023/13/40", "来信", "", "", "", "标题", "诉求", "在办", ""], GOOD[0]]
    report = run(personas.registrar_a, rows, dry_run=False)
    assert not report.ok
    run(personas.registrar_a, [HEADER, GOOD[0]], dry_run=False)
    again = run(personas.registrar_a, [HEADER, GOOD[0]], dry_run=True)
    with translation.override("zh-hans"):
        assert report.lines() == ["第 2 行「收到日期」：日期格式应为 YYYY-MM-DD"]
        assert again.lines() == ["第 2 行「编号」：2023-信-0001 已存在"]
