"""Keep the search documents in step with the petitions (in the petition's own transaction, see signals.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction

from xinfang.petitions.models import Petition, Petitioner
from xinfang.search.models import SearchDocument
from xinfang.search.segment import segment

_TEXT_FIELDS = ("pk", "title", "request", "facts_and_reasons", "five_questions")


def _body(row: dict[str, Any]) -> str:
    answers = row["five_questions"] or {}
    parts = [row["request"], row["facts_and_reasons"]]
    if isinstance(answers, dict):
        # In the order PostgreSQL's jsonb keeps keys (shorter first, then bytewise), whatever order the dict came in:
        # a petition just written (in memory) and the same row read back give one text.
        parts += [str(answers[k]) for k in sorted(answers, key=lambda k: (len(k.encode()), k.encode())) if answers[k]]
    return "\n".join(p for p in parts if p)


def build_documents(
    petition_ids: Iterable[int],
    *,
    written: Sequence[Petition] = (),
    names: Mapping[int, Sequence[str]] | None = None,
) -> list[SearchDocument]:
    """The documents of these petitions as they are now (two queries), not saved. ``written``: some of them in
    memory exactly as just saved (a registration), so their text is not read back; ``names``: their petitioners'
    names in the order saved ({petition id: names}), not read back either."""
    ids = list(petition_ids)
    people: dict[int, list[str]] = defaultdict(list)
    for pid, given in (names or {}).items():
        people[pid] = list(given)
    unnamed = [pk for pk in ids if pk not in (names or {})]
    if unnamed:
        named = Petitioner.objects.filter(petition_id__in=unnamed).order_by("pk").values_list("petition_id", "name")
        for pid, name in named:
            people[pid].append(name)
    known = [{f: getattr(p, f) for f in _TEXT_FIELDS} for p in written if p.pk in ids]
    rest = [pk for pk in ids if pk not in {row["pk"] for row in known}]
    rows = known + (list(Petition.objects.filter(pk__in=rest).values(*_TEXT_FIELDS)) if rest else [])
    return [
        SearchDocument(
            petition_id=row["pk"],
            title=segment(row["title"]),
            body=segment(_body(row)),
            names=" ".join(segment(n) for n in people[row["pk"]]),
        )
        for row in rows
    ]


@transaction.atomic(savepoint=False)  # in the caller's transaction: a failure fails the service that changed the text
def search_document_refresh(
    *,
    petition_ids: Iterable[int],
    registered: bool = False,
    written: Sequence[Petition] = (),
    names: Mapping[int, Sequence[str]] | None = None,
) -> int:
    """Write the documents of these petitions where their text changed; returns how many were written.

    ``registered``: the petitions were inserted in this transaction, so none has a document yet to compare with;
    ``written`` and ``names``: those petitions in memory as registration saved them and their petitioners' names
    (not read back).
    """
    docs = build_documents(petition_ids, written=written, names=names) if registered else build_documents(petition_ids)
    current = (
        {}
        if registered
        else {
            d.petition_id: (d.title, d.body, d.names)
            for d in SearchDocument.objects.filter(petition_id__in=[d.petition_id for d in docs])
        }
    )
    changed = [d for d in docs if current.get(d.petition_id) != (d.title, d.body, d.names)]
    if changed:
        SearchDocument.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["petition"],
            update_fields=["title", "body", "names", "indexed_at"],
        )
    return len(changed)
