"""Staff pages, included at /workbench/notify/ with the namespace ``notify``."""

from django.urls import URLPattern, URLResolver, path

from xinfang.notify import views

app_name = "notify"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("<int:pk>/read/", views.notification_read, name="read"),
]
