"""Template helpers of the workbench."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model
from django.utils.text import capfirst

from xinfang.petitions.identity import mask_phone
from xinfang.petitions.models import Attachment, Clock, Document, Petition, Petitioner, PetitionEvent

register = template.Library()

_MODELS: dict[str, type[Model]] = {
    "petition": Petition,
    "petitioner": Petitioner,
    "clock": Clock,
    "event": PetitionEvent,
    "document": Document,
    "attachment": Attachment,
}


@register.filter
def has_role(user: Any, role: str) -> bool:
    """``{% if user|has_role:"registrar" %}`` — whether a staff account has the role (cached per request)."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "unit_id", None) and user.has_role(role))


@register.filter
def sees_hot_issues(user: Any) -> bool:
    """``{% if user|sees_hot_issues %}`` — the hot-issue pages' own rule (``insight.selectors``), for the nav."""
    from xinfang.insight.selectors import may_see_hot_issues

    return may_see_hot_issues(user)


@register.filter
def masked_phone(value: str) -> str:
    """``{{ phone|masked_phone }}`` — 138****0000: enough to match a caller, not to call them."""
    return mask_phone(value or "")


@register.simple_tag
def label(model: str, name: str = "") -> str:
    """``{% label "petition" "received_on" %}`` — a model field's verbose name, the catalogue's wording.

    Without a field name: the model's plural name (``{% label "attachment" %}`` → 附件).
    """
    meta = _MODELS[model]._meta
    if not name:
        return str(capfirst(meta.verbose_name_plural))
    return str(capfirst(getattr(meta.get_field(name), "verbose_name", name)))
