"""Staff TOTP secrets encrypted at rest (issue 9): the new ``core.TotpDevice`` (key in an ``EncryptedTextField``), and
every ``otp_totp.TOTPDevice`` moved into it — key encrypted under XINFANG_FIELD_KEYS, every other column as it was —
and then deleted, so no plain key is left in the database.

Reversible: going back copies the devices into ``otp_totp.TOTPDevice`` with the key decrypted (plain again, as that
model stores it) before the table is dropped. Sessions verified with an old device (django-otp keeps
"otp_totp.totpdevice/<id>" in the session) are no longer verified: staff give one code again (docs/deployment.md).
"""

import django.db.models.deletion
import xinfang.core.crypto
import xinfang.core.totp
from django.conf import settings
from django.db import migrations, models


# Columns copied as they are (created_at is set afterwards: auto_now_add would stamp the time of the migration).
COPIED = (
    "user_id",
    "name",
    "confirmed",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
)


def _move(source, target, db):
    """Copy every ``source`` device into ``target`` (its key goes through the target's field: encrypted into the
    new model, decrypted into the old one), keep ``created_at``, and delete the originals."""
    for device in list(source.objects.using(db).order_by("pk")):
        copy = target.objects.using(db).create(key=device.key, **{name: getattr(device, name) for name in COPIED})
        target.objects.using(db).filter(pk=copy.pk).update(created_at=device.created_at)
    source.objects.using(db).all().delete()


def encrypt_totp_devices(apps, schema_editor):
    _move(
        apps.get_model("otp_totp", "TOTPDevice"), apps.get_model("core", "TotpDevice"), schema_editor.connection.alias
    )


def decrypt_totp_devices(apps, schema_editor):
    _move(
        apps.get_model("core", "TotpDevice"), apps.get_model("otp_totp", "TOTPDevice"), schema_editor.connection.alias
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0006_identity_surface_petition_conversion"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("otp_totp", "0003_add_timestamps"),  # the devices to move, with their timestamps
    ]

    operations = [
        migrations.CreateModel(
            name="TotpDevice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="The human-readable name of this device.", max_length=64)),
                ("confirmed", models.BooleanField(default=True, help_text="Is this device ready for use?")),
                (
                    "throttling_failure_timestamp",
                    models.DateTimeField(
                        blank=True,
                        default=None,
                        help_text="A timestamp of the last failed verification attempt. Null if last attempt succeeded.",
                        null=True,
                    ),
                ),
                (
                    "throttling_failure_count",
                    models.PositiveIntegerField(default=0, help_text="Number of successive failed attempts."),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True,
                        help_text="The date and time when this device was initially created in the system.",
                        null=True,
                    ),
                ),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True, help_text="The most recent date and time this device was used.", null=True
                    ),
                ),
                (
                    "key",
                    xinfang.core.crypto.EncryptedTextField(
                        default=xinfang.core.totp.default_key,
                        help_text="A hex-encoded secret key of up to 40 bytes, encrypted at rest.",
                        max_length=80,
                        validators=[xinfang.core.totp.key_validator],
                        verbose_name="key",
                    ),
                ),
                (
                    "step",
                    models.PositiveSmallIntegerField(
                        default=30, help_text="The time step in seconds.", verbose_name="time step"
                    ),
                ),
                (
                    "t0",
                    models.BigIntegerField(
                        default=0,
                        help_text="The Unix time at which to begin counting steps.",
                        verbose_name="start time",
                    ),
                ),
                (
                    "digits",
                    models.PositiveSmallIntegerField(
                        choices=[(6, 6), (8, 8)],
                        default=6,
                        help_text="The number of digits to expect in a code.",
                        verbose_name="digits",
                    ),
                ),
                (
                    "tolerance",
                    models.PositiveSmallIntegerField(
                        default=1,
                        help_text="The number of time steps in the past or future to allow.",
                        verbose_name="tolerance",
                    ),
                ),
                (
                    "drift",
                    models.SmallIntegerField(
                        default=0,
                        help_text="The number of time steps the app is known to deviate from our clock.",
                        verbose_name="drift",
                    ),
                ),
                (
                    "last_t",
                    models.BigIntegerField(
                        default=-1,
                        help_text="The time step of the latest accepted code: the next code must be of a later step.",
                        verbose_name="last time step used",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        help_text="The user that this device belongs to.",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="user",
                    ),
                ),
            ],
            options={
                "verbose_name": "authenticator app (TOTP)",
                "verbose_name_plural": "authenticator apps (TOTP)",
                "abstract": False,
            },
        ),
        migrations.RunPython(encrypt_totp_devices, decrypt_totp_devices),
    ]
