"""``GET /api/v1/audit/identity-reads/`` and its CSV export: who saw which petitioner unmasked, when, where."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core.errors import InvalidInput
from xinfang.core.limits import id_param
from xinfang.core.models import IdentityRead
from xinfang.petitions.audit import IdentityReadFilters, identity_reads_visible_to

FILTER_PARAMETERS = [
    OpenApiParameter("petition", str, description="Petition id or 编号"),
    OpenApiParameter("user", OpenApiTypes.INT, description="Staff account id"),
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (inclusive, local date)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (inclusive, local date)"),
]


class IdentityReadSerializer(serializers.ModelSerializer[IdentityRead]):
    user = serializers.CharField(source="user.username", read_only=True)
    user_name = serializers.CharField(source="user.full_name", read_only=True)
    petition = serializers.SerializerMethodField()

    class Meta:
        model = IdentityRead
        fields = ["id", "at", "user", "user_name", "petition", "booking_id", "proposal_id", "surface"]

    def get_petition(self, obj: IdentityRead) -> str:
        return obj.petition.number if obj.petition is not None else ""


class NewestFirst(CursorPagination):
    ordering = ("-at", "-id")
    page_size = 50


def _date(params: Any, name: str) -> dt.date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        if len(raw) == len("YYYY-MM-DD"):
            return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    raise InvalidInput(_("%(name)s must be a date (YYYY-MM-DD).") % {"name": name}, field=name)


def filters_from(params: Any) -> IdentityReadFilters:
    petition = (params.get("petition") or "").strip()
    if len(petition) > 40:  # longer than any 编号
        raise InvalidInput(_("petition must be an id or a petition number."), field="petition")
    since, until = _date(params, "from"), _date(params, "to")
    if since is not None and until is not None and since > until:
        raise InvalidInput(_("from must not be after to."), field="from")
    return IdentityReadFilters(petition=petition or None, user=id_param(params, "user"), since=since, until=until)


class IdentityReadListView(APIView):
    """Reads of unmasked petitioner identity (Art. 30; 个人信息保护法): supervisors and administrators see those of
    petitions in their scope and of proposers of proposals they may see, superusers all; others get 403."""

    pagination_class = NewestFirst

    @extend_schema(parameters=FILTER_PARAMETERS, responses={200: IdentityReadSerializer(many=True)})
    def get(self, request: Request) -> Response:
        qs = identity_reads_visible_to(request.user, filters_from(request.query_params))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self) or []
        return paginator.get_paginated_response(IdentityReadSerializer(page, many=True).data)


class _Echo:
    def write(self, value: str) -> str:
        return value


CSV_HEADER = ["id", "at", "user", "user_name", "petition", "booking_id", "proposal_id", "surface"]


def _csv_lines(rows: Any) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM: Excel opens UTF-8 CSV with Chinese text correctly
    yield writer.writerow(CSV_HEADER)
    for r in rows.iterator(chunk_size=1000):
        yield writer.writerow(
            [
                r.pk,
                r.at.isoformat(),
                r.user.username,
                r.user.full_name,
                r.petition.number if r.petition is not None else "",
                r.booking_id or "",
                r.proposal_id or "",
                r.surface,
            ]
        )


class IdentityReadExportView(APIView):
    """The same rows and filters as the list, as one CSV file (streamed; no page limit)."""

    @extend_schema(
        parameters=FILTER_PARAMETERS,
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="CSV, UTF-8 with BOM")},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        qs = identity_reads_visible_to(request.user, filters_from(request.query_params))
        response = StreamingHttpResponse(_csv_lines(qs), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="identity-reads.csv"'
        return response
