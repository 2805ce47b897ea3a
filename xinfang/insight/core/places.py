"""问题属地: find the administrative division a petition is about, as a GB/T 2260-style code.

Two sources of names:

- **The anonymised board** (and the 西地省 demo): provinces are 西地省, prefecture cities are one capital letter
  (``A市``), and their districts, counties and county-level cities a letter and a number (``A2区``, ``A7县``,
  ``A9市``). They get codes in the demo's fictitious province 99 (GB/T 2260 assigns none): ``A市`` → 990100,
  ``A2区`` → 990102, ``B7县`` → 990207, which is exactly how the demo unit tree numbers them.
- **Real names**: any list of (name, code) pairs — the provinces below are built in; a deployment passes the names
  of its own divisions (for example from its unit tree) to :meth:`Gazetteer.with_names`.

The most specific division wins (a district over its city); among divisions of the same level the one named in the
title, then the one named first in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

ANON_PROVINCE = "西地省"
ANON_PROVINCE_CODE = "990000"

# Province-level divisions of GB/T 2260 (the first two digits of every code below them).
PROVINCES: dict[str, str] = {
    "北京": "110000", "天津": "120000", "河北": "130000", "山西": "140000", "内蒙古": "150000",
    "辽宁": "210000", "吉林": "220000", "黑龙江": "230000", "上海": "310000", "江苏": "320000",
    "浙江": "330000", "安徽": "340000", "福建": "350000", "江西": "360000", "山东": "370000",
    "河南": "410000", "湖北": "420000", "湖南": "430000", "广东": "440000", "广西": "450000",
    "海南": "460000", "重庆": "500000", "四川": "510000", "贵州": "520000", "云南": "530000",
    "西藏": "540000", "陕西": "610000", "甘肃": "620000", "青海": "630000", "宁夏": "640000",
    "新疆": "650000", "台湾": "710000", "香港": "810000", "澳门": "820000",
}  # fmt: skip

# "A2区", "A7县", "A9市", "A市"; not preceded by another letter or digit (a house number "3A2区" is not a place),
# and not followed by a letter (so "A市场" is a market, not a city).
_ANON_RE = re.compile(r"(?<![A-Za-z0-9])([A-Z])(\d{1,2})?(市|区|县)(?!场|民|委|级|长)")
_LEVEL_RANK = {"province": 1, "city": 2, "county": 3}


@dataclass(frozen=True)
class Place:
    """A recognised division: its code, its full name from the province down, and its level."""

    code: str
    name: str
    level: str  # province, city or county

    @property
    def city_code(self) -> str:
        return self.code[:4] + "00" if self.level != "province" else self.code


def anon_code(letter: str, number: str | None) -> str:
    """``A`` → 990100 (the city); ``A``, ``2`` → 990102 (its second district or county)."""
    city = ord(letter) - ord("A") + 1
    return f"99{city:02d}{int(number) if number else 0:02d}"


class Gazetteer:
    """Names → divisions. Immutable; build once and share."""

    def __init__(self, names: dict[str, Place] | None = None) -> None:
        self._names: dict[str, Place] = dict(names or {})
        longest_first = sorted(self._names, key=len, reverse=True)
        self._re = re.compile("|".join(map(re.escape, longest_first))) if longest_first else None

    @classmethod
    def default(cls) -> Gazetteer:
        """The built-in provinces and 西地省; the anonymised letter-number patterns are always recognised."""
        # Full names only ("湖南省"): a bare "湖南" is also a road, a university or a dish.
        names = {n + _province_suffix(n): Place(c, n + _province_suffix(n), "province") for n, c in PROVINCES.items()}
        names[ANON_PROVINCE] = Place(ANON_PROVINCE_CODE, ANON_PROVINCE, "province")
        return cls(names)

    def with_names(self, pairs: Iterable[tuple[str, str]]) -> Gazetteer:
        """A gazetteer that also knows these (name, 6-digit code) pairs, e.g. a deployment's own divisions."""
        names = dict(self._names)
        for name, code in pairs:
            if not name or not re.fullmatch(r"\d{6}", code):
                continue
            level = "province" if code.endswith("0000") else "city" if code.endswith("00") else "county"
            names[name] = Place(code, name, level)
        return Gazetteer(names)

    def find_all(self, text: str) -> list[Place]:
        """Every division named in ``text``, in order of appearance (repeats kept)."""
        found: list[tuple[int, Place]] = []
        for match in _ANON_RE.finditer(text):
            letter, number, suffix = match.groups()
            if number is None and suffix != "市":
                continue  # "B区" alone is an anonymised estate or zone name, not a division
            level = "county" if number else "city"
            code = anon_code(letter, number)
            city = f"{letter}市"
            name = f"{city}{letter}{number}{suffix}" if number else city
            found.append((match.start(), Place(code, name, level)))
        if self._re is not None:
            found.extend((m.start(), self._names[m.group(0)]) for m in self._re.finditer(text))
        found.sort(key=lambda item: item[0])
        return [place for _, place in found]

    def locate(self, title: str, text: str = "") -> Place | None:
        """The division a petition is about: the most specific one named, preferring the title, then the earliest.

        A city named alone is kept only when no district of it (or of another city) is named.
        """
        candidates = [(0, i, p) for i, p in enumerate(self.find_all(title))]
        candidates += [(1, i, p) for i, p in enumerate(self.find_all(text))]
        if not candidates:
            return None
        best = max(_LEVEL_RANK[p.level] for _, _, p in candidates)
        return min((c for c in candidates if _LEVEL_RANK[c[2].level] == best), key=lambda c: (c[0], c[1]))[2]


def _province_suffix(name: str) -> str:
    if name in {"北京", "天津", "上海", "重庆"}:
        return "市"
    if name in {"内蒙古", "西藏"}:
        return "自治区"
    if name in {"广西"}:
        return "壮族自治区"
    if name in {"宁夏"}:
        return "回族自治区"
    if name in {"新疆"}:
        return "维吾尔自治区"
    if name in {"香港", "澳门"}:
        return "特别行政区"
    return "省"
