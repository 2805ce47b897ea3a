"""Staff pages, included at /workbench/reception/ with the namespace ``reception``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.reception import views

app_name = "reception"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("schedules/", views.schedules, name="schedules"),
    path("schedules/<int:pk>/generate/", views.schedule_generate, name="schedule_generate"),
    path("schedules/<int:pk>/publish/", views.schedule_publish, name="schedule_publish"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("bookings/<int:pk>/mark/", views.booking_mark, name="booking_mark"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/<int:pk>/mark/", views.invitation_mark, name="invitation_mark"),
    path("field-visits/", views.field_visits, name="field_visits"),
    path("field-visits/<int:pk>/", views.field_visit_detail, name="field_visit"),
    path("compliance/", views.compliance, name="compliance"),
]
