"""The public proposal form (named or anonymous; public or private as the proposer chooses)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import Unit, UnitType


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
    is_public = forms.BooleanField(
        label=_("The proposal may be published if it is adopted (without your name or phone)"), required=False
    )
