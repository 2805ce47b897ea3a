"""Forms of the supervisor's desk: they parse input; the rules stay in the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit, User
from xinfang.supervision.models import Adoption, Bulletin, CaseVerdict, RecommendationKind


def units_under(user: User) -> Any:
    """Units this user's unit supervises (its scope, itself excluded), in tree order."""
    assert user.unit is not None  # noqa: S101 - staff pages only
    return Unit.objects.active().within(user.unit.scope_path).exclude(pk=user.unit.pk).order_by("path")


class _UnitForm(forms.Form):
    unit_field = "target_unit"

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.unit_field].queryset = units_under(user)  # type: ignore[attr-defined]


class OrderForm(_UnitForm):
    target_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit supervised"))
    petition = forms.CharField(
        label=_("Petition number"), required=False, help_text=_("The 编号 of a petition you can see (optional).")
    )
    matter = forms.CharField(label=_("Matter"), widget=forms.Textarea(attrs={"rows": 3}))
    requirements = forms.CharField(label=_("Requirements"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reply_due = forms.DateField(
        label=_("Reply deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for the default number of working days."),
    )
    is_listed = forms.BooleanField(label=_("Listed for supervision (挂牌督办)"), required=False)


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Written reply"), widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False)


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why the reply is returned"), widget=forms.Textarea(attrs={"rows": 3}))
    reply_due = forms.DateField(
        label=_("New reply deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RecommendationForm(_UnitForm):
    unit_field = "to_unit"
    kind = forms.ChoiceField(label=_("Kind"), choices=RecommendationKind.choices)
    to_unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Addressed to"))
    text = forms.CharField(label=_("Recommendation"), widget=forms.Textarea(attrs={"rows": 4}))
    petitions = forms.CharField(
        label=_("Petition numbers"), required=False, help_text=_("编号 of related petitions, separated by spaces.")
    )
    feedback_due = forms.DateField(
        label=_("Feedback due"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class FeedbackForm(forms.Form):
    adoption = forms.ChoiceField(label=_("Adoption"), choices=Adoption.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Written feedback"), widget=forms.Textarea(attrs={"rows": 4}))


class InterviewForm(_UnitForm):
    unit_field = "unit"
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit interviewed"))
    persons = forms.CharField(label=_("Persons interviewed"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    conducted_by = forms.CharField(label=_("Conducted by"), max_length=200)
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    rectifications = forms.CharField(
        label=_("Rectification ordered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: a date (YYYY-MM-DD), a space, then what is to be put right."),
    )

    def clean_rectifications(self) -> list[tuple[str, dt.date]]:
        items = []
        for n, line in enumerate(self.cleaned_data["rectifications"].splitlines(), start=1):
            if not line.strip():
                continue
            date_text, _sep, matter = line.strip().partition(" ")
            try:
                due = dt.date.fromisoformat(date_text)
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(n)s does not start with a date like 2026-12-31.") % {"n": n}
                ) from None
            if not matter.strip():
                raise forms.ValidationError(_("Line %(n)s says nothing after the date.") % {"n": n})
            items.append((matter.strip(), due))
        return items


class BulletinForm(forms.Form):
    month = forms.RegexField(
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        label=_("Month"),
        widget=forms.TextInput(attrs={"type": "month"}),
        error_messages={"invalid": _("Give the month as YYYY-MM.")},
    )


class BulletinCaseForm(forms.Form):
    """Choose a typical case (典型案例) for a bulletin: the petition, the unit concerned, the kind, the account."""

    petition = forms.CharField(
        label=_("Petition number"), max_length=40, help_text=_("The 编号 of a petition you can see.")
    )
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Unit concerned"))
    verdict = forms.ChoiceField(label=_("Kind"), choices=CaseVerdict.choices, widget=forms.RadioSelect)
    account = forms.CharField(
        label=_("What went right or wrong"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Printed in the bulletin. Never name the petitioner or give their phone, ID number or address."),
    )

    def __init__(self, *args: Any, bulletin: Bulletin, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = Unit.objects.active().within(bulletin.scope_path).order_by("path")
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
