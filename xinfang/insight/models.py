"""The persistent part of repeat detection: each petition's LSH band keys, so near-identical petitions are found
with one indexed lookup whatever the number of petitions (see ``core/dedup.py`` for the method)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PetitionFingerprint(models.Model):
    """One LSH band key of one petition's MinHash signature (``core.dedup.BANDS`` rows per petition).

    Two petitions sharing a key are candidates; the similarity is then computed exactly on their texts. Keys are
    64-bit hashes stored as signed integers (BigIntegerField); the band number is mixed into the key.
    """

    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.CASCADE, related_name="fingerprints", verbose_name=_("petition")
    )
    key = models.BigIntegerField(_("band key"))

    class Meta:
        verbose_name = _("petition fingerprint")
        verbose_name_plural = _("petition fingerprints")
        indexes = [models.Index(fields=["key", "petition"], name="fingerprint_key_idx")]
        constraints = [models.UniqueConstraint(fields=["petition", "key"], name="fingerprint_unique")]

    def __str__(self) -> str:
        return f"{self.petition_id}:{self.key}"
