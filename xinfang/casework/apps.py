from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    """包案 — backlog cases (积案), key cases, leaders owning cases, resolution plans."""

    name = "xinfang.casework"
    label = "casework"
    verbose_name = _("Case ownership")
