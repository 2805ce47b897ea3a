"""``{% load notify %}{% unread_count user %}``: the number of the user's unread in-app notifications;
``{% petitioner_choice petition %}``: the petitioner's choice of messages on the tracking page."""

from __future__ import annotations

from typing import Any

from django import template

from xinfang.notify import selectors
from xinfang.notify.models import Channel
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition

register = template.Library()


@register.simple_tag
def unread_count(user: Any) -> int:
    if not isinstance(user, User):
        return 0
    return selectors.unread_count(user)


@register.inclusion_tag("notify/petitioner_choice.html")
def petitioner_choice(petition: Petition) -> dict[str, Any]:
    """The tracking page's form: how the petitioner is told of this petition's steps, or not at all."""
    from xinfang.notify import petitioner

    chosen, opted_out = petitioner.preference_of(petition)
    available = petitioner.contacts(petition)
    recipient = None if opted_out else petitioner.recipient_for(petition)
    return {
        "number": petition.number,
        "chosen": chosen,
        "opted_out": opted_out,
        "current": Channel(recipient.channel).label if recipient is not None else "",
        "options": [(c.value, c.label) for c in Channel if c.value in available],
    }
