"""Read-only API over the unit tree, and the current user's profile.

Every list is keyset-paginated on the materialised path (``CursorPagination``): with ~90,000 units an OFFSET
would scan everything before the page, and the path order is the tree's natural pre-order.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from xinfang.orgs.api.permissions import IsUnitStaff
from xinfang.orgs.api.serializers import (
    MeSerializer,
    UnitDetailSerializer,
    UnitFilterSerializer,
    UnitSerializer,
)
from xinfang.orgs.models import Unit, UnitQuerySet, User

_FILTER_PARAMS = frozenset(UnitFilterSerializer().fields)
# The router's lookup_value_regex would otherwise show the id as a string with a pattern.
_UNIT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="Unit id.")


class UnitCursorPagination(CursorPagination):
    ordering = "path"  # unique, indexed and the tree's pre-order
    page_size_query_param = "page_size"
    max_page_size = 500

    def decode_cursor(self, request: Request) -> Cursor | None:
        # DRF answers a malformed cursor with 404; it is a bad query parameter like any other here.
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({self.cursor_query_param: [_("Invalid cursor.")]}) from exc


@extend_schema_view(
    list=extend_schema(
        summary="List units",
        description="Units in tree order, filtered by the query parameters (all optional, combined with AND).",
        parameters=[UnitFilterSerializer],
    ),
    retrieve=extend_schema(summary="Get a unit with its chain of superior units", parameters=[_UNIT_ID]),
)
class UnitViewSet(viewsets.ReadOnlyModelViewSet[Unit]):
    permission_classes = [IsUnitStaff]
    pagination_class = UnitCursorPagination
    lookup_value_regex = r"\d+"
    queryset = Unit.objects.all()  # tells the schema the model; get_queryset() adds the annotation

    def get_queryset(self) -> UnitQuerySet:
        qs = Unit.objects.annotate(has_children=Exists(Unit.objects.filter(parent_id=OuterRef("pk"))))
        if self.action == "list":
            qs = _apply_filters(qs, self._filter_params())
        return qs

    def get_serializer_class(self) -> type[BaseSerializer[Unit]]:
        return UnitDetailSerializer if self.action == "retrieve" else UnitSerializer

    def _filter_params(self) -> dict[str, Any]:
        # Empty values count as absent (forms send "?level="); pagination parameters are not ours to check.
        raw = {k: v for k, v in self.request.query_params.items() if k in _FILTER_PARAMS and v != ""}
        params = UnitFilterSerializer(data=raw)
        params.is_valid(raise_exception=True)
        validated: dict[str, Any] = params.validated_data
        return validated

    @extend_schema(
        summary="List the direct subordinates of a unit",
        parameters=[_UNIT_ID],
        responses=UnitSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def children(self, request: Request, pk: str | None = None) -> Response:
        unit_id = int(self.kwargs["pk"])  # lookup_value_regex admits digits only
        if not Unit.objects.filter(pk=unit_id).exists():
            raise NotFound(_("No unit with this id."))
        page = self.paginate_queryset(self.get_queryset().filter(parent_id=unit_id))
        return self.get_paginated_response(UnitSerializer(page, many=True).data)


def _apply_filters(qs: UnitQuerySet, params: dict[str, Any]) -> UnitQuerySet:
    if q := params.get("q", "").strip():
        # Codes are upper-case digits/letters and division codes digits: prefix matches use the indexes.
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q.upper()) | Q(division_code__startswith=q))
    if (parent := params.get("parent")) is not None:
        qs = qs.filter(parent=parent)
    if level := params.get("level"):
        qs = qs.filter(level=level)
    if unit_type := params.get("type"):
        qs = qs.filter(unit_type=unit_type)
    if (within := params.get("within")) is not None:
        qs = qs.within(cast(Unit, within).path)
    if (root := params.get("root")) is not None:
        qs = qs.filter(parent__isnull=root)
    if (active := params.get("active")) is not None:
        qs = qs.filter(is_active=active)
    return qs


class MeView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="The signed-in user: unit, position and roles", responses=MeSerializer)
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(cast(User, request.user)).data)
