"""Seed the default zh-Hans template of every document kind (the text lives in xinfang.documents.defaults)."""

from django.db import migrations


def seed(apps, schema_editor):
    from xinfang.documents.defaults import DEFAULT_TEMPLATES

    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    for kind, (title, body) in DEFAULT_TEMPLATES.items():
        # get_or_create: never overwrite a default an administrator has already edited.
        DocumentTemplate.objects.get_or_create(kind=kind, unit=None, defaults={"title": title, "body": body})


def unseed(apps, schema_editor):
    apps.get_model("documents", "DocumentTemplate").objects.filter(unit=None).delete()


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
