"""Forms of the joint-work pages. They parse types; the rules stay in ``xinfang.joint.services``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.joint.models import AgendaKind, GrassrootsPoint, LitigationRoute, TriageKind, VisitOutcome, Window
from xinfang.orgs.models import Unit
from xinfang.petitions.models import Satisfaction
from xinfang.petitions.services import IntakeData, PetitionerData

_DATE = forms.DateInput(attrs={"type": "date"})
_TEXT = forms.Textarea(attrs={"rows": 3})


def place_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal at the field it names, or above the form."""
    name = error.field if error.field in form.fields else None
    form.add_error(name, str(error.message))


def units_field(qs: QuerySet[Unit], label: Any, *, required: bool = True) -> forms.ModelMultipleChoiceField[Unit]:
    return forms.ModelMultipleChoiceField(
        queryset=qs, label=label, required=required, widget=forms.CheckboxSelectMultiple
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=_DATE, initial=timeutil.today)
    convened_by = forms.CharField(label=_("Convened by"), max_length=100)
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=_TEXT)

    def __init__(self, *args: Any, members: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"] = units_field(members, _("Attending units"))


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=_TEXT)
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)
    petition = forms.CharField(
        label=_("Petition number"), max_length=40, required=False, help_text=_("For a petition item.")
    )


class UnitListField(forms.TypedMultipleChoiceField):
    """Units to tick, offered from a list the view read once; cleans to unit ids and refuses a value that is not
    an id, or not offered, with the messages of ``ModelMultipleChoiceField``."""

    def __init__(self, units: Sequence[Unit], label: Any) -> None:
        super().__init__(
            choices=[(u.pk, str(u)) for u in units], coerce=int, label=label, widget=forms.CheckboxSelectMultiple
        )

    def validate(self, value: Any) -> None:
        for pk in value:
            try:
                int(pk)
            except (TypeError, ValueError):
                raise ValidationError(
                    forms.ModelMultipleChoiceField.default_error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                ) from None
        super().validate(value)


class DecisionForm(forms.Form):
    """A decision on one agenda item and the units it assigns work to.

    ``units`` is a list read once by the view: the meeting page has one form per agenda item, and a model choice
    field would read its queryset again as each form renders. ``cleaned_data["units"]`` are the chosen units in
    the list's order, as the model field gave them.
    """

    text = forms.CharField(label=_("Decision"), widget=_TEXT)
    due = forms.DateField(label=_("Deadline"), widget=_DATE)

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._units = list(units)
        self.fields["units"] = UnitListField(self._units, _("Responsible units"))

    def clean_units(self) -> list[Unit]:
        chosen = set(self.cleaned_data["units"])
        return [u for u in self._units if u.pk in chosen]


class JurisdictionForm(forms.Form):
    to_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Competent unit decided"))
    note = forms.CharField(label=_("Reasons"), required=False, widget=_TEXT)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units  # type: ignore[attr-defined]


class ResultForm(forms.Form):
    result = forms.CharField(label=_("What was done"), widget=_TEXT)


class PetitionFieldsForm(forms.Form):
    """What a walk-in or a visited household asks for (Art. 19), for registration as a petition."""

    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    request = forms.CharField(label=_("Request"), required=False, widget=_TEXT)
    facts_and_reasons = forms.CharField(label=_("Facts and reasons"), required=False, widget=_TEXT)
    name = forms.CharField(label=_("Petitioner's name"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=24, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    is_anonymous = forms.BooleanField(label=_("Anonymous"), required=False)

    def to_intake(self, channel: str) -> IntakeData:
        d = self.cleaned_data
        people = [PetitionerData(name=d["name"], phone=d["phone"], address=d["address"])] if d["name"] else []
        return IntakeData(
            channel=channel,
            title=d["title"],
            request=d["request"],
            facts_and_reasons=d["facts_and_reasons"],
            is_anonymous=d["is_anonymous"],
            petitioners=people,
        )


class TriageForm(PetitionFieldsForm):
    window: forms.ModelChoiceField[Window] = forms.ModelChoiceField(queryset=Window.objects.none(), label=_("Window"))
    kind = forms.ChoiceField(label=_("Classification"), choices=TriageKind.choices, widget=forms.RadioSelect)
    summary = forms.CharField(label=_("Matter"), max_length=200)
    reason = forms.CharField(label=_("Reason for the classification"), required=False, widget=_TEXT)
    route_to = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Route to stationed department"), required=False
    )
    litigation_route = forms.ChoiceField(
        label=_("Referral"), choices=[("", "—"), *LitigationRoute.choices], required=False
    )
    guidance = forms.CharField(label=_("Guidance given"), required=False, widget=_TEXT)
    parties_summary = forms.CharField(label=_("Parties"), required=False, widget=_TEXT)
    mediator_org = forms.CharField(label=_("Mediation organisation"), max_length=100, required=False)

    field_order = ["window", "kind", "summary", "reason"]

    def __init__(self, *args: Any, windows: QuerySet[Any], departments: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = windows  # type: ignore[attr-defined]
        self.fields["route_to"].queryset = departments  # type: ignore[attr-defined]


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=_DATE, initial=timeutil.today)
    led_by = forms.CharField(label=_("Led by"), max_length=100)
    matter = forms.CharField(label=_("Matter"), widget=_TEXT)
    petition = forms.CharField(label=_("Petition number"), max_length=40, required=False)
    outcome = forms.CharField(label=_("Outcome"), widget=_TEXT)
    assign_matter = forms.CharField(label=_("Assigned task"), required=False, widget=_TEXT)
    due = forms.DateField(label=_("Deadline"), widget=_DATE, required=False)

    def __init__(self, *args: Any, departments: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"] = units_field(departments, _("Departments present"))
        self.fields["assign_to"] = units_field(departments, _("Assigned to"), required=False)


class MediationOutcomeForm(forms.Form):
    reached = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("1", _("Agreement reached")), ("0", _("No agreement reached"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    agreement_text = forms.CharField(label=_("Agreement text"), required=False, widget=_TEXT)
    concluded_on = forms.DateField(label=_("Concluded on"), widget=_DATE, initial=timeutil.today)


class VisitForm(PetitionFieldsForm):
    point: forms.ModelChoiceField[GrassrootsPoint] = forms.ModelChoiceField(
        queryset=GrassrootsPoint.objects.none(), label=_("Grassroots point")
    )
    visited_on = forms.DateField(label=_("Date"), widget=_DATE, initial=timeutil.today)
    place = forms.CharField(label=_("Household or place visited"), max_length=200)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=VisitOutcome.choices, widget=forms.RadioSelect)
    findings = forms.CharField(label=_("Findings"), required=False, widget=_TEXT)
    resolution = forms.CharField(label=_("How it was resolved"), required=False, widget=_TEXT)

    field_order = ["point", "visited_on", "place", "outcome", "findings", "resolution"]

    def __init__(self, *args: Any, points: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["point"].queryset = points  # type: ignore[attr-defined]


class FollowUpForm(forms.Form):
    petition = forms.CharField(label=_("Petition number"), max_length=40)
    visited_on = forms.DateField(label=_("Date"), widget=_DATE, initial=timeutil.today)
    view = forms.ChoiceField(label=_("Petitioner's view"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    view_text = forms.CharField(label=_("In their words"), required=False, widget=_TEXT)
