"""Keep the search documents in step with the petitions (in the petition's own transaction, see signals.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
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
        parts += [str(v) for v in answers.values() if v]
    return "\n".join(p for p in parts if p)


def build_documents(petition_ids: Iterable[int]) -> list[SearchDocument]:
    """The documents of these petitions as they are now (two queries), not saved."""
    ids = list(petition_ids)
    names: dict[int, list[str]] = defaultdict(list)
    for pid, name in Petitioner.objects.filter(petition_id__in=ids).order_by("pk").values_list("petition_id", "name"):
        names[pid].append(name)
    return [
        SearchDocument(
            petition_id=row["pk"],
            title=segment(row["title"]),
            body=segment(_body(row)),
            names=" ".join(segment(n) for n in names[row["pk"]]),
        )
        for row in Petition.objects.filter(pk__in=ids).values(*_TEXT_FIELDS)
    ]


@transaction.atomic(savepoint=False)  # in the caller's transaction: a failure fails the service that changed the text
def search_document_refresh(*, petition_ids: Iterable[int], registered: bool = False) -> int:
    """Write the documents of these petitions where their text changed; returns how many were written.

    ``registered``: the petitions were inserted in this transaction, so none has a document yet to compare with.
    """
    docs = build_documents(petition_ids)
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
