"""docs/stats.md lists exactly the KPIs of the catalogue."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from xinfang.stats.catalogue import markdown

DOC = Path(settings.BASE_DIR) / "docs" / "stats.md"


def test_stats_doc_lists_exactly_the_kpis_of_the_catalogue() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- kpi-table:start -->\n") + len("<!-- kpi-table:start -->\n")
    end = text.index("<!-- kpi-table:end -->")
    assert text[start:end] == markdown(), "run: python manage.py stats docs and paste into docs/stats.md"
