"""One place that says what 'now' and 'today' are, in the deployment's time zone.

Statutory periods count dates (日), so services use the local date of Asia/Shanghai, not the UTC date.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def now() -> dt.datetime:
    return timezone.now()


def today() -> dt.date:
    return timezone.localdate(timezone.now())
