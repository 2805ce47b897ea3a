"""Thin API views of the reports: list, draft, read, edit, issue, download (.docx)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from xinfang.core.api import staff_user
from xinfang.core.errors import InvalidInput
from xinfang.core.schema import ErrorSerializer
from xinfang.orgs.api.permissions import IsUnitMember
from xinfang.orgs.models import Unit
from xinfang.reports import selectors, services
from xinfang.reports.api import serializers as s
from xinfang.reports.docx import filename_of, render_docx
from xinfang.reports.models import Report, ReportKind

STAFF = [permissions.IsAuthenticated, IsUnitMember]
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer, 409: ErrorSerializer}


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def docx_response(report: Report) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(render_docx(report), content_type=DOCX_TYPE)
    name = filename_of(report)
    response["Content-Disposition"] = (
        f"attachment; filename=\"report-{report.pk}.docx\"; filename*=UTF-8''{quote(name)}"
    )
    return response


def problems_from(user: Any, report: Report, rows: list[dict[str, Any]]) -> list[services.ProblemSpec]:
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[r["unit"] for r in rows])}
    out = []
    for row in rows:
        unit = units.get(row["unit"])
        if unit is None:
            raise InvalidInput(_("Unknown unit %(id)s.") % {"id": row["unit"]}, field="problems")
        out.append(
            services.ProblemSpec(title=row["title"], unit=unit, due=row["due"], description=row.get("description", ""))
        )
    return out


def meeting_from(user: Any, pk: int | None) -> Any:
    if pk is None:
        return None
    from xinfang.joint.selectors import meetings_visible_to

    meeting = meetings_visible_to(user).select_related("conference__unit").filter(pk=pk).first()
    if meeting is None:
        raise InvalidInput(_("No joint conference meeting %(id)s that you may see.") % {"id": pk}, field="meeting")
    return meeting


class ReportViewSet(viewsets.GenericViewSet[Any]):
    """Monthly 分析研判 and Art. 41 annual reports of my unit (or, for heads and leaders, of the units below)."""

    permission_classes = STAFF
    pagination_class = NewestFirst
    serializer_class = s.ReportSerializer
    queryset = Report.objects.none()  # for the schema only; get_queryset decides what is seen

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.reports_visible_to(staff_user(self.request))

    def _get(self, pk: str) -> Report:
        return selectors.report_get_visible(staff_user(self.request), pk)

    @extend_schema(responses={200: s.ReportSerializer(many=True), **_ERRORS})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.ReportSerializer(page, many=True).data)

    @extend_schema(request=s.ReportInSerializer, responses={201: s.ReportDetailSerializer, **_ERRORS})
    def create(self, request: Request) -> Response:
        """Draft my unit's report for a month or a year (the existing draft if there is one)."""
        ser = s.ReportInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        user = staff_user(request)
        assert user.unit is not None  # noqa: S101 - IsUnitMember
        data = ser.validated_data
        if data["kind"] == ReportKind.MONTHLY:
            year, month = (int(x) for x in data["month"].split("-"))
            report = services.report_draft_monthly(unit=user.unit, month=dt.date(year, month, 1), actor=user)
        else:
            report = services.report_draft_annual(unit=user.unit, year=data["year"], actor=user)
        return Response(s.ReportDetailSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.ReportDetailSerializer, **_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(s.ReportDetailSerializer(self._get(pk)).data)

    @extend_schema(request=s.ReportEditSerializer, responses={200: s.ReportDetailSerializer, **_ERRORS})
    def partial_update(self, request: Request, pk: str) -> Response:
        """Edit the text sections of a draft; its figures are computed again."""
        report = self._get(pk)
        ser = s.ReportEditSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        report = services.report_edit(actor=staff_user(request), report=report, sections=ser.validated_data["sections"])
        return Response(s.ReportDetailSerializer(report).data)

    @extend_schema(request=s.ReportIssueInSerializer, responses={200: s.ReportDetailSerializer, **_ERRORS})
    @action(detail=True, methods=["post"])
    def issue(self, request: Request, pk: str) -> Response:
        """Approve and issue; each chosen problem goes on the meeting's agenda and is assigned to its unit."""
        report = self._get(pk)
        ser = s.ReportIssueInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        user = staff_user(request)
        report = services.report_issue(
            actor=user,
            report=report,
            problems=problems_from(user, report, ser.validated_data["problems"]),
            meeting=meeting_from(user, ser.validated_data.get("meeting")),
        )
        return Response(s.ReportDetailSerializer(report).data)

    @extend_schema(responses={(200, DOCX_TYPE): OpenApiTypes.BINARY, **_ERRORS})
    @action(detail=True, methods=["get"])
    def docx(self, request: Request, pk: str) -> HttpResponse:
        return docx_response(self._get(pk))
