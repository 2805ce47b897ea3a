"""Import of an office's past 台账 (.xlsx or .csv) into the registrar's own unit.

A dry run checks every row and reports each bad row and column in the reader's language, e.g.
"第 12 行「收到日期」：日期格式应为 YYYY-MM-DD". The real import runs the same checks and writes
nothing unless every row is good (one transaction). Re-importing is idempotent: a row whose original
编号 the unit already imported is reported as "already exists" (已存在) and creates nothing.
What state an imported item gets is decided in docs/ledger.md: closed items are stored closed with
their dates and no running time limit; open items are registered at the importing unit, their first
time limit starting on the import day. Every imported item says so on its timeline.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, NotPermitted, RuleViolation
from xinfang.deadlines.rules import ClockKind
from xinfang.orgs.models import Role, Unit, UnitType, User, division_code_validator
from xinfang.petitions.limits import REQUEST_MAX, SHORT_TEXT_MAX, TITLE_MAX
from xinfang.petitions.models import (
    AccessReason,
    Category,
    Channel,
    Nature,
    Petition,
    Petitioner,
    hash_tracking_code,
)
from xinfang.petitions.services.common import grant, open_clock, record
from xinfang.petitions.services.intake import new_tracking_code, next_number
from xinfang.petitions.workflow import Action, State

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_CELL = 5000  # any cell; the title and short fields have their own, smaller limits
FACTS_MAX_IMPORT = 5000


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    required: bool = False
    example: str = ""
    zh: str = ""  # the official Chinese header, accepted whatever the interface language


COLUMNS: tuple[Column, ...] = (
    Column("source_number", pgettext_lazy("ledger column", "Number"), True, "2023-信-0001", "编号"),
    Column("received_on", pgettext_lazy("ledger column", "Received on"), True, "2023-05-06", "收到日期"),
    Column("channel", pgettext_lazy("ledger column", "Source"), True, "来信", "来源"),
    Column("nature", pgettext_lazy("ledger column", "Nature"), False, "申诉求决类", "性质"),
    Column("petitioner", pgettext_lazy("ledger column", "Petitioner"), False, "张三", "信访人"),
    Column("id_number", gettext_lazy("ID card number"), False, "", "身份证号"),
    Column("phone", gettext_lazy("phone"), False, "13812345678", "联系电话"),
    Column("problem_division_code", gettext_lazy("problem location code"), False, "990101", "问题属地"),
    Column("problem_address", gettext_lazy("problem location address"), False, "丽发新城3栋", "问题地址"),
    Column("category", pgettext_lazy("ledger column", "Content category"), False, "", "内容分类"),
    Column("title", pgettext_lazy("ledger column", "Title"), True, "小区路灯长期不亮", "标题"),
    Column("request", pgettext_lazy("ledger column", "Request"), True, "请求尽快修复路灯", "诉求"),
    Column("facts_and_reasons", gettext_lazy("facts and reasons"), False, "", "事实和理由"),
    Column("status", pgettext_lazy("ledger column", "State"), True, "已办结", "状态"),
    Column("closed_on", pgettext_lazy("ledger column", "Closed on"), False, "2023-06-20", "办结日期"),
)
_LIMITS = {
    "source_number": 40,
    "title": TITLE_MAX,
    "request": REQUEST_MAX,
    "facts_and_reasons": FACTS_MAX_IMPORT,
    "petitioner": SHORT_TEXT_MAX,
    "problem_address": SHORT_TEXT_MAX,
    "category": 160,
}
CLOSED_WORDS = frozenset({"已办结", "办结", "closed", "Closed"})
OPEN_WORDS = frozenset({"在办", "办理中", "未办结", "open", "Open"})


@dataclass
class RowError:
    row: int  # the spreadsheet row (the header is row 1)
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, “%(column)s”: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ParsedRow:
    row: int
    source_number: str
    received_on: dt.date
    channel: str
    nature: str
    petitioner: str
    id_number: str
    phone: str
    problem_division_code: str
    problem_address: str
    category: Category | None
    title: str
    request: str
    facts_and_reasons: str
    closed_on: dt.date | None


@dataclass
class ImportReport:
    dry_run: bool
    rows: int = 0
    created: list[str] = field(default_factory=list)  # original 编号 of the rows created (or that would be)
    existing: list[tuple[int, str]] = field(default_factory=list)  # (row, original 编号) already imported
    number_column: str = "编号"  # the 编号 header as written in the file
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def lines(self) -> list[str]:
        out = [str(e) for e in self.errors]
        out += [
            _("Row %(row)s, “%(column)s”: %(number)s already exists")
            % {"row": r, "column": self.number_column, "number": n}
            for r, n in self.existing
        ]
        return out


# ---------------------------------------------------------------- reading the file


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, dt.date) else str(value).strip()


def read_rows(upload: IO[bytes], name: str) -> Iterator[list[Any]]:
    """The rows of an .xlsx or .csv upload, header first. CSV may be UTF-8 (with or without BOM) or GB18030."""
    lower = name.lower()
    if lower.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(upload, read_only=True, data_only=True)
        except Exception as exc:
            raise InvalidInput(_("The file is not a readable .xlsx workbook."), field="file") from exc
        for values in book.worksheets[0].iter_rows(values_only=True):
            yield [_cell(v) for v in values]
        return
    if lower.endswith(".csv"):
        raw = upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError as exc:
                raise InvalidInput(_("The CSV file must be encoded in UTF-8 or GB18030."), field="file") from exc
        for values in csv.reader(io.StringIO(text)):
            yield [_cell(v) for v in values]
        return
    raise InvalidInput(_("Upload an .xlsx or .csv file."), field="file")


# ---------------------------------------------------------------- checking rows


# The words offices write in their ledgers, accepted whatever the interface language.
_ZH_CHOICES = {
    "网上": Channel.ONLINE,
    "网上信访": Channel.ONLINE,
    "来信": Channel.LETTER,
    "来访": Channel.VISIT,
    "来电": Channel.PHONE,
    "传真": Channel.FAX,
    "电子邮件": Channel.EMAIL,
    "视频": Channel.VIDEO,
    "建议意见类": Nature.SUGGESTION,
    "检举控告类": Nature.ACCUSATION,
    "申诉求决类": Nature.APPEAL,
}


def _choice(value: str, choices: Any) -> str | None:
    alias = _ZH_CHOICES.get(value)
    if alias is not None and alias in choices:
        return str(alias.value)
    for c in choices:
        if value in {c.value, str(c.label)}:
            return str(c.value)
    return None


def _zh_words(choices: Any) -> str:
    return "、".join(dict.fromkeys(word for word, c in _ZH_CHOICES.items() if c in choices))


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        return None


def _header_map(header: list[Any]) -> tuple[dict[str, int], dict[str, str], list[str]]:
    """Column key → position, column key → the header as written in the file, and the required columns missing."""
    wanted = {col.zh: col.key for col in COLUMNS}
    with translation.override("en"):  # a template downloaded in English works as well
        wanted.update({str(col.label): col.key for col in COLUMNS})
    wanted.update({str(col.label): col.key for col in COLUMNS})
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    for i, raw in enumerate(header):
        name = str(raw).strip().lstrip("*").strip()
        key = wanted.get(name)
        if key and key not in index:
            index[key] = i
            names[key] = name
    missing = [c.zh for c in COLUMNS if c.required and c.key not in index]
    return index, names, missing


def _check_row(
    number: int, values: dict[str, Any], today: dt.date, categories: dict[str, Category], names: dict[str, str]
) -> tuple[ParsedRow | None, list[RowError]]:
    errors: list[RowError] = []
    labels = {c.key: names.get(c.key, c.zh) for c in COLUMNS}

    def bad(key: str, message: str) -> None:
        errors.append(RowError(number, labels[key], message))

    text = {k: v if isinstance(v, str) else str(v) for k, v in values.items() if not isinstance(v, dt.date)}
    for col in COLUMNS:
        value = values.get(col.key, "")
        if col.required and value in ("", None):
            bad(col.key, _("this column is required"))
        limit = _LIMITS.get(col.key, MAX_CELL)
        if isinstance(value, str) and len(value) > limit:
            bad(col.key, _("at most %(n)s characters") % {"n": limit})
    received = _date(values.get("received_on", "")) if values.get("received_on") else None
    if values.get("received_on") and received is None:
        bad("received_on", _("the date must be written as YYYY-MM-DD"))
    elif received is not None and received > today:
        bad("received_on", _("the date cannot be in the future"))
    channel = _choice(text.get("channel", ""), Channel) if text.get("channel") else ""
    if channel is None:
        bad(
            "channel",
            _("unknown source; use one of: %(values)s") % {"values": _zh_words(Channel)},
        )
    nature = _choice(text.get("nature", ""), Nature) if text.get("nature") else str(Nature.APPEAL)
    if nature is None:
        bad("nature", _("unknown nature; use one of: %(values)s") % {"values": _zh_words(Nature)})
    status = text.get("status", "")
    closed_on: dt.date | None = None
    if status and status not in CLOSED_WORDS | OPEN_WORDS:
        bad("status", _("write 已办结 (closed) or 在办 (open)"))
    elif status in CLOSED_WORDS:
        raw = values.get("closed_on", "")
        closed_on = _date(raw) if raw else None
        if not raw:
            bad("closed_on", _("a closed item needs the date it was closed"))
        elif closed_on is None:
            bad("closed_on", _("the date must be written as YYYY-MM-DD"))
        elif closed_on > today:
            bad("closed_on", _("the date cannot be in the future"))
        elif received is not None and closed_on < received:
            bad("closed_on", _("the item cannot close before it was received"))
    code = text.get("problem_division_code", "")
    if code:
        try:
            division_code_validator(code)
        except ValidationError:
            bad("problem_division_code", _("a division code has 6 or 9 digits"))
    category = None
    if text.get("category"):
        category = categories.get(text["category"])
        if category is None:
            bad("category", _("not a category of the taxonomy (write the full path)"))
    person = Petitioner(
        name=text.get("petitioner", "") or "-",
        id_number=text.get("id_number", "").upper(),
        phone=text.get("phone", ""),
    )
    try:
        person.full_clean(exclude=["petition"])
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            if key in {"id_number", "phone"}:
                bad(key, " ".join(messages))
    if errors or received is None or not channel or nature is None:
        return None, errors
    return (
        ParsedRow(
            row=number,
            source_number=text["source_number"],
            received_on=received,
            channel=channel,
            nature=nature,
            petitioner=text.get("petitioner", ""),
            id_number=text.get("id_number", "").upper(),
            phone=text.get("phone", ""),
            problem_division_code=code,
            problem_address=text.get("problem_address", ""),
            category=category,
            title=text["title"],
            request=text["request"],
            facts_and_reasons=text.get("facts_and_reasons", ""),
            closed_on=closed_on,
        ),
        errors,
    )


def _require_importer(actor: User) -> Unit:
    if actor.unit is None or not actor.is_active or not actor.has_role(Role.REGISTRAR, Role.ADMIN):
        raise NotPermitted(_("Only a registrar (or an administrator) of a unit can import a ledger into it."))
    return actor.unit


def check_ledger(
    *, actor: User, rows: Iterator[list[Any]], dry_run: bool = True
) -> tuple[ImportReport, list[ParsedRow]]:
    """Check every row; nothing is written. Returns the report and the rows that would be created."""
    unit = _require_importer(actor)
    report = ImportReport(dry_run=dry_run)
    header = next(rows, None)
    if header is None:
        raise InvalidInput(_("The file is empty: it needs the header row of the template."), field="file")
    index, names, missing = _header_map(header)
    if missing:
        raise InvalidInput(
            _("The header row lacks the columns: %(columns)s. Use the template.") % {"columns": "、".join(missing)},
            field="file",
        )
    report.number_column = names["source_number"]
    today = timeutil.today()
    categories = {c.full_name: c for c in Category.objects.all()}
    existing = set(
        Petition.objects.filter(registering_unit=unit).exclude(source_number="").values_list("source_number", flat=True)
    )
    seen: dict[str, int] = {}
    parsed: list[ParsedRow] = []
    for number, values in enumerate(rows, start=2):
        if not any(v not in ("", None) for v in values):
            continue  # blank lines are ignored
        report.rows += 1
        if report.rows > MAX_ROWS:
            raise InvalidInput(_("At most %(n)s rows per file; split the ledger.") % {"n": MAX_ROWS}, field="file")
        cells = {key: values[i] if i < len(values) else "" for key, i in index.items()}
        row, errors = _check_row(number, cells, today, categories, names)
        report.errors += errors
        if row is None:
            continue
        if row.source_number in existing:
            report.existing.append((number, row.source_number))
        elif row.source_number in seen:
            report.errors.append(
                RowError(
                    number,
                    names["source_number"],
                    _("the same number is already on row %(row)s") % {"row": seen[row.source_number]},
                )
            )
        else:
            seen[row.source_number] = number
            parsed.append(row)
    report.created = [r.source_number for r in parsed]
    return report, parsed


def _create(actor: User, unit: Unit, row: ParsedRow) -> Petition:
    closed = row.closed_on is not None
    petition = Petition.objects.create(
        number=next_number(unit, row.received_on.year),
        tracking_code_hash=hash_tracking_code(new_tracking_code()),
        state=State.CLOSED if closed else State.REGISTERED,
        channel=row.channel,
        nature=row.nature,
        category=row.category,
        registering_unit=unit,
        current_unit=unit,
        registered_by=actor,
        received_on=row.received_on,
        closed_on=row.closed_on,
        title=row.title,
        request=row.request,
        facts_and_reasons=row.facts_and_reasons,
        is_anonymous=not row.petitioner,
        problem_division_code=row.problem_division_code,
        problem_address=row.problem_address,
        source_number=row.source_number,
        imported=True,
    )
    if row.petitioner:
        Petitioner.objects.create(petition=petition, name=row.petitioner, id_number=row.id_number, phone=row.phone)
    grant(petition, unit, AccessReason.REGISTERED)
    if not closed:
        first = ClockKind.ROUTE if unit.unit_type == UnitType.PETITION_DEPT else ClockKind.NOTICE
        article = "Art. 22" if first == ClockKind.ROUTE else "Art. 23 ¶2"
        open_clock(petition, first, owing_unit=unit, start=timeutil.today(), article=article)
    record(
        petition,
        Action.REGISTER,
        actor,
        from_state="",
        data={
            "unit": unit.name,
            "channel": petition.channel,
            "received_on": petition.received_on.isoformat(),
            "imported": True,
            "source_number": row.source_number,
            **({"closed_on": row.closed_on.isoformat()} if row.closed_on else {}),
        },
        note=_("Imported from a past ledger (original number %(number)s).") % {"number": row.source_number},
        public=False,
    )
    return petition


def ledger_import(*, actor: User, upload: IO[bytes], name: str, size: int, dry_run: bool) -> ImportReport:
    """导入台账 — check (dry run) or import a past ledger into the actor's unit; all rows or none."""
    if size > MAX_FILE_BYTES:
        raise InvalidInput(
            _("The file is larger than %(mb)s MB; split the ledger.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)},
            field="file",
        )
    report, parsed = check_ledger(actor=actor, rows=read_rows(upload, name), dry_run=dry_run)
    if dry_run or not report.ok:
        return report
    unit = _require_importer(actor)
    try:
        with transaction.atomic():
            for row in parsed:
                _create(actor, unit, row)
    except IntegrityError as exc:  # the same file imported twice at the same moment: the unique number wins
        raise RuleViolation(_("This ledger is being imported by someone else; check again in a moment.")) from exc
    return report


def template_rows() -> list[list[str]]:
    """The header row (official Chinese terms, required ones starred) and one example row of the template."""
    return [[f"*{c.zh}" if c.required else c.zh for c in COLUMNS], [c.example for c in COLUMNS]]
