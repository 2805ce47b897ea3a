"""Punctuation between translated words: full-width in Chinese (：；), ASCII with a space in English.

Text built from pieces ("label: value", "reason; consequence") must not put ASCII ": " or "; " between Chinese
words (issue 11); the catalogue gives each mark its Chinese form.
"""

from __future__ import annotations

from django.utils.translation import pgettext


def colon() -> str:
    """After a label: "地点：…" / "Where: …"."""
    return pgettext("punctuation", ": ")


def semicolon() -> str:
    """Between two clauses or list items: "…为周末；顺延…" / "…; moved…"."""
    return pgettext("punctuation", "; ")
