"""Citizen pages (reception calendar and 约访 booking), included at /reception/ with the namespace ``reception_public``."""

from django.urls import URLPattern, URLResolver

app_name = "reception_public"
urlpatterns: list[URLPattern | URLResolver] = []
