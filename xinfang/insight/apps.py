from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    """分析研判 — text intelligence: routing suggestions, repeat detection, hot issues, place extraction."""

    name = "xinfang.insight"
    label = "insight"
    verbose_name = _("Text intelligence")

    def ready(self) -> None:
        from xinfang.insight import signals  # noqa: F401 - connects the receivers
