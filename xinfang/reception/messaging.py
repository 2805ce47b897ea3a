"""The one place reception sends messages: through ``xinfang.notify.services.notify`` (logged, sent after commit)."""

from __future__ import annotations

from xinfang.notify.services import notify


def sms(*, kind: str, phone: str, subject: str, body: str) -> None:
    """An SMS to a citizen without an account (``("sms", phone)``)."""
    if phone:
        notify(kind=kind, subject=subject, body=body, addresses=[("sms", phone)])
