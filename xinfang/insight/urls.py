"""Staff pages for text intelligence, included at /workbench/insight/ with the namespace ``insight``."""

from django.urls import URLPattern, URLResolver

app_name = "insight"
urlpatterns: list[URLPattern | URLResolver] = []
