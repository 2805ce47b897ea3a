"""Issue 9 (Build 4) and 12 (个人信息保护法; 《信访工作条例》Art. 30): a notification's address — the petitioner's or
booker's phone or e-mail address — is personal data, encrypted at rest like the petitioner's own columns: new rows,
rows written before (data migration notify 0007) and key rotation. The admin shows it masked, and a gateway error
quoting the number is stored masked, so no column keeps a plain copy."""

from __future__ import annotations

import importlib
import os
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from xinfang.core import crypto, timeutil
from xinfang.notify.admin import mask_address
from xinfang.notify.models import Channel, Notification, Status
from xinfang.notify.services import notify
from xinfang.notify.tests import gateways
from xinfang.orgs.models import User

pytestmark = pytest.mark.django_db

PHONE, EMAIL = "13812345678", "zhangsan@example.com"
migration = importlib.import_module("xinfang.notify.migrations.0007_notification_address_encrypted")


def _raw_address(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM notify_notification WHERE id = %s", [pk])
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def _send(run: Any, *addresses: tuple[str, str]) -> list[Notification]:
    return list(
        run(notify, kind="reception.invitation", subject="约访", body="请于周三到A1区信访局", addresses=addresses)
    )


def test_the_column_holds_a_token_and_the_model_reads_the_plain_phone_and_email(run: Any) -> None:
    sms, email = _send(run, ("sms", PHONE), ("email", EMAIL))

    for row, plain in ((sms, PHONE), (email, EMAIL)):
        stored = _raw_address(row.pk)
        assert plain not in stored and "5678" not in stored and "zhangsan" not in stored
        assert crypto.decrypt(stored) == plain
        assert Notification.objects.get(pk=row.pk).address == plain


def test_the_gateway_is_given_the_decrypted_number(run: Any, recording_gateway: None) -> None:
    _send(run, ("sms", PHONE))

    assert [phone for phone, _text in gateways.SENT] == [PHONE]
    assert Notification.objects.get().status == Status.SENT


def test_an_in_app_row_stores_an_empty_address_and_the_check_constraint_still_holds(db: None) -> None:
    user = User.objects.create_user("staff_a", password="pw-xinfang-test")
    (inapp,) = notify(kind="k", subject="s", body="", users=[user])  # no e-mail, no phone: in-app only
    assert _raw_address(inapp.pk) == ""
    assert Notification.objects.filter(address="").count() == 1  # "has no address" needs no decryption

    with pytest.raises(IntegrityError), transaction.atomic():  # neither an account nor an address
        Notification.objects.create(channel=Channel.SMS, kind="k", subject="s", created_at=timeutil.now())


def test_the_data_migration_encrypts_rows_written_in_plain_text_and_reverses(run: Any) -> None:
    sms, email = _send(run, ("sms", PHONE), ("email", EMAIL))
    with connection.cursor() as cursor:  # rows as the old schema stored them
        for row, plain in ((sms, PHONE), (email, EMAIL)):
            cursor.execute("UPDATE notify_notification SET address = %s WHERE id = %s", [plain, row.pk])
    editor = SimpleNamespace(connection=connection)

    migration.encrypt_rows(apps, editor)
    assert _raw_address(sms.pk) != PHONE and crypto.decrypt(_raw_address(sms.pk)) == PHONE
    migration.encrypt_rows(apps, editor)  # a second run (after a partial one) does not encrypt twice
    assert [Notification.objects.get(pk=r.pk).address for r in (sms, email)] == [PHONE, EMAIL]

    migration.decrypt_rows(apps, editor)
    assert (_raw_address(sms.pk), _raw_address(email.pk)) == (PHONE, EMAIL)


def test_rotation_reencrypts_addresses_under_the_new_key(run: Any, settings: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    (sms,) = _send(run, ("sms", PHONE))
    settings.FIELD_ENCRYPTION_KEYS = [new, old]

    assert Notification in crypto.encrypted_models()  # found by itself: no list to keep up to date
    call_command("rotate_field_keys", batch_size=1, stdout=open(os.devnull, "w"))  # noqa: SIM115

    stored = _raw_address(sms.pk)
    assert Fernet(new.encode()).decrypt(stored.encode()).decode() == PHONE
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(stored.encode())
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert Notification.objects.get(pk=sms.pk).address == PHONE


class QuotingGateway:
    """A gateway whose error quotes the destination, as real ones do."""

    def send(self, phone: str, text: str) -> None:
        raise ValueError(f"invalid destination {phone}")


def test_a_gateway_error_quoting_the_number_is_stored_masked(run: Any, settings: Any) -> None:
    settings.XINFANG_SMS_GATEWAY = "xinfang.notify.tests.test_address_encrypted.QuotingGateway"
    settings.XINFANG_NOTIFY_MAX_ATTEMPTS = 1

    _send(run, ("sms", PHONE))

    row = Notification.objects.get()
    assert row.status == Status.FAILED
    assert row.error == "ValueError: invalid destination 138****5678"


# ------------------------------------------------------------------------------------------------ the admin


@pytest.mark.parametrize(
    ("channel", "address", "shown"),
    [
        (Channel.SMS, "13812345678", "138****5678"),
        (Channel.SMS, "0731-84567890", "073****7890"),
        (Channel.EMAIL, "zhangsan@example.com", "z***@example.com"),
        (Channel.EMAIL, "not-an-address", "***"),
        (Channel.INAPP, "", ""),
    ],
)
def test_mask_address_keeps_only_enough_to_recognise_the_contact(channel: str, address: str, shown: str) -> None:
    assert mask_address(channel, address) == shown


@pytest.fixture
def admin_client(db: None) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("root", password="pw-xinfang-test"))
    return client


def test_the_admin_list_and_detail_show_the_address_masked(run: Any, admin_client: Client) -> None:
    sms, _email = _send(run, ("sms", PHONE), ("email", EMAIL))

    listing = admin_client.get(reverse("admin:notify_notification_changelist"))
    detail = admin_client.get(reverse("admin:notify_notification_change", args=[sms.pk]))

    assert listing.status_code == detail.status_code == 200
    html = listing.content.decode() + detail.content.decode()
    assert "138****5678" in html and "z***@example.com" in html
    assert PHONE not in html and EMAIL not in html


def test_admin_search_does_not_look_into_the_encrypted_address(run: Any, admin_client: Client) -> None:
    _send(run, ("sms", PHONE))
    url = reverse("admin:notify_notification_changelist")

    assert "138****5678" in admin_client.get(url, {"q": "约访"}).content.decode()  # by subject
    found = admin_client.get(url, {"q": PHONE})
    assert found.status_code == 200 and "138****5678" not in found.content.decode()
