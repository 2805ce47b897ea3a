"""Plain message records and the CSV files they come from (no ORM: the same code serves commands and the spine).

A CSV row that cannot be used is refused with its line number and what is wrong with it, so the person who
exported the file can find and fix it; nothing is silently skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _


class RecordError(ValueError):
    """A CSV file or one of its rows cannot be used. ``line`` is the 1-based line where the row starts."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None) -> None:
        where = path + (_(", line %(line)d") % {"line": line} if line is not None else "")
        super().__init__(f"{where}: {message}" if where else message)
        self.path = path
        self.line = line


@dataclass(frozen=True)
class Message:
    """One petition as text analytics sees it. ``user`` is a petitioner key (id number, phone or account)."""

    id: str
    title: str
    text: str
    label: str = ""
    user: str = ""
    time: dt.datetime | None = None
    likes: int = 0
    against: int = 0
    line: int = 0  # where it came from in its CSV, for messages about it
    extra: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def votes(self) -> int:
        """Public attention on the message board: agreeing and disagreeing votes both show people care."""
        return self.likes + self.against


_TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")
_TIME_RE = re.compile(r"^(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[ T](\d{1,2}):(\d{1,2})(?::(\d{1,2}))?)?")


def parse_time(raw: str) -> dt.datetime | None:
    """Read the board's times ("2019/7/3 9:05:00", "2019-08-01 10:00:00", a date alone); None when blank.

    Times are naive local times (the board's clock); analytics only compares them with each other.
    """
    raw = raw.strip()
    if not raw:
        return None
    match = _TIME_RE.match(raw)
    if match is None:
        raise ValueError(raw)
    year, month, day, hour, minute, second = (int(p) if p else 0 for p in match.groups())
    return dt.datetime(year, month, day, hour, minute, second)  # noqa: DTZ001 - the board's clock, compared with itself


def _int(raw: str | None) -> int:
    raw = (raw or "").strip()
    return int(float(raw)) if raw else 0


def read_messages(
    path: Path | str,
    *,
    require_label: bool = False,
    label_column: str = "label",
    allow_empty_text: bool = False,
    warnings: list[str] | None = None,
) -> list[Message]:
    """Read ``id,title,text`` (+ ``label``; optional ``user``, ``time``, ``likes``, ``against``) from a UTF-8 CSV.

    Raises :class:`RecordError` naming the line for a row with missing or extra fields, an empty id, an empty
    title and text, an empty label when labels are required, or a bad time or number. A repeated id is an error
    too, unless a ``warnings`` list is given: then the later row is skipped and a warning naming both lines is
    appended (the real board export has one such id, labelled twice differently).
    """
    path = Path(path)
    name = str(path)
    required = ["id", "title", "text"] + ([label_column] if require_label else [])
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise RecordError(_("cannot open the file: %(error)s") % {"error": exc.strerror}, path=name) from exc
    with handle:
        try:
            return _read(csv.reader(handle), name, required, label_column, allow_empty_text, warnings)
        except UnicodeDecodeError as exc:
            raise RecordError(_("the file is not UTF-8 text"), path=name) from exc
        except csv.Error as exc:
            raise RecordError(_("malformed CSV: %(error)s") % {"error": exc}, path=name) from exc


def _read(
    reader: Iterable[list[str]],
    name: str,
    required: Sequence[str],
    label_column: str,
    allow_empty_text: bool,
    warnings: list[str] | None,
) -> list[Message]:
    rows = iter(reader)
    header = next(rows, None)
    if header is None:
        raise RecordError(
            _("the file is empty; expected a header with columns %(cols)s") % {"cols": ",".join(required)}, path=name
        )
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        raise RecordError(_("missing columns: %(cols)s") % {"cols": ", ".join(missing)}, path=name, line=1)
    messages: list[Message] = []
    seen: dict[str, int] = {}
    line_of_next = 2
    for values in rows:
        line = line_of_next
        # A quoted field may span lines: the next row starts after the last physical line read.
        current = getattr(reader, "line_num", None)
        line_of_next = (current + 1) if isinstance(current, int) else line + 1
        if not any(v.strip() for v in values):
            raise RecordError(_("empty row"), path=name, line=line)
        if len(values) != len(header):
            raise RecordError(
                _("expected %(expected)d fields (%(cols)s), found %(found)d")
                % {"expected": len(header), "cols": ",".join(header), "found": len(values)},
                path=name,
                line=line,
            )
        row = dict(zip(header, values, strict=True))
        message = _message(row, name, line, label_column, required, allow_empty_text)
        if message.id in seen:
            error = RecordError(
                _("id %(id)s repeats the id of line %(first)d") % {"id": message.id, "first": seen[message.id]},
                path=name,
                line=line,
            )
            if warnings is None:
                raise error
            warnings.append(_("%(error)s; this row is skipped") % {"error": error})
            continue
        seen[message.id] = line
        messages.append(message)
    return messages


def _message(
    row: dict[str, str], name: str, line: int, label_column: str, required: Sequence[str], allow_empty_text: bool
) -> Message:
    ident = row["id"].strip()
    if not ident:
        raise RecordError(_("the id is empty"), path=name, line=line)
    title, text = row["title"].strip(), row["text"].strip()
    if not (title or text) and not allow_empty_text:
        raise RecordError(_("message %(id)s has neither title nor text") % {"id": ident}, path=name, line=line)
    label = (row.get(label_column) or "").strip()
    if label_column in required and not label:
        raise RecordError(_("message %(id)s has no %(col)s") % {"id": ident, "col": label_column}, path=name, line=line)
    try:
        time = parse_time(row.get("time") or "")
    except ValueError as exc:
        raise RecordError(
            _("message %(id)s: cannot read the time %(time)r") % {"id": ident, "time": row.get("time")},
            path=name,
            line=line,
        ) from exc
    try:
        likes, against = _int(row.get("likes")), _int(row.get("against"))
    except ValueError as exc:
        raise RecordError(
            _("message %(id)s: likes and against must be whole numbers") % {"id": ident}, path=name, line=line
        ) from exc
    known = {"id", "title", "text", "user", "time", "likes", "against", label_column}
    return Message(
        id=ident,
        title=title,
        text=text,
        label=label,
        user=(row.get("user") or "").strip(),
        time=time,
        likes=likes,
        against=against,
        line=line,
        extra={k: v for k, v in row.items() if k not in known},
    )


def write_csv(path: Path | str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write a UTF-8 CSV (parent folders created); returns the number of data rows."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count
