"""Permission-limited reads of reports: the unit's own staff, and heads and leaders at or above the unit."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from xinfang.core.limits import parse_id
from xinfang.orgs.models import User
from xinfang.reports.models import Report
from xinfang.reports.services import ISSUER_ROLES


def reports_visible_to(user: User) -> QuerySet[Report]:
    own = user.unit
    if own is None or not user.is_unit_staff:
        return Report.objects.none()
    q = Q(unit_id=own.pk)
    if user.has_role(*ISSUER_ROLES):
        # a unit at or below the leader's own: its path starts with the leader's unit path
        q |= Q(unit_path__startswith=own.path)
    return Report.objects.filter(q).select_related("unit", "issued_by", "created_by")


def report_get_visible(user: User, pk: int | str) -> Report:
    """404 for missing and forbidden alike."""
    if parse_id(pk) is None:
        raise Http404
    report = reports_visible_to(user).filter(pk=int(pk)).first()
    if report is None:
        raise Http404
    return report
