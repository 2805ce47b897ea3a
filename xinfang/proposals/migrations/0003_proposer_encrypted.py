"""Encrypt the proposer's name and phone at rest, existing rows included (batched, raw SQL, reversible)."""

from typing import Any

from django.db import migrations

import xinfang.core.crypto
from xinfang.core.crypto import reseal_model


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    reseal_model(apps.get_model("proposals", "Proposal"), schema_editor.connection, accept_plain=True)


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    reseal_model(apps.get_model("proposals", "Proposal"), schema_editor.connection, decrypt_to_plain=True)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0002_attachments_commendations_conversion_groups")]

    operations = [
        migrations.AlterField(
            model_name="proposal",
            name="proposer_name",
            field=xinfang.core.crypto.EncryptedTextField(blank=True, max_length=50, verbose_name="proposer's name"),
        ),
        migrations.AlterField(
            model_name="proposal",
            name="proposer_phone",
            field=xinfang.core.crypto.EncryptedTextField(blank=True, max_length=20, verbose_name="proposer's phone"),
        ),
        migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False),
    ]
