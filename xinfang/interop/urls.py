"""Open311 GeoReport v2, mounted at ``/open311/v2/``."""

from django.urls import re_path

from xinfang.interop import views

FMT = r"\.(?P<fmt>[A-Za-z0-9]{1,8})$"

app_name = "open311"
urlpatterns = [
    re_path(r"^services" + FMT, views.ServiceListView.as_view(), name="services"),
    re_path(r"^services/(?P<service_code>[^/]{1,40})" + FMT, views.ServiceDefinitionView.as_view(), name="service"),
    re_path(r"^requests" + FMT, views.RequestListView.as_view(), name="requests"),
    re_path(r"^requests/(?P<service_request_id>[^/]{1,60})" + FMT, views.RequestDetailView.as_view(), name="request"),
]
