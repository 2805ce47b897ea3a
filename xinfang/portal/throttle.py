"""Per-client limits on the portal's public POSTs, shared with the public API.

The counters are DRF's own (``SimpleRateThrottle``: a sliding window of timestamps in the default cache, keyed
``throttle_<scope>_<client address>``, the address from ``xinfang.core.clientip``: trusted proxies only) with
the scopes and rates of ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``.
So a client gets one allowance for online submission (``public_submit``) and one for look-ups with 编号 + 查询码
(``public_track``), whether it uses the HTML portal or ``/api/v1/``. Unlike the API's anonymous throttle, a
signed-in citizen is counted too: the portal is a public door either way.
"""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext as _
from rest_framework.throttling import SimpleRateThrottle

from xinfang.core.throttling import ClientIdentMixin

SUBMIT = "public_submit"
TRACK = "public_track"


class PortalThrottle(ClientIdentMixin, SimpleRateThrottle):
    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def throttle_wait(request: HttpRequest, scope: str) -> int | None:
    """Count this request against ``scope``; ``None`` if allowed, else the seconds to wait (at least 1)."""
    throttle = PortalThrottle(scope)
    # DRF only reads ``request.META`` / ``request.headers`` here, which a Django request has.
    if throttle.allow_request(request, None):  # type: ignore[arg-type]
        return None
    wait = throttle.wait()
    return max(1, math.ceil(wait or 1))


def wait_minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def refuse_attempt(form: forms.BaseForm, wait: int) -> None:
    """Put the "too many attempts" error on ``form`` (validated first, so everything typed is shown again)."""
    form.is_valid()
    form.add_error(
        None,
        _("Too many attempts from your connection. Wait %(minutes)s minutes, then try again.")
        % {"minutes": wait_minutes(wait)},
    )
