"""Citizen pages (reception calendar, 约访 booking), included at /reception/, namespace ``reception_public``."""

from django.urls import URLPattern, URLResolver

app_name = "reception_public"
urlpatterns: list[URLPattern | URLResolver] = []
