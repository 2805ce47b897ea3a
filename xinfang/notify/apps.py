from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    """通知 — notifications through pluggable channels (in-app, e-mail, SMS), every message logged."""

    name = "xinfang.notify"
    label = "notify"
    verbose_name = _("Notifications")
