"""Public reads for Open311: what anyone may see without 编号 + 查询码.

Not ``petitions_visible_to`` (that answers for staff): the public sees every petition's tracking-page facts
except accusations (检举控告类, Art. 30), which are left out entirely, whoever asks — and so are petitions
referred to discipline inspection, whatever their recorded nature.
"""

from __future__ import annotations

from django.db.models import QuerySet

from xinfang.petitions.models import Category, Nature, Petition, RoutingMode


def public_services() -> QuerySet[Category]:
    return Category.objects.select_related("parent__parent").order_by("full_name", "id")


def public_requests() -> QuerySet[Petition]:
    return (
        Petition.objects.exclude(nature=Nature.ACCUSATION)
        .exclude(routing_mode=RoutingMode.DISCIPLINE)
        .select_related("category", "current_unit")
    )
