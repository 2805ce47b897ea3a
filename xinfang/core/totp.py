"""Authenticator-app devices whose secret is encrypted at rest (issue 9; 个人信息保护法 Art. 51).

django-otp's own ``otp_totp.TOTPDevice`` keeps the TOTP secret as plain hex in a ``CharField``: anyone holding a
database dump (a backup) could compute every staff member's codes. django-otp has no hook for how the key is stored,
so ``TotpDevice`` is a device model of our own, built on django-otp's documented extension points (``Device``,
``ThrottlingMixin``, ``TimestampMixin``) and its RFC 6238 code (``django_otp.oath.TOTP``). It behaves as
``TOTPDevice`` does — 6 digits every 30 s, ``tolerance`` steps either side, ``drift`` followed, a code accepted once
(``last_t``), wrong codes throttled (1, 2, 4 … s, ``OTP_TOTP_THROTTLE_FACTOR``) — but ``key`` is an
``EncryptedTextField`` (Fernet under ``XINFANG_FIELD_KEYS``; ``manage.py rotate_field_keys`` re-encrypts it).

django-otp finds the model by itself (``django_otp.device_classes`` lists every concrete ``Device`` subclass), so
``match_token``, ``devices_for_user``, ``user_has_device`` and ``OTPMiddleware`` see it. Rows of the old model were
moved here, encrypted, by ``core`` migration 0007.
"""

from __future__ import annotations

import time
from base64 import b32encode
from binascii import Error as BinasciiError
from binascii import unhexlify
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import random_hex

from xinfang.core.crypto import EncryptedTextField

KEY_BYTES = 20  # django-otp's default: 160 bits, what RFC 4226 recommends for HMAC-SHA1


def default_key() -> str:
    """A new random secret, hex-encoded (as django-otp makes one)."""
    return str(random_hex(KEY_BYTES))


def key_validator(value: str) -> None:
    """Hex-encoded bytes. Unlike django-otp's ``hex_validator`` the message never repeats the value: it is a secret."""
    try:
        unhexlify(value.encode())
    except (BinasciiError, ValueError, UnicodeEncodeError):
        raise ValidationError(_("The key must be hex-encoded bytes."), code="invalid_key") from None


class TotpDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238) of a staff account; its secret key is encrypted at rest."""

    # As Device.user, without a reverse accessor: ``User.totpdevice_set`` is otp_totp.TOTPDevice's (kept installed).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The user that this device belongs to."),
    )
    key = EncryptedTextField(
        _("key"),
        max_length=80,  # of the plain hex value: at most 40 bytes, as django-otp allows
        validators=[key_validator],
        default=default_key,
        help_text=_("A hex-encoded secret key of up to 40 bytes, encrypted at rest."),
    )
    step = models.PositiveSmallIntegerField(_("time step"), default=30, help_text=_("The time step in seconds."))
    t0 = models.BigIntegerField(
        _("start time"), default=0, help_text=_("The Unix time at which to begin counting steps.")
    )
    digits = models.PositiveSmallIntegerField(
        _("digits"), choices=[(6, 6), (8, 8)], default=6, help_text=_("The number of digits to expect in a code.")
    )
    tolerance = models.PositiveSmallIntegerField(
        _("tolerance"), default=1, help_text=_("The number of time steps in the past or future to allow.")
    )
    drift = models.SmallIntegerField(
        _("drift"), default=0, help_text=_("The number of time steps the app is known to deviate from our clock.")
    )
    last_t = models.BigIntegerField(
        _("last time step used"),
        default=-1,
        help_text=_("The time step of the latest accepted code: the next code must be of a later step."),
    )

    objects: ClassVar[models.Manager[TotpDevice]]  # django-otp's DeviceManager (untyped), for the type checker

    class Meta(Device.Meta):
        verbose_name = _("authenticator app (TOTP)")
        verbose_name_plural = _("authenticator apps (TOTP)")

    @property
    def bin_key(self) -> bytes:
        """The secret key as bytes."""
        return unhexlify(self.key.encode())

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    def verify_token(self, token: Any) -> bool:
        """Accept ``token`` if it is the code of a time step within ``tolerance`` and later than the last accepted
        one; the device is saved either way (``last_t``, ``drift`` and the throttle on success, a throttle step on
        failure). As ``django_otp.plugins.otp_totp.models.TOTPDevice.verify_token``; call it on a row locked with
        ``select_for_update`` so that a code is accepted once even by concurrent requests."""
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            value = int(token)
        except (TypeError, ValueError):
            verified = False
        else:
            totp = TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)
            totp.time = time.time()
            verified = bool(totp.verify(value, self.tolerance, self.last_t + 1))
            if verified:
                self.last_t = totp.t()
                if getattr(settings, "OTP_TOTP_SYNC", True):
                    self.drift = totp.drift
                self.throttle_reset(commit=False)
                self.set_last_used_timestamp(commit=False)
                self.save()
        if not verified:
            self.throttle_increment(commit=True)
        return verified

    @property
    def config_url(self) -> str:
        """The ``otpauth://`` URL an authenticator app reads from the QR code (Key Uri Format), with the issuer of
        ``OTP_TOTP_ISSUER`` and the image of ``OTP_TOTP_IMAGE`` as django-otp does."""
        label = str(self.user.get_username())
        params = urlencode(
            {"secret": b32encode(self.bin_key), "algorithm": "SHA1", "digits": self.digits, "period": self.step}
        )
        issuer = self._setting_text("OTP_TOTP_ISSUER")
        if issuer:
            issuer = issuer.replace(":", "")
            label = f"{issuer}:{label}"
            params += f"&issuer={quote(issuer)}"  # RFC 3986 encoding, not quote_plus
        image = self._setting_text("OTP_TOTP_IMAGE")
        if image:
            params += f"&image={quote(image, safe=':/')}"
        return f"otpauth://totp/{quote(label)}?{params}"

    def _setting_text(self, name: str) -> str | None:
        value = getattr(settings, name, None)
        if callable(value):
            value = value(self)
        return value if isinstance(value, str) and value else None
