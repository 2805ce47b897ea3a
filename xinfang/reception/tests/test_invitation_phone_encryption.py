"""Issue 9, Build 4 (个人信息保护法; 《信访工作条例》Art. 30): the phone an invitation (约访) is sent to is personal
data, encrypted at rest like the petitioner's — new rows, rows written before (data migration 0004) and key rotation."""

from __future__ import annotations

import datetime as dt
import importlib
import os
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from conftest import Personas
from xinfang.core import crypto, timeutil
from xinfang.notify.models import Notification
from xinfang.petitions.tests.helpers import register
from xinfang.reception import services
from xinfang.reception.models import Invitation
from xinfang.reception.tests.helpers import Desk

pytestmark = pytest.mark.django_db

PHONE = "13812345678"  # the petitioner's phone in petitions.tests.helpers.register
migration = importlib.import_module("xinfang.reception.migrations.0004_invitation_phone_encrypted")


def _invite(desk: Desk, personas: Personas) -> Invitation:
    petition, _code = register(personas.registrar_a)
    return services.invitation_create(
        actor=desk.county_leader,
        petition_key=petition.number,
        leader=desk.county_leader,
        on=timeutil.today() + dt.timedelta(days=3),
        at=dt.time(15),
        place="A1区信访局三楼会议室",
    )


def _raw_phone(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM reception_invitation WHERE id = %s", [pk])
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def test_the_column_holds_a_token_and_the_model_and_the_sms_the_number(desk: Desk, personas: Personas) -> None:
    invitation = _invite(desk, personas)
    stored = _raw_phone(invitation.pk)
    assert PHONE not in stored and "5678" not in stored
    assert crypto.decrypt(stored) == PHONE
    assert Invitation.objects.get(pk=invitation.pk).phone == PHONE
    assert Notification.objects.get(kind="reception.invitation").address == PHONE


def test_the_data_migration_encrypts_rows_written_in_plain_text_and_reverses(desk: Desk, personas: Personas) -> None:
    invitation = _invite(desk, personas)
    with connection.cursor() as cursor:  # a row as the old schema stored it
        cursor.execute("UPDATE reception_invitation SET phone = %s WHERE id = %s", [PHONE, invitation.pk])
    editor = SimpleNamespace(connection=connection)

    migration.encrypt_rows(apps, editor)
    assert _raw_phone(invitation.pk) != PHONE and crypto.decrypt(_raw_phone(invitation.pk)) == PHONE
    migration.encrypt_rows(apps, editor)  # a second run (after a partial one) does not encrypt twice
    assert Invitation.objects.get(pk=invitation.pk).phone == PHONE

    migration.decrypt_rows(apps, editor)
    assert _raw_phone(invitation.pk) == PHONE


def test_rotation_reencrypts_invitation_phones_under_the_new_key(
    desk: Desk, personas: Personas, settings: object
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]  # type: ignore[attr-defined]
    invitation = _invite(desk, personas)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]  # type: ignore[attr-defined]

    call_command("rotate_field_keys", batch_size=1, stdout=open(os.devnull, "w"))  # noqa: SIM115

    stored = _raw_phone(invitation.pk)
    assert Fernet(new.encode()).decrypt(stored.encode()).decode() == PHONE
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(stored.encode())
    settings.FIELD_ENCRYPTION_KEYS = [new]  # type: ignore[attr-defined]
    assert Invitation.objects.get(pk=invitation.pk).phone == PHONE
