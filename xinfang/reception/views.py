"""Staff pages of the reception desk at /workbench/reception/ (thin: forms → services, selectors → templates)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinfang.core import timeutil
from xinfang.core.audit import identity_read_record
from xinfang.core.errors import DomainError
from xinfang.core.models import IdentitySurface
from xinfang.orgs.models import Unit, User
from xinfang.reception import forms as f
from xinfang.reception import selectors, services
from xinfang.reception.models import Booking, FieldVisit, Invitation, ReceptionSchedule, ReceptionSession
from xinfang.supervision.assignments import assignments_for
from xinfang.supervision.models import AssignmentSource
from xinfang.workbench.access import staff_required, staff_user

PAGE = 50


def _units(user: User) -> QuerySet[Unit]:
    assert user.unit is not None  # noqa: S101 - staff_required
    path = user.unit.scope_path if user.oversees_below else user.unit.path
    return Unit.objects.active().within(path).order_by("path")


def _page(request: HttpRequest, qs: QuerySet[Any]) -> Any:
    return Paginator(qs, PAGE).get_page(request.GET.get("page"))


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    """Sessions in scope around today, with their status and bookings."""
    user = staff_user(request)
    today = timeutil.today()
    show = request.GET.get("show", "coming")
    qs = selectors.sessions_visible_to(user)
    if show == "past":
        qs = qs.filter(date__lt=today).order_by("-date", "-id")
    else:
        qs = qs.filter(date__gte=today).order_by("date", "start_time", "id")
    context = {"nav": "reception", "page": _page(request, qs), "show": show, "today": today}
    return render(request, "reception/index.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def schedules(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    leaders = selectors.leaders_in_scope(user)
    sites = selectors.sites_visible_to(user).filter(is_active=True)
    site_form = f.SiteForm(units=_units(user), prefix="site")
    schedule_form = f.ScheduleForm(leaders=leaders, sites=sites, prefix="schedule")
    status = 200
    if request.method == "POST":
        if "site-name" in request.POST:
            site_form = f.SiteForm(request.POST, units=_units(user), prefix="site")
            if site_form.is_valid():
                try:
                    services.site_create(actor=user, **site_form.cleaned_data)
                except DomainError as exc:
                    f.apply_error(site_form, exc)
                else:
                    messages.success(request, _("Site added."))
                    return HttpResponseRedirect(reverse("reception:schedules"))
        else:
            schedule_form = f.ScheduleForm(request.POST, leaders=leaders, sites=sites, prefix="schedule")
            if schedule_form.is_valid():
                try:
                    services.schedule_create(actor=user, data=services.ScheduleData(**schedule_form.cleaned_data))
                except DomainError as exc:
                    f.apply_error(schedule_form, exc)
                else:
                    messages.success(request, _("Schedule saved. Generate its sessions for a period."))
                    return HttpResponseRedirect(reverse("reception:schedules"))
        status = 400
    today = timeutil.today()
    context = {
        "nav": "reception",
        "page": _page(request, selectors.schedules_visible_to(user).order_by("-id")),
        "sites": sites[:100],
        "site_form": site_form,
        "schedule_form": schedule_form,
        "period_form": f.PeriodForm(initial={"start": today, "end": today + dt.timedelta(days=90)}),
    }
    return render(request, "reception/schedules.html", context, status=status)


@staff_required
@require_POST
def schedule_generate(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    schedule: ReceptionSchedule = get_object_or_404(selectors.schedules_visible_to(user), pk=pk)
    form = f.PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the period as two dates."))
    else:
        try:
            made = services.sessions_generate(actor=user, schedule=schedule, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            moved = sum(1 for s in made if s.moved_reason)
            messages.success(
                request,
                _("%(n)s sessions created (%(moved)s moved off non-working days).") % {"n": len(made), "moved": moved},
            )
    return HttpResponseRedirect(reverse("reception:schedules"))


@staff_required
@require_POST
def schedule_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    schedule: ReceptionSchedule = get_object_or_404(selectors.schedules_visible_to(user), pk=pk)
    try:
        services.schedule_publish(actor=user, schedule=schedule, published=request.POST.get("published") == "1")
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return HttpResponseRedirect(reverse("reception:schedules"))


def _session_context(user: User, session: ReceptionSession, **forms: Any) -> dict[str, Any]:
    booking_qs = session.bookings.select_related("petition").order_by("slot_start", "id")
    bookings = list(booking_qs)
    # Art. 30 ¶3: matters and booked petitions that accuse the viewer's side are left out (the batch and the
    # booking stay, without the petition).
    visits = selectors.with_visible_matters(session.visits.order_by("id"), user)
    matter_ids = [m.pk for v in visits for m in v.matters.all()]
    from xinfang.supervision.models import Assignment

    assigned = Assignment.objects.filter(source=AssignmentSource.RECEPTION, source_id__in=matter_ids).select_related(
        "unit"
    )
    totals = {"batches": len(visits), "persons": sum(v.head_count for v in visits)}
    contact = selectors.receives_citizens_of(user, session)
    if contact:  # the booked citizens' phones are shown whole
        identity_read_record(
            user=user, surface=IdentitySurface.RECEPTION_SESSION, bookings={b.pk: b.petition_id for b in bookings}
        )
    return {
        "nav": "reception",
        "session": session,
        "bookings": bookings,
        "hidden_petitions": selectors.hidden_petition_ids(user, (b.petition_id for b in bookings)),
        "contact": contact,
        "visits": visits,
        "assigned": assigned,
        "totals": totals,
        "today": timeutil.today(),
        "status_form": forms.get("status_form") or f.SessionStatusForm(),
        "visit_form": forms.get("visit_form")
        or f.VisitForm(bookings=booking_qs.exclude(status="cancelled"), units=_units(user)),
        "new_codes": forms.get("new_codes", {}),
    }


@staff_required
@require_http_methods(["GET", "POST"])
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A session: bookings (mark no-shows), the record of visits, and its status."""
    user = staff_user(request)
    session: ReceptionSession = get_object_or_404(selectors.sessions_visible_to(user), pk=pk)
    if request.method == "GET":
        return render(request, "reception/session.html", _session_context(user, session))
    if request.POST.get("form") == "status":
        status_form = f.SessionStatusForm(request.POST)
        if status_form.is_valid():
            try:
                services.session_set_status(actor=user, session=session, **status_form.cleaned_data)
            except DomainError as exc:
                f.apply_error(status_form, exc)
            else:
                messages.success(request, _("Session updated."))
                return HttpResponseRedirect(reverse("reception:session", args=[pk]))
        return render(
            request, "reception/session.html", _session_context(user, session, status_form=status_form), status=400
        )
    bookings = session.bookings.exclude(status="cancelled")
    visit_form = f.VisitForm(request.POST, bookings=bookings, units=_units(user))
    if visit_form.is_valid():
        d = visit_form.cleaned_data
        matters = []
        if d["petition"] or d["new_title"]:
            new = None
            if d["new_title"]:
                from xinfang.petitions.services import IntakeData, PetitionerData

                new = IntakeData(
                    channel="visit",
                    title=d["new_title"],
                    request=d["new_request"],
                    facts_and_reasons=d["new_facts"],
                    head_count=d["head_count"],
                    petitioners=[PetitionerData(name=d["new_name"], phone=d["new_phone"], address=d["new_address"])],
                    problem_division_code=d["new_division_code"],
                )
            assignments = (
                [services.AssignmentData(d["assign_matter"], d["assign_unit"], d["assign_due"])]
                if d["assign_matter"]
                else []
            )
            matters.append(
                services.MatterData(
                    petition_key=d["petition"],
                    new=new,
                    solved_on_spot=d["solved_on_spot"],
                    solution=d["solution"],
                    outcome=d["outcome"],
                    assignments=assignments,
                )
            )
        try:
            result = services.visit_record(
                actor=user,
                session=session,
                head_count=d["head_count"],
                summary=d["summary"],
                booking=d["booking"],
                matters=matters,
            )
        except DomainError as exc:
            f.apply_error(visit_form, exc)
        else:
            session.refresh_from_db()
            messages.success(request, _("Batch recorded."))
            return render(
                request, "reception/session.html", _session_context(user, session, new_codes=result.new_codes)
            )
    return render(request, "reception/session.html", _session_context(user, session, visit_form=visit_form), status=400)


@staff_required
@require_POST
def booking_mark(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    booking: Booking = get_object_or_404(
        Booking.objects.filter(session__in=selectors.sessions_visible_to(user).values("pk")), pk=pk
    )
    form = f.BookingMarkForm(request.POST)
    if form.is_valid():
        try:
            services.booking_mark(actor=user, booking=booking, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Booking updated."))
    return HttpResponseRedirect(reverse("reception:session", args=[booking.session_id]))


@staff_required
@require_http_methods(["GET", "POST"])
def invitations(request: HttpRequest) -> HttpResponse:
    """约访: invite the petitioner of a case you can see to meet a leader."""
    user = staff_user(request)
    leaders = selectors.leaders_in_scope(user)
    form = f.InvitationForm(leaders=leaders, initial={"petition": request.GET.get("petition", "")[:40]})
    status = 200
    if request.method == "POST":
        form = f.InvitationForm(request.POST, leaders=leaders)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.invitation_create(
                    actor=user,
                    petition_key=d["petition"],
                    leader=d["leader"],
                    on=d["on"],
                    at=d["at"],
                    place=d["place"],
                    note=d["note"],
                )
            except Http404:
                form.add_error("petition", _("No petition with this number that you can see."))
            except DomainError as exc:
                f.apply_error(form, exc)
            else:
                messages.success(request, _("Invitation sent by SMS."))
                return HttpResponseRedirect(reverse("reception:invitations"))
        status = 400
    page = _page(request, selectors.invitations_visible_to(user).order_by("-on", "-id"))
    context = {"nav": "reception", "form": form, "page": page, "mark_form": f.InvitationMarkForm()}
    return render(request, "reception/invitations.html", context, status=status)


@staff_required
@require_POST
def invitation_mark(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    invitation: Invitation = get_object_or_404(selectors.invitations_visible_to(user), pk=pk)
    form = f.InvitationMarkForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_mark(actor=user, invitation=invitation, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Invitation updated."))
    return HttpResponseRedirect(reverse("reception:invitations"))


@staff_required
@require_http_methods(["GET", "POST"])
def field_visits(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    leaders = selectors.leaders_in_scope(user)
    form = f.FieldVisitForm(leaders=leaders)
    status = 200
    if request.method == "POST":
        form = f.FieldVisitForm(request.POST, leaders=leaders)
        if form.is_valid():
            d = form.cleaned_data
            try:
                visit = services.field_visit_create(
                    actor=user,
                    leader=d["leader"],
                    on=d["on"],
                    place=d["place"],
                    purpose=d["purpose"],
                    petition_keys=d["petitions"].split(),
                )
            except DomainError as exc:
                f.apply_error(form, exc)
            else:
                return HttpResponseRedirect(reverse("reception:field_visit", args=[visit.pk]))
        status = 400
    page = _page(request, selectors.field_visits_visible_to(user))
    return render(
        request, "reception/field_visits.html", {"nav": "reception", "form": form, "page": page}, status=status
    )


@staff_required
@require_http_methods(["GET", "POST"])
def field_visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    visit: FieldVisit = get_object_or_404(selectors.field_visits_visible_to(user), pk=pk)
    case_form, result_form, minutes_form = f.CaseForm(), f.CaseResultForm(), f.MinutesForm(units=_units(user))
    status = 200
    if request.method == "POST":
        which = request.POST.get("form", "")
        try:
            if which == "case":
                case_form = f.CaseForm(request.POST)
                if case_form.is_valid():
                    services.field_visit_add_case(
                        actor=user, visit=visit, petition_key=case_form.cleaned_data["petition"]
                    )
                    return HttpResponseRedirect(reverse("reception:field_visit", args=[pk]))
            elif which == "result":
                result_form = f.CaseResultForm(request.POST)
                # Only a case this user may see (Art. 30 ¶3): a hidden one answers 404 like a missing one.
                case = get_object_or_404(
                    selectors.field_visit_cases_visible_to(user, visit), pk=int(request.POST.get("case", "0") or 0)
                )
                if result_form.is_valid():
                    services.field_visit_case_result(actor=user, case=case, **result_form.cleaned_data)
                    return HttpResponseRedirect(reverse("reception:field_visit", args=[pk]))
            elif which == "minutes":
                minutes_form = f.MinutesForm(request.POST, units=_units(user))
                if minutes_form.is_valid():
                    d = minutes_form.cleaned_data
                    decisions = (
                        [services.DecisionData(d["matter"], d["unit"], d["due"], d["petition"])] if d["matter"] else []
                    )
                    services.field_visit_minutes(actor=user, visit=visit, minutes=d["minutes"], decisions=decisions)
                    return HttpResponseRedirect(reverse("reception:field_visit", args=[pk]))
        except DomainError as exc:
            target = {"case": case_form, "result": result_form}.get(which, minutes_form)
            f.apply_error(target, exc)
        status = 400
    context = {
        "nav": "reception",
        "visit": visit,
        "cases": selectors.field_visit_cases_visible_to(user, visit),
        "assignments": assignments_for(AssignmentSource.FIELD_VISIT, visit.pk),
        "case_form": case_form,
        "result_form": result_form,
        "minutes_form": minutes_form,
        "today": timeutil.today(),
    }
    return render(request, "reception/field_visit.html", context, status=status)


@staff_required
def compliance(request: HttpRequest) -> HttpResponse:
    """Frequency compliance per leader for a year, and the year's reported figures."""
    user = staff_user(request)
    today = timeutil.today()
    form = f.ComplianceForm(request.GET or {"year": today.year}, units=_units(user))
    year, unit = today.year, None
    if form.is_valid():
        year, unit = form.cleaned_data["year"], form.cleaned_data["unit"]
    leaders = selectors.leaders_in_scope(user)
    if unit is not None:
        from xinfang.supervision.assignments import path_range

        leaders = leaders.filter(path_range("unit__path", unit.path))
    page = _page(request, leaders)
    rows = selectors.compliance(list(page.object_list), year, today)
    stats = selectors.statistics(user, unit, dt.date(year, 1, 1), min(dt.date(year, 12, 31), today))
    context = {"nav": "reception", "form": form, "page": page, "rows": rows, "stats": stats, "year": year}
    return render(request, "reception/compliance.html", context)
