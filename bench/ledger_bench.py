"""台账 export benchmark: export ``--rows`` petitions (default 100,000) to .xlsx as a national viewer sees them, and
report the time, the peak Python allocation (tracemalloc) and the process's peak resident memory (ru_maxrss).

The database is grown with the synthetic generator up to ``--rows`` petitions if it holds fewer. The export is the
one the workbench serves (``xinfang.workbench.ledger``: chunked iterator, per-chunk prefetch, write-only workbook
into a temporary file), so memory must stay flat as the row count grows: compare ``--rows 10000`` and ``100000``.

    DATABASE_URL=postgres://… PYTHONPATH=. .venv/bin/python bench/ledger_bench.py --rows 100000

Not run in tests. Prints one JSON line (and writes bench/results/ledger.json).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from benchenv import ROOT, setup_django

setup_django()

from django.core.management import call_command  # noqa: E402

from xinfang.core import timeutil  # noqa: E402
from xinfang.orgs.models import Role, StaffRole, Unit, User  # noqa: E402
from xinfang.petitions import selectors, synthetic  # noqa: E402
from xinfang.petitions.models import Petition  # noqa: E402
from xinfang.workbench.ledger import ledger_rows, write_xlsx  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "ledger.json"


def national_viewer() -> User:
    """An analyst at the root of the tree: sees every petition (the widest export)."""
    root = Unit.objects.active().order_by("depth", "path").first()
    assert root is not None, "no unit"
    user, _ = User.objects.get_or_create(username="ledger_bench", defaults={"unit": root, "full_name": "台账基准"})
    StaffRole.objects.get_or_create(user=user, role=Role.ANALYST)
    return User.objects.select_related("unit").get(pk=user.pk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--chunk", type=int, default=1000)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    within = synthetic.ensure_units()
    have = Petition.objects.count()
    if have < args.rows:
        synthetic.generate_petitions(args.rows - have, within_path=within)
    user = national_viewer()
    qs = selectors.petitions_visible_to(user)  # every petition: the database holds at least --rows
    today = timeutil.today()

    def export() -> tuple[int, int]:
        rows = 0

        def counted() -> Iterator[list[str]]:
            nonlocal rows
            for row in ledger_rows(user, qs, today, chunk_size=args.chunk):
                rows += 1
                yield row

        with tempfile.TemporaryFile() as out:
            write_xlsx(counted(), out)
            return rows, out.tell()

    # Time without tracemalloc (it slows Python several times), then a second pass for the allocation peak.
    started = time.perf_counter()
    rows, size = export()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    export()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    result = {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds) if seconds else None,
        "xlsx_bytes": size,
        "tracemalloc_peak_mib": round(peak / 2**20, 1),
        "ru_maxrss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "chunk": args.chunk,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
