"""Encrypt the phone of citizen profiles at rest, existing rows included (batched, raw SQL)."""

from typing import Any

import django.core.validators
from django.db import migrations

import xinfang.core.crypto
from xinfang.core.crypto import reseal_model


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    reseal_model(apps.get_model("portal", "CitizenProfile"), schema_editor.connection, accept_plain=True)


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    reseal_model(apps.get_model("portal", "CitizenProfile"), schema_editor.connection, decrypt_to_plain=True)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="citizenprofile",
            name="phone",
            field=xinfang.core.crypto.EncryptedTextField(
                blank=True,
                max_length=24,
                validators=[
                    django.core.validators.RegexValidator(
                        "^(1[3-9]\\d{9}|0\\d{2,3}-?\\d{7,8}(-\\d{1,6})?)$",
                        "Enter a mobile number (11 digits starting with 1) or a landline with area code, e.g. "
                        "0731-84567890.",
                    )
                ],
                verbose_name="phone",
            ),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
    ]
