"""How the petition page words things: timeline details, clock badges, document rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Model, TextChoices
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import User
from xinfang.petitions.api.serializers import staff_label
from xinfang.petitions.models import (
    Attachment,
    Channel,
    Clock,
    DeclineGround,
    DivertRoute,
    Document,
    Outcome,
    Petition,
    PetitionEvent,
    Rating,
    RatingTarget,
    ReviewOutcome,
    Satisfaction,
)
from xinfang.petitions.workflow import TRANSITIONS, Action, Actor, State


def verbose(model: type[Model], name: str) -> Any:
    return capfirst(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


CLOCK_STATUS: dict[str, Promise] = {
    "running": _("Running"),
    "due_soon": _("Due soon"),  # 临期
    "overdue": _("Overdue"),  # 超期
    "stopped": _("Stopped"),
    "closed": _("Window closed"),
}

_AGREEMENT = {"mediation": _("Mediation"), "settlement": _("Settlement")}
_CHOICES: dict[str, list[type[TextChoices]]] = {
    "outcome": [Outcome, ReviewOutcome],
    "route": [DivertRoute],
    "ground": [DeclineGround],
    "channel": [Channel],
    "target": [RatingTarget],
    "value": [Satisfaction],
    "view": [Satisfaction],
    "previous_state": [State],
}


def _event_labels() -> dict[str, Any]:
    return {
        "to_unit": _("Sent to"),
        "co_units": _("Co-handling units"),
        "feedback_days": _("Feedback period (days)"),
        "unit": verbose(User, "unit"),
        "channel": verbose(Petition, "channel"),
        "received_on": verbose(Petition, "received_on"),
        "previous": verbose(Petition, "previous"),
        "route": _("Statutory procedure"),
        "ground": _("Ground"),
        "objecting_unit": _("Objecting unit"),
        "returned_to": _("Returned to"),
        "units": _("Units in dispute"),
        "superior": _("Common superior"),
        "reported_to": _("Reported to"),
        "due": verbose(Clock, "due"),
        "days": verbose(Clock, "days"),
        "reason": _("Reason"),
        "old_due": _("Previous due date"),
        "new_due": _("New due date"),
        "outcome": verbose(Petition, "outcome"),
        "served_on": verbose(Petition, "reply_served_on"),
        "kind": verbose(Document, "kind"),
        "target": verbose(Rating, "target"),
        "value": verbose(Rating, "value"),
        "files": capfirst(Attachment._meta.verbose_name_plural),
        "text": verbose(Document, "body"),
        "notice": _("Text of the notice"),
        "summary": _("What is major or urgent"),
        "message": _("Message"),
        # The desk actions (督办, 包案, 接访, 联席会议, 回访); "ref" points into the desk and stays internal.
        "reply_due": _("Written reply due"),
        "leader": _("Leader"),
        "on": _("Date"),
        "meeting": _("Meeting"),
        "view": _("Petitioner's view"),
        "previous_state": _("State of the earlier petition"),
        "replaced": _("Replaces the link to"),
    }


def _value(key: str, value: Any) -> str:
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if value is None or value == "":
        return ""
    if key == "kind" and value in _AGREEMENT:
        return str(_AGREEMENT[value])
    for choices in _CHOICES.get(key, []):
        if value in choices.values:
            return str(choices(value).label)
    return str(value)


@dataclass(frozen=True)
class TimelineEntry:
    event: PetitionEvent
    actor: str  # 三亮: name · 工号 · 职务, or 信访人 / 系统
    details: list[tuple[str, str]]
    note_label: str = ""  # what the event's text is: a staff member's internal note, or the petitioner's words


def _petitioners_words(event: PetitionEvent) -> bool:
    """Whether the event's text was written by the petitioner (a rating comment, a 复查 / 复核 reason, a 催办
    message …), whether sent from the portal or recorded by a registrar for them — not a staff note."""
    transition = TRANSITIONS.get(Action(event.action)) if event.action in Action.values else None
    if transition is not None and transition.actor == Actor.PETITIONER:
        return True
    return event.actor_id is None and event.action == Action.ATTACH


def note_label(event: PetitionEvent) -> str:
    if _petitioners_words(event):
        return str(_("In the petitioner's words"))
    return str(capfirst(PetitionEvent._meta.get_field("note").verbose_name))


def timeline(petition: Petition) -> list[TimelineEntry]:
    labels = _event_labels()
    entries = []
    for event in petition.events.select_related("actor", "actor_unit"):
        details = [
            (str(labels[k]), _value(k, v))
            for k, v in (event.data or {}).items()
            if k in labels and _value(k, v) and not (k == "text" and v == event.note)
        ]
        label = note_label(event) if event.note else ""
        entries.append(TimelineEntry(event, staff_label(event.actor) or event.actor_label, details, label))
    return entries


def outcome_label(value: str) -> str:
    return _value("outcome", value) if value else ""
