from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstructionsConfig(AppConfig):
    """领导阅批 — leaders' mailboxes, letters put before a leader, and the leader's instructions (Art. 18)."""

    name = "xinfang.instructions"
    label = "instructions"
    verbose_name = _("Leaders' instructions")
