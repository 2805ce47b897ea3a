"""Full-text search over the petitions a user may see (issue 11, Build 4).

- Words: title, request, facts and reasons and 五必问 answers, segmented by jieba (``segment.py``): on PostgreSQL
  ``tsv @@ plainto_tsquery('simple', …)`` (or ``phraseto_tsquery`` for a query in quotes) on a GIN index, ranked
  by ``ts_rank`` (title words weigh more); on SQLite FTS5 ``MATCH``, ranked by ``bm25``.
- Names of petitioners, phone and 身份证号 (exact, through the keyed hash) match only rows whose identity the user
  may see (``petitions.selectors.identity_q``, Art. 30).
- 编号: exact, through its unique index, and ranked first.

Matching is a subquery (``pk IN (SELECT …)``) so it combines with any other filter and with
``petitions_visible_to``; it never walks rows in Python.

A **common word** (on PostgreSQL, one the planner expects in more than ``common_threshold()`` documents — 拖欠 is in
9% of them) is matched the other way round: newest petitions first, each probed through the search document's
primary key (a correlated ``EXISTS``, fenced with ``OFFSET 0`` so that the planner cannot turn it back into a hash of
every matching id), so the first page costs a few hundred probes instead of reading tens of thousands of documents
(1,000,000 petitions: 1.1 s → ~10 ms). Relevance then orders the newest ``RANK_WINDOW`` matches rather than all of
them: ranking 90,000 documents cannot be done within a page's time, and for a word that common the newest matches are
what an office looks for. A rare word is still ranked over every match.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import Any, cast

from django.db import connection
from django.db.models import BooleanField, Case, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from xinfang.core import crypto
from xinfang.petitions.identity import id_number_is_valid
from xinfang.petitions.models import NUMBER_SHAPE, Petition, Petitioner
from xinfang.petitions.selectors import identity_q, petitions_visible_to
from xinfang.search.segment import split_phrase, words

SEARCH_LIMIT = 200
#: For a common word, relevance orders this many of the newest matches (see the module's docstring).
RANK_WINDOW = 200
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


_PG_PROBE = {
    False: 'EXISTS (SELECT 1 FROM search_searchdocument d WHERE d.petition_id = "petitions_petition"."id"'
    " AND d.tsv @@ plainto_tsquery('simple', %s) OFFSET 0)",
    True: 'EXISTS (SELECT 1 FROM search_searchdocument d WHERE d.petition_id = "petitions_petition"."id"'
    " AND d.tsv @@ phraseto_tsquery('simple', %s) OFFSET 0)",
}


def common_threshold(documents: int) -> int:
    """Above how many matching documents a word is common. Collecting the ids of n matches costs about n heap reads;
    probing newest first costs about 50 / (n / documents) probes for a page of 50, each a little dearer: the two
    meet near sqrt(64 · documents) (8,000 at 1,000,000 documents)."""
    return max(2_000, int((64 * max(documents, 0)) ** 0.5))


def _estimated_rows(cursor: Any, sql: str, params: list[str]) -> int:
    cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
    plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def is_common(q: SearchQuery) -> bool:
    """Whether the words occur in more than ``common_threshold`` documents (PostgreSQL; always False on SQLite,
    where FTS5 walks its own index).

    The planner's statistics of the indexed words decide without reading a row for one word, and for several words
    whose rarest is rare (together they are no more frequent than it). Otherwise the matches are counted, up to the
    threshold and no further: the planner's estimate for several words assumes they are independent, which is
    wrong both ways — it expects the phrase 拖欠农民工工资 100 times too rarely, and 噪音 with 拖欠 far too often."""
    if connection.vendor != "postgresql" or not q.words:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'search_searchdocument'")
        row = cursor.fetchone()
        documents = int(row[0]) if row and row[0] and row[0] > 0 else 0
        if not documents:
            return False
        threshold = common_threshold(documents)
        single = _PG_MATCH[False, False]
        if min(_estimated_rows(cursor, single, [w]) for w in dict.fromkeys(q.words)) <= threshold:
            return False
        if len(set(q.words)) == 1:
            return True
        match = _PG_MATCH[False, q.phrase]
        cursor.execute(f"SELECT count(*) FROM ({match} LIMIT %s) m", [" ".join(q.words), threshold + 1])  # noqa: S608
        return int(cursor.fetchone()[0]) > threshold


def _probe(q: SearchQuery) -> RawSQL:
    """Whether the outer petition row's words match (a correlated probe of one document, for a common word)."""
    return RawSQL(_PG_PROBE[q.phrase], [" ".join(q.words)], output_field=BooleanField())  # noqa: S611 - fixed SQL


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


def _sql(qs: QuerySet[Any]) -> tuple[str, list[Any]]:
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


def search_q(user: Any, text: str, *, common: bool | None = None) -> Q:
    """Rows matching ``text``: 编号 (exact), words, and — where the user may see identity — names, phone or
    身份证号 (exact, through the keyed hash: the columns themselves are encrypted).

    The ways of matching are one ``pk IN (… UNION …)``, not an OR of several ``IN``s: an OR makes the planner walk
    every visible petition to test it (a word found nowhere took 0.6 s at 1,000,000 petitions), a union is read from
    the indexes that answer it. Only a common word's probe (see the module's docstring) is an OR beside it. A lone
    character is a substring no index answers: one scan of the titles and requests (~0.5 s at 1,000,000 petitions).
    """
    q = SearchQuery.parse(text)
    if not q.text:
        return Q()
    if NUMBER_SHAPE.match(q.text):  # a 编号 is no word nor a name: its unique index alone answers
        return Q(number=q.text.upper())
    parts = [_sql(Petition.objects.filter(number=q.text.upper()).values("pk"))]
    probe = Q()
    person: list[Q] = []
    if len(q.text) == 1:  # a lone character is no word: substring of the title or request (no index answers it)
        lone = Q(title__contains=q.text) | Q(request__contains=q.text)
        parts.append(_sql(Petition.objects.filter(lone).values("pk")))
    elif q.words:
        if is_common(q) if common is None else common:
            probe = Q(_probe(q))
        else:
            words = _matching_ids(q, names=False)
            parts.append((words.sql, list(words.params)))
        person.append(Q(pk__in=_matching_ids(q, names=True)))
    if id_number_is_valid(q.text.upper()):
        person.append(
            Q(pk__in=Petitioner.objects.filter(id_number_hash=crypto.id_number_hash(q.text)).values("petition_id"))
        )
    elif _PHONE_LIKE.match(q.text):
        person.append(Q(pk__in=Petitioner.objects.filter(phone_hash=crypto.phone_hash(q.text)).values("petition_id")))
    for one in person:  # names, phone, 身份证号: only of rows whose identity the user may see (Art. 30)
        parts.append(_sql(Petition.objects.filter(one, identity_q(user)).values("pk")))
    union = RawSQL(" UNION ".join(sql for sql, _p in parts), [p for _s, params in parts for p in params])  # noqa: S611
    return Q(pk__in=union) | probe


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
    common = not NUMBER_SHAPE.match(q.text) and is_common(q)
    matching = base.filter(search_q(user, text, common=common))
    if common:  # relevance orders the newest matches only (see the module's docstring)
        newest = list(matching.order_by("-pk").values_list("pk", flat=True)[:RANK_WINDOW])
        matching = Petition.objects.filter(pk__in=newest)
    ranked = (
        matching.annotate(
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
