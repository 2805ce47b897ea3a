"""Forms of the citizen portal. They parse and explain; the rules stay in the petition services.

Every field has a label and help text in plain words. Checks repeated here (required facts, phone and ID formats,
attachment limits, at most five representatives) use the same validators and messages as the services, so a
petitioner sees every problem at once, next to its field; the service still has the last word, and a
``DomainError`` it raises is put back on the matching field (``apply_domain_error``).
"""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinfang.core.errors import DomainError, InvalidInput
from xinfang.instructions.selectors import open_mailboxes
from xinfang.orgs.models import Level, Unit, User
from xinfang.petitions.models import (
    Category,
    Channel,
    Nature,
    PetitionerKind,
    RatingTarget,
    Satisfaction,
    phone_validator,
    validate_id_number,
)
from xinfang.petitions.services import IntakeData, PetitionerData
from xinfang.petitions.services.intake import MAX_REPRESENTATIVES, validate_attachments
from xinfang.portal import selectors
from xinfang.portal.models import SERVICE_RATING_COMMENT_MAX

BLANK = gettext_lazy("— Choose —")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one ``<input type=file multiple>``; cleans to a list (empty when none chosen)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        single = super().clean
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not items and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        return [single(item, initial) for item in items]


def attachment_limits_text() -> str:
    return _("Up to %(count)s files, each at most %(mb)s MB. Accepted types: %(types)s.") % {
        "count": settings.XINFANG_ATTACHMENT_MAX_COUNT,
        "mb": settings.XINFANG_ATTACHMENT_MAX_BYTES // (1024 * 1024),
        "types": ", ".join(settings.XINFANG_ATTACHMENT_TYPES),
    }


def _accept_attr() -> str:
    return ",".join(f".{t}" for t in settings.XINFANG_ATTACHMENT_TYPES)


def clean_files(field: str, form: forms.Form, files: list[UploadedFile[bytes]]) -> None:
    """The attachment limits of the intake service (count, type, size), reported on the form field."""
    try:
        validate_attachments(files)
    except InvalidInput as exc:
        form.add_error(field, str(exc.message))


def _picker_attrs(url_name: str, include: str, level: str) -> dict[str, str]:
    """htmx: choosing a value loads the next level of the picker (out-of-band swaps; the select keeps focus)."""
    return {
        "hx-get": reverse(url_name),
        "hx-trigger": "change",
        "hx-include": include,
        "hx-vals": json.dumps({"level": level}),
        "hx-swap": "none",
    }


ANONYMOUS_CLEAR = gettext_lazy("You chose to petition anonymously: leave this empty, or untick “Petition anonymously”.")


class SubmissionForm(forms.Form):
    """Online submission (网上信访): the 五必问 as plain prompts, where, what kind, who, and the materials."""

    title = forms.CharField(
        label=gettext_lazy("Short title"),
        max_length=200,
        error_messages={"required": gettext_lazy("Give the petition a short title.")},
        help_text=gettext_lazy("A few words, for example “Street lights on Qinghe Road have been out for a month”."),
    )
    # 五必问 (the five questions asked at the counter): facts, request and reasons, difficulties, history, handling.
    facts = forms.CharField(
        label=gettext_lazy("What happened?"),
        max_length=20000,
        error_messages={"required": gettext_lazy("Describe what happened (Art. 19).")},
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("The facts (事实真相): what happened, when, where and who is involved (Art. 19)."),
    )
    request_and_reasons = forms.CharField(
        label=gettext_lazy("What do you ask for, and why?"),
        max_length=5000,
        error_messages={"required": gettext_lazy("State what you are asking for (Art. 19).")},
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Your request and your reasons (诉求与理由), as concretely as you can (Art. 19)."),
    )
    difficulties = forms.CharField(
        label=gettext_lazy("What practical difficulties does this cause you? (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("实际困难: for example loss of income, health, housing or schooling."),
    )
    history = forms.CharField(
        label=gettext_lazy("Have you petitioned about this before? (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("信访经历: where and when, and the earlier petition number if you have it."),
    )
    prior_handling = forms.CharField(
        label=gettext_lazy("How was it handled so far? (optional)"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("此前办理情况: what any unit, court or mediator did, and the result."),
    )
    nature = forms.ChoiceField(
        label=gettext_lazy("What kind of matter is it?"),
        choices=Nature.choices,
        initial=Nature.APPEAL,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "A suggestion or opinion (Art. 29); a report or accusation against a person or unit (Art. 30), "
            "which is never passed to the person or unit accused; or an appeal or demand about your own "
            "rights and interests (Art. 31). If unsure, choose “Appeal or demand”."
        ),
    )
    accused_name = forms.CharField(
        label=gettext_lazy("Person or unit complained about (optional)"),
        max_length=100,
        required=False,
    )
    # 问题属地: province → city → county → township, by division code (GB/T 2260).
    province = forms.ChoiceField(
        label=Level.PROVINCE.label,
        error_messages={"required": gettext_lazy("Choose the province where the problem arose.")},
    )
    city = forms.ChoiceField(label=Level.CITY.label, required=False)
    county = forms.ChoiceField(label=gettext_lazy("County or district"), required=False)
    township = forms.ChoiceField(label=Level.TOWNSHIP.label, required=False)
    problem_address = forms.CharField(
        label=gettext_lazy("Street, village or place (optional)"),
        max_length=200,
        required=False,
    )
    category_1 = forms.ChoiceField(label=gettext_lazy("Topic (optional)"), required=False)
    category_2 = forms.ChoiceField(label=gettext_lazy("Subtopic (optional)"), required=False)
    category_3 = forms.ChoiceField(label=gettext_lazy("Detailed topic (optional)"), required=False)
    attachments = MultipleFileField(label=gettext_lazy("Supporting files (optional)"), required=False)
    # Who is petitioning.
    petitioner_kind = forms.ChoiceField(
        label=gettext_lazy("Who is petitioning?"),
        choices=PetitionerKind.choices,
        initial=PetitionerKind.PERSON,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "“Group” means several people with a common matter; they name at most 5 representatives (Art. 20)."
        ),
    )
    head_count = forms.IntegerField(
        label=gettext_lazy("Number of people in the group"),
        error_messages={"required": gettext_lazy("The head count must be at least 1.")},
        min_value=1,
        max_value=100000,
        initial=1,
        help_text=gettext_lazy("Only for a group: how many people share this matter (at least 2)."),
    )
    is_joint = forms.BooleanField(
        label=gettext_lazy("This is a joint letter signed by several people (联名)"),
        required=False,
    )
    is_anonymous = forms.BooleanField(
        label=gettext_lazy("Petition anonymously"),
        required=False,
        help_text=gettext_lazy(
            "Without a name no written notice can reach you, and you follow the petition only with its number and "
            "query code (Art. 23 ¶2)."
        ),
    )
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Your full name, or the organisation's name (Art. 19)."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=gettext_lazy("ID card number (optional)"),
        max_length=18,
        required=False,
        validators=[validate_id_number],
        help_text=gettext_lazy("18 characters. It helps the unit find your earlier petitions."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Phone (optional)"),
        max_length=24,
        required=False,
        validators=[phone_validator],
        help_text=gettext_lazy("So that the unit can reach you: a mobile number or a landline with area code."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    address = forms.CharField(
        label=gettext_lazy("Postal address"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Written notices and replies are sent here (Art. 19)."),
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    email = forms.EmailField(
        label=gettext_lazy("E-mail (optional)"),
        required=False,
        help_text=gettext_lazy("To be told of each step by e-mail."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # xinfang.notify: how the petitioner hears of each step (petitions.services.intake validates the choice).
    notify_channel = forms.ChoiceField(
        label=gettext_lazy("How to tell you of each step"),
        required=False,
        choices=[
            ("", gettext_lazy("Automatic: SMS if you gave a mobile number, else e-mail, else in your account")),
            ("sms", gettext_lazy("SMS")),
            ("email", gettext_lazy("E-mail")),
            ("inapp", gettext_lazy("In my account (signed in)")),
        ],
    )
    notify_opt_out = forms.BooleanField(label=gettext_lazy("Send me no messages about this petition"), required=False)
    # 领导信箱 (xinfang.instructions): write to a leader's mailbox a unit publishes; the mailbox's petition department
    # registers the petition and it goes to the leader's desk for reading.
    mailbox = forms.TypedChoiceField(
        label=gettext_lazy("Leader's mailbox (optional)"), required=False, coerce=int, empty_value=None
    )

    IDENTITY_FIELDS = ("name", "id_number", "phone", "address", "email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        selected = {
            name: str(self.data.get(name, "") if self.is_bound else self.initial.get(name, "") or "")
            for name in (*selectors.REGION_LEVELS, *selectors.CATEGORY_LEVELS)
        }
        blank: list[tuple[str, Any]] = [("", BLANK)]
        mailbox = self.fields["mailbox"]
        assert isinstance(mailbox, forms.ChoiceField)  # noqa: S101 - narrowing for the type checker
        mailbox.choices = [("", BLANK), *((m.pk, f"{m.title}（{m.unit.name}）") for m in open_mailboxes())]
        regions = selectors.region_choices(selected)
        for level, choices in regions.items():
            field = self.fields[level]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrowing for the type checker
            field.choices = blank + choices
            field.widget.attrs.update(_picker_attrs("portal:region", "#region-picker", level))
        categories = selectors.category_choices(selected)
        for level, choices in categories.items():
            field = self.fields[level]
            assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrowing for the type checker
            field.choices = blank + choices
            field.widget.attrs.update(_picker_attrs("portal:category", "#category-picker", level))
        self.region_options = regions
        self.category_options = categories
        self.fields["attachments"].help_text = attachment_limits_text()
        self.fields["attachments"].widget.attrs["accept"] = _accept_attr()
        self.receiving_unit: Unit | None = None
        self.category: Category | None = None
        self.division_code = ""

    def selected(self, levels: tuple[str, ...]) -> dict[str, str]:
        source = self.data if self.is_bound else self.initial
        return {level: str(source.get(level, "") or "") for level in levels}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        anonymous = bool(data.get("is_anonymous"))
        if anonymous:
            for name in self.IDENTITY_FIELDS:
                if self.data.get(name, "").strip():
                    self.add_error(name, str(ANONYMOUS_CLEAR))
        else:
            if not data.get("name", "").strip() and "name" not in self.errors:
                self.add_error(
                    "name", _("Give your name or the organisation's name (Art. 19), or choose to petition anonymously.")
                )
            if not data.get("address", "").strip() and "address" not in self.errors:
                self.add_error("address", _("Give a postal address for written replies (Art. 19)."))
        if data.get("petitioner_kind") == PetitionerKind.GROUP and (data.get("head_count") or 0) < 2:
            self.add_error("head_count", _("A group petition needs a head count of at least 2."))
        level, code = selectors.deepest(
            {k: data.get(k, "") or "" for k in selectors.REGION_LEVELS}, selectors.REGION_LEVELS
        )
        if code:
            self.division_code = code
            self.receiving_unit = selectors.receiving_department(code)
            if self.receiving_unit is None:
                self.add_error(
                    level,
                    _("No petition department receives online petitions for this area yet; choose the level above."),
                )
        _clevel, category_id = selectors.deepest(
            {k: data.get(k, "") or "" for k in selectors.CATEGORY_LEVELS}, selectors.CATEGORY_LEVELS
        )
        if category_id:
            self.category = Category.objects.filter(pk=int(category_id)).first()
        files = data.get("attachments") or []
        if files:
            clean_files("attachments", self, files)
        return data

    def to_intake(self, representatives: list[PetitionerData]) -> IntakeData:
        """IntakeData for the petition services: the five prompts map onto Art. 19's request, facts and reasons."""
        d = self.cleaned_data
        kind = d["petitioner_kind"]
        people: list[PetitionerData] = []
        if not d["is_anonymous"]:
            main = PetitionerData(
                name=d["name"], id_number=d["id_number"], phone=d["phone"], address=d["address"], email=d["email"]
            )
            people.append(main)
            for rep in representatives if kind == PetitionerKind.GROUP else []:
                if rep.name.strip() == main.name.strip():  # the submitter is one of the representatives
                    main.is_representative = True
                    main.phone = main.phone or rep.phone
                else:
                    people.append(rep)
        return IntakeData(
            channel=Channel.ONLINE,
            title=d["title"],
            request=d["request_and_reasons"],
            facts_and_reasons=d["facts"],
            nature=d["nature"],
            category=self.category,
            petitioner_kind=kind,
            is_anonymous=d["is_anonymous"],
            head_count=d["head_count"] if kind == PetitionerKind.GROUP else 1,
            petitioners=people,
            problem_division_code=self.division_code,
            problem_address=d["problem_address"],
            accused_name=d["accused_name"],
            is_joint=d["is_joint"],
            five_questions={
                "facts": d["facts"],
                "request_and_reasons": d["request_and_reasons"],
                "difficulties": d["difficulties"],
                "history": d["history"],
                "prior_handling": d["prior_handling"],
            },
            attachments=d.get("attachments") or [],
            notify_channel=d["notify_channel"],
            notify_opt_out=d["notify_opt_out"],
        )


class RepresentativeForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Representative's name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=gettext_lazy("Representative's phone"),
        max_length=24,
        required=False,
        validators=[phone_validator],
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("phone") and not data.get("name", "").strip():
            self.add_error("name", _("Give this representative's name, or clear the phone number."))
        return data


class BaseRepresentativeFormSet(forms.BaseFormSet[RepresentativeForm]):
    """代表 of a group (Art. 20): at most five, name and phone each. Ignored unless the petitioner is a group."""

    def __init__(self, *args: Any, group: bool = False, anonymous: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "rep")
        super().__init__(*args, **kwargs)
        self.group = group
        self.anonymous = anonymous

    def add_fields(self, form: RepresentativeForm, index: int | None) -> None:
        super().add_fields(form, index)
        if index is not None:  # each row's labels say which representative they are about
            n = index + 1
            form.fields["name"].label = _("Representative %(n)s: name") % {"n": n}
            form.fields["phone"].label = _("Representative %(n)s: phone (optional)") % {"n": n}

    def is_valid(self) -> bool:
        # Rows left in the page when the petitioner is not a group are not part of the petition.
        return super().is_valid() if self.group else True

    def filled(self) -> list[RepresentativeForm]:
        return [f for f in self.forms if f.is_valid() and (f.cleaned_data.get("name") or f.cleaned_data.get("phone"))]

    def clean(self) -> None:
        if not self.group or any(f.errors for f in self.forms):
            return
        filled = self.filled()
        if self.anonymous and filled:
            raise ValidationError(
                _("You chose to petition anonymously: remove the representatives, or untick “Petition anonymously”.")
            )
        if len(filled) > MAX_REPRESENTATIVES:
            # The same message as the intake service (Art. 20 ¶3).
            raise ValidationError(
                _("A group chooses at most %(n)s representatives (Art. 20).") % {"n": MAX_REPRESENTATIVES}
            )
        if not self.anonymous and not filled:
            raise ValidationError(_("Name at least one representative of the group (Art. 20)."))

    def add_non_form_error(self, message: str) -> None:
        self.non_form_errors().append(message)

    def representatives(self) -> list[PetitionerData]:
        if not self.group:
            return []
        return [
            PetitionerData(name=f.cleaned_data["name"], phone=f.cleaned_data.get("phone", ""), is_representative=True)
            for f in self.filled()
        ]


RepresentativeFormSet = cast(
    "type[BaseRepresentativeFormSet]",
    forms.formset_factory(
        RepresentativeForm,
        formset=BaseRepresentativeFormSet,
        extra=MAX_REPRESENTATIVES,
        max_num=MAX_REPRESENTATIVES,
        validate_max=False,  # BaseRepresentativeFormSet.clean says it with the Art. 20 message instead
        absolute_max=50,
    ),
)

# Where a service error about a submission belongs on the form.
_SUBMISSION_FIELDS = {
    "title": "title",
    "request": "request_and_reasons",
    "facts_and_reasons": "facts",
    "nature": "nature",
    "head_count": "head_count",
    "attachments": "attachments",
    "problem_division_code": "province",
    "problem_address": "problem_address",
    "unit": "province",
    "category": "category_1",
    "accused_name": "accused_name",
    "notify_channel": "notify_channel",
}


def apply_submission_error(form: SubmissionForm, formset: BaseRepresentativeFormSet, exc: DomainError) -> None:
    """Put a refusal from ``petition_register`` next to the field it is about (else at the top)."""
    message = str(exc.message)
    name = exc.field or ""
    if name.startswith("petitioners["):
        index, _dot, sub = name[len("petitioners[") :].partition("].")
        if index == "0" and sub in form.fields and not form.cleaned_data.get("is_anonymous"):
            form.add_error(sub, message)
        else:
            formset.add_non_form_error(message)
    elif name == "petitioners":
        if formset.group:
            formset.add_non_form_error(message)
        else:
            form.add_error("name", message)
    elif name in _SUBMISSION_FIELDS:
        form.add_error(_SUBMISSION_FIELDS[name], message)
    else:
        form.add_error(None, message)


def apply_error(form: forms.Form, exc: DomainError) -> None:
    """A refusal from a service: on its field when the form has it, else at the top of the form."""
    aliases: dict[str, str] = getattr(form, "aliases", {})
    name = aliases.get(exc.field or "", exc.field)
    form.add_error(name if name in form.fields else None, str(exc.message))


class TrackForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Petition number (编号)"),
        max_length=40,
        error_messages={"required": gettext_lazy("Enter the petition number from your receipt.")},
        help_text=gettext_lazy("As on your receipt, for example 99010102-2026-000301."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    code = forms.CharField(
        label=gettext_lazy("Query code (查询码)"),
        max_length=20,
        error_messages={"required": gettext_lazy("Enter the query code from your receipt.")},
        help_text=gettext_lazy("The 12-character code on your receipt; capital or small letters both work."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )


class UrgeForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message to the unit (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RateForm(forms.Form):
    """满意 / 基本满意 / 不满意 with a comment, for one target (the petition department or the responsible unit)."""

    target = forms.ChoiceField(choices=RatingTarget.choices, widget=forms.HiddenInput)
    value = forms.ChoiceField(
        label=gettext_lazy("Your rating"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose satisfied, basically satisfied or dissatisfied.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ServiceRatingForm(forms.Form):
    """满意 / 基本满意 / 不满意 for the online service itself (this website), with an optional short comment."""

    value = forms.ChoiceField(
        label=gettext_lazy("How was the online service?"),
        choices=Satisfaction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose satisfied, basically satisfied or dissatisfied.")},
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment on the online service (optional)"),
        max_length=SERVICE_RATING_COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": SERVICE_RATING_COMMENT_MAX}),
    )


class ReasonForm(forms.Form):
    """复查 / 复核 request: why the petitioner disagrees."""

    reason = forms.CharField(
        label=gettext_lazy("Why do you disagree?"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Say why you disagree with the opinion.")},
    )


class AttachmentsForm(forms.Form):
    """补充材料. The field is ``new_files`` because ``files`` is the form's own upload dictionary."""

    new_files = MultipleFileField(label=gettext_lazy("Add files"))
    aliases = {"files": "new_files"}  # the service's field name → this form's

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_files"].help_text = attachment_limits_text()
        self.fields["new_files"].widget.attrs["accept"] = _accept_attr()
        self.fields["new_files"].error_messages["required"] = _("Choose at least one file.")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("new_files"):
            clean_files("new_files", self, data["new_files"])
        return data


# ---------------------------------------------------------------- citizen accounts


class SignUpForm(UserCreationForm[User]):
    """A citizen account: a user without a unit, never staff. Only to list one's own petitions."""

    phone = forms.CharField(
        label=gettext_lazy("Phone (optional)"),
        max_length=24,
        required=False,
        validators=[phone_validator],
        help_text=gettext_lazy("Pre-filled in your next petitions; you can change it there."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.unit = None
        user.is_staff = False
        user.is_superuser = False
        if commit:
            user.save()
        return user


class ClaimForm(TrackForm):
    """认领: add an earlier petition (sent before signing up, or by letter or visit) with 编号 + 查询码."""


class SignInForm(AuthenticationForm):
    """Sign-in for citizen accounts only; staff accounts use the workbench's own sign-in."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "staff_account": gettext_lazy("This is a staff account: sign in on the workbench instead."),
    }

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if getattr(user, "unit_id", None) is not None or user.is_staff or user.is_superuser:
            raise ValidationError(self.error_messages["staff_account"], code="staff_account")
