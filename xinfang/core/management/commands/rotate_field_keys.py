"""``manage.py rotate_field_keys``: re-encrypt personal data under the first key of XINFANG_FIELD_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from xinfang.core.crypto import encrypted_models, reseal_model


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted column (petitioner 身份证号, phone, address; booking, invitation and citizen "
        "account phones, staff authenticator (TOTP) keys — every EncryptedTextField) with the first key of "
        "XINFANG_FIELD_KEYS and recompute the keyed hashes with XINFANG_HASH_KEY, in batches. Put the new key "
        "first, keep the old ones after it, run this, then remove the old keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000, help="rows per transaction (default 1000)")

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        connection = connections["default"]
        for model in encrypted_models():
            try:
                count = reseal_model(model, connection, batch_size=batch_size)
            except ImproperlyConfigured as exc:
                raise CommandError(f"{model._meta.label}: {exc}") from exc
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
