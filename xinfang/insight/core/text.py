"""Chinese text normalisation, segmentation and shingling shared by routing, duplicates and hot issues.

Petitions to the same matter differ in the politeness around the substance (尊敬的领导、您好、谢谢), in punctuation
and layout, and in full-width versus half-width characters. Everything that compares texts first removes these,
so two letters that say the same thing compare as the same.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import lru_cache

# Salutations and sign-offs that carry no content. Longest first so that "尊敬的各位领导" is removed whole.
_GREETINGS = sorted(
    {
        "尊敬的各位领导",
        "尊敬的市长",
        "尊敬的书记",
        "尊敬的领导",
        "尊敬的局长",
        "尊敬的县长",
        "尊敬的区长",
        "尊敬的政府",
        "领导同志",
        "各位领导",
        "领导们好",
        "领导好",
        "领导你好",
        "领导您好",
        "您好",
        "你好",
        "谢谢领导",
        "谢谢您",
        "谢谢",
        "感谢领导",
        "此致敬礼",
        "此致",
        "敬礼",
        "望回复",
        "盼回复",
        "请回复",
        "急盼回复",
    },
    key=len,
    reverse=True,
)
_GREETING_RE = re.compile("|".join(map(re.escape, _GREETINGS)))
# Anything that is not a letter or digit (CJK ideographs count as letters): punctuation, symbols, whitespace.
_NON_CONTENT_RE = re.compile(r"[\W_]+", re.UNICODE)
_SENTENCE_RE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;\n]*")

_jieba_lock = threading.Lock()
_DOMAIN_WORDS = ("经开区", "高新区", "开发区", "新区", "自贸区", "示范区", "产业园", "工业园")


def normalise(text: str) -> str:
    """Content characters only: NFKC (full-width → half-width), lower case, no greetings, no punctuation or space."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _GREETING_RE.sub("", text)
    return _NON_CONTENT_RE.sub("", text)


def sentences(text: str) -> list[str]:
    """Split on Chinese and ASCII sentence ends, keeping the punctuation; empty pieces are dropped."""
    return [s for s in (m.group(0).strip() for m in _SENTENCE_RE.finditer(text)) if s]


@lru_cache(maxsize=1)
def _jieba() -> object:
    """Import and initialise jieba once (its dictionary load takes about a second); silence its start-up log."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    with _jieba_lock:
        jieba.initialize()
        # Government abbreviations the default dictionary splits (经/开区): keep them whole.
        for word in _DOMAIN_WORDS:
            jieba.add_word(word, freq=20000, tag="ns")
    return jieba


def words(text: str) -> list[str]:
    """Jieba words of ``text`` (accurate mode), without whitespace and punctuation tokens."""
    jieba = _jieba()
    tokens: list[str] = jieba.lcut(unicodedata.normalize("NFKC", text))  # type: ignore[attr-defined]
    return [t for t in tokens if not _NON_CONTENT_RE.fullmatch(t)]


def char_shingles(text: str, size: int = 3) -> set[str]:
    """The set of ``size``-character substrings of the normalised text (the whole text if shorter)."""
    norm = normalise(text)
    if len(norm) <= size:
        return {norm} if norm else set()
    return {norm[i : i + size] for i in range(len(norm) - size + 1)}


def tagged_words(text: str) -> list[tuple[str, str]]:
    """Jieba words with their part-of-speech flags (ns place name, n noun, v verb …); slower than :func:`words`."""
    _jieba()
    import jieba.posseg

    return [(p.word, p.flag) for p in jieba.posseg.lcut(unicodedata.normalize("NFKC", text))]
