"""Delivery channels: how a queued e-mail or SMS row reaches its recipient.

E-mail goes through Django's e-mail backend (``EMAIL_BACKEND``). SMS goes through a gateway object loaded from
``XINFANG_SMS_GATEWAY`` (a dotted path to a class); any class with ``send(phone: str, text: str) -> None`` that
raises on failure will do. The default, :class:`ConsoleSmsGateway`, only logs the message.
"""

from __future__ import annotations

import logging
from functools import cache
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from xinfang.notify.models import Channel, Notification
from xinfang.petitions.identity import mask_phone

logger = logging.getLogger("xinfang.notify.sms")


class SmsGateway(Protocol):
    """What an SMS gateway must offer. Raise any exception when the message was not accepted."""

    def send(self, phone: str, text: str) -> None: ...


class ConsoleSmsGateway:
    """The default gateway: notes in the ``xinfang.notify.sms`` log that a message would go out, instead of
    sending it. The log carries the masked number and the message length, never the number or the text (the
    text may hold a 查询码 or the petition's subject; 个人信息保护法 Art. 51)."""

    def send(self, phone: str, text: str) -> None:
        logger.warning("SMS to %s: %d characters (not sent: console gateway)", mask_phone(phone), len(text))


@cache
def _gateway(path: str) -> SmsGateway:
    gateway: SmsGateway = import_string(path)()
    return gateway


def sms_gateway() -> SmsGateway:
    return _gateway(settings.XINFANG_SMS_GATEWAY)


def absolute_link(link: str) -> str:
    if link.startswith("/") and settings.XINFANG_SITE_URL:
        return settings.XINFANG_SITE_URL.rstrip("/") + link
    return link


def message_text(notification: Notification) -> str:
    link = absolute_link(notification.link)
    return "\n\n".join(part for part in (notification.body, link) if part)


def send_email(notification: Notification) -> None:
    send_mail(
        subject=notification.subject,
        message=message_text(notification),
        from_email=None,  # DEFAULT_FROM_EMAIL
        recipient_list=[notification.address],
        fail_silently=False,
    )


def send_sms(notification: Notification) -> None:
    text = notification.subject if not notification.body else f"{notification.subject}：{notification.body}"
    link = absolute_link(notification.link)
    sms_gateway().send(notification.address, f"{text} {link}".strip())


SENDERS = {Channel.EMAIL: send_email, Channel.SMS: send_sms}
