"""Forms of people's proposals: the public proposal form, and the staff forms of every workflow action.

The staff forms only parse input; each view calls the same service as the API (``services``), which checks the
state, the unit and the role again and raises the domain errors shown at the field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit, UnitType, User
from xinfang.petitions.models import Nature
from xinfang.proposals.workflow import Action, CommendationKind, Outcome


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service (``petitions.uploads``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ProposalForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Send to"),
        queryset=Unit.objects.filter(is_active=True, unit_type=UnitType.PETITION_DEPT),
        required=False,
        help_text=_("The petition department that registers a proposal not made to a call."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea, max_length=5000)
    suggestion = forms.CharField(label=_("Suggestion"), widget=forms.Textarea, max_length=5000)
    proposer_name = forms.CharField(label=_("Your name (optional)"), max_length=50, required=False)
    proposer_phone = forms.CharField(label=_("Your phone (optional)"), max_length=20, required=False)
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        required=False,
        help_text=_("PDF, pictures, Word documents or plain text; each file is checked."),
    )
    is_public = forms.BooleanField(
        label=_("The proposal may be published if it is adopted (without your name or phone)"), required=False
    )
    attachments_public = forms.BooleanField(label=_("The attachments may be published with it"), required=False)


# --- staff forms ------------------------------------------------------------------------------------------------


class ReferForm(forms.Form):
    to_unit = forms.ModelChoiceField(label=_("Competent unit"), queryset=Unit.objects.none())
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = user.unit
        scope = unit.scope_path if unit is not None else ""
        field = self.fields["to_unit"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = Unit.objects.active().within(scope).order_by("path") if scope else Unit.objects.none()


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reasons for the outcome"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ImplementForm(forms.Form):
    feedback = forms.CharField(
        label=_("Implementation feedback"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class CommendForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CommendationKind.choices)
    given_on = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class ConvertForm(forms.Form):
    nature = forms.ChoiceField(
        label=_("Kind of matter"),
        choices=[(Nature.APPEAL.value, Nature.APPEAL.label), (Nature.ACCUSATION.value, Nature.ACCUSATION.label)],
    )
    reason = forms.CharField(
        label=_("Why this is a petition, not a proposal"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class FromPetitionForm(forms.Form):
    petition = forms.CharField(label=_("Petition number"), max_length=40)
    reason = forms.CharField(
        label=_("Why this petition is a proposal"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class CallForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, required=False
    )
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"}))


ACTION_FORMS: dict[Action, type[forms.Form]] = {
    Action.REFER: ReferForm,
    Action.DECIDE: DecideForm,
    Action.IMPLEMENT: ImplementForm,
    Action.COMMEND: CommendForm,
    Action.CONVERT: ConvertForm,
}


def action_form(action: Action, user: User, data: Any = None) -> forms.Form:
    cls = ACTION_FORMS[action]
    prefix = action.value
    if cls is ReferForm:
        return ReferForm(data, user=user, prefix=prefix)
    return cls(data, prefix=prefix)
