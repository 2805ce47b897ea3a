"""Citizens' pages at /reception/: the reception calendar, booking a slot (约访), viewing or cancelling a booking.

Booking shares the portal's submission allowance (``public_submit``) and the code look-up its tracking allowance
(``public_track``), per client address, whether the citizen uses these pages or the API.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.portal.throttle import SUBMIT, TRACK, refuse_attempt, throttle_wait
from xinfang.reception import selectors, services
from xinfang.reception.forms import BookingCodeForm, BookingForm, apply_error
from xinfang.reception.models import ReceptionSession


@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """Published reception days from today: which leader, where, when, which topic."""
    sessions = selectors.public_sessions(timeutil.today())
    page = Paginator(sessions, 30).get_page(request.GET.get("page"))
    return render(request, "reception/public/calendar.html", {"page": page})


def _slot_choices(session: ReceptionSession) -> list[tuple[str, str]]:
    choices = []
    for slot in selectors.slots(session):
        label = f"{slot.start:%H:%M}–{slot.end:%H:%M}"
        if slot.free:
            label += " · " + _("%(n)s places free") % {"n": slot.free}
        else:
            label += " · " + _("full")
        choices.append((slot.start.strftime("%H:%M:%S"), label))
    return choices


@never_cache
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.public_session_or_none(pk, timeutil.today())
    if session is None:
        raise Http404
    choices = _slot_choices(session)
    if request.method != "POST":
        form = BookingForm(slot_choices=choices)
        return render(request, "reception/public/book.html", {"session": session, "form": form})
    form = BookingForm(request.POST, slot_choices=choices)
    wait = throttle_wait(request, SUBMIT)
    if wait is not None:
        refuse_attempt(form, wait)
        return render(request, "reception/public/book.html", {"session": session, "form": form}, status=429)
    if form.is_valid():
        try:
            booking, code = services.booking_create(session=session, data=services.BookingData(**form.cleaned_data))
        except DomainError as exc:
            apply_error(form, exc)
        else:
            return render(request, "reception/public/booked.html", {"booking": booking, "code": code}, status=201)
    form.fields["slot_start"].choices = _slot_choices(session)  # type: ignore[attr-defined]
    return render(request, "reception/public/book.html", {"session": session, "form": form}, status=400)


@never_cache
@require_http_methods(["GET", "POST"])
def booking(request: HttpRequest) -> HttpResponse:
    """View a booking with its code; cancel it (``action=cancel``)."""
    if request.method != "POST":
        return render(request, "reception/public/booking.html", {"form": BookingCodeForm()})
    form = BookingCodeForm(request.POST)
    wait = throttle_wait(request, TRACK)
    if wait is not None:
        refuse_attempt(form, wait)
        return render(request, "reception/public/booking.html", {"form": form}, status=429)
    if not form.is_valid():
        return render(request, "reception/public/booking.html", {"form": form}, status=400)
    code = form.cleaned_data["code"]
    found = services.booking_by_code(code)
    if found is None:
        form.add_error("code", _("No booking matches this code. Check it and try again."))
        return render(request, "reception/public/booking.html", {"form": form}, status=400)
    message = ""
    if request.POST.get("action") == "cancel":
        try:
            found = services.booking_cancel_by_citizen(code=code)
        except DomainError as exc:
            apply_error(form, exc)
        else:
            message = _("Your booking is cancelled.")
    context = {"form": form, "found": found, "code": code, "message": message}
    return render(request, "reception/public/booking.html", context)
