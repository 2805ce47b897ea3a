"""Chinese word segmentation for the search index (pure: no ORM).

A text becomes its words in order (``jieba.cut``, precise mode), then the shorter words inside long ones that
``jieba.cut_for_search`` finds and the precise pass did not emit. The ordered part keeps phrases adjacent
(a phrase query is a sequence of precise words); the appended part lets a two-character word such as 拖欠 match
inside 拖欠工资. Queries are segmented in precise mode, so both sides agree.
"""

from __future__ import annotations

import logging

import jieba

jieba.setLogLevel(logging.WARNING)

QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "'": "'"}


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def words(text: str) -> list[str]:
    """The words of ``text`` in order (precise mode), lower-cased, punctuation and spaces dropped."""
    return [w.lower() for w in jieba.cut(text) if _is_word(w)]


def segment(text: str) -> str:
    """The indexed form of ``text``: ordered words, then the sub-words of long words, space separated."""
    ordered = words(text)
    seen = set(ordered)
    extra: list[str] = []
    for w in jieba.cut_for_search(text):
        w = w.lower()
        if _is_word(w) and w not in seen:
            seen.add(w)
            extra.append(w)
    return " ".join(ordered + extra)


def split_phrase(text: str) -> tuple[str, bool]:
    """(the query without its quotes, whether it is a phrase): a query in quotes is searched as a phrase."""
    text = text.strip()
    if len(text) >= 2 and QUOTES.get(text[0]) == text[-1]:
        return text[1:-1].strip(), True
    return text, False
