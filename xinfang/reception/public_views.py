"""Citizens' pages at /reception/: the reception calendar, booking a slot (约访), viewing or cancelling a booking.

Booking shares the portal's submission allowance (``public_submit``) and the code look-up its tracking allowance
(``public_track``), per client address, whether the citizen uses these pages or the API.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from xinfang.core import timeutil
from xinfang.core.errors import DomainError
from xinfang.portal.throttle import SUBMIT, TRACK, refuse_attempt, throttle_wait
from xinfang.reception import selectors, services
from xinfang.reception.forms import BookingCodeForm, BookingForm, apply_error
from xinfang.reception.models import Booking, ReceptionSession

BOOKED_SESSION_KEY = "reception_booked"  # ids of the bookings made in this browser session (their confirmation)
BOOKED_KEEP = 10  # how many of them the session remembers
CODE_COOKIE = "xf_booking_code"  # the code of the booking just made, for its confirmation page only
CODE_COOKIE_SECONDS = 600


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
            return _to_confirmation(request, booking.pk, code)
    form.fields["slot_start"].choices = _slot_choices(session)  # type: ignore[attr-defined]
    return render(request, "reception/public/book.html", {"session": session, "form": form}, status=400)


def _to_confirmation(request: HttpRequest, booking_id: int, code: str) -> HttpResponse:
    """POST → redirect → GET: the confirmation is a page of its own, so reloading it books nothing.

    The booking id goes in the URL, the right to see it in the session, and the booking code (shown once) in a
    signed, short-lived cookie for the confirmation page only — never in the URL and never stored on the server.
    """
    booked = [i for i in request.session.get(BOOKED_SESSION_KEY, []) if i != booking_id][-(BOOKED_KEEP - 1) :]
    request.session[BOOKED_SESSION_KEY] = [*booked, booking_id]
    response = redirect("reception_public:booked", booking_id=booking_id)
    response.status_code = 303  # See Other: the browser GETs the confirmation, and a reload repeats the GET
    response.set_signed_cookie(
        CODE_COOKIE,
        f"{booking_id}:{code}",
        salt=CODE_COOKIE,
        max_age=CODE_COOKIE_SECONDS,
        path=reverse("reception_public:booked", kwargs={"booking_id": booking_id}),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


@never_cache
@require_GET
def booked(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The confirmation of a booking made in this browser session; its code is shown on the first view only."""
    if booking_id not in request.session.get(BOOKED_SESSION_KEY, []):
        raise Http404
    found = Booking.objects.select_related("session__site", "session__leader").filter(pk=booking_id).first()
    if found is None:
        raise Http404
    code = ""
    path = reverse("reception_public:booked", kwargs={"booking_id": booking_id})
    raw = request.get_signed_cookie(CODE_COOKIE, default="", salt=CODE_COOKIE, max_age=CODE_COOKIE_SECONDS)
    cookie_id, _sep, cookie_code = str(raw).partition(":")
    if cookie_id == str(booking_id):
        code = cookie_code
    response = render(request, "reception/public/booked.html", {"booking": found, "code": code})
    if CODE_COOKIE in request.COOKIES:
        response.delete_cookie(CODE_COOKIE, path=path, samesite="Lax")  # shown once
    return response


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
