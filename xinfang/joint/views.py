"""Staff pages of joint work at /workbench/joint/: thin views over the same services and selectors as the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.core.limits import is_id, parse_id
from xinfang.joint import forms as f
from xinfang.joint import selectors, services
from xinfang.joint.models import (
    AgendaItem,
    AgendaKind,
    JurisdictionRoute,
    MediationStatus,
    TriageKind,
    VisitOutcome,
    Window,
)
from xinfang.orgs.models import Unit, User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petition_get_visible
from xinfang.petitions.workflow import State
from xinfang.supervision.assignments import assignments_visible_to
from xinfang.supervision.models import AssignmentSource
from xinfang.workbench.access import staff_required, staff_user

PAGE_SIZE = 25


def _page(request: HttpRequest, qs: QuerySet[Any], param: str = "after") -> tuple[list[Any], str, bool]:
    """Keyset page, newest first: (rows, query string of the next page or "", whether this is the first page)."""
    raw = request.GET.get(param, "")
    if (after := parse_id(raw)) is not None:
        qs = qs.filter(pk__lt=after)
    rows = list(qs.order_by("-pk")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    params = request.GET.copy()
    next_page = ""
    if more:
        params[param] = str(rows[-1].pk)
        next_page = params.urlencode()
    return rows, next_page, after is None


def _petition_key(user: User, key: str, form: forms.Form, field: str = "petition") -> Petition | None:
    key = key.strip()
    if not key:
        return None
    try:
        return petition_get_visible(user, key)
    except Http404:
        form.add_error(field, _("No petition %(key)s that you can see.") % {"key": key})
        return None


def _attempt(form: forms.Form, call: Callable[[], Any]) -> Any:
    """Run a service; a refusal is shown on the form and nothing was written (services are atomic)."""
    try:
        with transaction.atomic():
            return call()
    except DomainError as error:
        f.place_error(form, error)
        return None


def _mark(user: User, rows: list[Any]) -> None:
    """Set ``visible_petition`` on each row: may this user see the petition it refers to (one query)."""
    visible = selectors.visible_petition_ids(user, [r.petition_id for r in rows])
    for r in rows:
        r.visible_petition = r.petition_id in visible


def _one(qs: QuerySet[Any], pk: int) -> Any:
    return selectors.get_or_404(qs, pk)


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    today = timeutil.today()
    mine = assignments_visible_to(user).filter(source__in=services.JOINT_SOURCES, unit=user.unit, done_on__isnull=True)
    context = {
        "nav": "joint",
        "open_count": mine.count(),
        "overdue_count": mine.filter(due__lt=today).count(),
        "conference_count": selectors.conferences_visible_to(user).count(),
        "centre_count": selectors.centres_visible_to(user).count(),
        "point_count": selectors.points_visible_to(user).count(),
    }
    return render(request, "joint/index.html", context)


# ---------------------------------------------------------------- 联席会议


@staff_required
def conferences(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    confs = selectors.conferences_visible_to(user).select_related("unit").order_by("unit_path")[:100]
    meetings, next_page, first = _page(request, selectors.meetings_visible_to(user).select_related("conference"))
    context = {"nav": "joint", "conferences": confs, "meetings": meetings, "next_page": next_page, "first": first}
    return render(request, "joint/conferences.html", context)


@staff_required
def conference_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = staff_user(request)
    conf = _one(selectors.conferences_visible_to(user).select_related("unit"), pk)
    members = conf.members.order_by("path")
    form = f.MeetingForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        meeting = _attempt(
            form,
            lambda: services.meeting_create(
                actor=user,
                conference=conf,
                held_on=d["held_on"],
                convened_by=d["convened_by"],
                attendees=list(d["attendees"]),
                minutes=d["minutes"],
            ),
        )
        if meeting is not None:
            messages.success(request, _("Meeting recorded."))
            return redirect("joint:meeting", pk=meeting.pk)
    meetings, next_page, first = _page(request, conf.meetings.all())
    context = {
        "nav": "joint",
        "conference": conf,
        "members": members,
        "form": form,
        "can_organise": services.manages(user, conf.unit),
        "meetings": meetings,
        "next_page": next_page,
        "first": first,
    }
    return render(request, "joint/conference.html", context)


def _jurisdiction_choices(holder: Unit) -> QuerySet[Unit]:
    """The units directly under the common superior holding a disputed petition (Art. 24), bounded and sorted."""
    return Unit.objects.active().filter(parent_id=holder.pk).order_by("path")


@staff_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = staff_user(request)
    meeting = _one(selectors.meetings_visible_to(user).select_related("conference__unit"), pk)
    conf = meeting.conference
    # Read once for the page: every item's decision form offers the same units, and a queryset would be read
    # again by each form as it renders (one query per agenda item).
    area_units = list(conf.members.order_by("path"))
    item_form = f.AgendaItemForm(prefix="item")
    decision_form: f.DecisionForm | None = None
    jurisdiction_form: f.JurisdictionForm | None = None
    target_item: AgendaItem | None = None
    action = request.POST.get("action", "")
    if request.method == "POST":
        raw_item = request.POST.get("item", "")
        target_item = (
            AgendaItem.objects.filter(meeting=meeting).filter(pk=int(raw_item)).first() if is_id(raw_item) else None
        )
        done: Any = None
        if action == "item":
            item_form = f.AgendaItemForm(request.POST, prefix="item")
            if item_form.is_valid():
                d = item_form.cleaned_data
                petition = _petition_key(user, d["petition"], item_form)
                if not item_form.errors:
                    done = _attempt(
                        item_form,
                        lambda: services.agenda_item_add(
                            actor=user,
                            meeting=meeting,
                            kind=d["kind"],
                            title=d["title"],
                            description=d["description"],
                            reference=d["reference"],
                            petition=petition,
                        ),
                    )
        elif action == "decision" and target_item is not None:
            decision_form = f.DecisionForm(request.POST, prefix=f"d{target_item.pk}", units=area_units)
            if decision_form.is_valid():
                d = decision_form.cleaned_data
                specs = [services.AssignmentSpec(u, d["due"]) for u in d["units"]]
                item = target_item
                done = _attempt(
                    decision_form,
                    lambda: services.decision_record(actor=user, item=item, text=d["text"], assignments=specs),
                )
        elif action == "jurisdiction" and target_item is not None and target_item.petition is not None:
            holder = Petition.objects.select_related("current_unit").get(pk=target_item.petition.pk).current_unit
            jurisdiction_form = f.JurisdictionForm(
                request.POST, prefix=f"j{target_item.pk}", units=_jurisdiction_choices(holder)
            )
            if jurisdiction_form.is_valid():
                d = jurisdiction_form.cleaned_data
                item = target_item
                done = _attempt(
                    jurisdiction_form,
                    lambda: services.jurisdiction_settle(actor=user, item=item, to_unit=d["to_unit"], note=d["note"]),
                )
        elif action == "carry_out" and target_item is not None:
            form = forms.Form(request.POST)
            item = target_item
            done = _attempt(form, lambda: services.jurisdiction_carry_out(actor=user, item=item))
            if done is None:
                for error in form.non_field_errors():
                    messages.error(request, str(error))
        else:
            raise Http404
        if done is not None:
            messages.success(request, _("Saved."))
            return redirect("joint:meeting", pk=meeting.pk)
    # The same selector as the API: items and decisions about an accusation against this user's side are left out
    # (Art. 30 ¶3).
    shown = selectors.meeting_agenda(user, meeting)
    agenda: list[Any] = list(shown.items)
    visible = selectors.visible_petition_ids(user, [i.petition_id for i in agenda])
    jurisdiction_forms = {}
    for item in agenda:
        item.visible_petition = item.petition_id in visible
        item.decision_list = shown.decisions.get(item.pk, [])
        for d in item.decision_list:
            d.assignment_list = shown.assignments.get(d.pk, [])
        if item.visible_petition and item.petition.state == State.DISPUTED and item.jurisdiction_unit_id is None:
            holder = item.petition.current_unit
            if jurisdiction_form is not None and target_item is not None and target_item.pk == item.pk:
                jurisdiction_forms[item.pk] = jurisdiction_form
            else:
                jurisdiction_forms[item.pk] = f.JurisdictionForm(
                    prefix=f"j{item.pk}", units=_jurisdiction_choices(holder)
                )
        item.jurisdiction_form = jurisdiction_forms.get(item.pk)
        posted = action == "decision" and target_item is not None and target_item.pk == item.pk
        item.decision_form = decision_form if posted else f.DecisionForm(prefix=f"d{item.pk}", units=area_units)
        item.can_carry_out = (
            item.jurisdiction_route == JurisdictionRoute.ASSIGNED
            and item.visible_petition
            and item.petition.state == State.DISPUTED
            and item.petition.current_unit_id == user.unit_id
        )
    context = {
        "nav": "joint",
        "meeting": meeting,
        "items": agenda,
        "item_form": item_form,
        "target_item": target_item.pk if target_item else None,
        "action": action,
        "can_organise": services.manages(user, conf.unit),
        "agenda_petition": AgendaKind.PETITION,
    }
    return render(request, "joint/meeting.html", context)


@staff_required
def decisions(request: HttpRequest) -> HttpResponse:
    """Follow-up of every visible decision: open, overdue or done, from their assignments."""
    user = staff_user(request)
    qs = selectors.decisions_visible_to(user).select_related("item__meeting__conference")
    follow = request.GET.get("follow_up", "")
    # The page ignores a value it does not know (the API refuses it).
    qs = selectors.filter_follow_up(qs, follow if follow in selectors.FOLLOW_UP_FILTERS else "")
    rows, next_page, first = _page(request, qs)
    assignments = selectors.assignments_of(AssignmentSource.JOINT_MEETING, [d.pk for d in rows])
    for d in rows:
        d.follow_up = selectors.follow_up_status(d.n_assigned, d.n_done, d.n_overdue)
        d.assignment_list = assignments.get(d.pk, [])
    context = {
        "nav": "joint",
        "decisions": rows,
        "follow": follow,
        "next_page": next_page,
        "first": first,
        "result_form": f.ResultForm(),
    }
    return render(request, "joint/decisions.html", context)


@require_POST
@staff_required
def assignment_complete(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = staff_user(request)
    assignment = _one(assignments_visible_to(user).filter(source__in=services.JOINT_SOURCES), pk)
    form = f.ResultForm(request.POST)
    if form.is_valid():
        done = _attempt(
            form,
            lambda: services.joint_assignment_complete(
                actor=user, assignment=assignment, result=form.cleaned_data["result"]
            ),
        )
        if done is not None:
            messages.success(request, _("Reported done."))
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/workbench/joint/") else reverse("joint:decisions"))


# ---------------------------------------------------------------- centres


@staff_required
def centres(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    rows, next_page, first = _page(request, selectors.centres_visible_to(user).select_related("unit"))
    context = {"nav": "joint", "centres": rows, "next_page": next_page, "first": first}
    return render(request, "joint/centres.html", context)


@staff_required
def centre_detail(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The centre and its intake window: the triage form (无差别受理) and the matters taken in."""
    user = staff_user(request)
    centre = _one(selectors.centres_visible_to(user).select_related("unit"), pk)
    departments = centre.departments.order_by("path")
    windows = Window.objects.filter(centre=centre).select_related("department")
    form = f.TriageForm(request.POST or None, windows=windows, departments=departments)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fang = d["kind"] == TriageKind.PETITION
        triage = services.Triage(
            kind=d["kind"],
            summary=d["summary"],
            reason=d["reason"],
            intake=form.to_intake(services.WINDOW_CHANNEL) if fang else None,
            route_to=d["route_to"] if fang else None,
            litigation_route=d["litigation_route"],
            guidance=d["guidance"],
            parties_summary=d["parties_summary"],
            mediator_org=d["mediator_org"],
        )
        record = _attempt(form, lambda: services.centre_triage(actor=user, window=d["window"], triage=triage))
        if record is not None:
            if record.petition is not None:
                messages.success(request, _("Registered as petition %(n)s.") % {"n": record.petition.number})
            else:
                messages.success(request, _("Litigation-type matter recorded and referred."))
            return redirect("joint:centre", pk=centre.pk)
    # Through the selector, not ``centre.intakes``: one who may see the centre (an overseeing government, a stationed
    # department) must still not read the summary of an accusation against itself (Art. 30 ¶3).
    intakes, next_page, first = _page(
        request,
        selectors.intakes_visible_to(user)
        .filter(centre=centre)
        .select_related("window", "routed_to", "petition", "taken_by"),
    )
    _mark(user, intakes)
    context = {
        "nav": "joint",
        "centre": centre,
        "departments": departments,
        "windows": windows,
        "form": form,
        "can_take_in": user.unit_id == centre.unit_id and user.has_role("registrar"),
        "intakes": intakes,
        "next_page": next_page,
        "first": first,
    }
    return render(request, "joint/centre.html", context)


@staff_required
def sessions(request: HttpRequest, pk: int) -> HttpResponseBase:
    """联合接访 sessions of one centre, and the form to record one."""
    user = staff_user(request)
    centre = _one(selectors.centres_visible_to(user).select_related("unit"), pk)
    departments = Unit.objects.filter(Q(pk__in=centre.departments.values("pk")) | Q(pk=centre.unit_id))
    form = f.SessionForm(request.POST or None, departments=departments.order_by("path"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        petition = _petition_key(user, d["petition"], form)
        specs = []
        if d["assign_to"]:
            if d["due"] is None:
                form.add_error("due", _("Give the deadline of the assigned task."))
            else:
                specs = [services.AssignmentSpec(u, d["due"], d["assign_matter"]) for u in d["assign_to"]]
        if not form.errors:
            done = _attempt(
                form,
                lambda: services.joint_session_record(
                    actor=user,
                    centre=centre,
                    held_on=d["held_on"],
                    led_by=d["led_by"],
                    matter=d["matter"],
                    departments=list(d["departments"]),
                    outcome=d["outcome"],
                    petition=petition,
                    assignments=specs,
                ),
            )
            if done is not None:
                messages.success(request, _("Joint reception session recorded."))
                return redirect("joint:sessions", pk=centre.pk)
    # Through the selector, not ``centre.sessions``: the matter of a session on an accusation is not shown to the
    # accused side, whatever its sight of the centre (Art. 30 ¶3).
    rows, next_page, first = _page(
        request,
        selectors.sessions_visible_to(user)
        .filter(centre=centre)
        .prefetch_related("departments")
        .select_related("petition"),
    )
    assignments = selectors.assignments_of(AssignmentSource.JOINT_SESSION, [r.pk for r in rows])
    _mark(user, rows)
    for r in rows:
        r.assignment_list = assignments.get(r.pk, [])
    context = {
        "nav": "joint",
        "centre": centre,
        "form": form,
        "can_record": user.unit_id == centre.unit_id,
        "sessions": rows,
        "next_page": next_page,
        "first": first,
    }
    return render(request, "joint/sessions.html", context)


@staff_required
def mediations(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    qs = selectors.referrals_visible_to(user).select_related("centre")
    status = request.GET.get("status", "")
    if status in MediationStatus.values:
        qs = qs.filter(status=status)
    rows, next_page, first = _page(request, qs)
    context = {
        "nav": "joint",
        "referrals": rows,
        "status": status,
        "statuses": MediationStatus.choices,
        "next_page": next_page,
        "first": first,
        "outcome_form": f.MediationOutcomeForm(),
        "referred": MediationStatus.REFERRED,
    }
    return render(request, "joint/mediations.html", context)


@staff_required
def mediation_outcome(request: HttpRequest, pk: int) -> HttpResponseBase:
    user = staff_user(request)
    referral = _one(selectors.referrals_visible_to(user).select_related("centre__unit"), pk)
    form = f.MediationOutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        done = _attempt(
            form,
            lambda: services.mediation_record_outcome(
                actor=user,
                referral=referral,
                reached=d["reached"],
                agreement_text=d["agreement_text"],
                concluded_on=d["concluded_on"],
            ),
        )
        if done is not None:
            messages.success(request, _("Outcome recorded."))
            return redirect("joint:mediations")
    return render(request, "joint/mediation.html", {"nav": "joint", "referral": referral, "form": form})


# ---------------------------------------------------------------- grassroots


@staff_required
def grassroots(request: HttpRequest) -> HttpResponseBase:
    """Grassroots points, household visits (登门遍访) and the visit form."""
    user = staff_user(request)
    points = selectors.points_visible_to(user).select_related("unit")
    own_points = points.filter(unit=user.unit)
    form = f.VisitForm(request.POST or None, points=own_points)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        registered = d["outcome"] == VisitOutcome.REGISTERED
        visit = _attempt(
            form,
            lambda: services.household_visit_record(
                actor=user,
                point=d["point"],
                visited_on=d["visited_on"],
                place=d["place"],
                outcome=d["outcome"],
                findings=d["findings"],
                resolution=d["resolution"],
                intake=form.to_intake(services.HOUSEHOLD_VISIT_CHANNEL) if registered else None,
            ),
        )
        if visit is not None:
            if visit.petition is not None:
                messages.success(request, _("Registered as petition %(n)s.") % {"n": visit.petition.number})
            else:
                messages.success(request, _("Visit recorded."))
            return redirect("joint:grassroots")
    visits, next_page, first = _page(request, selectors.visits_visible_to(user).select_related("point", "petition"))
    _mark(user, visits)
    context = {
        "nav": "joint",
        "points": points.order_by("unit_path", "id")[:100],
        "form": form,
        "can_visit": own_points.exists(),
        "visits": visits,
        "next_page": next_page,
        "first": first,
    }
    return render(request, "joint/grassroots.html", context)


@staff_required
def follow_ups(request: HttpRequest) -> HttpResponseBase:
    """上门回访 after the reply, with the petitioner's view."""
    user = staff_user(request)
    form = f.FollowUpForm(request.POST or None, initial={"petition": request.GET.get("petition", "")})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        petition = _petition_key(user, d["petition"], form)
        if petition is not None:
            row = _attempt(
                form,
                lambda: services.follow_up_visit_record(
                    actor=user,
                    petition=petition,
                    visited_on=d["visited_on"],
                    view=d["view"],
                    view_text=d["view_text"],
                ),
            )
            if row is not None:
                messages.success(request, _("Follow-up visit recorded on the petition's timeline."))
                return redirect("joint:follow_ups")
    rows, next_page, first = _page(request, selectors.follow_ups_visible_to(user).select_related("petition", "unit"))
    _mark(user, rows)
    context = {
        "nav": "joint",
        "form": form,
        "rows": rows,
        "next_page": next_page,
        "first": first,
    }
    return render(request, "joint/follow_ups.html", context)
