"""Encrypt the address (phone or e-mail) of notifications at rest, existing rows included (batched, raw SQL)."""

from typing import Any

from django.db import migrations

import xinfang.core.crypto
from xinfang.core.crypto import reseal_model


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    reseal_model(apps.get_model("notify", "Notification"), schema_editor.connection, accept_plain=True)


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    reseal_model(apps.get_model("notify", "Notification"), schema_editor.connection, decrypt_to_plain=True)


class Migration(migrations.Migration):
    dependencies = [("notify", "0006_petitioner_merged")]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="address",
            field=xinfang.core.crypto.EncryptedTextField(blank=True, max_length=254, verbose_name="address"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
    ]
