"""Exports: a 考核 scheme's ranking and lines as CSV or XLSX (openpyxl); a campaign's report as .docx (python-docx)."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext as _

from xinfang.assessment import selectors
from xinfang.assessment.models import Campaign, Scheme
from xinfang.orgs.models import User
from xinfang.stats import catalogue


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def scheme_rows(scheme: Scheme) -> list[list[Any]]:
    """The ranking table: rank, unit, each indicator's figure and points, adjustments, total."""
    indicators = list(scheme.indicators.all())
    header: list[Any] = [_("Rank"), _("Unit")]
    for ind in indicators:
        label = catalogue.BY_NAME[ind.kpi].label
        header += [f"{label} ({_('figure')})", f"{label} ({_('points')})"]
    header += [_("Deductions and bonuses"), _("Total")]
    rows = [header]
    for r in selectors.ranking(scheme):
        by_ind = {line.indicator_id: line for line in r.lines if line.indicator_id}
        row: list[Any] = [r.rank, r.unit_name]
        for ind in indicators:
            line = by_ind.get(ind.pk)
            row += [_percent(line.value) if line else "", float(line.final_points) if line else ""]
        row += [float(r.adjustments), float(r.total)]
        rows.append(row)
    return rows


def line_rows(scheme: Scheme) -> list[list[Any]]:
    """Every line: unit, what, figure, numerator, denominator, points, points after a decision, reason."""
    rows: list[list[Any]] = [
        [_("Unit"), _("Line"), _("Figure"), _("Numerator"), _("Denominator"), _("Points"), _("After decision")]
    ]
    for line in scheme.lines.select_related("unit", "indicator", "adjustment").order_by("unit__path", "id"):
        if line.indicator:
            what = catalogue.BY_NAME[line.indicator.kpi].label
        else:
            adj = line.adjustment
            what = f"{adj.get_kind_display()}: {adj.reason}" if adj else ""
        rows.append(
            [
                line.unit.name,
                what,
                _percent(line.value) if line.indicator_id else "",
                line.numerator if line.numerator is not None else "",
                line.denominator if line.denominator is not None else "",
                float(line.points),
                float(line.decided_points) if line.decided_points is not None else "",
            ]
        )
    return rows


def scheme_csv(scheme: Scheme) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(scheme_rows(scheme))
    writer.writerow([])
    writer.writerows(line_rows(scheme))
    return "\ufeff" + out.getvalue()  # BOM: Excel opens UTF-8 Chinese text correctly


def scheme_xlsx(scheme: Scheme) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ranking = wb.active
    assert ranking is not None  # noqa: S101 - a new workbook has one sheet
    ranking.title = str(_("Ranking"))
    for row in scheme_rows(scheme):
        ranking.append(row)
    lines = wb.create_sheet(str(_("Lines")))
    for row in line_rows(scheme):
        lines.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def campaign_rows(user: User, campaign: Campaign) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [_("Petition"), _("Title"), _("Unit"), _("Leader in charge"), _("Responsible unit"), _("Responsible person"),
         _("Case status"), _("Signed off on"), _("Petitioner's view")]
    ]  # fmt: skip
    for entry in selectors.campaign_cases_for(user, campaign):
        case = entry.case
        rows.append(
            [
                case.petition.number,
                case.petition.title,
                case.unit.name,
                str(case.leader) if case.leader_id else "",
                case.responsible_unit.name if case.responsible_unit_id and case.responsible_unit else "",
                case.responsible_person,
                case.get_status_display(),
                entry.signed_off_on.isoformat() if entry.signed_off_on else "",
                entry.get_petitioner_view_display() if entry.petitioner_view else "",
            ]
        )
    return rows


def campaign_csv(user: User, campaign: Campaign) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(campaign_rows(user, campaign))
    return "\ufeff" + out.getvalue()


def campaign_docx(user: User, campaign: Campaign) -> bytes:
    """The campaign report: goal and progress, the board by unit, the 责任状 and the weekly progress."""
    import docx

    board = selectors.board(campaign)
    document = docx.Document()
    document.add_heading(campaign.title, level=1)
    document.add_paragraph(
        _("Scope: %(scope)s. Period: %(start)s to %(end)s. Owner: %(owner)s.")
        % {"scope": campaign.scope_unit.name, "start": campaign.start, "end": campaign.end, "owner": campaign.owner}
    )
    document.add_paragraph(
        _("Goal: %(goal)s of the cases signed off. Now: %(signed)s of %(total)s (%(rate)s); resolved: %(resolved)s.")
        % {
            "goal": _percent(board.goal),
            "signed": board.signed_off,
            "total": board.total,
            "rate": _percent(board.rate),
            "resolved": board.resolved,
        }
    )
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(table.rows[0].cells, [_("Unit"), _("Cases"), _("Resolved"), _("Signed off")], strict=True):
        cell.text = str(text)
    for u in board.by_unit:
        cells = table.add_row().cells
        for cell, value in zip(cells, [u["unit"], u["total"], u["resolved"], u["signed_off"]], strict=True):
            cell.text = str(value)
    document.add_heading(_("Letters of responsibility"), level=2)
    for pledge in campaign.pledges.select_related("unit"):
        document.add_paragraph(f"{pledge.unit.name} · {pledge.signed_by} · {pledge.signed_on}", style="List Bullet")
    document.add_heading(_("Weekly progress"), level=2)
    for p in campaign.progress.all()[:52]:
        document.add_paragraph(f"{p.week_start}: {p.text}", style="List Bullet")
    document.add_heading(_("Cases"), level=2)
    rows = campaign_rows(user, campaign)
    cases = document.add_table(rows=0, cols=len(rows[0]))
    for row in rows:
        for cell, value in zip(cases.add_row().cells, row, strict=True):
            cell.text = str(value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
