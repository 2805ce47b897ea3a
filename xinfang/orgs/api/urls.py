"""Unit tree and current-user endpoints, included under /api/v1/."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from xinfang.orgs.api.views import MeView, UnitViewSet

router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")

urlpatterns: list[URLPattern | URLResolver] = [
    *router.urls,
    path("me/", MeView.as_view(), name="me"),
]
