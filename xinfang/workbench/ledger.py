"""台账 export: any workbench petition list as an office ledger (.xlsx or .csv), streamed in constant memory.

The rows come from the list's own queryset (so its filters and its visibility, which start from
``petitions_visible_to``, apply unchanged). They are read with ``.iterator(chunk_size=…)`` and the petitioners,
clocks and ratings are prefetched per chunk: the query count does not grow with the rows. The .xlsx is an openpyxl
write-only workbook (rows go to a temporary file as they are appended); the .csv is a generator streamed as it is
produced. Petitioner names are masked exactly as on screen (``can_see_identity``, ``identity.mask_name``).
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy

from xinfang.core.punctuation import colon, semicolon
from xinfang.deadlines.rules import ClockKind
from xinfang.orgs.models import User
from xinfang.petitions import identity, selectors
from xinfang.petitions.models import (
    Channel,
    Clock,
    Nature,
    Petition,
    Petitioner,
    Rating,
    RatingTarget,
    Satisfaction,
)
from xinfang.petitions.workflow import State

CHUNK_SIZE = 1000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

COLUMNS: tuple[Promise, ...] = (
    pgettext_lazy("ledger column", "Number"),  # 编号
    pgettext_lazy("ledger column", "Received on"),  # 收到日期
    pgettext_lazy("ledger column", "Source"),  # 来源 (channel)
    pgettext_lazy("ledger column", "Nature"),  # 性质
    pgettext_lazy("ledger column", "Petitioner"),  # 信访人 (masked as on screen)
    pgettext_lazy("ledger column", "Problem location"),  # 问题属地
    pgettext_lazy("ledger column", "Content category"),  # 内容分类
    pgettext_lazy("ledger column", "Title"),  # 标题
    pgettext_lazy("ledger column", "Request"),  # 诉求
    pgettext_lazy("ledger column", "Current unit"),  # 当前单位
    pgettext_lazy("ledger column", "State"),  # 状态
    pgettext_lazy("ledger column", "Time limits"),  # each clock: kind, due, stopped
    pgettext_lazy("ledger column", "Overdue"),  # 超期
    pgettext_lazy("ledger column", "Satisfaction"),  # 满意度
    pgettext_lazy("ledger column", "Closed on"),  # 办结日期
)


def headers() -> list[str]:
    return [str(c) for c in COLUMNS]


def ledger_queryset(qs: QuerySet[Petition]) -> QuerySet[Petition]:
    """The list's queryset with what a ledger row needs, in the list's order (newest first if it has none)."""
    if not qs.query.order_by:
        qs = qs.order_by("-pk")
    return (
        qs.select_related("current_unit", "category")
        .defer("facts_and_reasons", "five_questions", "tracking_code_hash")
        .prefetch_related(
            # to_attr: plain lists, no related manager (and its queryset) built per row
            Prefetch(
                "petitioners",
                queryset=Petitioner.objects.order_by("id").only("id", "petition_id", "name"),
                to_attr="ledger_petitioners",
            ),
            Prefetch("clocks", queryset=Clock.objects.order_by("start", "id"), to_attr="ledger_clocks"),
            Prefetch(
                "ratings",
                queryset=Rating.objects.order_by("id").only("id", "petition_id", "target", "value"),
                to_attr="ledger_ratings",
            ),
        )
    )


def _petitioner_cell(petition: Petition, show_identity: bool) -> str:
    names = [p.name for p in getattr(petition, "ledger_petitioners", ()) if p.name]
    if not names:
        return gettext("Anonymous") if petition.is_anonymous else ""
    if not show_identity:
        names = [identity.mask_name(n) for n in names]
    return "、".join(names)


def _clock_cell(clocks: Iterable[Clock], labels: Labels) -> str:
    lines = []
    for c in clocks:
        line = f"{labels.clock[c.kind]} {c.due.isoformat()}" if c.kind in labels.clock else c.due.isoformat()
        if c.stopped_on is not None:
            line += gettext(" (stopped %(day)s)") % {"day": c.stopped_on.isoformat()}
        lines.append(line)
    return "\n".join(lines)


def _rating_cell(ratings: Iterable[Rating], labels: Labels) -> str:
    return semicolon().join(
        f"{labels.target.get(r.target, r.target)}{colon()}{labels.value.get(r.value, r.value)}" for r in ratings
    )


def _labels(choices: Any) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices}


@dataclass(frozen=True)
class Labels:
    """The choice labels, translated once per export (not per row: lazy translation is the slow part)."""

    channel: dict[str, str]
    nature: dict[str, str]
    state: dict[str, str]
    clock: dict[str, str]
    target: dict[str, str]
    value: dict[str, str]
    yes: str
    no: str

    @classmethod
    def now(cls) -> Labels:
        return cls(
            channel=_labels(Channel.choices),
            nature=_labels(Nature.choices),
            state=_labels(State.choices),
            clock=_labels(ClockKind.choices),
            target=_labels(RatingTarget.choices),
            value=_labels(Satisfaction.choices),
            yes=gettext("Yes"),
            no=gettext("No"),
        )


def ledger_row(user: User, petition: Petition, today: dt.date, labels: Labels | None = None) -> list[str]:
    labels = labels or Labels.now()
    clocks: list[Clock] = getattr(petition, "ledger_clocks", [])
    overdue = any(c.is_overdue(today) for c in clocks)
    location = " ".join(x for x in (petition.problem_division_code, petition.problem_address) if x)
    return [
        petition.number,
        petition.received_on.isoformat(),
        labels.channel.get(petition.channel, petition.channel),
        labels.nature.get(petition.nature, petition.nature),
        _petitioner_cell(petition, selectors.can_see_identity(user, petition)),
        location,
        petition.category.full_name if petition.category else "",
        petition.title,
        petition.request,
        petition.current_unit.name,
        labels.state.get(petition.state, petition.state),
        _clock_cell(clocks, labels),
        labels.yes if overdue else labels.no,
        _rating_cell(getattr(petition, "ledger_ratings", ()), labels),
        petition.closed_on.isoformat() if petition.closed_on else "",
    ]


def ledger_rows(
    user: User, qs: QuerySet[Petition], today: dt.date, chunk_size: int = CHUNK_SIZE
) -> Iterator[list[str]]:
    """The ledger rows of ``qs`` (already limited to what ``user`` may see), without the header."""
    from xinfang.core.audit import identity_read_record  # one INSERT for the rows shown unmasked (Art. 30)
    from xinfang.workbench.selectors import identity_q

    identity_read_record(
        user=user, surface="ledger", petition_ids=qs.filter(identity_q(user)).values_list("pk", flat=True)
    )
    labels = Labels.now()
    for petition in ledger_queryset(qs).iterator(chunk_size=chunk_size):
        yield ledger_row(user, petition, today, labels)


def _safe(value: str) -> str:
    """Text a spreadsheet will not run as a formula (CSV injection) and openpyxl accepts (no control chars)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def write_xlsx(
    rows: Iterable[list[str]], out: IO[bytes], *, title: str = "台账", header: list[str] | None = None
) -> None:
    """Write a header row and ``rows`` as a write-only workbook: memory stays flat whatever the row count."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=title[:31])
    ws.append(header if header is not None else headers())
    for row in rows:
        ws.append([_safe(v) for v in row])
    wb.save(out)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[str]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM: Excel opens UTF-8 CSV with Chinese text correctly
    yield writer.writerow(headers())
    for row in rows:
        yield writer.writerow([_safe(v) for v in row])


@dataclass(frozen=True)
class Export:
    user: User
    queryset: QuerySet[Petition]
    name: str  # file name without extension
    today: dt.date


def xlsx_file_response(rows: Iterable[list[str]], name: str, *, header: list[str] | None = None) -> FileResponse:
    """The workbook is written to a temporary file (write-only mode), then streamed from it."""
    tmp: Any = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it after streaming
    write_xlsx(rows, tmp, header=header)
    tmp.seek(0)
    return FileResponse(
        tmp,
        as_attachment=True,
        filename=f"{name}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def xlsx_response(export: Export) -> FileResponse:
    return xlsx_file_response(ledger_rows(export.user, export.queryset, export.today), export.name)


def csv_response(export: Export) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(ledger_rows(export.user, export.queryset, export.today)), content_type="text/csv; charset=utf-8"
    )
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(export.name)}.csv"
    return response


def export_response(export: Export, fmt: str) -> FileResponse | StreamingHttpResponse:
    return csv_response(export) if fmt == "csv" else xlsx_response(export)
