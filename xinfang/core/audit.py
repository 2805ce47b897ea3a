"""Audit of unmasked identity reads (Art. 30; 个人信息保护法 Art. 51 and 54).

Every display or download of an unmasked petitioner identity calls :func:`identity_read_record` once: one
INSERT however many petitions the page or export shows. Callers decide *whether* identity is unmasked
(``petitions.selectors.can_see_identity``, ``reception.selectors.receives_citizens_of``, ``proposals_visible_to``);
this module only writes.

Who may *list* a read is decided by the petition's scope (``petitions.audit``). A read of something core does not
know (a proposal, kept as a plain ``proposal_id``) is listed through a read scope its app registers here at start-up
(:func:`identity_read_scope_register`), so the audit uses that app's own visibility rule without importing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Q

from xinfang.core import timeutil
from xinfang.core.models import IdentityRead, IdentitySurface


@transaction.atomic
def identity_read_record(
    *,
    user: Any,
    surface: IdentitySurface | str,
    petition_ids: Iterable[int | None] = (),
    bookings: Mapping[int, int | None] | None = None,
    proposal_ids: Iterable[int] = (),
) -> int:
    """Record that ``user`` was shown unmasked identity on ``surface``: one row per petition in ``petition_ids``,
    per booking in ``bookings`` (booking id → its petition id, or None) and per proposal in ``proposal_ids`` (its
    proposer). Returns the number of rows written.

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
    rows += [
        IdentityRead(at=at, user_id=user.pk, proposal_id=proposal_id, surface=surface)
        for proposal_id in dict.fromkeys(proposal_ids)
    ]
    if rows:
        IdentityRead.objects.bulk_create(rows)
    return len(rows)


# ------------------------------------------------------------------------------------------ who may list a read

IdentityReadScope = Callable[[Any], Q]
"""Given an auditor (a supervisor or administrator), the ``IdentityRead`` rows without a petition they may list."""

_READ_SCOPES: list[IdentityReadScope] = []


def identity_read_scope_register(scope: IdentityReadScope) -> None:
    """Let an app's reads without a petition be listed to those who may see its records (call from ``ready()``)."""
    if scope not in _READ_SCOPES:
        _READ_SCOPES.append(scope)


def identity_read_scopes(user: Any) -> list[Q]:
    """The registered scopes for ``user``, each a filter on ``IdentityRead``."""
    return [scope(user) for scope in _READ_SCOPES]
