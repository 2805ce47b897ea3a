"""Routing suggestions from the command line.

    manage.py routing train   --data TRAIN.csv --model DIR [--unlabelled MORE.csv …] [--taxonomy taxonomy.csv]
    manage.py routing predict --model DIR --data TEST.csv --output PRED.csv [--top-k 3]
    manage.py routing coldstart --taxonomy taxonomy.csv --model DIR

CSV files are UTF-8 with columns ``id,title,text`` (and ``label`` for training). ``predict`` writes
``id,label,confidence`` — the best suggestion — and, with ``--top-k`` above 1, also ``label_2,confidence_2`` ….
"""

from __future__ import annotations

import time
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from xinfang.insight.core.records import write_csv
from xinfang.insight.core.routing import (
    MIN_EXAMPLES,
    TaxonomyKeywords,
    TextClassifier,
    TrainingError,
    load_model,
    read_taxonomy_rows,
)
from xinfang.insight.management.reading import read_for_command


class Command(BaseCommand):
    help = "Train routing suggestions from labelled petitions, or suggest categories for new ones."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        train: ArgumentParser = sub.add_parser("train", help="train a model from id,title,text,label")
        train.add_argument("--data", required=True, type=Path, help="labelled CSV (id,title,text,label)")
        train.add_argument("--model", required=True, type=Path, help="folder to write the model to")
        train.add_argument(
            "--unlabelled", type=Path, action="append", default=[], help="unlabelled CSV for the vocabulary (repeat)"
        )
        train.add_argument("--label-column", default="label", help="the column to learn (default: label)")
        train.add_argument(
            "--taxonomy",
            type=Path,
            help="taxonomy CSV (level1,level2,level3): labels outside its names are refused as unseen",
        )
        train.add_argument(
            "--min-examples", type=int, default=MIN_EXAMPLES, help="fewest petitions a category may have"
        )
        predict: ArgumentParser = sub.add_parser("predict", help="suggest labels for id,title,text")
        predict.add_argument("--model", required=True, type=Path)
        predict.add_argument("--data", required=True, type=Path)
        predict.add_argument("--output", required=True, type=Path)
        predict.add_argument("--top-k", type=int, default=1, help="suggestions per petition (default 1)")
        cold: ArgumentParser = sub.add_parser("coldstart", help="a keyword model from the taxonomy alone")
        cold.add_argument("--taxonomy", required=True, type=Path)
        cold.add_argument("--model", required=True, type=Path)
        cold.add_argument("--level", type=int, choices=(1, 2), default=1, help="taxonomy level to suggest")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            action = options["action"]
            if action == "train":
                self._train(options)
            elif action == "predict":
                self._predict(options)
            else:
                self._coldstart(options)
        except TrainingError as exc:
            raise CommandError(str(exc)) from exc

    def _train(self, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        column = options["label_column"]
        messages = read_for_command(options["data"], self.stderr, require_label=True, label_column=column)
        unlabelled = [m for path in options["unlabelled"] for m in read_for_command(path, self.stderr)]
        known = None
        if options["taxonomy"] is not None:
            rows = read_taxonomy_rows(options["taxonomy"])
            known = {name for row in rows for name in (*row, " / ".join(row[:2]), " / ".join(row))}
        model = TextClassifier().fit(messages, unlabelled=unlabelled, known=known, min_examples=options["min_examples"])
        model.save(options["model"])
        self.stdout.write(
            _("trained on %(n)d petitions (%(k)d categories, %(u)d unlabelled) in %(s).1f s → %(dir)s")
            % {
                "n": len(messages),
                "k": len(model.labels),
                "u": len(unlabelled),
                "s": time.perf_counter() - started,
                "dir": options["model"],
            }
        )

    def _predict(self, options: dict[str, Any]) -> None:
        k = options["top_k"]
        if k < 1:
            raise CommandError(_("--top-k must be at least 1"))
        messages = read_for_command(options["data"], self.stderr)
        model = load_model(options["model"])
        header = ["id", "label", "confidence"]
        for n in range(2, k + 1):
            header += [f"label_{n}", f"confidence_{n}"]
        rows = []
        for message, suggestions in zip(messages, model.suggest(messages, k=k), strict=True):
            row: list[object] = [message.id]
            for s in suggestions:
                row += [s.label, f"{s.confidence:.4f}"]
            rows.append(row)
        count = write_csv(options["output"], header, rows)
        self.stdout.write(_("%(n)d suggestions → %(out)s") % {"n": count, "out": options["output"]})

    def _coldstart(self, options: dict[str, Any]) -> None:
        rows = read_taxonomy_rows(options["taxonomy"])
        model = TaxonomyKeywords.from_taxonomy(rows, level=options["level"])
        model.save(options["model"])
        self.stdout.write(
            _("keyword model for %(k)d categories → %(dir)s") % {"k": len(model.labels), "dir": options["model"]}
        )
