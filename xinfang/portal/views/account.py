"""Optional citizen accounts: sign up, sign in, sign out, the list of one's own petitions, and claiming one.

A citizen account is an ``orgs.User`` without a unit and without staff rights; it lists the petitions it
submitted while signed in and those it claimed with 编号 + 查询码 (sent before signing up, or by letter or visit).
The 查询码 keeps working for everyone, with or without an account.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang.core.errors import DomainError
from xinfang.core.throttling import guess_wait
from xinfang.orgs.models import User
from xinfang.petitions.services import petition_claim
from xinfang.portal import selectors
from xinfang.portal.forms import ClaimForm, SignInForm, SignUpForm
from xinfang.portal.models import CitizenProfile
from xinfang.portal.throttle import TRACK, refuse_attempt, throttle_wait


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portal:my_petitions")


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        wait = throttle_wait(request, TRACK)
        if wait is not None:
            refuse_attempt(form, wait)
            return render(request, "portal/account/sign_up.html", {"form": form}, status=429)
        if form.is_valid():
            user = form.save()
            CitizenProfile.objects.create(user=user, phone=form.cleaned_data.get("phone", ""))
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return HttpResponseRedirect(reverse("portal:my_petitions"))
        return render(request, "portal/account/sign_up.html", {"form": form}, status=400)
    return render(request, "portal/account/sign_up.html", {"form": form})


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = SignInForm(request, data=request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    context = {"form": form, "next": next_url}
    if request.method == "POST":
        wait = throttle_wait(request, TRACK)
        if wait is not None:
            refuse_attempt(form, wait)
            return render(request, "portal/account/sign_in.html", context, status=429)
        if form.is_valid():
            login(request, form.get_user())
            return HttpResponseRedirect(_next_url(request))
        return render(request, "portal/account/sign_in.html", context, status=400)
    return render(request, "portal/account/sign_in.html", context)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return HttpResponseRedirect(reverse("portal:home"))


def _petitions_page(request: HttpRequest, citizen: User, form: ClaimForm, status: int = 200) -> HttpResponse:
    petitions = list(selectors.citizen_petitions(citizen)[:200])
    return render(request, "portal/account/petitions.html", {"petitions": petitions, "claim_form": form}, status=status)


def _not_a_citizen(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:  # a staff account: its petitions are on the workbench
        return render(request, "portal/account/not_citizen.html", status=403)
    return HttpResponseRedirect(f"{reverse('portal:sign_in')}?next={reverse('portal:my_petitions')}")


@never_cache
@require_GET
def my_petitions(request: HttpRequest) -> HttpResponse:
    """The petitions of this citizen account (each links to its tracking page), and the form to claim one."""
    citizen = selectors.citizen_user(request)
    if citizen is None:
        return _not_a_citizen(request)
    return _petitions_page(request, citizen, ClaimForm(prefix="claim"))


@never_cache
@require_POST
def claim(request: HttpRequest) -> HttpResponse:
    """认领 with 编号 + 查询码, counted by the same per-client and per-编号 limits as tracking (Art. 21)."""
    citizen = selectors.citizen_user(request)
    if citizen is None:
        return _not_a_citizen(request)
    form = ClaimForm(request.POST, prefix="claim")
    wait = throttle_wait(request, TRACK)
    if wait is None and form.is_valid():
        wait = guess_wait(form.cleaned_data["number"])  # too many wrong codes for this 编号, from anywhere
    if wait is not None:
        refuse_attempt(form, wait)
        return _petitions_page(request, citizen, form, status=429)
    if form.is_valid():
        petition = selectors.find_by_code(form.cleaned_data["number"], form.cleaned_data["code"])
        if petition is not None:
            try:
                petition_claim(petition=petition, account=citizen)
            except DomainError:
                pass  # held by another account: the same answer as a wrong pair
            else:
                messages.success(request, _("Petition %(number)s is now in your list.") % {"number": petition.number})
                return HttpResponseRedirect(reverse("portal:my_petitions"))
        # One answer for a wrong number, a wrong code and a petition another account holds: no oracle.
        form.add_error(None, _("No petition you can add matches this number and query code. Check both and try again."))
    return _petitions_page(request, citizen, form, status=400)
