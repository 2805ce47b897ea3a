"""The statistics rollup: a long-format fact table placed on unit nodes, and each petition's last contribution.

A petition's NODES are the units on the ancestor-or-self chains of its access units (``PetitionAccess``), each
with ``direct`` = the node is itself an access unit. A viewer who oversees below sees the petition iff one of
its nodes is the unit at the viewer's ``scope_path``; any other staff member iff their own unit is a direct node.
That is exactly ``petitions_visible_to`` (a prefix match on an access path is an ancestor-or-self match), with
plain sums and no DISTINCT because every petition is placed once on each of its nodes.

Dimension columns hold 0 or "" instead of NULL so that the unique constraint (on all dimensions) can back the
``INSERT … ON CONFLICT DO UPDATE SET value = value + excluded.value`` upserts on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit
from xinfang.petitions.models import Petition

DIMENSIONS = (
    "node_id",
    "direct",
    "measure",
    "day",
    "category_id",
    "channel",
    "nature",
    "division_code",
    "accused_unit_id",
    "accused_staff_id",
)


class StatFact(models.Model):
    """One aggregated figure: ``value`` of ``measure`` on ``day`` for the petitions placed on ``node``."""

    node = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    direct = models.BooleanField()
    measure = models.CharField(max_length=40)
    day = models.DateField()
    category_id = models.IntegerField(default=0)  # 0: not classified (a plain id: the taxonomy may be reloaded)
    channel = models.CharField(max_length=12)
    nature = models.CharField(max_length=12)
    division_code = models.CharField(max_length=6, blank=True)  # 问题属地, county level (6 digits)
    accused_unit_id = models.IntegerField(default=0)  # accusations only (Art. 30): subtracted for the accused side
    accused_staff_id = models.IntegerField(default=0)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("statistics fact")
        verbose_name_plural = _("statistics facts")
        constraints = [
            models.UniqueConstraint(fields=["node", *DIMENSIONS[1:]], name="statfact_dims_unique"),
        ]
        indexes = [models.Index(fields=["node", "measure", "day"], name="statfact_node_measure_day_idx")]

    def __str__(self) -> str:
        return f"{self.node_id} {self.measure} {self.day}: {self.value}"


DAILY_DIMENSIONS = ("node_id", "direct", "measure", "day", "accused_unit_id", "accused_staff_id")


class StatDaily(models.Model):
    """The coarse rollup: StatFact summed over category, channel, nature and area (issue 10).

    Kept by the same upserts, in the same transaction, as StatFact (``facts.apply_delta``); read by the KPI figures,
    the series and the unit breakdown, which filter on none of the dropped dimensions. The accused columns stay:
    every read subtracts the accusations against the viewer (Art. 30 ¶3), and they are non-zero on accusations
    only, so that subtraction needs no ``nature``. A node keeps an accused unit only if it lies at or below that
    unit's parent (``facts.accused_reach``: no viewer on the accused side reads a node above it), so at the national
    node a year is at most measures × 365 rows (times the few top-level accused units), where StatFact holds one
    row per category × channel × nature × area as well.
    """

    node = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    direct = models.BooleanField()
    measure = models.CharField(max_length=40)
    day = models.DateField()
    accused_unit_id = models.IntegerField(default=0)
    accused_staff_id = models.IntegerField(default=0)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("daily statistics figure")
        verbose_name_plural = _("daily statistics figures")
        constraints = [
            models.UniqueConstraint(fields=["node", *DAILY_DIMENSIONS[1:]], name="statdaily_dims_unique"),
        ]
        indexes = [
            # Covering on PostgreSQL (INCLUDE; a plain index elsewhere): every read sums ``value`` for one node and a
            # day range, minus the accused rows, so an index-only scan answers it without visiting the heap
            # (the national year read 12,927 heap pages for 25,581 rows at 100,000 petitions; docs/benchmarks.md).
            models.Index(
                fields=["node", "measure", "day"],
                include=["direct", "accused_unit_id", "accused_staff_id", "value"],
                name="statdaily_covering_idx",
            ),
            # The unit ranking (``breakdown(by="unit")``) reads every node's own (direct) rows of a few measures over
            # a period, not one node's: without this index it read the whole table (a national month ranking
            # scanned 1.65 million rows for 15,000 at 100,000 petitions; docs/benchmarks.md).
            models.Index(
                fields=["measure", "day"],
                include=["node", "accused_unit_id", "accused_staff_id", "value"],
                condition=models.Q(direct=True),
                name="statdaily_direct_ranking_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.measure} {self.day}: {self.value}"


class PetitionStatState(models.Model):
    """The contribution last applied to StatFact for one petition: the incremental update applies new − old."""

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, primary_key=True, related_name="+")
    data = models.JSONField(default=dict)

    def __str__(self) -> str:
        return str(self.petition_id)
