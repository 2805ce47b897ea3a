from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeadlinesConfig(AppConfig):
    name = "xinfang.deadlines"
    label = "deadlines"
    verbose_name = _("Deadlines and calendar")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from xinfang.deadlines.models import HolidayOverride
        from xinfang.deadlines.signals import holiday_override_changed

        post_save.connect(holiday_override_changed, sender=HolidayOverride, dispatch_uid="deadlines.override.save")
        post_delete.connect(holiday_override_changed, sender=HolidayOverride, dispatch_uid="deadlines.override.delete")
