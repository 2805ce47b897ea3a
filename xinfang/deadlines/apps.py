from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "xinfang.deadlines"
    label = "deadlines"
    verbose_name = _("Deadlines and calendar")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from xinfang.deadlines.models import HolidayOverride, LocalTarget
        from xinfang.deadlines.signals import config_changed

        for model in (HolidayOverride, LocalTarget):
            label = model._meta.model_name
            post_save.connect(config_changed, sender=model, dispatch_uid=f"deadlines.{label}.save")
            post_delete.connect(config_changed, sender=model, dispatch_uid=f"deadlines.{label}.delete")
