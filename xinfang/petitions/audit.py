"""Who may read the identity-read audit (Art. 30; 个人信息保护法 Art. 54 compliance audits).

Superusers see every row. Supervisors and administrators of a unit see the reads of petitions they may see
(``petitions_visible_to``: their scope, never an accusation against their side) and the reads without a petition
that an app's registered read scope gives them (``core.audit.identity_read_scopes``: a proposal's proposer, to
those who may see the proposal); other rows without a petition (a booking not linked to one) are for superusers
only. Everyone else is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from xinfang.core.audit import identity_read_scopes
from xinfang.core.errors import NotPermitted
from xinfang.core.limits import is_id
from xinfang.core.models import IdentityRead
from xinfang.orgs.models import Role
from xinfang.petitions.selectors import petitions_visible_to

AUDIT_ROLES = (Role.SUPERVISOR, Role.ADMIN)


def may_read_identity_audit(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return bool(user.is_superuser) or (user.unit_id is not None and user.has_role(*AUDIT_ROLES))


@dataclass(frozen=True)
class IdentityReadFilters:
    petition: str | None = None  # id or 编号
    user: int | None = None
    since: dt.date | None = None  # ``from``, inclusive
    until: dt.date | None = None  # ``to``, inclusive


def identity_reads_visible_to(user: Any, filters: IdentityReadFilters | None = None) -> QuerySet[IdentityRead]:
    """The audit rows ``user`` may list, newest first; raises NotPermitted for anyone but supervisors and admins."""
    if not may_read_identity_audit(user):
        raise NotPermitted(_("Only supervisors and administrators may read the identity-read audit."))
    qs = IdentityRead.objects.all()
    if not user.is_superuser:
        scope = Q(petition__in=petitions_visible_to(user).values("pk"))
        for other in identity_read_scopes(user):
            scope |= Q(petition__isnull=True) & other
        qs = qs.filter(scope)
    f = filters or IdentityReadFilters()
    if f.petition:
        key = f.petition.strip()
        lookup = Q(petition__number=key.upper())
        if is_id(key):
            lookup |= Q(petition_id=int(key))
        qs = qs.filter(lookup)
    if f.user is not None:
        qs = qs.filter(user_id=f.user)
    if f.since is not None:
        qs = qs.filter(at__gte=_start(f.since))
    if f.until is not None:
        qs = qs.filter(at__lt=_start(f.until + dt.timedelta(days=1)))
    return qs.select_related("user", "petition").order_by("-at", "-id")


def _start(day: dt.date) -> dt.datetime:
    """Local midnight (settings.TIME_ZONE) of ``day``, aware."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
