"""Included under /api/v1/ by the project; every path here starts with "instructions/"."""

from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from xinfang.instructions.api import views

router = SimpleRouter()
router.register("instructions", views.InstructionViewSet, basename="instruction")

urlpatterns: list[URLPattern | URLResolver] = [
    path("instructions/mailboxes/", views.MailboxListView.as_view(), name="instruction-mailboxes"),
    path(
        "instructions/mailboxes/<int:id>/petitions/",
        views.MailboxSubmitView.as_view(),
        name="instruction-mailbox-submit",
    ),
    *router.urls,
]
