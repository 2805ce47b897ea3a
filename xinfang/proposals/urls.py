"""Public pages under /proposals/ and the staff pages under /workbench/proposals/ (namespace ``proposals``)."""

from django.urls import URLPattern, URLResolver, path

from xinfang.proposals import views

app_name = "proposals"
urlpatterns: list[URLPattern | URLResolver] = [
    path("proposals/", views.calls, name="calls"),
    path("proposals/submit/", views.submit, name="submit"),
    path("proposals/calls/<int:call_id>/submit/", views.submit, name="submit_to_call"),
    path("proposals/receipt/", views.receipt, name="receipt"),
    path("proposals/adopted/", views.adopted, name="adopted"),
    path("workbench/proposals/", views.desk, name="desk"),
    path("workbench/proposals/<int:pk>/", views.detail, name="detail"),
]
