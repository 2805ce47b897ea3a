"""The petition page's action forms, generated from the API's ``ACTIONS`` map.

Each workflow action has exactly one input definition (its DRF serializer in ``petitions.api.serializers``) and
one service call (``ACTIONS[action].call``). The HTML form is rendered from the serializer's fields, posted data
is validated by that same serializer, and its ``validated_data`` goes to the same call the API makes. This module
only adds what a person needs on screen: a translated label per field, a short hint per action, the searchable
unit picker for unit fields, and the mapping of a refused action (``DomainError``) back to the form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers as drf

from xinfang.core.articles import article_text
from xinfang.core.errors import DomainError
from xinfang.core.limits import is_id
from xinfang.orgs.models import UnitType, User
from xinfang.petitions.api.views import ACTIONS, ActionSpec
from xinfang.petitions.models import Petition
from xinfang.petitions.workflow import TRANSITIONS, Action
from xinfang.workbench.selectors import UnitOption, unit_options, unit_staff

# Labels of the serializers' fields as a person reads them; the action-specific ones win.
FIELD_LABELS: dict[str, Promise] = {
    "to_unit": _("Lead unit"),
    "co_units": _("Co-handling units (optional)"),
    "feedback_days": _("Feedback period (days)"),
    "note": _("Note"),
    "route": _("Statutory procedure"),
    "guidance": _("Guidance for the petitioner"),
    "ground": _("Ground"),
    "reason": _("Reason"),
    "summary": _("What is major or urgent"),
    "notice": _("Text of the notice"),
    "units": _("Units in dispute"),
    "days": _("Extension (days)"),
    "outcome": _("Outcome"),
    "opinion": _("Opinion"),
    "legal_basis": _("Legal basis"),
    "served_on": _("Reply received by the petitioner on"),
    "kind": _("Kind of agreement"),
    "text": _("Terms agreed"),
    "report": _("Completion report"),
    "target": _("What is rated"),
    "value": _("Rating"),
    "comment": _("Comment"),
    "message": _("What the petitioner said when urging"),
    "previous": _("Number of the earlier petition"),
    "primary": _("Number of the primary petition"),
    "accused_unit": _("Unit accused"),
    "no_unit": _("No unit is accused (a person only)"),
    "assignee": _("Handler in charge"),
}
ACTION_FIELD_LABELS: dict[tuple[Action, str], Promise] = {
    (Action.REFER_DISCIPLINE, "to_unit"): _("Discipline inspection and supervision organ"),
    (Action.DECIDE_JURISDICTION, "to_unit"): _("Competent unit"),
    (Action.OBJECT, "reason"): _("Why the matter is not within your remit"),
    (Action.REQUEST_EXTENSION, "reason"): _("Reason (the petitioner is told it)"),
    (Action.REJECT_EXTENSION, "reason"): _("Reason (optional)"),
    (Action.RETURN_DECISION, "reason"): _("What to rework"),
    (Action.ORDER_REDO, "reason"): _("Why the unit must decide again"),
    (Action.REQUEST_REVIEW, "reason"): _("The petitioner's reasons"),
    (Action.REQUEST_RECHECK, "reason"): _("The petitioner's reasons"),
    (Action.ESCALATE_DISPUTE, "reason"): _("Why jurisdiction is disputed"),
    (Action.DECLINE, "reason"): _("Reason the petitioner will read"),
}
FIELD_HELP: dict[tuple[Action, str], Promise] = {
    (Action.APPROVE_DECISION, "served_on"): _("Leave empty if it is served today."),
    (Action.ASSIGN, "feedback_days"): _("The unit reports back with a completion report within this period."),
    (Action.ESCALATE_DISPUTE, "units"): _("Choose at least two units; their common superior decides."),
}
ACTION_HINTS: dict[Action, Promise] = {
    Action.ASSIGN_HANDLER: _("Name the staff member of your unit who owns this item; the change is on the timeline."),
    Action.CONFIRM_ACCUSED: _(
        "Art. 30 ¶3: say which unit the accusation is about, or that it is about a person only. Until then it "
        "cannot be routed; it is never sent to the unit it accuses or names."
    ),
    Action.MERGE: _(
        "并案: this petition is closed into the primary one your unit holds and follows its handling; the "
        "petitioner still tracks it under its own number. It can be undone until the primary is decided."
    ),
    Action.LINK_REPEAT: _(
        "Link to the same petitioner's earlier petition on the same matter; acceptance then checks Arts. 19 and 36."
    ),
    Action.FORWARD: _("Send the petition to the competent unit; it owes a written notice within 15 days."),
    Action.ASSIGN: _("Assign an important matter; the unit must report the result within the feedback period."),
    Action.OBJECT: _(
        "Only within 5 working days of receipt: the petition goes back to the sending unit with your reasons."
    ),
    Action.ACCEPT: _("Accept and send the written notice; the 60-day handling period starts today."),
    Action.ACCEPT_SIMPLE: _("For clear first-time matters; the short handling period starts today."),
    Action.REQUEST_EXTENSION: _("One extension of at most 30 days, approved by the unit head."),
    Action.SUBMIT_DECISION: _("The unit head approves the opinion before it is issued."),
    Action.APPROVE_DECISION: _("Issues the handling opinion; the 30-day window for a review request opens."),
    Action.CLOSE: _("Only after the window for a review or re-examination request has passed."),
    Action.RATE: _("Record a rating the petitioner gave by phone or letter."),
    Action.REQUEST_REVIEW: _("Record a review request the petitioner made by letter or at the counter."),
    Action.REQUEST_RECHECK: _("Record a re-examination request the petitioner made by letter or at the counter."),
}
# Unit fields whose picker offers only one type of unit.
UNIT_TYPES: dict[tuple[Action, str], str] = {(Action.REFER_DISCIPLINE, "to_unit"): UnitType.DISCIPLINE}
TEXTAREA_FROM = 201  # CharFields longer than this (or unbounded) are text areas


def _initial(action: Action, name: str) -> str:
    if (action, name) == (Action.ASSIGN, "feedback_days"):
        return str(settings.XINFANG_ASSIGN_FEEDBACK_DAYS)
    return ""


@dataclass
class UnitPicker:
    """A searchable list of units: radio buttons (one) or check boxes (several); chosen units stay on top."""

    chosen: list[UnitOption]
    options: list[UnitOption]
    more: bool
    multiple: bool
    search_url: str
    vals: str  # JSON for hx-vals: field, prefix, multiple, petition, type
    allow_none: bool = False


@dataclass
class FieldView:
    """What a template needs to render one input accessibly (label, hint and error linked by id)."""

    name: str
    id: str
    label: str
    kind: str  # text, textarea, select, number, date, checkbox, unit, units, files
    required: bool
    value: str = ""
    values: list[str] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    help: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    picker: UnitPicker | None = None

    @property
    def describedby(self) -> str:
        ids = [f"{self.id}-help"] if self.help else []
        if self.errors:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


def _kind(f: drf.Field[Any, Any, Any, Any]) -> str:
    if isinstance(f, drf.ManyRelatedField):
        return "units"
    if isinstance(f, drf.PrimaryKeyRelatedField):
        # A person (指定承办人) is chosen from a short list of the holding unit's staff; anything else is a unit.
        return "select" if getattr(getattr(f, "queryset", None), "model", None) is User else "unit"
    if isinstance(f, drf.ChoiceField):
        return "select"
    if isinstance(f, drf.BooleanField):
        return "checkbox"
    if isinstance(f, drf.IntegerField):
        return "number"
    if isinstance(f, drf.DateField):
        return "date"
    if isinstance(f, drf.CharField) and (f.max_length is None or f.max_length >= TEXTAREA_FROM):
        return "textarea"
    return "text"


def _field_order(view: FieldView) -> int:
    """Units first (what the action is about), a free note last; otherwise the serializer's order."""
    if view.kind in {"unit", "units"}:
        return 0
    return 2 if view.name == "note" else 1


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if is_id(v)]


class BaseActionForm:
    """What every action form shares: its identity, its errors, and how a refusal of the service is shown."""

    multipart = False

    def __init__(self, action: Action, petition: Petition, user: User, data: QueryDict | None) -> None:
        self.action = action
        self.petition = petition
        self.user = user
        self.data = data
        self.transition = TRANSITIONS[action]
        self.errors: dict[str, list[str]] = {}
        self.non_field_errors: list[str] = []
        self.error_article = ""
        self._views: list[FieldView] | None = None

    @property
    def id(self) -> str:
        return f"action-{self.action.value}"

    @property
    def label(self) -> str:
        return str(self.action.label)

    @property
    def article(self) -> str:
        return article_text(self.transition.article)

    @property
    def hint(self) -> str:
        hint = ACTION_HINTS.get(self.action)
        return str(hint) if hint else ""

    @property
    def url(self) -> str:
        return reverse("workbench:act", args=[self.petition.number, self.action.value])

    @property
    def is_bound(self) -> bool:
        return self.data is not None

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.non_field_errors)

    def is_valid(self) -> bool:
        raise NotImplementedError

    def call(self) -> Any:
        raise NotImplementedError

    def fields(self, cache: dict[tuple[Any, ...], Any] | None = None) -> list[FieldView]:
        raise NotImplementedError

    def field_names(self) -> set[str]:
        return {view.name for view in self.fields()}

    def add_domain_error(self, error: DomainError) -> None:
        """A refusal of the service: at its field when the form has it, else at the top of the form."""
        message = str(error.message)
        if error.field and error.field in self.field_names():
            self.errors.setdefault(error.field, []).append(message)
            self._views = None  # rebuilt with the new error
        else:
            self.non_field_errors.append(message)
        if error.article:
            self.error_article = article_text(error.article)

    def error_links(self) -> list[tuple[str, str]]:
        """(field id, "label: message") for the error summary; each links to its field."""
        links = []
        for view in self.fields():
            # A unit picker is a group: the link goes to its search box, the first control in it.
            anchor = f"{view.id}-q" if view.picker is not None else view.id
            links += [(anchor, f"{view.label}: {message}") for message in view.errors]
        return links


class ActionForm(BaseActionForm):
    """One workflow action on one petition: unbound (to show) or bound to posted data (to validate and call)."""

    def __init__(self, action: Action, petition: Petition, user: User, data: QueryDict | None = None) -> None:
        super().__init__(action, petition, user, data)
        self.spec: ActionSpec = ACTIONS[action]
        self.validated: dict[str, Any] = {}
        self._fields = self.spec.serializer().fields
        self._cache: dict[tuple[Any, ...], Any] = {}

    def _payload(self) -> dict[str, Any]:
        """Posted values for the serializer; empty non-text values count as absent ("required", not "invalid")."""
        assert self.data is not None  # noqa: S101 - only called when bound
        payload: dict[str, Any] = {}
        for name, f in self._fields.items():
            if isinstance(f, drf.ManyRelatedField):
                payload[name] = [v for v in self.data.getlist(name) if v]
                continue
            value = self.data.get(name)
            if value is None or (value == "" and not isinstance(f, drf.CharField)):
                continue
            payload[name] = value
        return payload

    def is_valid(self) -> bool:
        if self.data is None:
            return False
        ser = self.spec.serializer(data=self._payload())
        if ser.is_valid():
            self.validated = dict(ser.validated_data)
            return True
        for name, messages in ser.errors.items():
            texts = [str(m) for m in (messages if isinstance(messages, list) else [messages])]
            if name in self._fields:
                self.errors.setdefault(name, []).extend(texts)
            else:
                self.non_field_errors.extend(texts)
        self._views = None
        return False

    def call(self) -> Any:
        return self.spec.call(self.petition, self.user, self.validated)

    def field_names(self) -> set[str]:
        return set(self._fields.keys())

    def fields(self, cache: dict[tuple[Any, ...], Any] | None = None) -> list[FieldView]:
        """The inputs in display order. ``cache`` shares unit-picker queries between the forms of one page."""
        if cache is not None:
            self._cache = cache
        if self._views is None:
            views = [self._view(name, f) for name, f in self._fields.items()]
            self._views = sorted(views, key=_field_order)
        return self._views

    def _view(self, name: str, f: drf.Field[Any, Any, Any, Any]) -> FieldView:
        kind = _kind(f)
        label = ACTION_FIELD_LABELS.get((self.action, name)) or FIELD_LABELS.get(name) or f.label or name
        view = FieldView(
            name=name,
            id=f"{self.id}-{name}",
            label=str(label),
            kind=kind,
            required=bool(f.required),
            errors=self.errors.get(name, []),
            help=str(FIELD_HELP.get((self.action, name), "")),
        )
        if self.data is not None:
            view.values = self.data.getlist(name)
            view.value = self.data.get(name, "")
        else:
            view.value = _initial(self.action, name)
        if isinstance(f, drf.ChoiceField):
            view.choices = [(str(k), str(v)) for k, v in f.choices.items()]
        if kind == "select" and isinstance(f, drf.PrimaryKeyRelatedField):
            view.choices = [(str(u.pk), str(u)) for u in unit_staff(self.petition.current_unit_id)]
        if isinstance(f, drf.IntegerField):
            view.attrs = {"min": f.min_value, "max": f.max_value}
        if isinstance(f, drf.CharField) and f.max_length:
            view.attrs = {"maxlength": f.max_length}
        if kind in {"unit", "units"}:
            view.picker = self._picker(name, kind == "units", _ids(view.values))
        return view

    def _picker(self, name: str, multiple: bool, chosen: list[int]) -> UnitPicker:
        sender = self.petition.current_unit
        unit_type = UNIT_TYPES.get((self.action, name), "")
        key = (sender.scope_path, sender.pk, unit_type, tuple(chosen))
        if key not in self._cache:
            self._cache[key] = unit_options(sender.scope_path, exclude=sender.pk, unit_type=unit_type, selected=chosen)
        selected, options, more = self._cache[key]
        if self.action == Action.CONFIRM_ACCUSED:
            # The units the accusation's text may name come first (Art. 30 ¶3); a search finds any other.
            from xinfang.petitions.services.accused import accused_matches

            matched = [m.unit for m in accused_matches(self.petition)]
            picked = {o.pk for o in selected}
            options = [UnitOption(u, "") for u in matched if u.pk not in picked]
            more = True
        vals = {
            "field": name,
            "prefix": self.id,
            "multiple": "1" if multiple else "0",
            "petition": str(self.petition.pk),
            "type": unit_type,
        }
        return UnitPicker(
            chosen=selected,
            options=options,
            more=more,
            multiple=multiple,
            search_url=reverse("workbench:unit_search"),
            vals=json.dumps(vals),
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); type and size rules stay in the service."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class AttachForm(forms.Form):
    """补充材料 — the one action whose input is files (the API takes them as multipart, not via a serializer).

    The field is added in ``__init__``: its name, ``files``, is also the name of the form's uploaded-file mapping.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"] = MultipleFileField(label=_("Files"))


class AttachAction(BaseActionForm):
    """补充材料 (Art. 19): files through a Django form, then ``services.petition_add_attachments`` as the API."""

    multipart = True

    def __init__(self, petition: Petition, user: User, data: QueryDict | None = None, files: Any = None) -> None:
        super().__init__(Action.ATTACH, petition, user, data)
        self.form = AttachForm(data, files) if data is not None else AttachForm()

    @property
    def hint(self) -> str:
        return str(
            _("Accepted: %(types)s; at most %(mb)s MB each.")
            % {
                "types": ", ".join(settings.XINFANG_ATTACHMENT_TYPES),
                "mb": settings.XINFANG_ATTACHMENT_MAX_BYTES // (1024 * 1024),
            }
        )

    def is_valid(self) -> bool:
        if self.form.is_valid():
            return True
        for name, messages in self.form.errors.items():
            self.errors.setdefault(name, []).extend(str(m) for m in messages)
        self._views = None
        return False

    def call(self) -> Any:
        from xinfang.petitions import services

        return services.petition_add_attachments(
            petition=self.petition, actor=self.user, files=list(self.form.cleaned_data["files"])
        )

    def fields(self, cache: dict[tuple[Any, ...], Any] | None = None) -> list[FieldView]:
        if self._views is None:
            self._views = [
                FieldView(
                    name="files",
                    id=f"{self.id}-files",
                    label=str(_("Files")),
                    kind="files",
                    required=True,
                    errors=self.errors.get("files", []),
                    attrs={"accept": ",".join(f".{t}" for t in settings.XINFANG_ATTACHMENT_TYPES)},
                )
            ]
        return self._views


class ToProposalForm(forms.Form):
    reason = forms.CharField(label=_("Why this petition is a proposal"), max_length=2000, strip=True)


class ToProposalAction(BaseActionForm):
    """转为人民建议 (Art. 29): the holder closes a petition that is really a proposal into a new proposal.

    The service lives in ``xinfang.proposals`` (above petitions), so this form calls it instead of an ``ACTIONS``
    line; the petition's side (closed, clocks stopped, the ``to_proposal`` event) is ``petition_convert_to_proposal``.
    """

    def __init__(self, petition: Petition, user: User, data: QueryDict | None = None) -> None:
        super().__init__(Action.TO_PROPOSAL, petition, user, data)
        self.form = ToProposalForm(data) if data is not None else ToProposalForm()

    def is_valid(self) -> bool:
        if self.form.is_valid():
            return True
        for name, messages in self.form.errors.items():
            self.errors.setdefault(name, []).extend(str(m) for m in messages)
        self._views = None
        return False

    def call(self) -> Any:
        from xinfang.proposals.services import proposal_from_petition

        return proposal_from_petition(petition=self.petition, actor=self.user, reason=self.form.cleaned_data["reason"])

    def fields(self, cache: dict[tuple[Any, ...], Any] | None = None) -> list[FieldView]:
        if self._views is None:
            value = self.data.get("reason", "") if self.data is not None else ""
            self._views = [
                FieldView(
                    name="reason",
                    id=f"{self.id}-reason",
                    label=str(_("Why this petition is a proposal")),
                    kind="textarea",
                    required=True,
                    value=str(value),
                    errors=self.errors.get("reason", []),
                    attrs={"maxlength": 2000},
                )
            ]
        return self._views


def action_form(
    action: Action, petition: Petition, user: User, data: QueryDict | None = None, files: Any = None
) -> BaseActionForm | None:
    """The form for ``action``, or None when the workbench has no form for it (e.g. 催办 has no staff input)."""
    if action == Action.ATTACH:
        return AttachAction(petition, user, data, files)
    if action == Action.TO_PROPOSAL:
        return ToProposalAction(petition, user, data)
    if action in ACTIONS:
        return ActionForm(action, petition, user, data)
    return None
