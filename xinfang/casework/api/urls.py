"""Included under /api/v1/ by the project; every path here starts with "casework/"."""

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
