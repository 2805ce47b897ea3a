"""``django.contrib.admin`` with the two-factor site as ``admin.site`` (kept apart from ``core.admin_site``, which
imports models: an app config must be importable before the models are)."""

from django.contrib.admin.apps import AdminConfig


class TwoFactorAdminConfig(AdminConfig):
    default_site = "xinfang.core.admin_site.TwoFactorAdminSite"
