"""Staff pages, included at /workbench/reception/ with the namespace ``reception``."""

from django.urls import URLPattern, URLResolver

app_name = "reception"
urlpatterns: list[URLPattern | URLResolver] = []
