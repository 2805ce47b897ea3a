"""Personal data at rest (issue 9, Build 4; 个人信息保护法, 《信访工作条例》Art. 30): 身份证号, phone and address are
stored as Fernet tokens, found through keyed hashes, and survive a key rotation."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from xinfang.core import crypto
from xinfang.core.errors import InvalidInput
from xinfang.petitions.models import Petitioner
from xinfang.petitions.services import PetitionerData
from xinfang.petitions.tests.helpers import ID_OK, register

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
PHONE = "13812345678"
ADDRESS = "丽发新城3栋"


def _raw(pk: int) -> tuple[str, str, str, str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, address, id_number_hash, phone_hash FROM petitions_petitioner WHERE id = %s",
            [pk],
        )
        row = cursor.fetchone()
    assert row is not None
    return cast(tuple[str, str, str, str, str], tuple(row))


def _only_petitioner(personas: Any, **overrides: Any) -> Petitioner:
    petition, _code = register(personas.registrar_a, **overrides)
    return petition.petitioners.get()


def test_columns_hold_no_plain_identity_and_the_model_reads_it_back(personas):
    person = _only_petitioner(personas)
    id_number, phone, address, id_hash, phone_hash = _raw(person.pk)
    for stored, plain in ((id_number, ID_OK), (phone, PHONE), (address, ADDRESS)):
        assert plain not in stored
        assert crypto.decrypt(stored) == plain  # a token of the configured key, not something else
    assert (id_hash, phone_hash) == (crypto.id_number_hash(ID_OK), crypto.phone_hash(PHONE))
    assert PHONE not in phone_hash and ID_OK not in id_hash
    fresh = Petitioner.objects.get(pk=person.pk)
    assert (fresh.id_number, fresh.phone, fresh.address) == (ID_OK, PHONE, ADDRESS)
    assert Petitioner.objects.filter(pk=person.pk).values_list("phone", flat=True).get() == PHONE


def test_same_phone_encrypts_differently_but_hashes_the_same(personas):
    first = _only_petitioner(personas)
    second = _only_petitioner(personas)
    assert _raw(first.pk)[1] != _raw(second.pk)[1]  # random IV: equal values are not visible as equal
    assert _raw(first.pk)[4] == _raw(second.pk)[4]


def test_empty_values_stay_empty_so_has_a_phone_needs_no_decryption(personas):
    person = _only_petitioner(personas, petitioners=[PetitionerData(name="匿名者")])
    assert _raw(person.pk) == ("", "", "", "", "")
    assert not Petitioner.objects.filter(pk=person.pk).exclude(phone="").exists()


def test_hash_normalises_phone_dashes_and_id_number_case():
    assert crypto.phone_hash("0731-84567890") == crypto.phone_hash("073184567890")
    assert crypto.phone_hash("+86 138 1234 5678") == crypto.phone_hash(PHONE)
    assert crypto.id_number_hash(ID_OK.lower()) == crypto.id_number_hash(ID_OK)
    assert crypto.phone_hash("") == "" and crypto.id_number_hash("  ") == ""
    assert crypto.phone_hash(PHONE) != crypto.id_number_hash(PHONE)  # separated by kind


def test_hash_depends_on_the_hash_key():
    before = crypto.phone_hash(PHONE)
    with override_settings(FIELD_HASH_KEY="another-hash-key-of-at-least-32-characters"):
        assert crypto.phone_hash(PHONE) != before


def test_validation_still_runs_on_the_plain_value(personas):
    with pytest.raises(InvalidInput) as bad_id:
        register(personas.registrar_a, petitioners=[PetitionerData(name="张三", id_number="110105194912310021")])
    assert bad_id.value.field == "petitioners[0].id_number"
    with pytest.raises(InvalidInput) as bad_phone:
        register(personas.registrar_a, petitioners=[PetitionerData(name="张三", phone="12345")])
    assert bad_phone.value.field == "petitioners[0].phone"
    # max_length is checked on the plain value, although the column holds a longer token.
    with pytest.raises(ValidationError) as long_address:
        Petitioner(name="张三", address="长" * 201, phone="1" + "3" * 23).full_clean(exclude=["petition"])
    assert set(long_address.value.message_dict) == {"address", "phone"}


def test_rotation_reencrypts_with_the_first_key_and_old_keys_decrypt_until_then(personas, settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    person = _only_petitioner(personas)
    under_old = _raw(person.pk)[1]
    assert Fernet(old.encode()).decrypt(under_old.encode()).decode() == PHONE

    settings.FIELD_ENCRYPTION_KEYS = [new, old]  # the new key first: it encrypts, the old one still decrypts
    assert Petitioner.objects.get(pk=person.pk).phone == PHONE
    assert _raw(person.pk)[1] == under_old  # nothing re-encrypted by reading

    call_command("rotate_field_keys", batch_size=1, stdout=open(os.devnull, "w"))  # noqa: SIM115
    id_number, phone, address, id_hash, phone_hash = _raw(person.pk)
    for stored, plain in ((id_number, ID_OK), (phone, PHONE), (address, ADDRESS)):
        assert Fernet(new.encode()).decrypt(stored.encode()).decode() == plain
        with pytest.raises(InvalidToken):
            Fernet(old.encode()).decrypt(stored.encode())
    assert phone_hash == crypto.phone_hash(PHONE) and id_hash == crypto.id_number_hash(ID_OK)

    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key can go now
    assert Petitioner.objects.get(pk=person.pk).address == ADDRESS


def test_a_missing_old_key_is_a_clear_error_not_garbage(personas, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    person = _only_petitioner(personas)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="XINFANG_FIELD_KEYS"):
        Petitioner.objects.get(pk=person.pk)


def test_data_migration_encrypts_plain_rows_and_fills_hashes(personas):
    """What 0008 does to rows written before encryption: plain values become tokens, hashes are filled."""
    person = _only_petitioner(personas)
    with connection.cursor() as cursor:  # a row as the old schema stored it
        cursor.execute(
            "UPDATE petitions_petitioner SET id_number = %s, phone = %s, address = %s, id_number_hash = '', "
            "phone_hash = '' WHERE id = %s",
            [ID_OK, PHONE, ADDRESS, person.pk],
        )
    assert crypto.reseal_model(Petitioner, connection, accept_plain=True, batch_size=1) >= 1
    id_number, phone, address, id_hash, phone_hash = _raw(person.pk)
    assert PHONE not in phone and ID_OK not in id_number and ADDRESS not in address
    assert (id_hash, phone_hash) == (crypto.id_number_hash(ID_OK), crypto.phone_hash(PHONE))
    assert Petitioner.objects.get(pk=person.pk).phone == PHONE
    # Run twice (e.g. after a partial run): tokens are not encrypted a second time.
    crypto.reseal_model(Petitioner, connection, accept_plain=True)
    assert Petitioner.objects.get(pk=person.pk).id_number == ID_OK


def test_rotation_refuses_a_plain_value_instead_of_encrypting_it_blindly(personas):
    person = _only_petitioner(personas)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE petitions_petitioner SET phone = %s WHERE id = %s", [PHONE, person.pk])
    with pytest.raises(Exception, match="XINFANG_FIELD_KEYS"):
        call_command("rotate_field_keys", stdout=open(os.devnull, "w"))  # noqa: SIM115


def _manage_check(**env: str) -> subprocess.CompletedProcess[str]:
    full_env = (
        {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        | {
            "XINFANG_DEBUG": "0",
            "XINFANG_SECRET_KEY": "x" * 64 + "-production-like-secret",
            "XINFANG_ALLOWED_HOSTS": "xinfang.example.gov.cn",
            "XINFANG_FIELD_KEYS": Fernet.generate_key().decode(),
            "XINFANG_HASH_KEY": "h" * 48,
        }
        | env
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=full_env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"XINFANG_FIELD_KEYS": ""}, "XINFANG_FIELD_KEYS"),
        ({"XINFANG_FIELD_KEYS": "not-a-fernet-key"}, "XINFANG_FIELD_KEYS"),
        ({"XINFANG_HASH_KEY": ""}, "XINFANG_HASH_KEY"),
        ({"XINFANG_HASH_KEY": "short"}, "XINFANG_HASH_KEY"),
    ],
)
def test_production_refuses_to_start_without_valid_keys(env, named):
    result = _manage_check(**env)
    assert result.returncode != 0
    assert named in result.stderr
    assert "not-a-fernet-key" not in result.stderr  # a key is never echoed


def test_production_starts_with_keys():
    result = _manage_check()
    assert result.returncode == 0, result.stderr
