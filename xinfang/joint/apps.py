from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JointConfig(AppConfig):
    """联合 — 联席会议, joint reception centres (一站式), mediation referrals, grassroots points, 回访."""

    name = "xinfang.joint"
    label = "joint"
    verbose_name = _("Joint work")
