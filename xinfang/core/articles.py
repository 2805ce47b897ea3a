"""Article references rendered in the reader's language ("Art. 35" → "第三十五条").

Codes such as ``"Art. 35"`` stay machine-readable in API error bodies (``article``); sentences shown to people
use ``article_text`` so a Chinese message cites 第三十五条 rather than an English abbreviation.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ARTICLES: dict[str, Promise] = {
    "Art. 19 ¶3": _("Art. 19 ¶3"),
    "Art. 20": _("Art. 20"),
    "Art. 22": _("Art. 22"),
    "Art. 23 ¶3": _("Art. 23 ¶3"),
    "Art. 24": _("Art. 24"),
    "Art. 30 ¶3": _("Art. 30 ¶3"),
    "Art. 34": _("Art. 34"),
    "Art. 35": _("Art. 35"),
    "Art. 36": _("Art. 36"),
    "Art. 36 ¶3": _("Art. 36 ¶3"),
    "国信发〔2022〕11号": _("Guoxinfa [2022] No. 11"),
}


def article_text(code: str) -> str:
    return str(ARTICLES.get(code, code))
