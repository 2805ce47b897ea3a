from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xinfang.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from xinfang.core.twofactor import connect_signals

        connect_signals()  # remember at login whether the account has a second factor
