from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    """人民建议征集 (Art. 29 ¶2): calls for proposals, proposals, their assessment, decision and implementation."""

    name = "xinfang.proposals"
    label = "proposals"
    verbose_name = _("People's proposals")

    def ready(self) -> None:
        from xinfang.core.audit import identity_read_scope_register
        from xinfang.proposals.selectors import identity_reads_scope

        identity_read_scope_register(identity_reads_scope)  # the identity-read audit lists proposer reads
