"""Staff pages, included at /workbench/supervision/ with the namespace ``supervision``."""

from django.urls import URLPattern, URLResolver

app_name = "supervision"
urlpatterns: list[URLPattern | URLResolver] = []
