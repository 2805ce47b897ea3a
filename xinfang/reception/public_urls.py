"""Citizen pages (reception calendar, 约访 booking), included at /reception/, namespace ``reception_public``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.reception import public_views

app_name = "reception_public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", public_views.calendar, name="calendar"),
    path("sessions/<int:pk>/book/", public_views.book, name="book"),
    path("booked/<int:booking_id>/", public_views.booked, name="booked"),
    path("booking/", public_views.booking, name="booking"),
]
