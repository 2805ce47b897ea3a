"""Seed the zh-Hans default templates of the two closing steps (调解/和解 agreement; closed when no 复查/复核 was
requested in time), as 0003 did for the others: a frozen copy of the zh-Hans texts of
xinfang.notify.petitioner.DEFAULTS that the admin edits."""

from typing import Any

from django.db import migrations

ZH = {
    "agreed": (
        "信访事项{number}已达成{agreement}协议",
        "{unit}已记录您的信访事项{number}的{agreement}协议，该事项已办结（《信访工作条例》第三十三条）。"
        "您可在{date}前通过查询页面对办理情况进行满意度评价。",
    ),
    "closed": (
        "信访事项{number}已办结",
        "您的信访事项{number}申请{request}的期限已于{date}届满，未提出申请，该事项已办结"
        "（《信访工作条例》第三十五条、第三十六条）。",
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
    dependencies = [("notify", "0004_petitioner_closed_steps_daily_count")]

    operations = [migrations.RunPython(seed, unseed)]
