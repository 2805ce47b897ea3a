"""Included under /api/v1/ by the project; every path here starts with "casework/"."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from xinfang.casework.api import views

router = SimpleRouter()
router.register("casework/cases", views.CaseViewSet, basename="casework-case")
router.register("casework/schedules", views.ScheduleViewSet, basename="casework-schedule")

urlpatterns: list[URLPattern | URLResolver] = [
    path("casework/board/", views.BoardView.as_view(), name="casework-board"),
    path("casework/mine/", views.MyCasesView.as_view(), name="casework-mine"),
    *router.urls,
]
