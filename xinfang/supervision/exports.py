"""The monthly bulletin as .docx (python-docx) and .xlsx (openpyxl), from its stored snapshot."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import docx
from django.http import HttpResponse
from django.utils.translation import gettext as _
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from xinfang.supervision.models import Bulletin
from xinfang.supervision.typical_cases import bulletin_case_lines

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def columns() -> list[tuple[str, str]]:
    """(field, header) of the bulletin table, in order."""
    return [
        ("rank", _("Rank")),
        ("unit", _("Unit")),
        ("notice_total", _("Notices due")),
        ("notice_on_time", _("Notices on time")),
        ("notice_rate", _("On-time notice rate")),
        ("closing_total", _("Items closed")),
        ("closing_on_time", _("Closed on time")),
        ("closing_rate", _("On-time closing rate")),
        ("overdue_end", _("Overdue at month end")),
        ("became_overdue", _("Became overdue")),
        ("orders_issued", _("Supervision orders received")),
        ("orders_due", _("Replies due")),
        ("orders_on_time", _("Replied on time")),
        ("ratings", _("Ratings")),
        ("satisfaction_rate", _("Satisfaction")),
    ]


def _cell(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    if name.endswith("_rate"):
        return _percent(value)
    return "" if value is None else str(value)


def _font(run: Any, size: float, *, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = "SimSun"
    r_pr = run._element.get_or_add_rPr()
    r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), "SimSun")


def bulletin_docx(bulletin: Bulletin) -> bytes:
    data = bulletin.data
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(str(data.get("title", ""))), 18, bold=True)
    meta = document.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    period = data.get("period") or ["", ""]
    _font(meta.add_run(f"{data.get('unit', '')}　{period[0]} — {period[1]}"), 11)
    cols = columns()
    rows = list(data.get("rows", []))
    table = document.add_table(rows=1, cols=len(cols))
    table.style = "Table Grid"
    for cell, (_name, header) in zip(table.rows[0].cells, cols, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(header), 8, bold=True)
    for row in [*rows, {**data.get("totals", {}), "rank": "", "unit": _("Total")}]:
        cells = table.add_row().cells
        for cell, (name, _header) in zip(cells, cols, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(_cell(row, name)), 8)
    note = document.add_paragraph()
    _font(
        note.add_run(
            _(
                "Ranking: the mean of the unit's rates (notice, closing, replies to supervision orders, "
                "satisfaction; a rate without items is left out); ties by fewer overdue items at month end."
            )
        ),
        9,
    )
    lines = bulletin_case_lines(bulletin)
    if lines:
        heading = document.add_paragraph()
        _font(heading.add_run(_("Typical cases")), 12, bold=True)
        for line in lines:
            _font(document.add_paragraph().add_run(line), 10.5)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def bulletin_xlsx(bulletin: Bulletin) -> bytes:
    data = bulletin.data
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has one sheet
    sheet.title = str(data.get("month", "bulletin"))
    sheet.append([str(data.get("title", ""))])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([str(data.get("unit", "")), *(data.get("period") or [])])
    cols = columns()
    sheet.append([header for _name, header in cols])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    for row in [*data.get("rows", []), {**data.get("totals", {}), "rank": None, "unit": _("Total")}]:
        values: list[Any] = []
        for name, _header in cols:
            value = row.get(name)
            values.append(value)
        sheet.append(values)
    for col in ("E", "H", "O"):
        for cell in sheet[col][3:]:
            cell.number_format = "0.0%"
    sheet.column_dimensions["B"].width = 28
    lines = bulletin_case_lines(bulletin)
    if lines:
        cases = book.create_sheet(_("Typical cases")[:31])
        cases.append([_("Typical cases")])
        cases["A1"].font = Font(bold=True)
        for line in lines:
            cases.append([line])
        cases.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def download(bulletin: Bulletin, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        body, content_type = bulletin_xlsx(bulletin), XLSX_TYPE
    else:
        body, content_type = bulletin_docx(bulletin), DOCX_TYPE
    name = f"{bulletin.data.get('title') or bulletin.month.strftime('%Y-%m')}.{fmt}"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
