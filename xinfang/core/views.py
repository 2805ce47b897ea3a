"""Site-wide views that belong to no domain area."""

from __future__ import annotations

from typing import Any

from django.templatetags.static import static
from django.views.generic import RedirectView


class FaviconView(RedirectView):
    """``/favicon.ico``, which browsers ask for by themselves: the site's icon (the pages link it too)."""

    permanent = True

    def get_redirect_url(self, *args: Any, **kwargs: Any) -> str:
        return static("xinfang/favicon.svg")
