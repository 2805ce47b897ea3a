"""Included under /api/v1/ by the project; every path here starts with "reports/"."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from xinfang.reports.api import views

router = SimpleRouter()
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
