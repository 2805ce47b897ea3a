"""Forms of the 领导阅批 pages (the services re-check every rule)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinfang.core.errors import DomainError
from xinfang.instructions.models import INSTRUCTION_TEXT_MAX, REQUEST_NOTE_MAX
from xinfang.instructions.selectors import leaders_for
from xinfang.orgs.models import Unit, User

# How deep below the leader's unit the unit list reaches (departments and the level below), and how long it is.
UNIT_DEPTH = 2
UNIT_CHOICES_MAX = 300


class DomainErrorsMixin(forms.Form):
    def add_domain_error(self, error: DomainError) -> None:
        field = error.field if error.field in self.fields else None
        self.add_error(field, str(error.message))


class LeaderChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        unit = obj.unit.name if obj.unit else ""
        return " ".join(x for x in (unit, obj.title, obj.full_name or obj.username) if x)


class RequestForm(DomainErrorsMixin):
    leader = LeaderChoice(label=_("Leader"), queryset=User.objects.none())
    note = forms.CharField(
        label=_("Note to the leader"), max_length=REQUEST_NOTE_MAX, required=False, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders_for(user)  # type: ignore[attr-defined]


class GiveForm(DomainErrorsMixin):
    text = forms.CharField(label=_("Instruction"), max_length=INSTRUCTION_TEXT_MAX, widget=forms.Textarea({"rows": 4}))
    units = forms.ModelMultipleChoiceField(label=_("Units to act"), queryset=Unit.objects.none())
    due = forms.DateField(label=_("Due"), widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = user.unit
        qs = Unit.objects.none()
        if unit is not None:
            qs = Unit.objects.active().within(unit.scope_path).filter(depth__lte=unit.depth + UNIT_DEPTH)
        ids = list(qs.order_by("path").values_list("pk", flat=True)[:UNIT_CHOICES_MAX])
        self.fields["units"].queryset = Unit.objects.filter(pk__in=ids).order_by("path")  # type: ignore[attr-defined]


class ReadForm(DomainErrorsMixin):
    note = forms.CharField(
        label=_("Note"), max_length=REQUEST_NOTE_MAX, required=False, widget=forms.Textarea({"rows": 2})
    )
