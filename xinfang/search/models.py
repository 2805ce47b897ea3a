"""The search document of a petition: its text segmented by jieba, words separated by spaces.

The full-text index itself is not a model field, because it differs by database (migration 0001):
PostgreSQL has generated ``tsv`` (title weighted A, then the body) and ``names_tsv`` columns with GIN indexes;
SQLite has the FTS5 table ``search_fts`` (external content: this table) kept in step by triggers.
Names are a separate column: they are matched only for viewers who may see identities (Art. 30).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.petitions.models import Petition


class SearchDocument(models.Model):
    petition = models.OneToOneField(
        Petition, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    title = models.TextField(_("title"), blank=True)  # segmented
    body = models.TextField(_("text"), blank=True)  # request, facts and reasons, 五必问 answers: segmented
    names = models.TextField(_("names"), blank=True)  # petitioner names: segmented
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")

    def __str__(self) -> str:
        return f"search document of petition {self.petition_id}"
