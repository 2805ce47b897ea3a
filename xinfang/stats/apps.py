from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "xinfang.stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from xinfang.stats import signals  # noqa: F401 - connects the PetitionEvent receiver
