"""Included under /api/v1/ by the project; every path here starts with "notify/"."""

from django.urls import URLPattern, URLResolver, path

from xinfang.notify.api import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("notify/notifications/", views.NotificationListView.as_view(), name="notify-notifications"),
    path(
        "notify/notifications/read-all/", views.NotificationReadAllView.as_view(), name="notify-notifications-read-all"
    ),
    path("notify/notifications/<int:pk>/read/", views.NotificationReadView.as_view(), name="notify-notification-read"),
]
