"""The 3-level content taxonomy (内容分类), loaded from a CSV with columns level1, level2, level3."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import transaction

from xinfang.core.errors import InvalidInput
from xinfang.petitions.models import Category

DEFAULT_TAXONOMY = Path(settings.BASE_DIR).parent / "shared" / "data" / "teddycup2020" / "taxonomy.csv"
SEPARATOR = " / "


def read_taxonomy(path: Path) -> list[tuple[str, str, str]]:
    """Rows of (level1, level2, level3); a row missing a level is refused with its line number."""
    rows: list[tuple[str, str, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"level1", "level2", "level3"} - set(reader.fieldnames or [])
        if missing:
            raise InvalidInput(f"{path}: missing columns {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            values = tuple((row.get(k) or "").strip() for k in ("level1", "level2", "level3"))
            if not all(values):
                raise InvalidInput(f"{path}, line {line}: every row needs level1, level2 and level3")
            rows.append((values[0], values[1], values[2]))
    return rows


@transaction.atomic
def load_taxonomy(rows: Iterable[tuple[str, str, str]]) -> int:
    """Create the missing categories (idempotent); returns how many were created. Three bulk inserts."""
    rows = list(rows)
    existing = {c.full_name: c for c in Category.objects.all()}
    created = 0
    for level in (1, 2, 3):
        new: dict[str, Category] = {}
        for row in rows:
            full = SEPARATOR.join(row[:level])
            if full in existing or full in new:
                continue
            parent = existing[SEPARATOR.join(row[: level - 1])] if level > 1 else None
            new[full] = Category(name=row[level - 1], level=level, parent=parent, full_name=full)
        Category.objects.bulk_create(new.values())
        created += len(new)
        existing.update({c.full_name: c for c in Category.objects.filter(full_name__in=list(new))})
    return created
