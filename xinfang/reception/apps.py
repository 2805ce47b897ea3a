from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    """接访 — reception schedules, frequency compliance, 约访 bookings, reception records, 下访."""

    name = "xinfang.reception"
    label = "reception"
    verbose_name = _("Leaders' reception")
