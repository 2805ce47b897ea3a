from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    """督办 — clock warnings, 督办单, Art. 40 recommendations, 约谈, monthly bulletins (通报)."""

    name = "xinfang.supervision"
    label = "supervision"
    verbose_name = _("Supervision")
