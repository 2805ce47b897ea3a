"""Near-duplicate petitions from the command line.

    manage.py near_duplicates --data FILE.csv --output PAIRS.csv [--threshold 0.6]

Reads ``id,title,text`` (UTF-8; ``user`` and ``time`` are used when present) and writes ``id_a,id_b,similarity``:
one row per pair at or above the threshold, the earlier petition first (file order when there are no times).
With ``--same-petitioner`` it also writes ``same_petitioner`` (1 when both have the same non-empty ``user``),
which marks the pairs that are candidate 重复信访 rather than copies by different people.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from xinfang.insight.core.dedup import DEFAULT_THRESHOLD, find_pairs
from xinfang.insight.core.records import write_csv
from xinfang.insight.management.reading import read_for_command


def _threshold(raw: str) -> float:
    value = float(raw)
    if not 0.0 < value <= 1.0:
        raise ValueError(raw)
    return value


class Command(BaseCommand):
    help = "List pairs of near-identical petitions (id_a,id_b,similarity)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", required=True, type=Path, help="CSV with id,title,text")
        parser.add_argument("--output", required=True, type=Path, help="CSV to write the pairs to")
        parser.add_argument(
            "--threshold",
            type=_threshold,
            default=DEFAULT_THRESHOLD,
            help=f"similarity from 0 to 1 (default {DEFAULT_THRESHOLD})",
        )
        parser.add_argument(
            "--same-petitioner", action="store_true", help="add a same_petitioner column (needs a user column)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        messages = read_for_command(options["data"], self.stderr)
        # Earlier petitions first, so each pair reads (earlier, later); the file order breaks ties.
        ordered = sorted(enumerate(messages), key=lambda im: (im[1].time is None, im[1].time or 0, im[0]))
        pairs = find_pairs(((m.id, m.title, m.text) for _, m in ordered), threshold=options["threshold"])
        users = {m.id: m.user for m in messages}
        header = ["id_a", "id_b", "similarity"] + (["same_petitioner"] if options["same_petitioner"] else [])
        rows: list[list[object]] = []
        for p in pairs:
            row: list[object] = [p.id_a, p.id_b, f"{p.similarity:.4f}"]
            if options["same_petitioner"]:
                row.append(int(bool(users[p.id_a]) and users[p.id_a] == users[p.id_b]))
            rows.append(row)
        write_csv(options["output"], header, rows)
        self.stdout.write(
            _("%(pairs)d pairs among %(n)d petitions in %(s).1f s → %(out)s")
            % {"pairs": len(rows), "n": len(messages), "s": time.perf_counter() - started, "out": options["output"]}
        )
