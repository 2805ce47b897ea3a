"""The portal's own state changes: ratings of the online service (网上信访服务评价).

A petition's own changes stay in ``xinfang.petitions.services`` (claiming one is ``petition_claim``); a rating of
the online service changes no petition and writes no timeline event.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core import timeutil
from xinfang.core.errors import InvalidInput, RuleViolation
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition, Satisfaction
from xinfang.portal.models import SERVICE_RATING_COMMENT_MAX, SERVICE_RATING_EDIT_DAYS, ServiceRating


def hash_session_token(token: str) -> str:
    """Only a keyed hash of a tracking session's token is stored (the token itself stays in the session)."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:service-rating:{token}".encode()).hexdigest()


def edit_days() -> int:
    days: int = getattr(settings, "XINFANG_SERVICE_RATING_EDIT_DAYS", SERVICE_RATING_EDIT_DAYS)
    return days


def editable_until(rating: ServiceRating) -> dt.date:
    """The last day the rating may still be changed."""
    return rating.rated_on + dt.timedelta(days=edit_days())


def service_rating_of(petition: Petition, *, account: User | None, session_token: str) -> ServiceRating | None:
    """The rating this rater already gave for ``petition`` (by account when signed in as the owner, else session)."""
    if account is not None:
        return ServiceRating.objects.filter(petition=petition, account=account).first()
    if session_token:
        token_hash = hash_session_token(session_token)
        return ServiceRating.objects.filter(petition=petition, session_token_hash=token_hash).first()
    return None


@transaction.atomic
def service_rating_give(
    *, petition: Petition, account: User | None, session_token: str, value: str, comment: str = ""
) -> ServiceRating:
    """Rate the online service for ``petition``, or change that rating within ``edit_days()`` of first giving it.

    ``account`` is the citizen account that holds the petition (``Petition.submitted_by``); otherwise
    ``session_token`` identifies the tracking session that proved 编号 + 查询码. The caller has checked either.
    """
    if value not in Satisfaction.values:
        raise InvalidInput(_("Choose satisfied, basically satisfied or dissatisfied."), field="value")
    comment = comment.strip()
    if len(comment) > SERVICE_RATING_COMMENT_MAX:
        raise InvalidInput(
            _("Keep the comment to at most %(n)s characters.") % {"n": SERVICE_RATING_COMMENT_MAX}, field="comment"
        )
    if account is not None and account.pk != petition.submitted_by_id:
        raise InvalidInput(_("Only the account that holds this petition can rate it."), field="account")
    if account is None and not session_token:
        raise InvalidInput(_("Open the petition with its number and query code first."), field="session")
    # Serialise raters of the same petition, so two tabs of one session never create two rows.
    Petition.objects.select_for_update().only("pk").get(pk=petition.pk)
    existing = service_rating_of(petition, account=account, session_token=session_token)
    today = timeutil.today()
    if existing is None:
        return ServiceRating.objects.create(
            petition=petition,
            account=account,
            session_token_hash="" if account is not None else hash_session_token(session_token),
            value=value,
            comment=comment,
            rated_on=today,
        )
    until = editable_until(existing)
    if today > until:
        raise RuleViolation(
            _("Your rating of the online service can no longer be changed: it could be changed until %(date)s.")
            % {"date": until.isoformat()},
            field="value",
        )
    existing.value = value
    existing.comment = comment
    existing.save(update_fields=["value", "comment", "updated_at"])
    return existing
