"""Docs that must stay true to the code."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import translation

from xinfang.petitions.workflow import markdown_table

DOC = Path(settings.BASE_DIR) / "docs" / "workflow.md"


def test_workflow_doc_lists_exactly_the_actions_of_the_workflow_table():
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- workflow-table:start -->\n") + len("<!-- workflow-table:start -->\n")
    end = text.index("<!-- workflow-table:end -->")
    with translation.override("en"):
        expected = markdown_table()
    assert text[start:end] == expected, "run: python manage.py workflow_table and paste into docs/workflow.md"
