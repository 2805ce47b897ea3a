"""Forms of the workbench: login, inbox filters, and registration (登记) of letters, visits and calls.

The forms parse input and check types and the counter checklist (五必问); the statutory rules of intake
(Arts. 19–20: a name or anonymity, at most 5 representatives, attachment limits …) stay in
``services.petition_register``, whose refusals are shown at the matching field.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404
from django.urls import reverse
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.core.limits import is_id
from xinfang.orgs.models import Level, Unit, UnitType, User
from xinfang.petitions import selectors
from xinfang.petitions.models import (
    FIVE_QUESTION_CHANNELS,
    Attachment,
    Category,
    Channel,
    Nature,
    Petition,
    Petitioner,
    RatingTarget,
    Satisfaction,
)
from xinfang.petitions.services import IntakeData, PetitionerData
from xinfang.petitions.services.intake import FIVE_QUESTIONS
from xinfang.petitions.workflow import State
from xinfang.portal import selectors as portal
from xinfang.supervision.models import WarningLevel
from xinfang.workbench.actionforms import MultipleFileField
from xinfang.workbench.selectors import DRILL_PARAM_KEYS, Filters


def _label(model: type[Model], name: str) -> Any:
    """The model field's verbose name as a label (already in the catalogue), capitalised like ModelForm does."""
    return capfirst(model._meta.get_field(name).verbose_name)  # type: ignore[union-attr]


# ---------------------------------------------------------------- login


class StaffAuthenticationForm(AuthenticationForm):
    """Django's login form, refusing accounts that belong to no unit (citizen accounts)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "not_staff": _(
            "This workbench is for the staff of petition departments and responsible units. "
            "To follow your own petition, use the public portal with your petition number and query code."
        ),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if getattr(user, "unit_id", None) is None:
            raise ValidationError(self.error_messages["not_staff"], code="not_staff")


# ---------------------------------------------------------------- inbox filters

# The clocks a timeliness rate counts (``stats.facts.COUNTED_CLOCKS``), as the drill-down names them.
CLOCK_KINDS = [
    ("notice", _("Written notice of acceptance (告知)")),
    ("handling", _("Handling, closed by a reply or an agreement (办结)")),
]
_DRILL_RANGES = (
    ("stopped_from", "stopped_to"),
    ("rated_from", "rated_to"),
    ("served_from", "served_to"),
    ("first_opinion_from", "first_opinion_to"),
)


class _TriState(forms.HiddenInput):
    def format_value(self, value: Any) -> str | None:
        if value is None or value == "":
            return None
        return "1" if value in (True, "1") else "0"


class TriStateField(forms.Field):
    """A hidden yes / no / either: "1" (yes), "0" (no), absent or empty (either); anything else is refused."""

    widget = _TriState

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
        if value in (True, "1"):
            return True
        if value in (False, "0"):
            return False
        raise ValidationError(_("Give 1 (yes) or 0 (no)."), code="invalid")


class InboxFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Petition number, words of the title or request, or the petitioner's name (where you may see it)."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    channel = forms.ChoiceField(
        label=_label(Petition, "channel"),
        required=False,
        choices=[("", _("All")), *Channel.choices],
    )
    nature = forms.ChoiceField(
        label=_label(Petition, "nature"),
        required=False,
        choices=[("", _("All")), *Nature.choices],
    )
    state = forms.ChoiceField(label=_label(Petition, "state"), required=False, choices=[("", _("All")), *State.choices])
    level = forms.ChoiceField(label=_("Warning level"), required=False, choices=[("", _("All")), *WarningLevel.choices])
    urgent = forms.BooleanField(label=_label(Petition, "is_urgent"), required=False)
    repeat = forms.BooleanField(label=_label(Petition, "is_repeat"), required=False)
    supervised = forms.BooleanField(label=_("Under supervision (督办)"), required=False)
    backlog = forms.BooleanField(label=_("Backlog or key case (积案)"), required=False)
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    # Drill-down filters set by the dashboards' links (shown as hidden fields; the list says what they narrow to).
    category = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    unit = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    current_unit = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    within = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    area = forms.RegexField(regex=r"^\d{2,12}$", required=False, widget=forms.HiddenInput)
    # The rates' drill-down filters (考核 lines, the dashboards' rate charts), each with the figure's own predicate.
    # Unlike the filters above, a refused value is an error naming the field (400) and the list is empty: a drill
    # list that silently dropped its narrowing would claim to be what the figure counts and not be.
    clock_kind = forms.ChoiceField(
        label=_("Time limit counted"),
        required=False,
        choices=[("", _("All")), *CLOCK_KINDS],
        widget=forms.HiddenInput,
    )
    stopped_from = forms.DateField(label=_("Time limit stopped from"), required=False, widget=forms.HiddenInput)
    stopped_to = forms.DateField(label=_("Time limit stopped to"), required=False, widget=forms.HiddenInput)
    late = TriStateField(label=_("Stopped after the due date"), required=False)
    rating_target = forms.ChoiceField(
        label=_("Rating of"), required=False, choices=[("", _("All")), *RatingTarget.choices], widget=forms.HiddenInput
    )
    rating_value = forms.MultipleChoiceField(
        label=_("Rating"), required=False, choices=Satisfaction.choices, widget=forms.MultipleHiddenInput
    )
    rated_from = forms.DateField(label=_("Rated from"), required=False, widget=forms.HiddenInput)
    rated_to = forms.DateField(label=_("Rated to"), required=False, widget=forms.HiddenInput)
    served_from = forms.DateField(label=_("Reply served from"), required=False, widget=forms.HiddenInput)
    served_to = forms.DateField(label=_("Reply served to"), required=False, widget=forms.HiddenInput)
    rated = TriStateField(label=_("Rated"), required=False)
    first_opinion_from = forms.DateField(label=_("First opinion issued from"), required=False, widget=forms.HiddenInput)
    first_opinion_to = forms.DateField(label=_("First opinion issued to"), required=False, widget=forms.HiddenInput)
    resolved = TriStateField(label=_("Resolved at first (初信初访化解)"), required=False)

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        for start, end in _DRILL_RANGES:
            if d.get(start) and d.get(end) and d[start] > d[end]:
                self.add_error(start, _("The start of the period must not be after its end."))
        if (
            not d.get("clock_kind")
            and (d.get("stopped_from") or d.get("stopped_to") or d.get("late") is not None)
            and "clock_kind" not in self.errors
        ):
            self.add_error("clock_kind", _("Choose the time limit counted: notice or handling."))
        return d

    def drill_errors(self) -> list[tuple[str, str]]:
        """(field, message) of each refused drill-down value, in field order."""
        self.is_valid()
        return [(name, str(msg)) for name in DRILL_PARAM_KEYS for msg in self.errors.get(name, [])]

    def filters(self) -> Filters:
        """The valid filters; an invalid one (an unknown channel in a hand-made link) is ignored, not fatal — except
        a drill-down filter of a rate: then ``invalid`` names it and the list is empty (see ``drill_errors``)."""
        self.is_valid()
        d = self.cleaned_data
        return Filters(
            q=d.get("q", ""),
            channel=d.get("channel", ""),
            nature=d.get("nature", ""),
            urgent=bool(d.get("urgent")),
            repeat=bool(d.get("repeat")),
            received_from=d.get("received_from"),
            received_to=d.get("received_to"),
            category=d.get("category"),
            unit=d.get("unit"),
            current_unit=d.get("current_unit"),
            within=d.get("within"),
            area=d.get("area") or "",
            state=d.get("state", ""),
            level=d.get("level", ""),
            supervised=bool(d.get("supervised")),
            backlog=bool(d.get("backlog")),
            clock_kind=d.get("clock_kind") or "",
            stopped_from=d.get("stopped_from"),
            stopped_to=d.get("stopped_to"),
            late=d.get("late"),
            rating_target=d.get("rating_target") or "",
            rating_values=tuple(d.get("rating_value") or ()),
            rated_from=d.get("rated_from"),
            rated_to=d.get("rated_to"),
            served_from=d.get("served_from"),
            served_to=d.get("served_to"),
            rated=d.get("rated"),
            first_opinion_from=d.get("first_opinion_from"),
            first_opinion_to=d.get("first_opinion_to"),
            resolved=d.get("resolved"),
            invalid=tuple(sorted({name for name, _msg in self.drill_errors()})),
        )

    def drill_down(self) -> list[str]:
        """What the hidden drill-down filters narrow to, in words (one query per filter set)."""
        self.is_valid()
        d = self.cleaned_data
        out = []
        if d.get("category"):
            found = Category.objects.filter(pk=d["category"]).values_list("full_name", flat=True).first()
            out.append(format_lazy(_("Category: {}"), found or d["category"]))
        for key, label in (
            ("unit", _("Unit involved: {}")),
            ("current_unit", _("Held by: {}")),
            ("within", _("Unit or the units below it: {}")),
        ):
            if d.get(key):
                name = Unit.objects.filter(pk=d[key]).values_list("name", flat=True).first()
                out.append(format_lazy(label, name or d[key]))
        if d.get("area"):
            name = (
                Unit.objects.filter(division_code=d["area"], unit_type=UnitType.GOVERNMENT)
                .order_by("-depth")
                .values_list("name", flat=True)
                .first()
            )
            out.append(format_lazy(_("Place of the problem: {}"), name or d["area"]))
        out += self._rate_drill_down(d)
        return [str(x) for x in out]

    def _rate_drill_down(self, d: dict[str, Any]) -> list[Any]:
        """The rates' drill-down filters in words (no query)."""
        out: list[Any] = []
        if d.get("clock_kind"):
            text = format_lazy(_("{}, stopped {}"), dict(CLOCK_KINDS)[d["clock_kind"]], _period(d, "stopped"))
            if d.get("late") is not None:
                text = format_lazy("{} · {}", text, _("late") if d["late"] else _("on time"))
            out.append(text)
        if d.get("rating_target") or d.get("rating_value") or d.get("rated_from") or d.get("rated_to"):
            target = RatingTarget(d["rating_target"]).label if d.get("rating_target") else _("either target")
            values = (
                " / ".join(str(Satisfaction(v).label) for v in d["rating_value"])
                if d.get("rating_value")
                else _("any value")
            )
            out.append(format_lazy(_("Rating of {} ({}), recorded {}"), target, values, _period(d, "rated")))
        if d.get("served_from") or d.get("served_to") or d.get("rated") is not None:
            text = format_lazy(_("Reply served {}"), _period(d, "served"))
            if d.get("rated") is not None:
                text = format_lazy("{} · {}", text, _("rated") if d["rated"] else _("not rated"))
            out.append(text)
        if d.get("first_opinion_from") or d.get("first_opinion_to") or d.get("resolved") is not None:
            text = format_lazy(_("First-time petition, first opinion issued {}"), _period(d, "first_opinion"))
            if d.get("resolved") is not None:
                text = format_lazy(
                    "{} · {}",
                    text,
                    _("no review and no later repeat") if d["resolved"] else _("reviewed (复查) or raised again"),
                )
            out.append(text)
        return out


def _period(d: dict[str, Any], prefix: str) -> Any:
    start, end = d.get(f"{prefix}_from"), d.get(f"{prefix}_to")
    if start and end:
        return format_lazy(_("from {} to {}"), start.isoformat(), end.isoformat())
    if start:
        return format_lazy(_("on or after {}"), start.isoformat())
    if end:
        return format_lazy(_("on or before {}"), end.isoformat())
    return _("at any time")


# ---------------------------------------------------------------- registration

STAFF_CHANNELS = [(c.value, c.label) for c in Channel if c != Channel.ONLINE]
# 五必问 whose answers are the petition's own request and facts fields (one set, which the documents quote).
ANSWERED_IN_THE_MATTER: dict[str, StrPromise] = {
    "facts": _("The answer goes in “Facts and reasons” under “The matter”."),
    "request_and_reasons": _("The answer goes in “Request” under “The matter”."),
}
QUESTION_LABELS: dict[str, StrPromise] = {
    "facts": _("Facts"),
    "request_and_reasons": _("Request and reasons"),
    "difficulties": _("Practical difficulties"),
    "history": _("Petition history"),
    "prior_handling": _("Earlier handling"),
}


# 问题属地 as four cascading selects (the portal's area picker); the deepest chosen is the problem_division_code.
AREA_FIELDS = {f"area_{level}": level for level in portal.REGION_LEVELS}


def area_chain(code: str) -> dict[str, str]:
    """The picker's selection for a division code: its government and the governments above it, by level."""
    if not is_id(code) or len(code) not in (6, 9):
        return {}
    unit = Unit.objects.filter(unit_type=UnitType.GOVERNMENT, division_code=code).order_by("-depth").first()
    chain: dict[str, str] = {}
    while unit is not None and unit.unit_type == UnitType.GOVERNMENT:
        if unit.level in portal.REGION_LEVELS:
            chain.setdefault(unit.level, unit.division_code)
        unit = unit.parent
    return chain


def _area_attrs(level: str) -> dict[str, str]:
    """htmx: choosing a level loads the levels below it and the code (out of band; the select keeps focus)."""
    return {
        "hx-get": reverse("workbench:register_area"),
        "hx-trigger": "change",
        "hx-include": "#area-picker",
        "hx-vals": json.dumps({"level": level}),
        "hx-swap": "none",
    }


class RegistrationForm(forms.ModelForm[Petition]):
    """What the petition says and how it came in. Labels are the model's (already translated)."""

    channel = forms.ChoiceField(label=_label(Petition, "channel"), choices=[("", "—"), *STAFF_CHANNELS])
    # The category tree is searched (htmx) and browsed; the chosen node posts as ``category`` (any level).
    category = forms.IntegerField(label=_label(Petition, "category"), required=False, widget=forms.HiddenInput)
    area_province = forms.ChoiceField(label=Level.PROVINCE.label, required=False)
    area_city = forms.ChoiceField(label=Level.CITY.label, required=False)
    area_county = forms.ChoiceField(label=_("County or district"), required=False)
    area_township = forms.ChoiceField(label=Level.TOWNSHIP.label, required=False)
    previous = forms.CharField(
        label=_label(Petition, "previous"),
        required=False,
        max_length=40,
        help_text=_("For a repeat petition: the number of the earlier petition on the same matter."),
    )
    accused_unit = forms.ModelChoiceField(
        queryset=Unit.objects.all(), required=False, label=_label(Petition, "accused_unit"), widget=forms.HiddenInput
    )
    # Art. 30 ¶3: choosing the accused unit above confirms it; this box confirms that no unit is accused.
    accused_none = forms.BooleanField(
        label=_("No unit is accused (a person only)"),
        required=False,
        help_text=_(
            "An accusation is routed only once its accused unit is confirmed: choose the unit, or tick this box. "
            "Otherwise confirm it on the petition page."
        ),
    )
    attachments = MultipleFileField(label=capfirst(Attachment._meta.verbose_name_plural), required=False)

    class Meta:
        model = Petition
        fields = [
            "channel",
            "received_on",
            "title",
            "request",
            "facts_and_reasons",
            "nature",
            "category",
            "petitioner_kind",
            "is_anonymous",
            "head_count",
            "problem_division_code",
            "problem_address",
            "accused_name",
            "is_urgent",
            "is_law_related",
            "is_collective",
            "is_joint",
        ]
        widgets = {
            "received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "request": forms.Textarea(attrs={"rows": 4}),
            "facts_and_reasons": forms.Textarea(attrs={"rows": 6}),
            "problem_division_code": forms.HiddenInput,
        }
        help_texts = {
            "head_count": _("How many people came or signed."),
            "request": _(
                "What the petitioner asks for: the answer to the five questions' “request and reasons”. "
                "Documents quote it."
            ),
            "facts_and_reasons": _(
                "What happened, when, where and who is involved: the answer to the five questions' “facts”. "
                "Documents quote it."
            ),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("received_on", timeutil.today())
        super().__init__(*args, **kwargs)
        self.user = user
        self.area_selected = self._area_selected()
        for name, (level, choices) in zip(AREA_FIELDS, portal.region_choices(self.area_selected).items(), strict=True):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrowing for the type checker
            field.choices = [("", "—"), *choices]
            field.widget.attrs.update(_area_attrs(level))
            if not self.is_bound:
                self.initial[name] = self.area_selected.get(level, "")
        if self.is_bound and not any(self.data.get(name) for name in AREA_FIELDS) and self.area_selected:
            # A posted code alone: show its areas chosen in the picker.
            self.data = {**dict(self.data.items())} | {
                n: self.area_selected.get(lv, "") for n, lv in AREA_FIELDS.items()
            }
        self.area_options = {name: list(self.fields[name].choices)[1:] for name in AREA_FIELDS}  # type: ignore[attr-defined]

    def _area_selected(self) -> dict[str, str]:
        """The chosen area per level: the posted selects, else the chain of a posted or initial code."""
        source = self.data if self.is_bound else self.initial
        chosen = {level: str(source.get(name, "") or "") for name, level in AREA_FIELDS.items()}
        if any(chosen.values()):
            return chosen
        return area_chain(str(source.get(self.add_prefix("problem_division_code"), "") or ""))

    def area_code(self) -> str:
        """The deepest chosen area whose choice is valid under the level above (a forged value ends the chain)."""
        code = ""
        for name in AREA_FIELDS:
            value = str(self.cleaned_data.get(name) or "")
            if not value:
                break
            code = value
        return code

    def clean_category(self) -> Category | None:
        pk = self.cleaned_data.get("category")
        if pk is None:
            return None
        found = Category.objects.filter(pk=pk).first()
        if found is None:
            raise ValidationError(_("Choose a category from the list."))
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if any(self.data.get(name) for name in AREA_FIELDS):
            if any(name in self.errors for name in AREA_FIELDS):
                return data
            data["problem_division_code"] = self.area_code()
            self.errors.pop("problem_division_code", None)
        return data

    def clean_previous(self) -> Petition | None:
        number = (self.cleaned_data.get("previous") or "").strip().upper()
        if not number:
            return None
        try:
            return selectors.petition_get_visible(self.user, number)
        except Http404:
            raise ValidationError(
                _("No earlier petition with number %(n)s that you can see.") % {"n": number}
            ) from None


class FiveQuestionsForm(forms.Form):
    """五必问: for visits, calls and video, staff confirm each question was asked and record the answer."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "q")
        super().__init__(*args, **kwargs)
        for key in FIVE_QUESTIONS:
            self.fields[f"asked_{key}"] = forms.BooleanField(
                label=format_lazy(_("Asked: {}"), QUESTION_LABELS[key]), required=False
            )
            if key in ANSWERED_IN_THE_MATTER:
                # One account of the request and the facts: answered once, in the matter's fields.
                self.fields[f"asked_{key}"].help_text = ANSWERED_IN_THE_MATTER[key]
                continue
            self.fields[key] = forms.CharField(
                label=QUESTION_LABELS[key], required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self) -> list[tuple[forms.BoundField, forms.BoundField | None]]:
        return [(self[f"asked_{key}"], self[key] if key in self.fields else None) for key in FIVE_QUESTIONS]

    def require_checklist(self) -> bool:
        """Every question must be ticked for a visit, call or video petition. True when complete."""
        complete = True
        for key in FIVE_QUESTIONS:
            if not self.cleaned_data.get(f"asked_{key}"):
                self.add_error(f"asked_{key}", _("Ask this question and tick the box (five questions)."))
                complete = False
        return complete

    def answers(self) -> dict[str, str]:
        """The answers typed here: difficulties, history and earlier handling (the other two are the matter's)."""
        return {key: self.cleaned_data.get(key, "") for key in FIVE_QUESTIONS if self.cleaned_data.get(key)}


class PetitionerForm(forms.ModelForm[Petitioner]):
    class Meta:
        model = Petitioner
        fields = ["name", "id_number", "phone", "address", "is_representative"]
        widgets = {
            "id_number": forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # On leaving 身份证号 or phone, ask whether this petitioner already has an open petition (htmx).
        hint = {
            "hx-get": reverse("workbench:register_hint"),
            "hx-trigger": "blur changed",
            "hx-target": f"#hint-{self.prefix}",
            "hx-include": "closest fieldset",
        }
        for name in ("id_number", "phone"):
            self.fields[name].widget.attrs.update(hint)

    def as_data(self) -> PetitionerData:
        d = self.cleaned_data
        return PetitionerData(
            name=d.get("name", ""),
            id_number=d.get("id_number", ""),
            phone=d.get("phone", ""),
            address=d.get("address", ""),
            is_representative=bool(d.get("is_representative")),
        )


PetitionerFormSet = forms.formset_factory(PetitionerForm, extra=1, max_num=200, validate_max=True)
PETITIONER_PREFIX = "p"


def filled_petitioners(formset: Any) -> list[tuple[int, PetitionerData]]:
    """(form index, data) of every row that was filled in."""
    return [(i, f.as_data()) for i, f in enumerate(formset.forms) if f.has_changed() and f.cleaned_data]


def to_intake(form: RegistrationForm, five: FiveQuestionsForm, people: list[PetitionerData]) -> IntakeData:
    d = form.cleaned_data
    channel = d["channel"]
    return IntakeData(
        channel=channel,
        title=d["title"],
        request=d["request"],
        facts_and_reasons=d.get("facts_and_reasons", ""),
        nature=d["nature"],
        category=d.get("category"),
        received_on=d.get("received_on"),
        petitioner_kind=d["petitioner_kind"],
        is_anonymous=bool(d.get("is_anonymous")),
        head_count=d.get("head_count") or 1,
        petitioners=people,
        problem_division_code=d.get("problem_division_code", ""),
        problem_address=d.get("problem_address", ""),
        accused_name=d.get("accused_name", ""),
        accused_unit=d.get("accused_unit"),
        accused_confirmed=bool(d.get("accused_none")),
        is_urgent=bool(d.get("is_urgent")),
        is_law_related=bool(d.get("is_law_related")),
        is_collective=bool(d.get("is_collective")),
        is_joint=bool(d.get("is_joint")),
        previous=d.get("previous"),
        # 五必问: the facts and the request are the matter's fields, so the documents never point elsewhere.
        five_questions=(
            {**five.answers(), "facts": d.get("facts_and_reasons", ""), "request_and_reasons": d["request"]}
            if channel in FIVE_QUESTION_CHANNELS
            else {}
        ),
        attachments=list(d.get("attachments") or []),
    )


_PETITIONER_FIELD = re.compile(r"^petitioners\[(\d+)\]\.(\w+)$")


def place_domain_error(
    error: DomainError,
    form: RegistrationForm,
    five: FiveQuestionsForm,
    formset: Any,
    form_index: list[int],
) -> None:
    """Show a refusal of ``petition_register`` at the field it names (``petitioners[i].phone`` → that row)."""
    message = str(error.message)
    name = error.field or ""
    match = _PETITIONER_FIELD.match(name)
    if match and int(match.group(1)) < len(form_index):
        row = formset.forms[form_index[int(match.group(1))]]
        field = match.group(2)
        # The service prefixes "Petitioner n:"; at the row itself the plain message reads better.
        row.add_error(field if field in row.fields else None, message)
    elif name == "petitioners":
        formset._non_form_errors = formset.error_class([*formset.non_form_errors(), message], error_class="nonform")
    elif name == "five_questions":
        five.add_error(None, message)
    elif name in form.fields:
        form.add_error(name, message)
    else:
        form.add_error(None, message)
