"""HTML forms of the reception desk and the citizens' booking. They parse; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.core.errors import DomainError
from xinfang.orgs.models import Unit, User
from xinfang.reception.models import (
    WEEKDAYS,
    Booking,
    BookingStatus,
    InvitationStatus,
    Outcome,
    ReceptionSite,
    Recurrence,
    SessionStatus,
    ShiftPolicy,
    SiteKind,
)

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def apply_error(form: forms.Form, exc: DomainError) -> None:
    """A service's refusal: on its field when the form has it, else at the top."""
    field = getattr(form, "SERVICE_FIELDS", {}).get(exc.field, exc.field)
    name = field if field in form.fields else None
    form.add_error(name, str(exc.message))


class LeaderChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        user: User = obj
        name = user.full_name or user.username
        return f"{name}（{user.title}） · {user.unit.name if user.unit else ''}" if user.title else name


class SiteForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    address = forms.CharField(label=_("Address"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=SiteKind.choices)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class ScheduleForm(forms.Form):
    leader = LeaderChoiceField(label=_("Leader"), queryset=User.objects.none())
    site = forms.ModelChoiceField(label=_("Site"), queryset=ReceptionSite.objects.none())
    recurrence = forms.ChoiceField(label=_("Recurrence"), choices=Recurrence.choices)
    day_of_month = forms.IntegerField(label=_("Day of the month"), min_value=1, max_value=31, required=False)
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), *WEEKDAYS],
    )
    dates = forms.CharField(
        label=_("Dates"), required=False, help_text=_("One-off dates, separated by spaces: 2026-05-09 2026-06-13")
    )
    start_time = forms.TimeField(label=_("Starts at"), widget=TIME, initial=dt.time(9, 0))
    end_time = forms.TimeField(label=_("Ends at"), widget=TIME, initial=dt.time(12, 0))
    topic = forms.CharField(label=_("Topic (专题接访)"), max_length=100, required=False)
    slot_minutes = forms.IntegerField(label=_("Slot length (minutes)"), min_value=5, max_value=480, initial=30)
    slot_capacity = forms.IntegerField(label=_("Bookings per slot"), min_value=1, max_value=100, initial=2)
    shift_policy = forms.ChoiceField(
        label=_("When the day is not a working day"), choices=ShiftPolicy.choices, initial=ShiftPolicy.NEXT_WORKDAY
    )
    published = forms.BooleanField(label=_("Publish to citizens"), required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE, required=False)

    def __init__(self, *args: Any, leaders: Any, sites: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]
        self.fields["site"].queryset = sites  # type: ignore[attr-defined]

    def clean_dates(self) -> list[dt.date]:
        raw = str(self.cleaned_data.get("dates") or "")
        try:
            return [dt.date.fromisoformat(p) for p in raw.replace(",", " ").split()]
        except ValueError:
            raise forms.ValidationError(_("Write dates like 2026-05-09, separated by spaces.")) from None


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("First day"), widget=DATE)
    end = forms.DateField(label=_("Last day"), widget=DATE)


class SessionStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Mark the session"),
        choices=[(s.value, s.label) for s in (SessionStatus.HELD, SessionStatus.MISSED, SessionStatus.CANCELLED)],
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class BookingMarkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in (BookingStatus.ATTENDED, BookingStatus.NO_SHOW, BookingStatus.CANCELLED)]
    )
    note = forms.CharField(max_length=200, required=False)


class VisitForm(forms.Form):
    """One batch and (at most) one matter per submission; record further matters as further batches' lines."""

    head_count = forms.IntegerField(
        label=_("Persons in this batch"),
        min_value=1,
        max_value=10000,
        initial=1,
        help_text=_("A group visit is one batch with several persons."),
    )
    summary = forms.CharField(label=_("What was raised"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    booking = forms.ModelChoiceField(label=_("Booking (if booked)"), queryset=Booking.objects.none(), required=False)
    petition = forms.CharField(
        label=_("Existing petition (number)"),
        max_length=40,
        required=False,
        help_text=_("Link a petition you can see."),
    )
    new_title = forms.CharField(label=_("New petition: title"), max_length=200, required=False)
    new_request = forms.CharField(
        label=_("New petition: request"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    new_facts = forms.CharField(
        label=_("New petition: facts and reasons"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    new_name = forms.CharField(label=_("New petition: petitioner's name"), max_length=50, required=False)
    new_phone = forms.CharField(label=_("New petition: phone"), max_length=24, required=False)
    new_address = forms.CharField(label=_("New petition: petitioner's address"), max_length=200, required=False)
    new_division_code = forms.CharField(
        label=_("New petition: where the problem is (division code)"),
        max_length=9,
        required=False,
        help_text=_("The 问题属地 code, which routing uses; leave empty if unknown."),
    )
    solved_on_spot = forms.BooleanField(label=_("Solved on the spot"), required=False)
    solution = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    outcome = forms.ChoiceField(label=_("Outcome (三到位一处理)"), choices=Outcome.choices, initial=Outcome.PENDING)
    assign_matter = forms.CharField(label=_("Assigned: what is to be done"), required=False)
    assign_unit = forms.ModelChoiceField(label=_("Assigned to"), queryset=Unit.objects.none(), required=False)
    assign_due = forms.DateField(label=_("Deadline"), widget=DATE, required=False)

    def __init__(self, *args: Any, bookings: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["booking"].queryset = bookings  # type: ignore[attr-defined]
        self.fields["assign_unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("assign_matter") and not (data.get("assign_unit") and data.get("assign_due")):
            self.add_error("assign_unit", _("An assignment needs a unit and a deadline."))
        if data.get("new_title") and data.get("petition"):
            self.add_error("petition", _("Link an existing petition or register a new one, not both."))
        return data

    # The intake service names its fields as the petition does; show each refusal on this form's field.
    SERVICE_FIELDS = {
        "title": "new_title",
        "request": "new_request",
        "facts_and_reasons": "new_facts",
        "petitioners": "new_name",
        "petitioners[0].name": "new_name",
        "petitioners[0].phone": "new_phone",
        "petitioners[0].address": "new_address",
        "problem_division_code": "new_division_code",
    }


class InvitationForm(forms.Form):
    petition = forms.CharField(label=_("Petition number"), max_length=40)
    leader = LeaderChoiceField(label=_("Leader"), queryset=User.objects.none())
    on = forms.DateField(label=_("Date"), widget=DATE)
    at = forms.TimeField(label=_("Time"), widget=TIME)
    place = forms.CharField(label=_("Place"), max_length=200)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, leaders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]


class InvitationMarkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (s.value, s.label) for s in (InvitationStatus.HELD, InvitationStatus.NO_SHOW, InvitationStatus.CANCELLED)
        ]
    )
    note = forms.CharField(required=False)


class FieldVisitForm(forms.Form):
    leader = LeaderChoiceField(label=_("Leader"), queryset=User.objects.none())
    on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}))
    petitions = forms.CharField(
        label=_("Cases carried"), required=False, help_text=_("Petition numbers, separated by spaces (带案下访).")
    )

    def __init__(self, *args: Any, leaders: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders  # type: ignore[attr-defined]


class CaseForm(forms.Form):
    petition = forms.CharField(label=_("Petition number"), max_length=40)


class CaseResultForm(forms.Form):
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 2}))
    outcome = forms.ChoiceField(label=_("Outcome (三到位一处理)"), choices=Outcome.choices)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("On-site meeting minutes (现场办公)"), widget=forms.Textarea(attrs={"rows": 4}))
    matter = forms.CharField(label=_("Decision: what is to be done"), required=False)
    unit = forms.ModelChoiceField(label=_("Assigned to"), queryset=Unit.objects.none(), required=False)
    due = forms.DateField(label=_("Deadline"), widget=DATE, required=False)
    petition = forms.CharField(label=_("Petition (optional)"), max_length=40, required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("matter") and not (data.get("unit") and data.get("due")):
            self.add_error("unit", _("A decision needs a unit and a deadline."))
        return data


class ComplianceForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------- citizens


class BookingForm(forms.Form):
    slot_start = forms.TypedChoiceField(
        label=_("Time"), coerce=lambda v: dt.time.fromisoformat(str(v)), choices=[], widget=forms.RadioSelect
    )
    name = forms.CharField(label=_("Your name"), max_length=50)
    phone = forms.RegexField(
        label=_("Mobile number"),
        regex=r"^1\d{10}$",
        max_length=11,
        error_messages={"invalid": _("Give an 11-digit mobile number.")},
        help_text=_("The confirmation and a reminder the day before are sent to this number."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    summary = forms.CharField(
        label=_("What you wish to raise"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4})
    )
    petition_number = forms.CharField(
        label=_("Petition number (optional)"),
        max_length=40,
        required=False,
        help_text=_("If the matter is already a petition: its number and query code link the booking to it."),
    )
    tracking_code = forms.CharField(label=_("Query code (optional)"), max_length=20, required=False)

    def __init__(self, *args: Any, slot_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["slot_start"].choices = slot_choices  # type: ignore[attr-defined]


class BookingCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Booking code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )
