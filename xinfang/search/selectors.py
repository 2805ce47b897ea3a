"""Full-text search over the petitions a user may see (issue 11, Build 4).

- Words: title, request, facts and reasons and 五必问 answers, segmented by jieba (``segment.py``): on PostgreSQL
  ``tsv @@ plainto_tsquery('simple', …)`` (or ``phraseto_tsquery`` for a query in quotes) on a GIN index, ranked
  by ``ts_rank`` (title words weigh more); on SQLite FTS5 ``MATCH``, ranked by ``bm25``.
- Names of petitioners, phone and 身份证号 (exact, through the keyed hash) match only rows whose identity the user
  may see (``petitions.selectors.identity_q``, Art. 30).
- 编号: exact, through its unique index, and ranked first.

Matching is a subquery (``pk IN (SELECT …)``) so it combines with any other filter and with
``petitions_visible_to``; it never walks rows in Python.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection
from django.db.models import Case, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from xinfang.core import crypto
from xinfang.petitions.identity import id_number_is_valid
from xinfang.petitions.models import Petition, Petitioner
from xinfang.petitions.selectors import identity_q, petitions_visible_to
from xinfang.search.segment import split_phrase, words

SEARCH_LIMIT = 200
_PHONE_LIKE = re.compile(r"^\+?[\d\s-]{7,30}$")


@dataclass(frozen=True)
class SearchQuery:
    """A parsed query: the text as typed (stripped), its words (precise mode), and whether it is a phrase."""

    text: str
    words: tuple[str, ...]
    phrase: bool

    @classmethod
    def parse(cls, raw: str) -> SearchQuery:
        inner, phrase = split_phrase(raw)
        return cls(text=raw.strip(), words=tuple(words(inner)), phrase=phrase and len(words(inner)) > 1)


def _fts5_query(q: SearchQuery, columns: str) -> str:
    quoted = ['"' + w.replace('"', '""') + '"' for w in q.words]
    expr = '"' + " ".join(w.replace('"', '""') for w in q.words) + '"' if q.phrase else " AND ".join(quoted)
    return f"{{{columns}}} : ({expr})"


# Fixed SQL: the query text is always a parameter. The rank is correlated with the outer, unaliased
# petitions_petition row (search_petitions is always the outer query).
_PG_MATCH = {
    (False, False): "SELECT petition_id FROM search_searchdocument WHERE tsv @@ plainto_tsquery('simple', %s)",
    (False, True): "SELECT petition_id FROM search_searchdocument WHERE tsv @@ phraseto_tsquery('simple', %s)",
    (True, False): "SELECT petition_id FROM search_searchdocument WHERE names_tsv @@ plainto_tsquery('simple', %s)",
    (True, True): "SELECT petition_id FROM search_searchdocument WHERE names_tsv @@ phraseto_tsquery('simple', %s)",
}
_PG_RANK = {
    False: "COALESCE((SELECT ts_rank(d.tsv, plainto_tsquery('simple', %s)) FROM search_searchdocument d"
    ' WHERE d.petition_id = "petitions_petition"."id"), 0)',
    True: "COALESCE((SELECT ts_rank(d.tsv, phraseto_tsquery('simple', %s)) FROM search_searchdocument d"
    ' WHERE d.petition_id = "petitions_petition"."id"), 0)',
}
_SQLITE_MATCH = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
_SQLITE_RANK = (
    "COALESCE((SELECT -bm25(search_fts, 4.0, 1.0, 0.0) FROM search_fts"  # title words weigh 4 times
    ' WHERE search_fts MATCH %s AND search_fts.rowid = "petitions_petition"."id"), 0)'
)


def _matching_ids(q: SearchQuery, *, names: bool) -> RawSQL:
    """SELECT of the ids of petitions whose words (or names) match: an index scan, no outer reference."""
    if connection.vendor == "postgresql":
        return RawSQL(_PG_MATCH[names, q.phrase], [" ".join(q.words)])  # noqa: S611 - fixed SQL
    return RawSQL(_SQLITE_MATCH, [_fts5_query(q, "names" if names else "title body")])  # noqa: S611 - fixed SQL


def _rank(q: SearchQuery) -> RawSQL:
    """Relevance of the words of the outer petition row (0 where they did not match, e.g. an 编号 or a name)."""
    if connection.vendor == "postgresql":
        return RawSQL(_PG_RANK[q.phrase], [" ".join(q.words)], output_field=FloatField())  # noqa: S611 - fixed SQL
    return RawSQL(_SQLITE_RANK, [_fts5_query(q, "title body")], output_field=FloatField())  # noqa: S611 - fixed SQL


def search_q(user: Any, text: str) -> Q:
    """Rows matching ``text``: 编号 (exact), words, and — where the user may see identity — names, phone or
    身份证号 (exact, through the keyed hash: the columns themselves are encrypted)."""
    q = SearchQuery.parse(text)
    if not q.text:
        return Q()
    match = Q(number=q.text.upper())
    person = Q()
    if len(q.text) == 1:  # a lone character is no word: substring of the title or request
        match |= Q(title__contains=q.text) | Q(request__contains=q.text)
    elif q.words:
        match |= Q(pk__in=_matching_ids(q, names=False))
        person |= Q(pk__in=_matching_ids(q, names=True))
    hashed = Q()
    if id_number_is_valid(q.text.upper()):
        hashed = Q(id_number_hash=crypto.id_number_hash(q.text))
    elif _PHONE_LIKE.match(q.text):
        hashed = Q(phone_hash=crypto.phone_hash(q.text))
    if hashed:
        person |= Q(pk__in=Petitioner.objects.filter(hashed).values("petition_id"))
    if person:
        match |= person & identity_q(user)
    return match


def search_petitions(
    user: Any, text: str, *, within: QuerySet[Petition] | None = None, limit: int = SEARCH_LIMIT
) -> list[int]:
    """Ids of the petitions matching ``text`` that ``user`` may see, best first: the exact 编号, then by relevance
    of the words, then newest. ``within`` narrows to an already filtered queryset (the inbox's filters); it must
    itself start from ``petitions_visible_to(user)``."""
    q = SearchQuery.parse(text)
    if not q.text:
        return []
    base = within if within is not None else petitions_visible_to(user)
    ranked = (
        base.filter(search_q(user, text))
        .annotate(
            is_number=Case(When(number=q.text.upper(), then=Value(1)), default=Value(0), output_field=IntegerField()),
            rank=_rank(q) if q.words else Value(0.0, output_field=FloatField()),
        )
        .order_by("-is_number", "-rank", "-pk")
        .values_list("pk", flat=True)[:limit]
    )
    return cast(list[int], list(ranked))


# ---------------------------------------------------------------- highlighting


def _marked(text: str, needles: list[str]) -> str:
    pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)), re.IGNORECASE)
    out: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        out += [html.escape(text[last : m.start()]), "<mark>", html.escape(m.group(0)), "</mark>"]
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def highlight(text: str, q: SearchQuery, *, width: int = 80) -> SafeString:
    """A window of ``text`` around the first match, HTML-escaped, every matched word in <mark>.

    Done on the stored text rather than with ts_headline / snippet(): those mark whole indexed words over the
    space-joined segmented text, so 拖欠 would not be marked inside 拖欠工资 and Chinese would show spaces.
    """
    needles = [q.text.strip("\"'“”「」『』 ")] if q.phrase else list(q.words)
    needles = [n for n in needles if n]
    if not needles or not text:
        return mark_safe(html.escape(text[:width]))  # noqa: S308 - escaped
    lowered = text.lower()
    hits = [i for i in (lowered.find(n.lower()) for n in needles) if i >= 0]
    if not hits:
        return mark_safe("")
    start = max(0, min(hits) - width // 4)
    window = text[start : start + width]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + width < len(text) else ""
    return mark_safe(prefix + _marked(window, needles) + suffix)  # noqa: S308 - every piece is escaped


def search_highlights(text: str, petitions: list[Petition]) -> dict[int, SafeString]:
    """For each listed petition, a highlighted excerpt of its title, request or facts (the first that matches)."""
    q = SearchQuery.parse(text)
    if not q.words:
        return {}
    rows = Petition.objects.filter(pk__in=[p.pk for p in petitions]).values_list(
        "pk", "title", "request", "facts_and_reasons"
    )
    out: dict[int, SafeString] = {}
    for pk, *texts in rows:
        for t in texts:
            marked = highlight(t, q)
            if "<mark>" in marked:
                out[pk] = marked
                break
    return out
