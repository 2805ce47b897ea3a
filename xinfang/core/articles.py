"""Article references rendered in the reader's language ("Art. 23 ¶3" → "第二十三条第三款").

Codes such as ``"Art. 35"`` stay machine-readable in API error bodies and clock rows (``article``); text shown
to people goes through ``article_text``, which spells the reference the way Chinese legal texts do when the
active language is Chinese, and leaves it as written otherwise.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

_DIGITS = "零一二三四五六七八九"
# References to other instruments keep their own names; these are the ones the code cites.
_SOURCES = {"Shandong": "《山东省信访条例》", "Zhejiang": "《浙江省信访条例》"}
_PART = re.compile(
    r"^(?:(?P<src>Shandong|Zhejiang|《[^》]+》) ?)?Arts?\. (?P<a>\d+)"
    r"(?P<rest>(?:[–-]\d+)?(?: ¶\d+)?(?:\(\d+\))*(?:–\(\d+\))?)$"
)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 23 → 二十三, 105 → 一百零五 (enough for article numbers)."""
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _DIGITS[n // 10] + "十" + (_DIGITS[n % 10] if n % 10 else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return _DIGITS[hundreds] + "百"
    return _DIGITS[hundreds] + "百" + ("零" + _DIGITS[rest] if rest < 10 else chinese_number(rest))


def _one(part: str) -> str | None:
    m = _PART.match(part.strip())
    if m is None:
        return None
    text = _SOURCES.get(m.group("src") or "", m.group("src") or "") + f"第{chinese_number(int(m.group('a')))}条"
    rest = m.group("rest")
    span = re.match(r"^[–-](\d+)", rest)
    if span:
        text += f"至第{chinese_number(int(span.group(1)))}条"
        rest = rest[span.end() :]
    para = re.match(r"^ ¶(\d+)", rest)
    if para:
        text += f"第{chinese_number(int(para.group(1)))}款"
        rest = rest[para.end() :]
    items = re.findall(r"\((\d+)\)", rest)
    if items:
        if "–" in rest and len(items) == 2:
            text += f"第（{chinese_number(int(items[0]))}）项至第（{chinese_number(int(items[1]))}）项"
        else:
            text += "第" + "".join(f"（{chinese_number(int(i))}）" for i in items) + "项"
    return text


# A provision of the province's own regulation, named by what it rules ("Local order_redo"): which regulation and
# which article is a per-deployment setting (XINFANG_LOCAL_REGULATION, XINFANG_LOCAL_ARTICLES); unset, it is left
# out and only the national 条例 is cited.
_LOCAL = re.compile(r"Local ([a-z_]+)")


def local_provisions(code: str) -> str:
    """``"Art. 35; Local order_redo"`` → ``"Art. 35; 《山东省信访条例》Art. 45"`` where the deployment names its
    regulation and that provision, else ``"Art. 35"``."""
    if "Local " not in code:
        return code
    name = str(getattr(settings, "XINFANG_LOCAL_REGULATION", "") or "")
    articles: dict[str, str] = getattr(settings, "XINFANG_LOCAL_ARTICLES", {}) or {}
    kept = []
    for part in re.split(r"[,;] ", code):
        local = _LOCAL.fullmatch(part.strip())
        if local is None:
            kept.append(part)
        elif name and local.group(1) in articles:
            kept.append(f"《{name}》{articles[local.group(1)]}")
    return "; ".join(kept)


def article_text(code: str) -> str:
    """The reference in the active language; unknown shapes are returned unchanged."""
    code = local_provisions(code)
    if not code or not (get_language() or "").startswith("zh"):
        return str(_OTHER.get(code, code)) if code in _OTHER else code
    parts = re.split(r"[,;] ", code)
    rendered = [_one(p) for p in parts]
    if any(r is None for r in rendered):
        return str(_OTHER.get(code, code))
    return "、".join(r for r in rendered if r)


# Non-article references shown to people.
_OTHER = {
    "国信发〔2022〕11号": _("Guoxinfa [2022] No. 11"),
    "国家信访局简易办理规则": _("simple-handling rules of the National Public Complaints and Proposals Administration"),
}
