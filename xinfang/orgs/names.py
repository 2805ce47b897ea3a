"""Unit names as people write them: full names, the area's short form and common abbreviations.

An accusation (检举控告) names the unit it complains about in free text — "A1区住房和城乡建设局", "区住建局",
"住建局" — and Art. 30 ¶3 forbids passing it to that unit. This module turns one unit's official name into the
forms people use and tells how strongly a text names it. It knows nothing about petitions: the rule that uses it
lives in ``xinfang.petitions.services.accused``.

Three strengths, from the least to the most ambiguous:

- ``QUALIFIED``: the full name, or the area's name with the unit's core name or an abbreviation of it
  ("A1区住房和城乡建设局", "A1区住建局"). It names that one unit wherever it is.
- ``LEVEL``: the level word with the core name or abbreviation ("区住建局", "市住建局"): it names the unit of that
  level in the area the problem arose in.
- ``BARE``: the core name or abbreviation alone ("住建局", "住房和城乡建设局"): it names the unit of the problem's own
  area.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import IntEnum

# Long forms of core names and the short forms used for them in practice (official 简称 and common speech).
# Applied as substring replacements on the core name, in this order; each produces extra forms, never fewer.
ABBREVIATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("住房和城乡建设", ("住建", "建设")),
    ("人力资源和社会保障", ("人社", "人力社保", "劳动保障")),
    ("自然资源和规划", ("自然资源", "资规", "规划")),
    ("生态环境", ("环保", "环境保护")),
    ("卫生健康委员会", ("卫健委", "卫生局")),
    ("市场监督管理", ("市场监管", "市监", "工商")),
    ("交通运输", ("交通",)),
    ("农业农村", ("农业", "农业农村")),
    ("教育和体育", ("教体", "教育")),
    ("城市管理综合行政执法", ("城管", "综合执法")),
    ("城市管理", ("城管",)),
    ("应急管理", ("应急",)),
    ("发展和改革委员会", ("发改委",)),
    ("纪委监委", ("纪委", "监委", "纪检委")),
    ("委政法委员会", ("政法委",)),
    ("政法委员会", ("政法委",)),
    ("委政法委", ("政法委",)),
    ("委员会", ("委",)),
    ("人民政府", ("政府",)),
    ("人民法院", ("法院",)),
    ("人民检察院", ("检察院",)),
    ("信访局", ("信访办",)),
)
# The shortest core or abbreviation that names a unit on its own: two characters ("政府", "纪委") occur in too many
# ordinary sentences to be read as naming one unit.
MIN_BARE_LENGTH = 3
# Cores that are the kind of body, not its name: "委员会" alone is any committee (村民委员会 too).
GENERIC_CORES = frozenset({"委员会", "委", "人民政府", "政府", "办事处", "街道办事处"})
# With the level word a form may be two characters: "区委", "县委" name the party committee of that level.
MIN_LEVEL_LENGTH = 2
_AREA_END = re.compile(r"(自治区|自治州|自治县|自治旗|街道|地区|省|市|区|县|旗|州|盟|镇|乡)$")
_LEVEL_WORDS = ("省", "市", "区", "县", "旗", "州", "盟", "镇", "乡")
_NOT_TEXT = re.compile(r"[^0-9A-Za-z\u3400-\u9fff]")


class Strength(IntEnum):
    NONE = 0
    BARE = 1
    LEVEL = 2
    QUALIFIED = 3


@dataclass(frozen=True)
class NameForms:
    """The ways one unit is written, by how precisely each form points at it."""

    qualified: frozenset[str]
    level: frozenset[str]
    bare: frozenset[str]


def normalise(text: str) -> str:
    """Compare names on letters, digits and Chinese characters only: full-width forms folded, spaces and
    punctuation dropped (a form filled on a phone writes "A1区 住建局" or "Ａ１区住建局")."""
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text or "")).upper()


def area_of_government(name: str) -> str:
    """The area's name from its government's: "A1区人民政府" → "A1区" ("" when the name has no such form)."""
    name = normalise(name)
    for suffix in ("人民政府", "政府", "办事处"):
        if name.endswith(suffix) and _AREA_END.search(name[: -len(suffix)]):
            return name[: -len(suffix)]
    return ""


def _variants(core: str) -> set[str]:
    forms = {core}
    for long, shorts in ABBREVIATIONS:
        for form in list(forms):
            if long in form:
                forms |= {form.replace(long, short) for short in shorts}
    return forms


def _core(name: str, area: str) -> str:
    """The unit's name without its area: "中共A1区委员会" → "委员会", "A1区住建局" → "住建局"."""
    for prefix in (f"中共{area}", area) if area else ():
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
    return name if not area else ""


def name_forms(name: str, area: str = "") -> NameForms:
    """Every form of a unit's name; ``area`` is the short name of the area it serves ("A1区"), if known."""
    full = normalise(name)
    area = normalise(area)
    qualified = {full}
    level: set[str] = set()
    bare: set[str] = set()
    core = _core(full, area)
    if core:
        cores = _variants(core)
        bare = {c for c in cores if len(c) >= MIN_BARE_LENGTH and c not in GENERIC_CORES}
        if area:
            qualified |= {area + c for c in cores}
            end = _AREA_END.search(area)
            if end is not None:
                level = {end.group(1) + c for c in cores if len(end.group(1) + c) >= MIN_LEVEL_LENGTH}
    return NameForms(frozenset(qualified), frozenset(level - qualified), frozenset(bare - qualified - level))


def _occurs_unqualified(text: str, form: str) -> bool:
    """``form`` occurs in ``text`` other than as the tail of another area's name: in "A2区住建局" the form "区住建局"
    belongs to A2区. Only letters and digits just before it are read as such a name; a Chinese area name ("东城区")
    cannot be told from an ordinary word ("向区住建局"), so there the form counts — the safe side for Art. 30."""
    start = text.find(form)
    while start != -1:
        before = text[:start]
        if before.endswith(_LEVEL_WORDS):  # "A2区" + "住建局": skip the level word, look at the name before it
            before = before[:-1]
        if not before or not before[-1].isascii() or not before[-1].isalnum():
            return True
        start = text.find(form, start + 1)
    return False


def strength(text: str, forms: NameForms) -> Strength:
    """How precisely ``text`` (already normalised) names the unit whose forms these are."""
    if not text:
        return Strength.NONE
    if any(f in text for f in forms.qualified):
        return Strength.QUALIFIED
    if any(_occurs_unqualified(text, f) for f in forms.level):
        return Strength.LEVEL
    if any(_occurs_unqualified(text, f) for f in forms.bare):
        return Strength.BARE
    return Strength.NONE
