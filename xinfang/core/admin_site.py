"""The Django admin behind a second factor (issue 9): only a session verified by a code from an authenticator app or
a backup code gets in (django-otp's ``OTPAdminSite``), however the user signed in.

Installed in place of ``django.contrib.admin`` (``core.admin_apps.TwoFactorAdminConfig`` in ``INSTALLED_APPS``), so
every ``@admin.register`` lands on this site and the URL names stay ``admin:…``. The login page asks for the code with
the password; a wrong or missing code counts as a failed login (django-axes). ``XINFANG_2FA_ADMIN=0`` lets a session
in without the code (the default with ``XINFANG_DEBUG`` on, for the demo; a deployment should not). Staff set up the
authenticator on the workbench (/workbench/2fa/), or an administrator hands out a backup code with
``manage.py addstatictoken <username>``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.sites import AdminSite
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.forms import otp_verification_failed
from django_otp.models import Device

from xinfang.core.twofactor import is_verified, match_code, record_failure


class TwoFactorAdminLoginForm(OTPAdminAuthenticationForm):
    """User name, password and the code; the code is asked of every account (the site admits verified sessions only)."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = AdminAuthenticationForm.clean(self)  # password (axes counts it) and is_staff
        if not settings.XINFANG_2FA_ADMIN:
            return cleaned
        user = self.get_user()
        try:
            self.clean_otp(user)
        except ValidationError:
            if user is not None:  # the password was right, the code was not: a failed login all the same
                record_failure(self.request, user)
            raise
        return cleaned

    def _verify_token(self, user: Any, token: str, device: Device | None = None) -> Device:
        """The code is matched as on the workbench (``twofactor.match_code``: the authenticator before the backup
        codes), not by ``django_otp.match_token``, which tries the devices in ``INSTALLED_APPS`` order."""
        if device is not None:  # a device chosen on the form (the page offers no choice; django-otp's path)
            chosen: Device = super()._verify_token(user, token, device)
            return chosen
        matched = match_code(user, token)
        if matched is None:
            otp_verification_failed.send(sender=self.__class__, user=user)
            raise ValidationError(self.otp_error_messages["invalid_token"], code="invalid_token")
        return matched


class TwoFactorAdminSite(OTPAdminSite):
    login_form = TwoFactorAdminLoginForm
    login_template = "admin/twofactor_login.html"  # Django's login page plus the code; no inline style (CSP)

    def __init__(self, name: str = "admin") -> None:
        AdminSite.__init__(self, name)

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context: dict[str, Any] = super().each_context(request)
        context["two_factor_admin"] = settings.XINFANG_2FA_ADMIN  # the login page asks for the code only then
        return context

    def has_permission(self, request: HttpRequest) -> bool:
        allowed = AdminSite.has_permission(self, request)
        if not settings.XINFANG_2FA_ADMIN:
            return allowed
        return allowed and is_verified(request.user)
