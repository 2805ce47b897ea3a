from django.urls import URLPattern, URLResolver, path

from xinfang.deadlines.api.views import CalendarDeadlineView

urlpatterns: list[URLPattern | URLResolver] = [
    path("calendar/deadline", CalendarDeadlineView.as_view(), name="calendar-deadline"),
]
