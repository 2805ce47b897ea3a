"""Staff pages, included at /workbench/joint/ with the namespace ``joint``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.joint import views

app_name = "joint"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("conferences/", views.conferences, name="conferences"),
    path("conferences/<int:pk>/", views.conference_detail, name="conference"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("decisions/", views.decisions, name="decisions"),
    path("assignments/<int:pk>/complete/", views.assignment_complete, name="assignment_complete"),
    path("centres/", views.centres, name="centres"),
    path("centres/<int:pk>/", views.centre_detail, name="centre"),
    path("centres/<int:pk>/sessions/", views.sessions, name="sessions"),
    path("mediations/", views.mediations, name="mediations"),
    path("mediations/<int:pk>/", views.mediation_outcome, name="mediation"),
    path("grassroots/", views.grassroots, name="grassroots"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
]
