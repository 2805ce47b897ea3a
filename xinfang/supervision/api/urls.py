"""Included under /api/v1/ by the project; every path here starts with "supervision/"."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from xinfang.supervision.api import views

router = SimpleRouter()
router.register("supervision/orders", views.OrderViewSet, basename="supervision-order")
router.register("supervision/recommendations", views.RecommendationViewSet, basename="supervision-recommendation")
router.register("supervision/interviews", views.InterviewViewSet, basename="supervision-interview")
router.register("supervision/bulletins", views.BulletinViewSet, basename="supervision-bulletin")

urlpatterns: list[URLPattern | URLResolver] = [
    path("supervision/warnings/", views.WarningListView.as_view(), name="supervision-warnings"),
    path("supervision/warnings/summary/", views.WarningSummaryView.as_view(), name="supervision-warning-summary"),
    path(
        "supervision/assignments/overdue/",
        views.OverdueAssignmentsView.as_view(),
        name="supervision-assignments-overdue",
    ),
    *router.urls,
]
