from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "xinfang.demo"
    label = "xinfang_demo"
    verbose_name = "Demo"
