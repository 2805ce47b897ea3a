"""Reading generated .docx files back in tests."""

from __future__ import annotations

import io
from typing import Any

import docx

from xinfang.petitions.models import Document, Petition


def open_docx(content: bytes) -> Any:
    return docx.Document(io.BytesIO(content))


def body_text(content: bytes) -> str:
    return "\n".join(p.text for p in open_docx(content).paragraphs)


def header_text(content: bytes) -> str:
    return "\n".join(p.text for p in open_docx(content).sections[0].header.paragraphs)


def doc_of(petition: Petition, kind: str, **filters: Any) -> Document:
    """The latest document of that kind, freshly read (services re-read the petition under a lock, so an
    instance held by the test may be stale)."""
    return Document.objects.filter(petition_id=petition.pk, kind=kind, **filters).order_by("-pk").first()  # type: ignore[return-value]
