"""Included under /api/v1/ by the project; every path here starts with "reception/"."""

from django.urls import URLPattern, URLResolver, path

from xinfang.reception.api import views as v

urlpatterns: list[URLPattern | URLResolver] = [
    path("reception/sites/", v.SiteListView.as_view(), name="reception-sites"),
    path("reception/schedules/", v.ScheduleListView.as_view(), name="reception-schedules"),
    path("reception/schedules/<int:pk>/", v.ScheduleDetailView.as_view(), name="reception-schedule"),
    path("reception/schedules/<int:pk>/generate/", v.ScheduleGenerateView.as_view(), name="reception-generate"),
    path("reception/schedules/<int:pk>/publish/", v.SchedulePublishView.as_view(), name="reception-publish"),
    path("reception/sessions/", v.SessionListView.as_view(), name="reception-sessions"),
    path("reception/sessions/<int:pk>/", v.SessionDetailView.as_view(), name="reception-session"),
    path("reception/sessions/<int:pk>/status/", v.SessionStatusView.as_view(), name="reception-session-status"),
    path("reception/sessions/<int:pk>/visits/", v.SessionVisitsView.as_view(), name="reception-session-visits"),
    path("reception/sessions/<int:pk>/bookings/", v.SessionBookingsView.as_view(), name="reception-session-bookings"),
    path("reception/bookings/<int:pk>/mark/", v.BookingMarkView.as_view(), name="reception-booking-mark"),
    path("reception/public/sessions/", v.PublicSessionListView.as_view(), name="reception-public-sessions"),
    path("reception/public/sessions/<int:pk>/", v.PublicSessionDetailView.as_view(), name="reception-public-session"),
    path("reception/public/bookings/lookup/", v.PublicBookingLookupView.as_view(), name="reception-booking-lookup"),
    path("reception/public/bookings/cancel/", v.PublicBookingCancelView.as_view(), name="reception-booking-cancel"),
    path("reception/invitations/", v.InvitationListView.as_view(), name="reception-invitations"),
    path("reception/invitations/<int:pk>/mark/", v.InvitationMarkView.as_view(), name="reception-invitation-mark"),
    path("reception/field-visits/", v.FieldVisitListView.as_view(), name="reception-field-visits"),
    path("reception/field-visits/<int:pk>/", v.FieldVisitDetailView.as_view(), name="reception-field-visit"),
    path("reception/field-visits/<int:pk>/cases/", v.FieldVisitCasesView.as_view(), name="reception-field-visit-cases"),
    path(
        "reception/field-visits/<int:pk>/cases/<int:case_id>/result/",
        v.FieldVisitCaseResultView.as_view(),
        name="reception-field-visit-case-result",
    ),
    path(
        "reception/field-visits/<int:pk>/minutes/",
        v.FieldVisitMinutesView.as_view(),
        name="reception-field-visit-minutes",
    ),
    path(
        "reception/field-visits/<int:pk>/cancel/", v.FieldVisitCancelView.as_view(), name="reception-field-visit-cancel"
    ),
    path("reception/compliance/", v.ComplianceView.as_view(), name="reception-compliance"),
    path("reception/statistics/", v.StatisticsView.as_view(), name="reception-statistics"),
    path("reception/desk/", v.DeskView.as_view(), name="reception-desk"),
]
