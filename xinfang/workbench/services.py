"""Writes of the workbench itself (not of petitions): saved views of the inbox."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from xinfang.core.errors import InvalidInput, NotPermitted
from xinfang.orgs.models import User
from xinfang.workbench.models import SavedView

MAX_VIEWS = 20  # per user: each listed view costs one COUNT on every inbox page
NAME_MAX = 60


def _clean_name(owner: User, name: str, *, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("Give the view a name."), field="name")
    if len(name) > NAME_MAX:
        raise InvalidInput(_("A view name has at most %(n)s characters.") % {"n": NAME_MAX}, field="name")
    taken = SavedView.objects.filter(owner=owner, name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise InvalidInput(_("You already have a view named “%(name)s”.") % {"name": name}, field="name")
    return name


@transaction.atomic
def saved_view_create(*, owner: User, name: str, params: dict[str, Any], shared: bool = False) -> SavedView:
    """Save the inbox query ``params`` under ``name`` for ``owner`` (shared: listed for their whole unit)."""
    if owner.unit_id is None:
        raise NotPermitted(_("Only unit staff have an inbox."))
    if SavedView.objects.filter(owner=owner).count() >= MAX_VIEWS:
        raise InvalidInput(
            _("You have %(n)s saved views, the most allowed; delete one first.") % {"n": MAX_VIEWS}, field="name"
        )
    return SavedView.objects.create(
        owner=owner, unit_id=owner.unit_id, name=_clean_name(owner, name), params=params, shared=shared
    )


def _own(view: SavedView, actor: User) -> None:
    if view.owner_id != actor.pk:
        raise NotPermitted(_("Only the person who saved a view may change or delete it."))


@transaction.atomic
def saved_view_rename(*, view: SavedView, actor: User, name: str, shared: bool | None = None) -> SavedView:
    _own(view, actor)
    view.name = _clean_name(actor, name, exclude=view.pk)
    fields = ["name", "updated_at"]
    if shared is not None:
        view.shared = shared
        fields.append("shared")
    view.save(update_fields=fields)
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView, actor: User) -> None:
    _own(view, actor)
    view.delete()
