"""Bulk actions of the inbox (批量操作): one action on the selected rows, each row through the same service.

Each selected petition goes through ``ACTIONS[action].call`` — exactly what the API endpoint and the petition
page call — in its own transaction, so every rule, the Art. 30 guard, the workflow's ``require`` and the timeline
event apply per item. A refusal of one item (``DomainError``) rolls back that item only and is reported with its
message; the others go on. Rows the user cannot see are reported as not found, as the petition page would.

Two desk actions go the same way through the service their desk uses: 督办 (``supervision.services.order_issue``,
one 督办单 per row addressed to the row's current unit, Arts. 38 and 40) and 重点 (``casework.services.case_mark``
with the key-case kind). Whether the user may issue or mark is the service's decision, reported per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.casework.models import CaseKind
from xinfang.casework.services import case_mark
from xinfang.core.articles import article_text
from xinfang.core.errors import DomainError, InvalidInput
from xinfang.orgs.models import User
from xinfang.petitions.api.views import ACTIONS
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to
from xinfang.petitions.workflow import Action
from xinfang.supervision.services import SUPERVISING_ROLES, OrderData, order_issue

MAX_ITEMS = 200  # per request: each item is its own transaction with its own checks and event

# The workflow actions offered in bulk, in the toolbar's order (export is not a workflow action).
BULK_ACTIONS: tuple[Action, ...] = (Action.ASSIGN_HANDLER, Action.FORWARD, Action.ASSIGN)
EXPORT = "export"
SUPERVISE = "supervise"  # 督办: a 督办单 per row (supervision desk)
MARK_KEY = "mark_key"  # 标记重点: a key case per row (backlog desk)
DESK_LABELS = {
    SUPERVISE: gettext_lazy("Issue a supervision order"),
    MARK_KEY: gettext_lazy("Mark as key case"),
}
CHOICES = (
    (Action.ASSIGN_HANDLER.value, Action.ASSIGN_HANDLER.label),
    (Action.FORWARD.value, Action.FORWARD.label),
    (Action.ASSIGN.value, Action.ASSIGN.label),
    (SUPERVISE, DESK_LABELS[SUPERVISE]),
    (MARK_KEY, DESK_LABELS[MARK_KEY]),
    (EXPORT, gettext_lazy("Export the selected rows")),
)
MAX_REPLY_DAYS = 365  # a reply period beyond a year is a typing error, not a supervision order


def choices_for(user: User) -> tuple[tuple[str, Any], ...]:
    """The toolbar's choices: 督办 and 重点 only for the roles whose services allow them (the services decide)."""
    if user.has_role(*SUPERVISING_ROLES):
        return CHOICES
    return tuple(c for c in CHOICES if c[0] not in DESK_LABELS)


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
    found = {p.pk: p for p in petitions_visible_to(actor).filter(pk__in=ids).select_related("current_unit")}
    return [found[pk] for pk in ids if pk in found]


def parse_matter(value: str) -> str:
    """The one matter text of a bulk 督办 (every 督办单 says what it is about)."""
    if not value.strip():
        raise InvalidInput(_("Say what the supervision order is about."), field="matter")
    return value.strip()


def parse_reply_days(value: str) -> int | None:
    """The reply period in working days; blank for the configured default."""
    value = value.strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_REPLY_DAYS:
        raise InvalidInput(
            _("Give the reply period as a whole number of working days from 1 to %(max)s.") % {"max": MAX_REPLY_DAYS},
            field="reply_days",
        )
    return int(value)


def parse_reason(value: str) -> str:
    """The one reason of a bulk 重点 mark (a key case is decided with its reason)."""
    if not value.strip():
        raise InvalidInput(_("Give the reason."), field="reason")
    return value.strip()


def _check_ids(ids: list[int]) -> None:
    if not ids or len(ids) > MAX_ITEMS:
        raise InvalidInput(
            _("At most %(max)s rows can be changed at once; you selected %(n)s.") % {"max": MAX_ITEMS, "n": len(ids)},
            field="ids",
        )


def bulk_apply(*, actor: User, action: Action, ids: list[int], data: dict[str, Any]) -> list[ItemResult]:
    """Run ``action`` with the validated input ``data`` on each selected petition, one transaction per item."""
    if action not in BULK_ACTIONS:
        raise InvalidInput(_("Choose what to do with the selected rows."), field="action")
    _check_ids(ids)
    spec = ACTIONS[action]
    return _each(actor, ids, lambda petition: spec.call(petition, actor, dict(data)))


def bulk_supervise(*, actor: User, ids: list[int], matter: str, reply_days: int | None) -> list[ItemResult]:
    """督办 each selected petition: one 督办单 to its current unit, with the same matter and reply period."""
    _check_ids(ids)
    matter = parse_matter(matter)

    def issue(petition: Petition) -> None:
        data = OrderData(target_unit=petition.current_unit, matter=matter, petition=petition, reply_days=reply_days)
        order_issue(actor=actor, data=data)

    return _each(actor, ids, issue)


def bulk_mark_key(*, actor: User, ids: list[int], reason: str) -> list[ItemResult]:
    """Mark each selected petition as a 重点 (key) case, with the same reason."""
    _check_ids(ids)
    reason = parse_reason(reason)
    return _each(
        actor, ids, lambda petition: case_mark(actor=actor, petition=petition, kind=CaseKind.KEY, reason=reason)
    )


def _each(actor: User, ids: list[int], run: Callable[[Petition], object]) -> list[ItemResult]:
    """``run`` on each selected petition the actor can see, one transaction each; a ``DomainError`` refuses that row."""
    visible = {p.pk: p for p in selected(actor, ids)}
    results: list[ItemResult] = []
    for pk in ids:
        petition = visible.get(pk)
        if petition is None:  # missing and unseen alike: no existence oracle
            results.append(ItemResult(pk, "", "", False, _("No petition with this id that you can see.")))
            continue
        try:
            with transaction.atomic():
                run(petition)
        except DomainError as error:
            article = article_text(error.article) if error.article else ""
            results.append(ItemResult(pk, petition.number, petition.title, False, str(error.message), article))
        else:
            results.append(ItemResult(pk, petition.number, petition.title, True))
    return results
