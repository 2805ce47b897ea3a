from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "xinfang.search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from xinfang.search import signals  # noqa: F401 - connects the PetitionEvent receiver
