"""Staff pages, included at /workbench/joint/ with the namespace ``joint``."""

from django.urls import URLPattern, URLResolver

app_name = "joint"
urlpatterns: list[URLPattern | URLResolver] = []
