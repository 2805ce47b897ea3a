"""Included under /api/v1/ by the project; every path here starts with "joint/"."""

from django.urls import URLPattern, URLResolver
from rest_framework.routers import SimpleRouter

from xinfang.joint.api import views

router = SimpleRouter()
router.register("joint/conferences", views.ConferenceViewSet, basename="joint-conference")
router.register("joint/meetings", views.MeetingViewSet, basename="joint-meeting")
router.register("joint/agenda-items", views.AgendaItemViewSet, basename="joint-agenda-item")
router.register("joint/decisions", views.DecisionViewSet, basename="joint-decision")
router.register("joint/assignments", views.AssignmentViewSet, basename="joint-assignment")
router.register("joint/centres", views.CentreViewSet, basename="joint-centre")
router.register("joint/intakes", views.IntakeViewSet, basename="joint-intake")
router.register("joint/sessions", views.SessionViewSet, basename="joint-session")
router.register("joint/mediations", views.MediationViewSet, basename="joint-mediation")
router.register("joint/points", views.PointViewSet, basename="joint-point")
router.register("joint/visits", views.VisitViewSet, basename="joint-visit")
router.register("joint/follow-ups", views.FollowUpViewSet, basename="joint-follow-up")

urlpatterns: list[URLPattern | URLResolver] = [*router.urls]
