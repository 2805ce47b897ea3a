"""登记 — registration of letters, visits, calls and the other staff channels (Arts. 17–21).

The registrar's unit receives the petition (``services.petition_register``); the 五必问 checklist is required for
visits, calls and video; the petition's 查询码 is shown once, on the page the registrar lands on.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xinfang.core.errors import DomainError
from xinfang.core.limits import is_id
from xinfang.orgs.models import Role, Unit
from xinfang.petitions import services
from xinfang.petitions.identity import id_number_is_valid
from xinfang.petitions.models import FIVE_QUESTION_CHANNELS, Category
from xinfang.petitions.uploads import check_upload
from xinfang.workbench import heldfiles
from xinfang.workbench import selectors as wb
from xinfang.workbench.access import refuse, staff_required, staff_user
from xinfang.workbench.actionforms import UnitPicker
from xinfang.workbench.forms import (
    AREA_FIELDS,
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
RECEIPT_SESSION_KEY = "workbench_receipt"


def _only_registrars(request: HttpRequest) -> HttpResponse | None:
    if not staff_user(request).has_role(Role.REGISTRAR):
        return refuse(request, _("Only registrars register petitions."))
    return None


def _accused_picker(request: HttpRequest, chosen_id: str) -> UnitPicker:
    """The unit complained about: searched in the registrar's province; nothing is listed before a search."""
    chosen: list[wb.UnitOption] = []
    if is_id(chosen_id):
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


# Fields shown by a picker rather than their own input: the summary links to the picker's first control.
_ANCHORS = {
    "accused_unit": f"{ACCUSED_PICKER_PREFIX}-accused_unit-q",
    "problem_division_code": "id_area_province",
    "category": "id_category_q",
}
_FIRST_FIELDS = ("channel", "received_on")  # above the five questions and the petitioners on the page


def _error_summary(form: RegistrationForm, five: FiveQuestionsForm, people: Any) -> list[tuple[str, str]]:
    """(anchor, message) for every error, in the order of the page; each links to its field."""

    def form_errors(first: bool) -> list[tuple[str, str]]:
        out = []
        for name, errors in form.errors.items():
            if name == "__all__" or (name in _FIRST_FIELDS) != first:
                continue
            anchor = _ANCHORS.get(name) or form[name].auto_id
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


CATEGORY_RESULTS_MAX = 30


def category_search(query: str) -> list[Category]:
    """Categories whose name or path contains ``query`` (any of the 3 levels), deepest paths last, at most 30."""
    query = query.strip()[:50]
    if not query:
        return list(Category.objects.filter(level=1).order_by("full_name"))
    return list(
        Category.objects.filter(full_name__icontains=query).order_by("level", "full_name")[:CATEGORY_RESULTS_MAX]
    )


def _category(raw: object) -> Category | None:
    return Category.objects.filter(pk=int(str(raw))).first() if is_id(raw) else None


def _category_context(data: Any) -> dict[str, Any]:
    """The category picker: the chosen node with its path, and the search results (or the tree's top level)."""
    query = str(data.get("category_q", "") or "")[:50] if data else ""
    parent = _category(data.get("category_parent")) if data else None
    results = list(parent.children.order_by("full_name")) if parent is not None else category_search(query)
    return {
        "category_chosen": _category(data.get("category")) if data else None,
        "category_results": results,
        "category_parent": parent,
        "category_q": query,
    }


def _render(
    request: HttpRequest,
    form: RegistrationForm,
    five: FiveQuestionsForm,
    people: Any,
    *,
    show_errors: bool,
    held: list[heldfiles.HeldFile] | None = None,
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
        "held": held or [],
        "held_token": heldfiles.token_for(held or [], user=staff_user(request)),
        "area_fields": [form[name] for name in AREA_FIELDS],
        **_category_context(form.data if form.is_bound else None),
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
    held = heldfiles.load(data.get("held_attachments", ""), user=user, drop=data.getlist("drop_held"))
    if "add_petitioner" in data or "_refresh" in data:
        # Without JavaScript: one more row, or the category search; nothing typed (or attached) lost, no errors yet.
        if "add_petitioner" in data:
            data = _with_one_more_row(data)
        form = RegistrationForm(data, user=user)
        held += _hold_new(request, form)
        return _render(
            request,
            form,
            FiveQuestionsForm(data),
            PetitionerFormSet(data, prefix=PETITIONER_PREFIX),
            show_errors=False,
            held=held,
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
        intake = to_intake(form, five, [d for _i, d in filled])
        intake.attachments = [*heldfiles.open_held(held), *intake.attachments]
        try:
            petition, code = services.petition_register(actor=user, unit=unit, data=intake)
        except DomainError as error:
            place_domain_error(error, form, five, people, [i for i, _d in filled])
        else:
            heldfiles.release(held)
            # The 登记回执 with the 查询码: shown once, on the page the registrar lands on now.
            request.session[RECEIPT_SESSION_KEY] = {"number": petition.number, "code": code}
            return redirect("workbench:receipt", key=petition.number)
    held += _hold_new(request, form)
    return _render(request, form, five, people, show_errors=True, held=held)


def _hold_new(request: HttpRequest, form: RegistrationForm) -> list[heldfiles.HeldFile]:
    """Keep this post's files for the next one; a file the intake rules refuse is named at the field instead."""
    keep = []
    for f in request.FILES.getlist("attachments"):
        try:
            check_upload(f, field="attachments")
        except DomainError as error:
            form.add_error("attachments", f"{f.name}: {error.message}")
        else:
            keep.append(f)
    return heldfiles.hold(keep)


def _with_one_more_row(data: QueryDict) -> QueryDict:
    copy = data.copy()
    key = f"{PETITIONER_PREFIX}-TOTAL_FORMS"
    total = copy.get(key, "1")
    copy[key] = str(min(int(total), 199) + 1 if is_id(total) else 1)
    return copy


@staff_required
def petitioner_row(request: HttpRequest) -> HttpResponse:
    """htmx: one more empty petitioner row, and the formset's TOTAL_FORMS bumped out of band."""
    if (refused := _only_registrars(request)) is not None:
        return refused
    raw = request.GET.get(f"{PETITIONER_PREFIX}-TOTAL_FORMS", "1")
    index = min(int(raw), 199) if is_id(raw) else 1
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
    chosen = [request.GET.get(name, "").strip() for name in AREA_FIELDS]
    code = next((c for c in reversed(chosen) if c), "") or request.GET.get("problem_division_code", "").strip()
    draft = Petition(
        nature=Nature.ACCUSATION,
        accused_name=request.GET.get("accused_name", "")[:100],
        problem_division_code=code if is_id(code) and len(code) in (6, 9) else "",
        registering_unit=user.unit,
    )
    matches = accused_matches(draft) if request.GET.get("nature") == Nature.ACCUSATION else []
    return render(request, "workbench/_accused_matches.html", {"matches": matches})


@staff_required
@require_GET
def register_area(request: HttpRequest) -> HttpResponse:
    """htmx: after a level of the area picker (问题属地) changes, the levels below it and the chosen code."""
    if (refused := _only_registrars(request)) is not None:
        return refused
    names = list(AREA_FIELDS)
    changed = request.GET.get("level", "")
    index = list(AREA_FIELDS.values()).index(changed) if changed in AREA_FIELDS.values() else 0
    initial = {name: request.GET.get(name, "")[:12] for name in names[: index + 1]}
    form = RegistrationForm(initial=initial, user=staff_user(request))
    code = ""
    for name in names[: index + 1]:  # the deepest value that is a choice under the level above it
        value = initial[name]
        if not value or value not in {c for c, _n in form.area_options[name]}:
            break
        code = value
    below = [form[name] for name in names[index + 1 :]]
    return render(request, "workbench/_area_levels.html", {"levels": below, "oob": True, "code": code})


@staff_required
@require_GET
def register_category(request: HttpRequest) -> HttpResponse:
    """htmx: categories matching the search (or below a chosen node), and the chosen category's path."""
    if (refused := _only_registrars(request)) is not None:
        return refused
    template = "workbench/_category_chosen.html" if "chosen" in request.GET else "workbench/_category_results.html"
    return render(request, template, _category_context(request.GET))
