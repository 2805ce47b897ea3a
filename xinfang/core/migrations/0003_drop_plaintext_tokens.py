# API tokens moved to django-rest-knox (hashed, with an expiry): DRF's table of plain-text tokens is dropped, so that
# no old token keeps working and none stays readable in the database. Issued tokens must be requested again.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_identity_read"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL("DROP TABLE IF EXISTS authtoken_token", reverse_sql=migrations.RunSQL.noop),
    ]
