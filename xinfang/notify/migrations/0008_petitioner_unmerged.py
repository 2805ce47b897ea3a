"""The 撤销并案 step ("unmerged"): its choice on the template's kind, and its zh-Hans default template seeded as 0006
did for "merged" (a frozen copy of the zh-Hans text of xinfang.notify.petitioner.DEFAULTS that the admin edits)."""

from typing import Any

from django.db import migrations, models

ZH = {
    "unmerged": (
        "信访事项{number}已撤销并案，单独办理",
        "您的信访事项{number}不再与信访事项{primary}并案办理，{unit}将对其单独办理，办理情况将告知您。",
    ),
}


def seed(apps: Any, schema_editor: Any) -> None:
    template = apps.get_model("notify", "PetitionerMessageTemplate")
    for kind, (subject, body) in ZH.items():
        template.objects.get_or_create(kind=kind, channel="", defaults={"subject": subject, "body": body})


def unseed(apps: Any, schema_editor: Any) -> None:
    template = apps.get_model("notify", "PetitionerMessageTemplate")
    for kind, (subject, body) in ZH.items():
        template.objects.filter(kind=kind, channel="", subject=subject, body=body).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0007_notification_address_encrypted"),
    ]

    operations = [
        migrations.AlterField(
            model_name="petitionermessagetemplate",
            name="kind",
            field=models.CharField(
                choices=[
                    ("registered", "Registered"),
                    ("forwarded", "Forwarded"),
                    ("assigned", "Assigned"),
                    ("accepted", "Accepted"),
                    ("declined", "Not accepted"),
                    ("diverted", "Directed to the statutory procedure"),
                    ("extended", "Handling period extended"),
                    ("replied", "Written reply issued"),
                    ("review_decided", "Review opinion issued"),
                    ("review_redo", "Unit ordered to decide again"),
                    ("recheck_decided", "Re-examination opinion issued"),
                    ("urge_answered", "Reminder passed on"),
                    ("rating_window", "Rating period closing"),
                    ("agreed", "Closed by mediation or settlement"),
                    ("closed", "Closed: no review requested in time"),
                    ("merged", "Handled together with another petition"),
                    ("unmerged", "Handled on its own again"),
                ],
                max_length=24,
                verbose_name="step",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
