"""Included under /api/v1/ by the project; every path here starts with "reception/"."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
