"""Bulk-insert synthetic petitions (load tests, benchmarks): ``manage.py generate_petitions --count 100000``.

The petitions are spread over the existing active units (``--units-from-demo``: over the 西地省 demo tree, created
if missing; with no active unit at all the demo tree is created first). See :mod:`xinfang.petitions.synthetic` for
what is generated. Each batch is its own transaction: an interrupted run keeps the batches it finished.
"""

from __future__ import annotations

from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from xinfang.petitions import synthetic


def _positive(raw: str) -> int:
    try:
        value = int(raw.replace("_", ""))
    except ValueError as exc:
        raise ArgumentTypeError(f"expected an integer, got {raw!r}") from exc
    if value < 1:
        raise ArgumentTypeError("must be at least 1")
    return value


class Command(BaseCommand):
    help = "Insert N synthetic petitions (with petitioners, access rows, clocks and events) over the active units."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--count", type=_positive, required=True, help="how many petitions to insert")
        parser.add_argument(
            "--units-from-demo",
            action="store_true",
            help="use the 西地省 demo tree (created if missing) instead of every active unit",
        )
        parser.add_argument("--batch", type=_positive, default=synthetic.DEFAULT_BATCH, help="petitions per batch")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed and units: same data)")
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="PostgreSQL: threads that write batches while the next ones are built (0: none)",
        )
        parser.add_argument(
            "--skip-fk-checks",
            action="store_true",
            help="PostgreSQL superuser only: load without the deferred foreign-key checks (faster)",
        )
        parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE of the tables at the end")
        parser.add_argument(
            "--no-stats",
            action="store_true",
            help="skip `manage.py stats rebuild` at the end (bulk rows send no signal: the rollup needs it)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["count"]
        verbosity: int = options["verbosity"]
        within = synthetic.ensure_units(from_demo=options["units_from_demo"])
        every = max(1, 100_000 // options["batch"])
        batches = 0

        def progress(result: synthetic.GenerationResult) -> None:
            nonlocal batches
            batches += 1
            if verbosity >= 2 or (verbosity >= 1 and (batches % every == 0 or result.petitions == count)):
                self.stdout.write(
                    f"  {result.petitions:>10,} / {count:,}  {result.seconds:7.1f} s  {result.per_second:8,.0f}/s"
                )

        try:
            result = synthetic.generate_petitions(
                count,
                seed=options["seed"],
                batch_size=options["batch"],
                within_path=within,
                workers=max(0, options["workers"]),
                skip_fk_checks=options["skip_fk_checks"],
                progress=progress,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not options["no_analyze"]:
            synthetic.analyze()
        rows = ", ".join(f"{name}: {n:,}" for name, n in result.rows.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Inserted {result.petitions:,} petitions over {result.units:,} units in {result.seconds:.1f} s "
                f"({result.per_second:,.0f}/s; {rows})."
            )
        )
        # The statistics rollup is kept by signals, which bulk rows do not send: recompute it from the raw rows.
        # Called by name: the stats app sits above petitions and is not imported here.
        if not options["no_stats"] and "stats" in get_commands():
            call_command("stats", "rebuild", stdout=self.stdout)
