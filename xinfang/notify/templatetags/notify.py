"""``{% load notify %}{% unread_count user %}``: the number of the user's unread in-app notifications."""

from __future__ import annotations

from typing import Any

from django import template

from xinfang.notify import selectors
from xinfang.orgs.models import User

register = template.Library()


@register.simple_tag
def unread_count(user: Any) -> int:
    if not isinstance(user, User):
        return 0
    return selectors.unread_count(user)
