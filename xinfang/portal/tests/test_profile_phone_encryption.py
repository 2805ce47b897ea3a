"""Issue 9, Build 4 (个人信息保护法): a citizen account's phone is encrypted at rest — new rows, rows written before
(data migration 0002) and key rotation — and still pre-fills the submission form."""

from __future__ import annotations

import importlib
import os
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client

from xinfang.core import crypto
from xinfang.orgs.models import User
from xinfang.portal.models import CitizenProfile

pytestmark = pytest.mark.django_db

PHONE = "13800001111"
migration = importlib.import_module("xinfang.portal.migrations.0002_citizenprofile_phone_encrypted")


def _raw_phone(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM portal_citizenprofile WHERE id = %s", [pk])
        row = cursor.fetchone()
    assert row is not None
    return str(row[0])


def test_the_column_holds_a_token_and_the_submission_form_is_prefilled_with_the_number(citizen: User) -> None:
    profile = CitizenProfile.objects.create(user=citizen, phone=PHONE)
    stored = _raw_phone(profile.pk)
    assert PHONE not in stored and "1111" not in stored
    assert crypto.decrypt(stored) == PHONE
    client = Client()
    client.force_login(citizen)
    html = client.get("/submit/").content.decode()
    assert f'value="{PHONE}"' in html


def test_no_phone_stays_an_empty_column(citizen: User) -> None:
    profile = CitizenProfile.objects.create(user=citizen, phone="")
    assert _raw_phone(profile.pk) == ""
    assert CitizenProfile.objects.exclude(phone="").count() == 0


def test_the_data_migration_encrypts_rows_written_in_plain_text_and_reverses(citizen: User) -> None:
    profile = CitizenProfile.objects.create(user=citizen, phone=PHONE)
    with connection.cursor() as cursor:  # a row as the old schema stored it
        cursor.execute("UPDATE portal_citizenprofile SET phone = %s WHERE id = %s", [PHONE, profile.pk])
    editor = SimpleNamespace(connection=connection)

    migration.encrypt_rows(apps, editor)
    assert _raw_phone(profile.pk) != PHONE and crypto.decrypt(_raw_phone(profile.pk)) == PHONE
    migration.encrypt_rows(apps, editor)  # a second run (after a partial one) does not encrypt twice
    assert CitizenProfile.objects.get(pk=profile.pk).phone == PHONE

    migration.decrypt_rows(apps, editor)
    assert _raw_phone(profile.pk) == PHONE


def test_rotation_reencrypts_profile_phones_under_the_new_key(citizen: User, settings: object) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]  # type: ignore[attr-defined]
    profile = CitizenProfile.objects.create(user=citizen, phone=PHONE)
    settings.FIELD_ENCRYPTION_KEYS = [new, old]  # type: ignore[attr-defined]

    call_command("rotate_field_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115

    stored = _raw_phone(profile.pk)
    assert Fernet(new.encode()).decrypt(stored.encode()).decode() == PHONE
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(stored.encode())
    settings.FIELD_ENCRYPTION_KEYS = [new]  # type: ignore[attr-defined]
    assert CitizenProfile.objects.get(pk=profile.pk).phone == PHONE
