"""Audit of unmasked identity reads (Art. 30; 个人信息保护法 Art. 51 and 54).

Every display or download of an unmasked petitioner identity calls :func:`identity_read_record` once: one
INSERT however many petitions the page or export shows. Callers decide *whether* identity is unmasked
(``petitions.selectors.can_see_identity``, ``reception.selectors.receives_citizens_of``); this module only writes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from xinfang.core import timeutil
from xinfang.core.models import IdentityRead, IdentitySurface


@transaction.atomic
def identity_read_record(
    *,
    user: Any,
    surface: IdentitySurface | str,
    petition_ids: Iterable[int | None] = (),
    bookings: Mapping[int, int | None] | None = None,
) -> int:
    """Record that ``user`` was shown unmasked identity on ``surface``: one row per petition in ``petition_ids``
    and per booking in ``bookings`` (booking id → its petition id, or None). Returns the number of rows written.

    Anonymous users never see identity and write nothing; duplicate petition ids are written once."""
    if not getattr(user, "is_authenticated", False) or getattr(user, "pk", None) is None:
        return 0
    surface = IdentitySurface(surface)
    at = timeutil.now()
    rows = [
        IdentityRead(at=at, user_id=user.pk, petition_id=pid, surface=surface)
        for pid in dict.fromkeys(p for p in petition_ids if p is not None)
    ]
    rows += [
        IdentityRead(at=at, user_id=user.pk, petition_id=pid, booking_id=bid, surface=surface)
        for bid, pid in (bookings or {}).items()
    ]
    if rows:
        IdentityRead.objects.bulk_create(rows)
    return len(rows)
