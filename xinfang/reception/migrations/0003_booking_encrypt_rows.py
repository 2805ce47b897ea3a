"""Encrypt the phone of existing bookings (batched, raw SQL)."""

from typing import Any

from django.db import migrations

from xinfang.core.crypto import reseal_model


def encrypt_rows(apps: Any, schema_editor: Any) -> None:
    reseal_model(apps.get_model("reception", "Booking"), schema_editor.connection, accept_plain=True)


def decrypt_rows(apps: Any, schema_editor: Any) -> None:
    reseal_model(apps.get_model("reception", "Booking"), schema_editor.connection, decrypt_to_plain=True)


class Migration(migrations.Migration):
    dependencies = [("reception", "0002_booking_phone_encrypted")]

    operations = [migrations.RunPython(encrypt_rows, decrypt_rows, elidable=False)]
