"""Staff TOTP secrets encrypted at rest (issue 9, "safe by default"; 个人信息保护法 Art. 51).

Whoever holds a database dump (a backup) must not be able to compute a staff member's codes: the authenticator's key
is a Fernet token in ``core_totpdevice`` (``xinfang.core.totp.TotpDevice``), django-otp's plain-text ``otp_totp``
table is left empty by the data migration (core 0007), and key rotation re-encrypts it like every other encrypted
column. The device behaves as django-otp's ``TOTPDevice`` did: a code is accepted once, wrong codes are throttled.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY, device_classes, match_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import Personas, make_user
from xinfang.core import crypto, twofactor
from xinfang.core.errors import InvalidInput
from xinfang.core.models import TotpDevice
from xinfang.core.tests.test_twofactor import INBOX, PASSWORD, T0, VERIFY, code, enrol, signed_in
from xinfang.core.totp import key_validator
from xinfang.orgs.models import Role, User

pytestmark = pytest.mark.django_db

migration = importlib.import_module("xinfang.core.migrations.0007_totp_device_encrypted")
HEX_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret "12345678901234567890"
Clock = Any


@pytest.fixture(autouse=True)
def _two_factor_on(settings: Any) -> None:
    settings.XINFANG_2FA_REQUIRED_ROLES = ["supervisor"]


@pytest.fixture
def clock() -> Iterator[Clock]:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def _raw_key(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {connection.ops.quote_name('key')} FROM core_totpdevice WHERE id = %s", [pk])  # noqa: S608
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def _wrong(device: TotpDevice) -> str:
    return "000000" if code(device) != "000000" else "111111"


# ------------------------------------------------------------------------------------------ at rest


def test_the_table_holds_a_token_not_the_hex_key_and_no_plain_device_is_made(personas: Personas, clock: Clock) -> None:
    device, _codes = enrol(personas.supervisor)

    stored = _raw_key(device.pk)
    assert device.key not in stored and not re.fullmatch(r"[0-9a-f]{40}", stored)
    assert crypto.decrypt(stored) == device.key and re.fullmatch(r"[0-9a-f]{40}", device.key)
    with connection.cursor() as cursor:  # nothing written where django-otp keeps its keys in plain text
        cursor.execute("SELECT COUNT(*) FROM otp_totp_totpdevice")
        assert cursor.fetchone() == (0,)


def test_django_otp_finds_the_device_and_the_session_names_it(personas: Personas, clock: Clock) -> None:
    device, _codes = enrol(personas.supervisor)
    clock.shift(dt.timedelta(seconds=60))

    assert TotpDevice in list(device_classes())
    assert match_token(personas.supervisor, code(device)) == device  # django-otp's own API sees it
    clock.shift(dt.timedelta(seconds=60))
    client = signed_in("supervisor")
    assert client.post(VERIFY, {"code": code(device)})["Location"] == INBOX
    assert client.session[DEVICE_ID_SESSION_KEY] == f"core.totpdevice/{device.pk}"
    assert client.get(INBOX).status_code == 200


def test_a_session_verified_by_a_device_of_the_old_model_must_give_a_code_again(
    personas: Personas, clock: Clock
) -> None:
    """The upgrade note of docs/deployment.md: the old device id in a session no longer verifies it."""
    enrol(personas.supervisor)
    client = signed_in("supervisor")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = "otp_totp.totpdevice/1"
    session.save()

    assert client.get(INBOX)["Location"].startswith(VERIFY)


# ------------------------------------------------------------------------------------------ behaviour


def test_a_code_is_accepted_once_and_the_next_time_step_is_accepted(personas: Personas, clock: Clock) -> None:
    device, _codes = enrol(personas.supervisor)
    clock.shift(dt.timedelta(seconds=60))
    now = code(device)

    assert twofactor.otp_verify(user=personas.supervisor, code=now) == device
    clock.shift(dt.timedelta(seconds=2))  # the same 30-second step: the app still shows the same code
    with pytest.raises(InvalidInput) as replayed:
        twofactor.otp_verify(user=personas.supervisor, code=now)
    assert replayed.value.code == "otp_invalid"
    clock.shift(dt.timedelta(seconds=30))
    assert twofactor.otp_verify(user=personas.supervisor, code=code(device)) == device


def test_wrong_codes_are_throttled_with_growing_delays(personas: Personas, clock: Clock) -> None:
    device, _codes = enrol(personas.supervisor)
    clock.shift(dt.timedelta(seconds=60))

    assert device.verify_token(_wrong(device)) is False
    assert device.verify_token(_wrong(device)) is False  # within the 1 s delay: refused without a second step
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert device.verify_token(code(device)) is False  # the right code waits for the delay too
    clock.shift(dt.timedelta(seconds=1))
    assert device.verify_token(code(device)) is True
    device.refresh_from_db()
    assert device.throttling_failure_count == 0 and device.last_used_at is not None


def test_the_device_reads_the_rfc_6238_code_of_its_key(personas: Personas) -> None:
    """RFC 6238 Appendix B: SHA-1, T = 59 s gives 94287082 (8 digits); the 6-digit code is its last six digits."""
    device = TotpDevice.objects.create(user=personas.supervisor, name="app", key=HEX_KEY, digits=8, tolerance=0)
    with time_machine.travel(59, tick=False):
        assert device.verify_token("94287082") is True
    six = TotpDevice.objects.create(user=personas.head_b, name="app", key=HEX_KEY, tolerance=0)
    with time_machine.travel(59, tick=False):
        assert six.verify_token("287082") is True


def test_the_qr_url_carries_the_decrypted_secret_and_the_issuer(personas: Personas, settings: Any) -> None:
    settings.OTP_TOTP_ISSUER = "西地省信访"
    device = TotpDevice.objects.get(pk=TotpDevice.objects.create(user=personas.supervisor, key=HEX_KEY).pk)
    assert device.config_url == TOTPDevice(user=personas.supervisor, key=HEX_KEY).config_url  # django-otp's URL
    assert device.config_url == (
        "otpauth://totp/%E8%A5%BF%E5%9C%B0%E7%9C%81%E4%BF%A1%E8%AE%BF%3Asupervisor"
        "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&algorithm=SHA1&digits=6&period=30"
        "&issuer=%E8%A5%BF%E5%9C%B0%E7%9C%81%E4%BF%A1%E8%AE%BF"
    )


def test_a_key_that_is_not_hex_is_refused_without_repeating_it() -> None:
    with pytest.raises(ValidationError) as refused:
        key_validator("not-a-secret-zz")
    assert "not-a-secret-zz" not in str(refused.value)
    key_validator(HEX_KEY)  # valid: no error


def test_a_totp_sign_in_does_not_slow_down_the_backup_codes(personas: Personas, clock: Clock) -> None:
    """Each device tried and refused takes a throttle step: the authenticator is tried first, so ordinary sign-ins
    leave the backup codes ready for the day the phone is lost (django-otp lists core after otp_static)."""
    device, backup = enrol(personas.supervisor)
    for _sign_in in range(3):
        clock.shift(dt.timedelta(hours=8))
        twofactor.otp_verify(user=personas.supervisor, code=code(device))

    assert StaticDevice.objects.get(user=personas.supervisor).throttling_failure_count == 0
    assert isinstance(twofactor.otp_verify(user=personas.supervisor, code=backup[0]), StaticDevice)


def test_the_admin_login_tries_the_authenticator_first_too(tree: Any, settings: Any, clock: Clock) -> None:
    settings.XINFANG_2FA_ADMIN = True
    user = make_user("sysadmin", tree.province_dept, Role.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    device, _codes = enrol(user)
    clock.shift(dt.timedelta(seconds=60))

    client = Client()
    data = {"username": "sysadmin", "password": PASSWORD, "otp_token": code(device)}
    assert client.post("/admin/login/?next=/admin/", data).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert StaticDevice.objects.get(user=user).throttling_failure_count == 0


# ------------------------------------------------------------------------------------------ the admin


def test_the_admin_never_shows_the_key_and_offers_no_plain_device(tree: Any, personas: Personas) -> None:
    device = TotpDevice.objects.create(user=personas.supervisor, name="app", key=HEX_KEY)
    user = make_user("sysadmin", tree.province_dept, Role.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(user)

    page = client.get(f"/admin/core/totpdevice/{device.pk}/change/")
    html = page.content.decode()
    assert page.status_code == 200 and 'name="throttling_failure_count"' in html
    assert HEX_KEY not in html and "GEZDGNBVGY3TQOJQ" not in html and 'name="key"' not in html
    assert client.get("/admin/core/totpdevice/add/").status_code == 403
    assert not admin.site.is_registered(TOTPDevice)  # django-otp's admin would let a plain key be typed in


# ------------------------------------------------------------------------------------------ key rotation


def test_rotation_reencrypts_the_key_and_its_codes_still_verify(
    personas: Personas, settings: Any, clock: Clock
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    device, _codes = enrol(personas.supervisor)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]

    assert TotpDevice in crypto.encrypted_models()  # found by itself: no list to keep up to date
    call_command("rotate_field_keys", batch_size=1, stdout=open(os.devnull, "w"))  # noqa: SIM115

    stored = _raw_key(device.pk)
    assert Fernet(new.encode()).decrypt(stored.encode()).decode() == device.key
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(stored.encode())
    settings.FIELD_ENCRYPTION_KEYS = [new]
    clock.shift(dt.timedelta(seconds=60))
    assert twofactor.otp_verify(user=personas.supervisor, code=code(device)).pk == device.pk


# ------------------------------------------------------------------------------------------ the data migration


def test_the_migration_moves_a_plain_device_encrypted_and_the_same_codes_verify(
    personas: Personas, clock: Clock
) -> None:
    plain = TOTPDevice.objects.create(
        user=personas.supervisor, name="Authenticator app", confirmed=True, key=HEX_KEY, drift=1, tolerance=2
    )
    totp = TOTP(plain.bin_key, plain.step, plain.t0, plain.digits, plain.drift)
    TOTPDevice.objects.filter(pk=plain.pk).update(
        last_t=totp.t(),  # the code of this step was used before the upgrade
        throttling_failure_count=2,
        throttling_failure_timestamp=T0 - dt.timedelta(hours=1),
        created_at=T0 - dt.timedelta(days=30),
        last_used_at=T0 - dt.timedelta(minutes=5),
    )
    used = f"{totp.token():06d}"

    migration.encrypt_totp_devices(apps, SimpleNamespace(connection=connection))

    assert not TOTPDevice.objects.exists()  # no plain key left
    moved = TotpDevice.objects.get()
    assert (moved.user, moved.name, moved.confirmed, moved.key) == (personas.supervisor, plain.name, True, HEX_KEY)
    assert (moved.step, moved.t0, moved.digits, moved.tolerance, moved.drift) == (30, 0, 6, 2, 1)
    assert (moved.last_t, moved.throttling_failure_count) == (totp.t(), 2)
    assert moved.created_at == T0 - dt.timedelta(days=30) and moved.last_used_at == T0 - dt.timedelta(minutes=5)
    assert HEX_KEY not in _raw_key(moved.pk)

    with pytest.raises(InvalidInput):  # a code used before the upgrade stays used
        twofactor.otp_verify(user=personas.supervisor, code=used)
    clock.shift(dt.timedelta(seconds=30))  # the next step (and past the throttle delay)
    assert twofactor.otp_verify(user=personas.supervisor, code=code(moved)).pk == moved.pk


def test_the_reverse_migration_gives_the_devices_back_to_django_otp(personas: Personas, clock: Clock) -> None:
    device, _codes = enrol(personas.supervisor)
    editor = SimpleNamespace(connection=connection)

    migration.decrypt_totp_devices(apps, editor)

    assert not TotpDevice.objects.exists()
    back = TOTPDevice.objects.get()
    assert (back.user, back.key, back.confirmed, back.last_t) == (personas.supervisor, device.key, True, device.last_t)
    migration.encrypt_totp_devices(apps, editor)
    assert TotpDevice.objects.get().key == device.key


def test_the_migration_leaves_an_unconfirmed_set_up_unconfirmed(db: None) -> None:
    user = User.objects.create_user("staff", password=PASSWORD)
    TOTPDevice.objects.create(user=user, name="half", confirmed=False)

    migration.encrypt_totp_devices(apps, SimpleNamespace(connection=connection))

    assert list(TotpDevice.objects.values_list("name", "confirmed")) == [("half", False)]
