"""``manage.py report_examples`` writes a monthly and an annual .docx from the database and leaves it unchanged."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import CommandError, call_command

from xinfang.reports.models import Report
from xinfang.stats.tests.cases import at, build

pytestmark = pytest.mark.django_db


def test_the_examples_open_with_charts_and_tables_and_nothing_is_stored(
    personas: Any, tree: Any, tmp_path: Path
) -> None:
    build(personas, tree)
    with at(dt.date(2025, 4, 2)):
        call_command(
            "report_examples",
            "--out",
            str(tmp_path),
            "--unit",
            tree.county_dept.code,
            "--month",
            "2025-03",
            stdout=io.StringIO(),
        )
    assert not Report.objects.exists()  # drafted, rendered, rolled back
    for name, title in (("monthly-report-example.docx", "2025年3月"), ("annual-report-example.docx", "2025年度")):
        document = docx.Document(str(tmp_path / name))
        images = [r for r in document.part.rels.values() if "image" in r.reltype]
        assert images and document.tables
        assert any(title in p.text for p in document.paragraphs)


def test_an_unknown_unit_or_month_is_a_clear_command_error(tree: Any, tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("report_examples", "--out", str(tmp_path), "--unit", "NO-SUCH")
    with pytest.raises(CommandError):
        call_command("report_examples", "--out", str(tmp_path), "--month", "2025-13")
