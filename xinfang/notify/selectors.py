"""Reads: every signed-in user (staff or citizen) sees only their own in-app notifications."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from xinfang.notify.models import Channel, Notification
from xinfang.orgs.models import User


def notifications_for(user: User, *, unread: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(recipient=user, channel=Channel.INAPP)
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def notification_get_own(user: User, pk: int) -> Notification:
    """The user's own in-app notification; 404 for anyone else's (no existence oracle)."""
    row = notifications_for(user).filter(pk=pk).first()
    if row is None:
        raise Http404(_("No such notification."))
    return row


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return notifications_for(user, unread=True).count()
