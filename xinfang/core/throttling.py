"""Limits on public doors, counted against the client address of ``xinfang.core.clientip``.

- ``ClientIdentMixin`` makes DRF's throttles count the real client (``get_ident``) instead of DRF's own reading of
  ``X-Forwarded-For``, which believes any header a client sends.
- ``guess_*``: failed guesses of a 查询码 are also counted per 编号 (a cache counter keyed by the number), so
  spreading guesses over many addresses does not help either. After ``XINFANG_TRACK_FAILURES_PER_NUMBER`` failures
  within ``XINFANG_TRACK_FAILURE_WINDOW_SECONDS`` the number answers "too many attempts" until the window ends;
  the rightful petitioner may wait or ask the registering unit.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

from xinfang.core.clientip import client_ip


class ClientIdentMixin:
    """For a DRF throttle class: identify the client by ``client_ip`` (trusted proxies only)."""

    def get_ident(self, request: Any) -> str:
        return client_ip(request)


def _key(number: str) -> str:
    digest = hashlib.sha256(number.strip().upper().encode()).hexdigest()[:32]
    return f"track_fail:{digest}"


def guess_wait(number: str) -> int | None:
    """``None`` if the 编号 may still be tried, else the seconds until it may (at least 1)."""
    key = _key(number)
    if (cache.get(key) or 0) < settings.XINFANG_TRACK_FAILURES_PER_NUMBER:
        return None
    until = cache.get(f"{key}:until") or time.time()
    return max(1, math.ceil(until - time.time()))


def guess_failed(number: str) -> None:
    """Count one wrong 查询码 for this 编号 (whether or not the number exists: both answers look the same).

    ``add`` + ``incr`` keep the count right under concurrent guesses (atomic in Redis and in local memory)."""
    key = _key(number)
    window = settings.XINFANG_TRACK_FAILURE_WINDOW_SECONDS
    if cache.add(key, 0, window):
        cache.set(f"{key}:until", time.time() + window, window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr: start a new window
        cache.set(key, 1, window)
        cache.set(f"{key}:until", time.time() + window, window)
