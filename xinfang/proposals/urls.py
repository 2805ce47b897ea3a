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
    path(
        "proposals/adopted/<str:number>/attachments/<int:attachment_id>/",
        views.public_attachment,
        name="public_attachment",
    ),
    path("workbench/proposals/", views.desk, name="desk"),
    path("workbench/proposals/calls/", views.call_new, name="call_new"),
    path("workbench/proposals/from-petition/", views.from_petition, name="from_petition"),
    path("workbench/proposals/<int:pk>/", views.detail, name="detail"),
    path("workbench/proposals/<int:pk>/<str:action>/", views.act, name="act"),
    path("workbench/proposals/<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
