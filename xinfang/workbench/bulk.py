"""Bulk actions of the inbox (批量操作): one action on the selected rows, each row through the same service.

Each selected petition goes through ``ACTIONS[action].call`` — exactly what the API endpoint and the petition
page call — in its own transaction, so every rule, the Art. 30 guard, the workflow's ``require`` and the timeline
event apply per item. A refusal of one item (``DomainError``) rolls back that item only and is reported with its
message; the others go on. Rows the user cannot see are reported as not found, as the petition page would.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core.articles import article_text
from xinfang.core.errors import DomainError, InvalidInput
from xinfang.orgs.models import User
from xinfang.petitions.api.views import ACTIONS
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.workflow import Action

MAX_ITEMS = 200  # per request: each item is its own transaction with its own checks and event

# The workflow actions offered in bulk, in the toolbar's order (export is not a workflow action).
BULK_ACTIONS: tuple[Action, ...] = (Action.ASSIGN_HANDLER, Action.FORWARD, Action.ASSIGN)
EXPORT = "export"
CHOICES = (
    (Action.ASSIGN_HANDLER.value, Action.ASSIGN_HANDLER.label),
    (Action.FORWARD.value, Action.FORWARD.label),
    (Action.ASSIGN.value, Action.ASSIGN.label),
    (EXPORT, gettext_lazy("Export the selected rows")),
)


@dataclass(frozen=True)
class ItemResult:
    """What happened to one selected row: done, or refused with the service's reason (and article)."""

    petition_id: int
    number: str
    title: str
    done: bool
    message: str = ""
    article: str = ""


def parse_ids(values: list[str]) -> list[int]:
    """The selected row ids, in order, without repeats; refused when none, malformed, or more than ``MAX_ITEMS``."""
    ids: list[int] = []
    for value in values:
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            raise InvalidInput(_("A selected row is not a petition id: %(v)s.") % {"v": value[:20]}, field="ids")
        pk = int(value)
        if pk not in ids:
            ids.append(pk)
    if not ids:
        raise InvalidInput(_("Select at least one row."), field="ids")
    if len(ids) > MAX_ITEMS:
        raise InvalidInput(
            _("At most %(max)s rows can be changed at once; you selected %(n)s.") % {"max": MAX_ITEMS, "n": len(ids)},
            field="ids",
        )
    return ids


def parse_action(value: str) -> Action:
    if value not in {a.value for a in BULK_ACTIONS}:
        raise InvalidInput(_("Choose what to do with the selected rows."), field="action")
    return Action(value)


def selected(actor: User, ids: list[int]) -> list[Petition]:
    """The selected petitions the actor may see, in the order selected."""
    found = {p.pk: p for p in petitions_visible_to(actor).filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def bulk_apply(*, actor: User, action: Action, ids: list[int], data: dict[str, Any]) -> list[ItemResult]:
    """Run ``action`` with the validated input ``data`` on each selected petition, one transaction per item."""
    if action not in BULK_ACTIONS:
        raise InvalidInput(_("Choose what to do with the selected rows."), field="action")
    if not ids or len(ids) > MAX_ITEMS:
        raise InvalidInput(
            _("At most %(max)s rows can be changed at once; you selected %(n)s.") % {"max": MAX_ITEMS, "n": len(ids)},
            field="ids",
        )
    spec = ACTIONS[action]
    visible = {p.pk: p for p in selected(actor, ids)}
    results: list[ItemResult] = []
    for pk in ids:
        petition = visible.get(pk)
        if petition is None:  # missing and unseen alike: no existence oracle
            results.append(ItemResult(pk, "", "", False, _("No petition with this id that you can see.")))
            continue
        try:
            with transaction.atomic():
                spec.call(petition, actor, dict(data))
        except DomainError as error:
            article = article_text(error.article) if error.article else ""
            results.append(ItemResult(pk, petition.number, petition.title, False, str(error.message), article))
        else:
            results.append(ItemResult(pk, petition.number, petition.title, True))
    return results
