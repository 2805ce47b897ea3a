"""Workbench forms of 考核 and 专项工作: what staff type to create a scheme or a campaign and to act on it. The
forms parse; the services (``services.py``) decide, and a refusal is shown at its field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.assessment.models import AdjustmentKind, Campaign, Indicator, Scheme, ScoringRule
from xinfang.casework.models import CaseKind
from xinfang.orgs.models import Unit, User
from xinfang.stats import catalogue

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FRACTION_HELP = _("A fraction between 0 and 1: 0.9 means 90%.")


def _units_in(path: str) -> Any:
    return Unit.objects.active().filter(path__startswith=path).order_by("path")


def assessable_choices() -> list[tuple[str, str]]:
    """Only the figures a 考核 may score: rates of how petitions are answered (Art. 39; ``is_assessable``)."""
    return [(k.name, f"{k.label}") for k in catalogue.KPIS if catalogue.is_assessable(k)]


class SchemeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200)
    units = forms.ModelMultipleChoiceField(
        label=_("Assessed units"),
        queryset=Unit.objects.none(),
        help_text=_("Units in the part of the tree your unit oversees."),
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    period_start = forms.DateField(
        label=_("Period from"), required=False, widget=DATE, help_text=_("Empty: 1 January of the year.")
    )
    period_end = forms.DateField(
        label=_("Period to"), required=False, widget=DATE, help_text=_("Empty: 31 December of the year.")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = user.unit
        self.fields["units"].queryset = _units_in(own.scope_path) if own is not None else Unit.objects.none()  # type: ignore[attr-defined]


class IndicatorForm(forms.Form):
    kpi = forms.ChoiceField(
        label=_("Figure"),
        choices=(),
        help_text=_("Only rates of how petitions are answered can be scored, never their number (Art. 39)."),
    )
    weight = forms.DecimalField(label=_("Weight (points)"), max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    floor = forms.DecimalField(
        label=_("Floor"), max_digits=5, decimal_places=4, min_value=0, max_value=1, initial=0, help_text=FRACTION_HELP
    )
    target = forms.DecimalField(
        label=_("Target"), max_digits=5, decimal_places=4, min_value=0, max_value=1, help_text=FRACTION_HELP
    )
    rule = forms.ChoiceField(label=_("Scoring rule"), choices=ScoringRule.choices, initial=ScoringRule.LINEAR)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kpi"].choices = assessable_choices()  # type: ignore[attr-defined]

    @classmethod
    def initial_of(cls, indicator: Indicator) -> dict[str, Any]:
        return {
            "kpi": indicator.kpi,
            "weight": indicator.weight,
            "floor": indicator.floor,
            "target": indicator.target,
            "rule": indicator.rule,
        }


class AdjustmentForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=AdjustmentKind.choices)
    points = forms.DecimalField(label=_("Points"), max_digits=6, decimal_places=2, min_value=Decimal("0.01"))
    reason = forms.CharField(label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.CharField(
        label=_("Evidence (reference or link)"), max_length=2000, help_text=_("E.g. the number of a bulletin.")
    )
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scheme.units.order_by("path")  # type: ignore[attr-defined]


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    scope_unit = forms.ModelChoiceField(
        label=_("Scope"), queryset=Unit.objects.none(), help_text=_("The unit whose part of the tree it covers.")
    )
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("Until"), widget=DATE)
    goal_rate = forms.DecimalField(
        label=_("Goal (share of cases signed off)"),
        max_digits=5,
        decimal_places=4,
        min_value=0,
        max_value=1,
        help_text=FRACTION_HELP,
    )
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = user.unit
        self.fields["scope_unit"].queryset = _units_in(own.scope_path) if own is not None else Unit.objects.none()  # type: ignore[attr-defined]


class ByRuleForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Kinds of case"),
        choices=CaseKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every confirmed, unclosed case of these kinds in the scope (none ticked: backlog cases)."),
    )


class AddCaseForm(forms.Form):
    number = forms.CharField(
        label=_("Petition number"), max_length=40, help_text=_("The 编号 of a petition that is a backlog case.")
    )


class PledgeForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    signed_by = forms.CharField(label=_("Signed by"), max_length=100)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE)
    text = forms.CharField(
        label=_("Text"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The text of the letter, or attach it below."),
    )
    file = forms.FileField(label=_("File"), required=False)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = _units_in(campaign.scope_unit.path)  # type: ignore[attr-defined]


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("Progress this week"), max_length=8000, widget=forms.Textarea(attrs={"rows": 4}))
