"""Two-factor sign-in pages (issue 9): set up an authenticator app, give a code after the password, turn it off.

The rules live in ``xinfang.core.twofactor``; these views only parse the code and render. The QR code is an inline
SVG made on the server (no script: the pages run under the site's Content-Security-Policy).
"""

from __future__ import annotations

from base64 import b32encode
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from xinfang.core import twofactor
from xinfang.core.errors import InvalidInput
from xinfang.core.limits import lockout_response
from xinfang.orgs.models import User
from xinfang.workbench.access import refuse


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=32,
        help_text=gettext_lazy("The 6 digits your authenticator app shows now, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def account_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in unit staff, or an admin account without a unit; citizens are refused, anonymous users go to log in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not isinstance(user, User) or not (user.is_unit_staff or user.is_staff):
            return refuse(request)
        return view(request, user, *args, **kwargs)

    return wrapper


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("workbench:inbox")


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def _invalid(form: CodeForm, exc: InvalidInput) -> None:
    form.add_error("code", str(exc.message))


@account_required
def overview(request: HttpRequest, user: User) -> HttpResponse:
    """Whether two-factor sign-in is on, whether the role requires it, how many backup codes are left."""
    enrolled = twofactor.has_confirmed_device(user)
    backup_left = StaticToken.objects.filter(device__user=user, device__confirmed=True).count() if enrolled else 0
    context = {
        "nav": "twofactor",
        "enrolled": enrolled,
        "required": twofactor.role_requires_second_factor(user),
        "backup_left": backup_left,
        "form": CodeForm(),
    }
    return render(request, "workbench/twofactor.html", context)


@account_required
def setup(request: HttpRequest, user: User) -> HttpResponseBase:
    """Scan the QR code (or type the key), enter the first code: the authenticator is on and the backup codes are shown
    once. An account that already has one must give its code first: a stolen password cannot add a device."""
    target = _next(request)
    if twofactor.has_confirmed_device(user) and not twofactor.is_verified(user):
        return redirect(_with_next("workbench:twofactor_verify", target))
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                enrolment = twofactor.totp_device_confirm(user=user, code=form.cleaned_data["code"])
            except InvalidInput as exc:
                _invalid(form, exc)
            else:
                twofactor.session_verify(request, enrolment.device)
                response = render(
                    request,
                    "workbench/twofactor_codes.html",
                    {"nav": "twofactor", "codes": enrolment.backup_codes, "next": target},
                )
                response["Cache-Control"] = "no-store"  # the codes are shown this once, never from a cache
                return response
        status = 400
    device = twofactor.totp_device_start(user=user)
    context = {
        "nav": "twofactor",
        "form": form,
        "next": target,
        # Server-made SVG (paths only, no text from the user), so marking it safe injects nothing.
        "qr": mark_safe(twofactor.qr_svg(device.config_url)),  # noqa: S308
        "secret": b32encode(device.bin_key).decode("ascii"),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    return render(request, "workbench/twofactor_setup.html", context, status=status)


@account_required
def verify(request: HttpRequest, user: User) -> HttpResponseBase:
    """The code after the password. Wrong codes count as failed logins: at the limit the session ends (lockout)."""
    target = _next(request)
    if twofactor.is_verified(user):
        return redirect(target)
    if not twofactor.has_confirmed_device(user):
        request.session[twofactor.ENROLLED_SESSION_KEY] = False
        if twofactor.role_requires_second_factor(user):
            return redirect(_with_next("workbench:twofactor_setup", target))
        return redirect(target)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                device = twofactor.otp_verify(user=user, code=form.cleaned_data["code"])
            except InvalidInput as exc:
                if twofactor.record_failure(request, user):
                    logout(request)
                    return lockout_response(request)
                _invalid(form, exc)
            else:
                twofactor.session_verify(request, device)
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        _("You signed in with a backup code; %(n)s are left. Each works once.") % {"n": left},
                    )
                return redirect(target)
        return render(request, "workbench/twofactor_verify.html", {"form": form, "next": target}, status=400)
    return render(request, "workbench/twofactor_verify.html", {"form": form, "next": target})


@require_POST
@account_required
def disable(request: HttpRequest, user: User) -> HttpResponseBase:
    """Turn two-factor sign-in off with a fresh code (the authenticator and all backup codes are removed)."""
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            twofactor.otp_disable(user=user, code=form.cleaned_data["code"])
        except InvalidInput as exc:
            _invalid(form, exc)
        else:
            request.session[twofactor.ENROLLED_SESSION_KEY] = False
            if twofactor.role_requires_second_factor(user):
                messages.warning(request, _("Your role requires two-factor sign-in: set up a new authenticator now."))
                return redirect("workbench:twofactor_setup")
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("workbench:twofactor")
    context = {
        "nav": "twofactor",
        "enrolled": True,
        "required": twofactor.role_requires_second_factor(user),
        "backup_left": StaticToken.objects.filter(device__user=user).count(),
        "form": form,
    }
    return render(request, "workbench/twofactor.html", context, status=400)
