"""登记 — registration of letters, visits, calls and the other staff channels (Arts. 17–21).

The registrar's unit receives the petition (``services.petition_register``); the 五必问 checklist is required for
visits, calls and video; the petition's 查询码 is shown once, on the page the registrar lands on.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from xinfang.core.errors import DomainError
from xinfang.orgs.models import Role, Unit
from xinfang.petitions import services
from xinfang.petitions.identity import id_number_is_valid
from xinfang.petitions.models import FIVE_QUESTION_CHANNELS
from xinfang.workbench import selectors as wb
from xinfang.workbench.access import refuse, staff_required, staff_user
from xinfang.workbench.actionforms import UnitPicker
from xinfang.workbench.forms import (
    PETITIONER_PREFIX,
    FiveQuestionsForm,
    PetitionerForm,
    PetitionerFormSet,
    RegistrationForm,
    filled_petitioners,
    place_domain_error,
    to_intake,
)

ACCUSED_PICKER_PREFIX = "register"


def _only_registrars(request: HttpRequest) -> HttpResponse | None:
    if not staff_user(request).has_role(Role.REGISTRAR):
        return refuse(request, _("Only registrars register petitions."))
    return None


def _accused_picker(request: HttpRequest, chosen_id: str) -> UnitPicker:
    """The unit complained about: searched in the registrar's province; nothing is listed before a search."""
    chosen: list[wb.UnitOption] = []
    if chosen_id.isdigit():
        scope = wb.picker_scope_for_registration(staff_user(request))
        chosen, _options, _more = wb.unit_options(scope, selected=[int(chosen_id)], limit=0)
    vals = {"field": "accused_unit", "prefix": ACCUSED_PICKER_PREFIX, "multiple": "0", "petition": "", "type": ""}
    return UnitPicker(
        chosen=chosen,
        options=[],
        more=False,
        multiple=False,
        search_url=reverse("workbench:unit_search"),
        vals=json.dumps(vals),
        allow_none=True,
    )


_FIRST_FIELDS = ("channel", "received_on")  # above the five questions and the petitioners on the page


def _error_summary(form: RegistrationForm, five: FiveQuestionsForm, people: Any) -> list[tuple[str, str]]:
    """(anchor, message) for every error, in the order of the page; each links to its field."""

    def form_errors(first: bool) -> list[tuple[str, str]]:
        out = []
        for name, errors in form.errors.items():
            if name == "__all__" or (name in _FIRST_FIELDS) != first:
                continue
            anchor = f"{ACCUSED_PICKER_PREFIX}-accused_unit-q" if name == "accused_unit" else form[name].auto_id
            out += [(anchor, f"{form[name].label}: {m}") for m in errors]
        return out

    out: list[tuple[str, str]] = [("register-form", str(m)) for m in form.non_field_errors()]
    out += form_errors(first=True)
    out += [("five-questions", str(m)) for m in five.non_field_errors()]
    for name, errors in five.errors.items():
        if name != "__all__":
            out += [(five[name].auto_id, f"{five[name].label}: {m}") for m in errors]
    out += [("petitioners", str(m)) for m in people.non_form_errors()]
    for i, row in enumerate(people.forms):
        for message in row.non_field_errors():
            out.append((f"petitioner-{i}", _("Petitioner %(n)s: %(msg)s") % {"n": i + 1, "msg": message}))
        for name, errors in row.errors.items():
            if name == "__all__":
                continue
            for m in errors:
                label = _("Petitioner %(n)s: %(msg)s") % {"n": i + 1, "msg": f"{row[name].label}: {m}"}
                out.append((row[name].auto_id, label))
    return out + form_errors(first=False)


def _render(
    request: HttpRequest,
    form: RegistrationForm,
    five: FiveQuestionsForm,
    people: Any,
    *,
    show_errors: bool,
    files_dropped: bool = False,
) -> HttpResponse:
    hints = {}
    if form.is_bound:
        user = staff_user(request)
        for row in people.forms:
            idn, phone = row["id_number"].value() or "", row["phone"].value() or ""
            if idn or phone:
                hints[row.prefix] = wb.open_matters_of_petitioner(user, id_number=idn, phone=phone)
    context = {
        "nav": "register",
        "form": form,
        "five": five,
        "people": people,
        "rows": [(row, hints.get(row.prefix)) for row in people.forms],
        "errors": _error_summary(form, five, people) if show_errors else [],
        "hide_errors": not show_errors,
        "files_note": _("Attached files are not kept after a problem: choose them again.") if files_dropped else "",
        "accused_picker": _accused_picker(request, str(form["accused_unit"].value() or "")),
        "accused_errors": form.errors.get("accused_unit", []) if show_errors and form.is_bound else [],
        "attachment_types": ", ".join(settings.XINFANG_ATTACHMENT_TYPES),
        "attachment_count": settings.XINFANG_ATTACHMENT_MAX_COUNT,
        "attachment_mb": settings.XINFANG_ATTACHMENT_MAX_BYTES // (1024 * 1024),
    }
    return render(request, "workbench/register.html", context)


@staff_required
def register(request: HttpRequest) -> HttpResponse:
    if (refused := _only_registrars(request)) is not None:
        return refused
    user = staff_user(request)
    if request.method != "POST":
        return _render(
            request,
            RegistrationForm(user=user),
            FiveQuestionsForm(),
            PetitionerFormSet(prefix=PETITIONER_PREFIX),
            show_errors=False,
        )

    data: QueryDict = request.POST
    if "add_petitioner" in data:  # without JavaScript: one more row, nothing typed lost, no errors yet
        data = _with_one_more_row(data)
        return _render(
            request,
            RegistrationForm(data, user=user),
            FiveQuestionsForm(data),
            PetitionerFormSet(data, prefix=PETITIONER_PREFIX),
            show_errors=False,
            files_dropped=bool(request.FILES),
        )

    form = RegistrationForm(data, request.FILES, user=user)
    five = FiveQuestionsForm(data)
    people = PetitionerFormSet(data, prefix=PETITIONER_PREFIX)
    valid = all([form.is_valid(), five.is_valid(), people.is_valid()])
    # 五必问 for visits, calls and video — checked even when other fields have problems, so all show at once.
    if form.cleaned_data.get("channel") in FIVE_QUESTION_CHANNELS and not five.require_checklist():
        valid = False
    if valid:
        filled = filled_petitioners(people)
        unit = user.unit
        assert isinstance(unit, Unit)  # noqa: S101 - staff_required
        try:
            petition, code = services.petition_register(
                actor=user, unit=unit, data=to_intake(form, five, [d for _i, d in filled])
            )
        except DomainError as error:
            place_domain_error(error, form, five, people, [i for i, _d in filled])
        else:
            messages.success(
                request,
                format_html(
                    _(
                        "Registered as {number} with query code {code}. "
                        "Give the query code to the petitioner now: it is shown only this once."
                    ),
                    number=format_html('<strong class="code">{}</strong>', petition.number),
                    code=format_html('<strong class="code">{}</strong>', code),
                ),
            )
            return redirect("workbench:petition", key=petition.number)
    return _render(request, form, five, people, show_errors=True, files_dropped=bool(request.FILES))


def _with_one_more_row(data: QueryDict) -> QueryDict:
    copy = data.copy()
    key = f"{PETITIONER_PREFIX}-TOTAL_FORMS"
    total = copy.get(key, "1")
    copy[key] = str(int(total) + 1 if total.isdigit() else 1)
    return copy


@staff_required
def petitioner_row(request: HttpRequest) -> HttpResponse:
    """htmx: one more empty petitioner row, and the formset's TOTAL_FORMS bumped out of band."""
    if (refused := _only_registrars(request)) is not None:
        return refused
    raw = request.GET.get(f"{PETITIONER_PREFIX}-TOTAL_FORMS", "1")
    index = min(int(raw), 199) if raw.isdigit() else 1
    row = PetitionerForm(prefix=f"{PETITIONER_PREFIX}-{index}", empty_permitted=True, use_required_attribute=False)
    return render(request, "workbench/_petitioner_row.html", {"row": row, "index": index, "total": index + 1})


@staff_required
def register_hint(request: HttpRequest) -> HttpResponse:
    """htmx: does this petitioner (身份证号 or phone) already have an OPEN petition? Links matters, not people."""
    if (refused := _only_registrars(request)) is not None:
        return refused
    idn = next((request.GET.get(k, "") for k in request.GET if k.endswith("id_number")), "")
    phone = next((request.GET.get(k, "") for k in request.GET if k.endswith("phone")), "")
    invalid_id = bool(idn.strip()) and not id_number_is_valid(wb.normalise_id_number(idn))
    matters = wb.open_matters_of_petitioner(staff_user(request), id_number=idn, phone=phone)
    return render(request, "workbench/_hint.html", {"matters": matters, "invalid_id": invalid_id})


@staff_required
def register_previous(request: HttpRequest) -> HttpResponse:
    """htmx: fill the 'earlier petition' field with a number picked from the hint."""
    if (refused := _only_registrars(request)) is not None:
        return refused
    number = request.GET.get("previous", "")[:40]
    form = RegistrationForm(initial={"previous": number}, user=staff_user(request))
    return render(request, "workbench/_previous_field.html", {"field": form["previous"], "linked": bool(number)})


@staff_required
def register_accused(request: HttpRequest) -> HttpResponse:
    """htmx: the units the typed accused text may name (Art. 30 ¶3), the problem's area first."""
    from xinfang.petitions.models import Nature, Petition
    from xinfang.petitions.services.accused import accused_matches

    if (refused := _only_registrars(request)) is not None:
        return refused
    user = staff_user(request)
    code = request.GET.get("problem_division_code", "").strip()
    draft = Petition(
        nature=Nature.ACCUSATION,
        accused_name=request.GET.get("accused_name", "")[:100],
        problem_division_code=code if code.isdigit() and len(code) in (6, 9) else "",
        registering_unit=user.unit,
    )
    matches = accused_matches(draft) if request.GET.get("nature") == Nature.ACCUSATION else []
    return render(request, "workbench/_accused_matches.html", {"matches": matches})
