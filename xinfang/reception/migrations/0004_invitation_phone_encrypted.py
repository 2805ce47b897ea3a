"""Encrypt the phone of invitations (约访 by staff) at rest, existing rows included (batched, raw SQL)."""

from typing import Any

from django.db import migrations

import xinfang.core.crypto
from xinfang.core.crypto import reseal_model


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    reseal_model(apps.get_model("reception", "Invitation"), schema_editor.connection, accept_plain=True)


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    reseal_model(apps.get_model("reception", "Invitation"), schema_editor.connection, decrypt_to_plain=True)


class Migration(migrations.Migration):
    dependencies = [("reception", "0003_booking_encrypt_rows")]

    operations = [
        migrations.AlterField(
            model_name="invitation",
            name="phone",
            field=xinfang.core.crypto.EncryptedTextField(max_length=24, verbose_name="phone"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
    ]
