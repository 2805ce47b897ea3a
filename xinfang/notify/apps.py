from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    """通知 — notifications through pluggable channels (in-app, e-mail, SMS), every message logged.

    Also home of the periodic-job infrastructure's run log (``JobRun``): when the apps are ready it collects the
    beat schedule from every ``xinfang.<app>.tasks`` module and connects the run-log signals (``xinfang.jobs``).
    """

    name = "xinfang.notify"
    label = "notify"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from xinfang import jobs
        from xinfang.notify import petitioner  # noqa: F401 - connects the PetitionEvent receiver

        jobs.install_schedule()
