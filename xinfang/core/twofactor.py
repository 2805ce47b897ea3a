"""Second factor for staff sign-in: TOTP authenticator apps and one-time backup codes (issue 9; 个人信息保护法 Art. 51).

- **Devices**: a ``core.TotpDevice`` (``xinfang.core.totp``: django-otp's TOTP device, RFC 6238, 6 digits every
  30 s, a code accepted once, but with its secret key encrypted at rest) and django-otp's ``StaticDevice`` holding ten
  backup codes, each usable once. Both throttle wrong codes (growing delays). A code is tried on the authenticator
  first (``match_code``): a TOTP code then never counts as a wrong backup code, which would slow the backup codes
  down a little more at every sign-in.
- **Policy** (``second_factor_required``): staff holding a role of ``settings.XINFANG_2FA_REQUIRED_ROLES`` must
  enrol, and staff who enrolled of their own accord must give a code too. The session remembers at password login
  whether the account has a device (``ENROLLED_SESSION_KEY``), so no request pays a query to find out.
- **Where it is enforced**: ``TwoFactorMiddleware`` sends such a user, until a code was given in this session, to the
  set-up page (no device yet) or the code page, and refuses session-authenticated API calls with 403; the token
  endpoint (``core.api.TokenView``) asks for ``otp`` in the body; the Django admin (``core.admin_site``) lets in only a
  verified session. Every wrong or missing code counts as a failed login for the lockout (django-axes).
- **Services** verify codes outside one enclosing transaction on purpose: a wrong code's throttle step must be kept,
  not rolled back with the refusal.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from xinfang.core.errors import InvalidInput
from xinfang.core.totp import TotpDevice
from xinfang.orgs.models import User

# Set at password login: whether the account has a confirmed device (so the middleware needs no query).
ENROLLED_SESSION_KEY = "xinfang_otp_enrolled"
BACKUP_CODE_COUNT = 10
QR_PIXELS = 220
CODE_MAX_LENGTH = 16  # a backup code is 8 characters, a TOTP code 6 digits; blanks and dashes are dropped first

# Pages and API calls behind the second factor, and the views reachable before it (to give it, or to leave).
GUARDED_PREFIXES = ("/workbench/", "/api/")
OPEN_VIEWS = frozenset(
    {
        "workbench:login",
        "workbench:logout",
        "workbench:twofactor_setup",
        "workbench:twofactor_verify",
        "api-token",
        "api-logout",
    }
)


# ------------------------------------------------------------------------------------------ policy


def role_requires_second_factor(user: Any) -> bool:
    """The account holds a role listed in ``XINFANG_2FA_REQUIRED_ROLES``."""
    roles = settings.XINFANG_2FA_REQUIRED_ROLES
    return bool(roles) and isinstance(user, User) and user.has_role(*roles)


def second_factor_required(user: User) -> bool:
    """A code is asked of this account: its role requires one, or it set up an authenticator of its own accord."""
    return role_requires_second_factor(user) or bool(user_has_device(user))


def is_verified(user: Any) -> bool:
    """A second factor was given in this session (``django_otp.middleware.OTPMiddleware`` sets ``is_verified``)."""
    check: Callable[[], bool] | None = getattr(user, "is_verified", None)
    return bool(check and check())


def _remember_enrolment(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """On a session login, note in the session whether the account has a device (one query, at login only)."""
    session = getattr(request, "session", None)
    if session is None or "_auth_user_id" not in session:  # the token endpoint also sends the signal: no session
        return
    session[ENROLLED_SESSION_KEY] = bool(user_has_device(user))


def connect_signals() -> None:
    """Called from ``CoreConfig.ready``."""
    user_logged_in.connect(_remember_enrolment, dispatch_uid="xinfang_otp_enrolled")


# ------------------------------------------------------------------------------------------ failures (axes)


def record_failure(request: Any, user: User) -> bool:
    """Count a wrong or missing code as a failed login (django-axes); ``True`` if the account is now locked out."""
    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    return bool(getattr(request, "axes_locked_out", False)) or AxesProxyHandler.is_locked(request, credentials)


# ------------------------------------------------------------------------------------------ services


def normalise_code(code: object) -> str:
    """The code as typed, without blanks or dashes, lower-case (backup codes are lower-case base32)."""
    return re.sub(r"[\s-]", "", str(code or "")).lower()


def _verified_device(user: User, code: object, *, field: str) -> Device:
    """The confirmed device that accepts ``code`` now (it is used up), or ``InvalidInput`` naming ``field``."""
    token = normalise_code(code)
    if not token:
        raise InvalidInput(
            _("Enter the 6-digit code from your authenticator app, or one of your backup codes."),
            field=field,
            code="otp_required",
        )
    if len(token) > CODE_MAX_LENGTH:
        raise InvalidInput(_("This is not a code: it is too long."), field=field, code="otp_invalid")
    device = match_code(user, token)
    if device is None:
        raise InvalidInput(
            _("The code is wrong, expired or already used. Enter the code the app shows now, or a backup code."),
            field=field,
            code="otp_invalid",
        )
    return device


def match_code(user: User, token: str) -> Device | None:
    """The confirmed device of ``user`` that accepts ``token`` now (the code is used up), or ``None``.

    Like ``django_otp.match_token``, but the authenticator app is tried before the backup codes whatever the order of
    ``INSTALLED_APPS``. Each device tried and refused takes a throttle step, so this order keeps the backup codes from
    being slowed down by every ordinary sign-in. The devices are locked while the code is checked (a code is
    accepted once, even by concurrent requests)."""
    with transaction.atomic():
        devices = sorted(devices_for_user(user, for_verify=True), key=lambda d: not isinstance(d, TotpDevice))
        for device in devices:
            if device.verify_token(token):
                return device
    return None


def otp_verify(*, user: User, code: object, field: str = "code") -> Device:
    """Check a code from any of the user's devices (TOTP or backup); a wrong one is throttled and refused (400)."""
    return _verified_device(user, code, field=field)


def totp_device_start(*, user: User) -> TotpDevice:
    """Begin set-up: a new, unconfirmed authenticator (the same one again while the page is reloaded)."""
    with transaction.atomic():
        device = TotpDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
        if device is None:
            device = TotpDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


@dataclass(frozen=True)
class Enrolment:
    device: TotpDevice
    backup_codes: list[str]  # shown once; django-otp keeps them to check, they are never displayed again


def totp_device_confirm(*, user: User, code: object) -> Enrolment:
    """Finish set-up with the code the app shows: the authenticator becomes the account's only one and ten new backup
    codes replace any earlier ones. A wrong code is refused (400 naming ``code``) and throttled."""
    device = TotpDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        raise InvalidInput(_("Start the set-up again: no authenticator is waiting for its first code."), field="code")
    token = normalise_code(code)
    if not token:
        raise InvalidInput(_("Enter the 6-digit code your authenticator app shows."), field="code", code="otp_required")
    with transaction.atomic():
        locked = TotpDevice.objects.select_for_update().get(pk=device.pk)
        accepted = len(token) <= CODE_MAX_LENGTH and locked.verify_token(token)  # a failure step is saved
    if not accepted:
        raise InvalidInput(
            _("The code is wrong or has expired. Enter the code the app shows now."), field="code", code="otp_invalid"
        )
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).exclude(pk=locked.pk).delete()
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=user).delete()
        backup = StaticDevice.objects.create(user=user, name=_("Backup codes"), confirmed=True)
        codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
        StaticToken.objects.bulk_create([StaticToken(device=backup, token=c) for c in codes])
    return Enrolment(device=locked, backup_codes=codes)


def otp_disable(*, user: User, code: object) -> None:
    """Remove the authenticator and the backup codes, on a fresh code (one not used before) from either."""
    otp_verify(user=user, code=code)
    with transaction.atomic():
        TotpDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()


def has_confirmed_device(user: User) -> bool:
    return bool(user_has_device(user, confirmed=True))


def session_verify(request: HttpRequest, device: Device) -> None:
    """Mark this session as verified by ``device`` (and as belonging to an enrolled account)."""
    otp_login(request, device)
    request.session[ENROLLED_SESSION_KEY] = True


def qr_svg(text: str) -> str:
    """An SVG image (markup, no XML declaration) of a QR code for ``text``: inline in the page, no script, no style.

    ``SvgPathFillImage`` draws the modules as one path on a white square: the secret is in no text node of it."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=8, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = re.sub(r"^<\?xml[^>]*>\s*", "", buffer.getvalue().decode())
    # A fixed on-screen size (the viewBox scales the paths); attributes, since the CSP forbids inline styles.
    svg = re.sub(r'\swidth="[^"]*"', f' width="{QR_PIXELS}"', svg, count=1)
    return re.sub(r'\sheight="[^"]*"', f' height="{QR_PIXELS}"', svg, count=1)


# ------------------------------------------------------------------------------------------ middleware


class TwoFactorMiddleware:
    """Staff who owe a second factor reach no workbench page and no API call until they give it in this session.

    Anonymous users, citizens and staff who owe nothing pass untouched (no query). Pages go to the set-up page (no
    device yet) or the code page, with ``next``; an htmx fragment gets ``HX-Redirect``; an API call a 403 in the
    API's error shape. Token-authenticated API calls are not seen here: the token itself needed the code.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        if not request.path_info.startswith(GUARDED_PREFIXES):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_VIEWS:
            return None
        user = request.user
        if not user.is_authenticated or is_verified(user):
            return None
        enrolled = bool(request.session.get(ENROLLED_SESSION_KEY))
        if not enrolled and not role_requires_second_factor(user):
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": _("Give the code of your authenticator app first (two-factor sign-in)."),
                    "code": "otp_required",
                },
                status=403,
            )
        page = reverse("workbench:twofactor_verify" if enrolled else "workbench:twofactor_setup")
        target = f"{page}?{urlencode({'next': request.get_full_path()})}" if request.method == "GET" else page
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=200)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
