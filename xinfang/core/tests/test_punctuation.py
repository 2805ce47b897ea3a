"""Chinese text uses full-width punctuation (issue 11): no ASCII "; " or ": " between Chinese words in the zh-Hans
catalogue ("为周末; 顺延", "地点: …")."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

from xinfang.core.punctuation import colon, semicolon

CATALOGUE = Path(settings.BASE_DIR) / "xinfang" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CJK = "\u3400-\u9fff"
# A Chinese character (or a placeholder standing for Chinese text) on one side of an ASCII ; or : on the other.
ASCII_MARK = re.compile(rf"[{CJK}][;:]|[;:] ?[{CJK}]|\)s[;:] ")


def _msgstrs(text: str) -> list[str]:
    out = []
    for entry in text.split("\n\n"):
        m = re.search(r"^msgstr(?:\[\d\])? (.*)", entry, re.M | re.S)
        if m:
            out.append("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))))
    return out


def test_zh_hans_catalogue_has_no_ascii_semicolon_or_colon_in_chinese_text() -> None:
    bad = [s for s in _msgstrs(CATALOGUE.read_text(encoding="utf-8")) if ASCII_MARK.search(s)]
    assert bad == []


def test_the_checker_catches_the_reported_cases() -> None:
    assert ASCII_MARK.search("2026-11-14 为周末; 顺延")
    assert ASCII_MARK.search("地点: A1区信访局")
    assert not ASCII_MARK.search("工作日9:00—12:00")


def test_english_keeps_ascii_marks() -> None:
    with translation.override("en"):
        assert (colon(), semicolon()) == (": ", "; ")
