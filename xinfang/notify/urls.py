"""Staff pages, included at /workbench/notify/ with the namespace ``notify``."""

from django.urls import URLPattern, URLResolver

app_name = "notify"
urlpatterns: list[URLPattern | URLResolver] = []
