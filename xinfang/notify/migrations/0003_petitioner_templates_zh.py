"""Seed the zh-Hans default message templates for petitioners (one per step, for every channel).

A frozen copy of the zh-Hans texts of xinfang.notify.petitioner.DEFAULTS: the admin edits these rows; a step
whose row is deleted falls back to the built-in default.
"""

from typing import Any

from django.db import migrations

ZH = {
    "registered": (
        "信访事项{number}已登记",
        "{unit}已于{date}登记您的信访事项，编号{number}。请凭此编号和回执上的查询码在查询页面了解办理进展。",
    ),
    "forwarded": (
        "信访事项{number}已转送",
        "您的信访事项{number}已转送{unit}，该单位将书面告知您是否受理（《信访工作条例》第二十三条）。",
    ),
    "assigned": (
        "信访事项{number}已交办",
        "您的信访事项{number}已交办{unit}，该单位将书面告知您是否受理，并报告办理结果（《信访工作条例》第二十二条）。",
    ),
    "accepted": (
        "信访事项{number}已受理",
        "{unit}已受理您的信访事项{number}，将于{date}前出具书面答复（《信访工作条例》第三十四条）。",
    ),
    "declined": ("信访事项{number}不予受理", "{unit}决定对您的信访事项{number}不予受理。理由：{reason} {remedy}"),
    "diverted": (
        "信访事项{number}：请通过法定途径提出",
        "{unit}告知：您的信访事项{number}应当依照法定途径提出（《信访工作条例》第三十一条）。{reason}",
    ),
    "extended": (
        "信访事项{number}办理期限延长",
        "{unit}延长了您的信访事项{number}的办理期限（《信访工作条例》第三十四条）。理由：{reason} 新的期限：{date}。",
    ),
    "replied": (
        "信访事项{number}已出具处理意见",
        "{unit}已对您的信访事项{number}出具信访处理意见书：{outcome}。如不服，可于{date}前向上一级机关、单位申请复查（《信访工作条例》第三十五条）。",
    ),
    "review_decided": (
        "信访事项{number}复查意见已出具",
        "{unit}已对您的信访事项{number}出具复查意见：{outcome}。如不服，可于{date}前向上一级机关、单位申请复核（《信访工作条例》第三十六条）。",
    ),
    "review_redo": (
        "信访事项{number}责令重新作出处理",
        "经复查，已责令{unit}对您的信访事项{number}重新作出处理，并于{date}前书面答复。",
    ),
    "recheck_decided": (
        "信访事项{number}复核意见已出具",
        "{unit}已对您的信访事项{number}出具复核意见：{outcome}。以同一事实和理由再提出的，不再受理（《信访工作条例》第三十六条）。",
    ),
    "urge_answered": (
        "信访事项{number}催办已转达",
        "您对信访事项{number}的催办已转达{unit}（其办理期限已于{date}届满），该单位应当抓紧办理。",
    ),
    "rating_window": (
        "信访事项{number}：请于{date}前评价",
        "您可在{date}前通过查询页面对信访事项{number}的办理情况进行满意度评价。",
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
    dependencies = [("notify", "0002_petitioner_messages")]

    operations = [migrations.RunPython(seed, unseed)]
