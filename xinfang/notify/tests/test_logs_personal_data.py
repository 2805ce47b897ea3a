"""Logs never carry a whole phone number, a 身份证号 or a message body (issue 9, Build 4; 个人信息保护法 Art. 51)."""

from __future__ import annotations

import logging

import pytest

from xinfang.core.redact import redact
from xinfang.notify.channels import ConsoleSmsGateway
from xinfang.notify.models import Notification, Status
from xinfang.notify.services import notify

PHONE = "13812345678"
BODY = "您的信访事项 990101XFJ-2026-000001 查询码 K7P2-Q9XZ，请于6月20日到A1区信访局。"


def _all_log_text(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(r.getMessage() for r in caplog.records)


def test_console_gateway_logs_masked_number_and_length_not_the_text(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    ConsoleSmsGateway().send(PHONE, BODY)

    logged = _all_log_text(caplog)
    assert "138****5678" in logged and f"{len(BODY)} characters" in logged
    assert PHONE not in logged
    assert "查询码" not in logged and "K7P2-Q9XZ" not in logged and "990101XFJ" not in logged


class LeakyGateway:
    """A gateway whose error quotes the number, as real ones do ("invalid destination 138…")."""

    def send(self, phone: str, text: str) -> None:
        raise ValueError(f"invalid destination {phone}; id 11010519491231002X")


def test_a_gateway_error_is_logged_without_the_whole_number(
    db: None, settings: object, caplog: pytest.LogCaptureFixture, django_capture_on_commit_callbacks: object
) -> None:
    settings.XINFANG_SMS_GATEWAY = "xinfang.notify.tests.test_logs_personal_data.LeakyGateway"  # type: ignore[attr-defined]
    settings.XINFANG_NOTIFY_MAX_ATTEMPTS = 1  # type: ignore[attr-defined]
    caplog.set_level(logging.DEBUG)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        notify(kind="k", subject="约访确认", body=BODY, addresses=[("sms", PHONE)])

    assert Notification.objects.get().status == Status.FAILED
    logged = _all_log_text(caplog)
    assert "failed" in logged
    assert PHONE not in logged and "11010519491231002X" not in logged
    assert "查询码" not in logged


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("to 13812345678.", "to 138****5678."),
        ("landline 0731-84567890 busy", "landline 073****7890 busy"),
        ("id 11010519491231002X", "id 110****002X"),
        ("attempt 3 of 5", "attempt 3 of 5"),  # short numbers stay
    ],
)
def test_redact_masks_phone_and_id_numbers(text: str, expected: str) -> None:
    assert redact(text) == expected
