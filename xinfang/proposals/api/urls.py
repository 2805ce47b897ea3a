"""Included under /api/v1/ by the project; every path here starts with "proposals/"."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from xinfang.proposals.api import views

router = SimpleRouter()
router.register("proposals/calls", views.CallViewSet, basename="proposal-call")
router.register("proposals", views.ProposalViewSet, basename="proposal")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
