"""Thin API views over the notify services and selectors: each signed-in user sees only their own messages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core.api import staff_user as signed_in_user
from xinfang.notify import selectors, services
from xinfang.notify.api.serializers import MarkedSerializer, NotificationSerializer
from xinfang.notify.models import Notification


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _flag(raw: str | None) -> bool:
    return (raw or "").strip().lower() in {"1", "true", "yes", "on"}


@extend_schema(
    tags=["notify"],
    parameters=[OpenApiParameter("unread", bool, description=_("Only unread notifications (1/true)."))],
)
class NotificationListView(generics.ListAPIView[Notification]):
    """My in-app notifications, newest first."""

    serializer_class = NotificationSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[Notification]:
        user = signed_in_user(self.request)
        return selectors.notifications_for(user, unread=_flag(self.request.query_params.get("unread")))


class NotificationReadView(APIView):
    @extend_schema(tags=["notify"], request=None, responses=NotificationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        """Mark one of my notifications read."""
        user = signed_in_user(request)
        row = services.notification_mark_read(actor=user, notification=selectors.notification_get_own(user, pk))
        return Response(NotificationSerializer(row).data)


class NotificationReadAllView(APIView):
    @extend_schema(tags=["notify"], request=None, responses=MarkedSerializer)
    def post(self, request: Request) -> Response:
        """Mark all my notifications read."""
        marked = services.notifications_mark_all_read(actor=signed_in_user(request))
        return Response(MarkedSerializer({"marked": marked}).data)
