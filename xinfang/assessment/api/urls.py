"""Included under /api/v1/ by the project; every path here starts with "assessment/"."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from xinfang.assessment.api import views

router = SimpleRouter()
router.register("assessment/schemes", views.SchemeViewSet, basename="assessment-scheme")
router.register("assessment/campaigns", views.CampaignViewSet, basename="assessment-campaign")

urlpatterns: list[URLPattern | URLResolver] = [
    path("assessment/lines/<str:pk>/contest/", views.LineContestView.as_view(), name="assessment-line-contest"),
    path("assessment/contests/<str:pk>/decide/", views.ContestDecideView.as_view(), name="assessment-contest-decide"),
    *router.urls,
]
