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


class HotIssue(models.Model):
    """One hot issue (热点问题) of one region in one snapshot, computed by the nightly job (``tasks.py``).

    A region is a city or county petition department and what it oversees (its ``scope_path``): the petitions
    with an access row under that path, received within the window, accusations excluded (Art. 30: a hot-issue
    name must never carry an accusation to anyone). Rows are replaced when the job runs again on the same day.
    """

    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("region (petition department)")
    )
    unit_path = models.CharField(_("unit path"), max_length=96)  # denormalised: scope filters are range scans
    snapshot_on = models.DateField(_("snapshot date"))
    since = models.DateField(_("window from"))
    until = models.DateField(_("window to"))
    rank = models.PositiveIntegerField(_("rank"))
    heat = models.FloatField(_("heat"))
    place_code = models.CharField(_("division code"), max_length=12, blank=True)
    place_people = models.CharField(_("place and people"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    first_on = models.DateField(_("first received"), null=True)
    last_on = models.DateField(_("last received"), null=True)
    petition_count = models.PositiveIntegerField(_("petitions"))
    petitioner_count = models.PositiveIntegerField(_("petitioners"))
    signatures = models.PositiveIntegerField(_("joint signatures"), default=0)
    sudden_rise = models.BooleanField(_("sudden rise"), default=False)
    created_at = models.DateTimeField(_("computed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("hot issue")
        verbose_name_plural = _("hot issues")
        ordering = ["unit_path", "rank"]
        indexes = [
            models.Index(fields=["snapshot_on", "unit_path", "rank"], name="hotissue_snapshot_idx"),
            models.Index(fields=["unit", "snapshot_on"], name="hotissue_unit_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["unit", "snapshot_on", "rank"], name="hotissue_unique_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.place_people} {self.description}".strip() or f"#{self.pk}"


class HotIssueMember(models.Model):
    """A petition that belongs to a hot issue; the drill-down shows only those the viewer may see."""

    hot_issue = models.ForeignKey(HotIssue, on_delete=models.CASCADE, related_name="members", db_index=False)
    petition = models.ForeignKey(
        "petitions.Petition", on_delete=models.CASCADE, related_name="+", verbose_name=_("petition")
    )

    class Meta:
        verbose_name = _("hot-issue petition")
        verbose_name_plural = _("hot-issue petitions")
        constraints = [models.UniqueConstraint(fields=["hot_issue", "petition"], name="hotissue_member_unique")]

    def __str__(self) -> str:
        return f"{self.hot_issue_id}:{self.petition_id}"
