"""Reports as .docx in the house style of ``xinfang.documents`` (GB/T 9704 sizes, 宋体/黑体, page numbers): each
chart is a PNG drawn with matplotlib (Agg backend, no display) followed by the table of the numbers behind it.

CJK text in the charts needs a CJK font: the first of ``CJK_FONTS`` that matplotlib's font manager finds (Noto
Sans/Serif CJK, WenQuanYi, SimHei …). Where none is installed the charts are still drawn (the Chinese labels show
as boxes) and the tables next to them carry the same numbers, so nothing fails.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from typing import Any

import docx
import matplotlib
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

matplotlib.use("Agg")  # before pyplot: no display on a server

from matplotlib import font_manager
from matplotlib import pyplot as plt

from xinfang.documents.services import (
    BODY_SIZE,
    DRAFT_COLOUR,
    HEADING_FONT,
    SMALL_SIZE,
    TITLE_SIZE,
    UNIT_SIZE,
    _fonts,
    _page_footer,
    _paragraph,
    _setup,
)
from xinfang.reports.models import Report, ReportKind, ReportStatus
from xinfang.reports.services import section_headings

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "Noto Serif CJK JP",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
)
DRAFT_MARK = "草稿 · 未签发"
CHINESE_NUMERALS = "一二三四五六七八九十"


@functools.cache
def cjk_font() -> str | None:
    """The first installed CJK font matplotlib can use, or None."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _figure() -> Any:
    font = cjk_font()
    if font is not None:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    return plt.figure(figsize=(6.4, 3.2), dpi=150)


def _png(figure: Any) -> bytes:
    out = io.BytesIO()
    figure.tight_layout()
    figure.savefig(out, format="png")
    plt.close(figure)
    return out.getvalue()


def bar_chart(labels: Sequence[str], values: Sequence[float], title: str, *, horizontal: bool = True) -> bytes:
    figure = _figure()
    axes = figure.add_subplot(1, 1, 1)
    if horizontal:
        positions = list(range(len(labels)))[::-1]
        axes.barh(positions, list(values), color="#3a6ea5")
        axes.set_yticks(positions, [label[:16] for label in labels])
    else:
        axes.bar(range(len(labels)), list(values), color="#3a6ea5")
        axes.set_xticks(range(len(labels)), list(labels), rotation=45, ha="right")
    axes.set_title(title)
    return _png(figure)


def line_chart(labels: Sequence[str], values: Sequence[float], title: str) -> bytes:
    figure = _figure()
    axes = figure.add_subplot(1, 1, 1)
    axes.plot(range(len(labels)), list(values), marker="o", color="#3a6ea5")
    axes.set_xticks(range(len(labels)), list(labels), rotation=45, ha="right")
    axes.set_ylim(bottom=0)
    axes.set_title(title)
    return _png(figure)


# --- document parts ---


def _heading(document: Any, text: str) -> None:
    paragraph = _paragraph(document, text, east_asia=HEADING_FONT, bold=True)
    paragraph.paragraph_format.space_before = Pt(12)
    paragraph.paragraph_format.space_after = Pt(6)


def _text(document: Any, text: str) -> None:
    for line in (text or "").splitlines() or [""]:
        if not line.strip():
            continue
        paragraph = _paragraph(document, line.strip())
        paragraph.paragraph_format.first_line_indent = Pt(BODY_SIZE.pt * 2)


def _table(document: Any, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        _fonts(cell.paragraphs[0].add_run(str(text)), east_asia=HEADING_FONT, size=SMALL_SIZE, bold=True)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = ""
            _fonts(cell.paragraphs[0].add_run("" if value is None else str(value)), size=SMALL_SIZE)
    document.add_paragraph()


def _chart(document: Any, png: bytes) -> None:
    document.add_picture(io.BytesIO(png), width=Mm(150))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def fmt(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "rate":
        return f"{value * 100:.1f}%"
    if unit == "days":
        return f"{value:.1f}"
    return str(value)


def change(current: Any, before: Any, unit: str) -> str:
    if current is None or before is None:
        return "—"
    if unit == "rate":
        return f"{(current - before) * 100:+.1f}个百分点"
    if not before:
        return "—"
    return f"{(current - before) / before * 100:+.1f}%"


def _kpi_table(document: Any, data: dict[str, Any], keys: Sequence[str], *, monthly: bool) -> None:
    labels, units = data["labels"], data["units"]
    header = ["指标", "本期", "同比"]
    if monthly:
        header = ["指标", "本月", "上月", "环比", "去年同月", "同比"]
    rows = []
    for key in keys:
        unit = units.get(key, "count")
        now, ago = data["kpis"].get(key), data["year_ago"].get(key)
        if monthly:
            prev = data["previous"].get(key)
            rows.append(
                [
                    labels.get(key, key),
                    fmt(now, unit),
                    fmt(prev, unit),
                    change(now, prev, unit),
                    fmt(ago, unit),
                    change(now, ago, unit),
                ]
            )
        else:
            rows.append([labels.get(key, key), fmt(now, unit), fmt(ago, unit), change(now, ago, unit)])
    if not monthly:
        header = ["指标", "本年", "上年", "同比"]
    _table(document, header, rows)


def _ranked(document: Any, title: str, rows: Sequence[dict[str, Any]], *, moved: bool = False) -> None:
    if not rows:
        _text(document, f"{title}：无。")
        return
    _chart(document, bar_chart([r["label"] for r in rows], [r["value"] for r in rows], title))
    if moved:
        _table(
            document,
            ["排名", "名称", "件数", "上月排名", "上月件数"],
            [
                [r["rank"], r["label"], r["value"], r.get("previous_rank") or "—", r.get("previous_value") or 0]
                for r in rows
            ],
        )
    else:
        _table(document, ["排名", "名称", "件数"], [[i, r["label"], r["value"]] for i, r in enumerate(rows, start=1)])


def _numbered(n: int, text: str) -> str:
    return f"{CHINESE_NUMERALS[n] if n < len(CHINESE_NUMERALS) else n + 1}、{text}"


def _monthly_body(document: Any, report: Report) -> None:
    data = report.figures
    texts = report.sections
    headings = section_headings()
    n = 0
    _heading(document, _numbered(n, "总体情况"))
    n += 1
    _text(document, texts.get("summary", ""))
    _kpi_table(document, data, [k for k in data["kpis"] if k != "overdue_open"], monthly=True)
    trend = data.get("trend") or []
    _chart(document, line_chart([p["period"] for p in trend], [p["value"] for p in trend], "信访总量（近12个月）"))
    _table(document, ["月份", "信访总量"], [[p["period"], p["value"]] for p in trend])

    _heading(document, _numbered(n, "问题类别、属地和单位"))
    n += 1
    _ranked(document, "问题类别（前十）", data["top"]["category"], moved=True)
    _ranked(document, "问题属地（前十）", data["top"]["area"], moved=True)
    _ranked(document, "单位（前十）", data["top"]["unit"], moved=True)

    _heading(document, _numbered(n, "异常上升"))
    n += 1
    rule = data.get("rise_rule", {})
    _text(
        document,
        f"判定规则：本月件数高于前{rule.get('months', 12)}个月均值加{rule.get('sigmas', 2)}倍标准差，"
        f"且不少于{rule.get('min_count', 5)}件。",
    )
    rises = data.get("rises") or []
    if rises:
        _table(
            document,
            ["维度", "名称", "本月", "前期均值", "阈值"],
            [[r["dimension"], r["label"], r["value"], r["mean"], r["threshold"]] for r in rises],
        )
    else:
        _text(document, "本月无异常上升。")

    _heading(document, _numbered(n, "热点问题"))
    n += 1
    hot = data.get("hot_issues") or []
    if hot:
        _table(
            document,
            ["序号", "问题", "件数", "突增"],
            [[h["rank"], h["description"], h["petitions"], "是" if h["sudden_rise"] else ""] for h in hot],
        )
    else:
        _text(document, "无。")

    _heading(document, _numbered(n, "超期、督办、积案和满意度"))
    n += 1
    _kpi_table(
        document,
        data,
        [
            k
            for k in (
                "supervision_orders",
                "supervision_on_time_reply_rate",
                "backlog_resolution_rate",
                "cases_in_charge",
                "satisfaction_rate",
                "dissatisfied",
            )
            if k in data["kpis"]
        ],
        monthly=True,
    )
    _text(document, f"截至{data.get('as_of', '')}，超期件{data['kpis'].get('overdue_open') or 0}件。")

    _heading(document, _numbered(n, "上月突出问题交办反馈"))
    n += 1
    last = data.get("last_month_issues") or []
    status_words = {"done": "已按期反馈", "done_late": "逾期反馈", "overdue": "超期未反馈", "open": "办理中"}
    if last:
        _table(
            document,
            ["问题", "责任单位", "期限", "状态", "反馈"],
            [[r["title"], r["unit"], r["due"], status_words.get(r["status"], r["status"]), r["result"]] for r in last],
        )
    else:
        _text(document, "无。")
    for key in ("analysis", "suggestions"):
        _heading(document, _numbered(n, headings[key]))
        n += 1
        _text(document, texts.get(key, ""))
    issues = list(report.issues.select_related("unit")) if report.pk else []
    if issues:
        _heading(document, _numbered(n, "本月突出问题及交办"))
        _table(document, ["问题", "责任单位", "期限"], [[i.title, i.unit.name, i.due.isoformat()] for i in issues])


def _annual_body(document: Any, report: Report) -> None:
    data = report.figures
    texts = report.sections
    headings = section_headings()
    _heading(document, "一、信访事项数据统计")
    _text(document, texts.get("summary", ""))
    _kpi_table(document, data, list(data["kpis"]), monthly=False)
    trend = data.get("trend") or []
    _chart(document, line_chart([p["period"] for p in trend], [p["value"] for p in trend], "信访总量（按月）"))
    _table(document, ["月份", "信访总量"], [[p["period"], p["value"]] for p in trend])
    _ranked(document, "信访渠道", data.get("by_channel") or [])
    _heading(document, "二、信访事项涉及领域和属地")
    _ranked(document, "问题类别", data.get("by_category") or [])
    _ranked(document, "问题属地", data.get("by_area") or [])
    _heading(document, "三、被投诉较多的机关、单位")
    complained = data.get("complained_units") or []
    if complained:
        _chart(
            document,
            bar_chart([r["label"] for r in complained], [r["value"] for r in complained], "被投诉较多的机关、单位"),
        )
    _table(
        document,
        ["排名", "机关、单位", "件数", "主要问题"],
        [[i, r["label"], r["value"], "、".join(r.get("reasons") or [])] for i, r in enumerate(complained, start=1)],
    )
    _heading(document, "四、督办和建议及采纳情况")
    kpis, units = data["kpis"], data["units"]
    _text(
        document,
        f"督办件数{fmt(kpis.get('supervision_orders'), 'count')}件，督办按期回复率"
        f"{fmt(kpis.get('supervision_on_time_reply_rate'), units.get('supervision_on_time_reply_rate', 'rate'))}。",
    )
    rec = data.get("recommendations") or {}
    _table(
        document,
        ["建议类别", "提出", "采纳", "部分采纳", "不予采纳"],
        [
            [r["label"], r["made"], r.get("adopted", 0), r.get("partly", 0), r.get("not_adopted", 0)]
            for r in rec.get("by_kind", [])
        ],
    )
    _heading(document, f"五、{headings['work_done']}")
    _text(document, texts.get("work_done", ""))
    _heading(document, f"六、{headings['other']}")
    _text(document, texts.get("other", ""))
    _heading(document, "附：向巡视巡察机构提供的情况（第四十一条第二款）")
    inspection = data.get("inspection") or {}
    _text(document, texts.get("inspection_notes", ""))
    _text(
        document,
        f"检举控告类信访事项{inspection.get('accusations', 0)}件；积案化解率"
        f"{fmt(inspection.get('backlog_resolution_rate'), 'rate')}；"
        f"包案件数{inspection.get('cases_in_charge') or 0}件。",
    )
    rises = inspection.get("rises") or []
    _table(
        document,
        ["月份", "维度", "名称", "件数", "前期均值"],
        [[r["month"], r["dimension"], r["label"], r["value"], r["mean"]] for r in rises],
    )


def title_of(report: Report) -> str:
    if report.kind == ReportKind.MONTHLY:
        return f"{report.period_start.year}年{report.period_start.month}月信访形势分析研判"
    return f"{report.period_start.year}年度信访情况报告"


def render_docx(report: Report) -> bytes:
    """The report as a .docx; a draft is marked 草稿 on every page."""
    document = docx.Document()
    title = title_of(report)
    _setup(document, title=title, unit_name=report.unit.name, number=str(report.pk or ""))
    section = document.sections[0]
    if report.status == ReportStatus.DRAFT:
        mark = section.header.paragraphs[0]
        mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = mark.add_run(DRAFT_MARK)
        _fonts(run, east_asia=HEADING_FONT, size=SMALL_SIZE, bold=True)
        run.font.color.rgb = DRAFT_COLOUR
    _page_footer(section)
    _paragraph(
        document, report.unit.name, align=WD_ALIGN_PARAGRAPH.CENTER, east_asia=HEADING_FONT, size=UNIT_SIZE, bold=True
    )
    _paragraph(document, title, align=WD_ALIGN_PARAGRAPH.CENTER, size=TITLE_SIZE, bold=True)
    period = report.figures.get("period") or [report.period_start.isoformat(), report.period_end.isoformat()]
    _paragraph(document, f"统计期间：{period[0]} 至 {period[1]}", align=WD_ALIGN_PARAGRAPH.CENTER, size=SMALL_SIZE)
    if report.kind == ReportKind.MONTHLY:
        _monthly_body(document, report)
    else:
        _annual_body(document, report)
    if report.issued_at is not None:
        issuer = report.issued_by.full_name if report.issued_by else ""
        _paragraph(document, f"签发：{issuer}  {report.issued_at.date().isoformat()}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def filename_of(report: Report) -> str:
    return f"{title_of(report)}-{report.unit.code}.docx"
