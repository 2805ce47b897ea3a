from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_identity_surface_proposal_conversion"),
    ]

    operations = [
        migrations.AddField(
            model_name="identityread",
            name="proposal_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="proposal"),
        ),
        migrations.AlterField(
            model_name="identityread",
            name="surface",
            field=models.CharField(
                choices=[
                    ("petition_page", "Petition page"),
                    ("api_detail", "API: petition detail"),
                    ("api_action", "API: answer to an action"),
                    ("docx", "Document (.docx)"),
                    ("ledger", "Ledger export (.xlsx, .csv)"),
                    ("reception_session", "Reception session: booking phones"),
                    ("api_bookings", "API: booking phones"),
                    ("notification", "Notification"),
                    ("proposal_conversion", "Conversion into a proposal"),
                    ("proposal_page", "Proposal page"),
                    ("api_proposal", "API: proposal"),
                ],
                max_length=24,
                verbose_name="surface",
            ),
        ),
    ]
