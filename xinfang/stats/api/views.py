"""GET /api/v1/stats/kpis/, /series/, /breakdown/ — figures from the rollup, visibility as in the petition list.

Bounds (no pagination): kpis returns one object; a series at most 366 points; a breakdown at most 500 rows.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core.errors import InvalidInput
from xinfang.core.schema import ErrorSerializer
from xinfang.orgs.api.permissions import IsUnitMember
from xinfang.stats import catalogue, selectors
from xinfang.stats.api import serializers as s

_DATES = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="First day (YYYY-MM-DD); default: 29 days before to"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, inclusive; default: today. At most 10 years."),
    OpenApiParameter("unit", OpenApiTypes.INT, description="Narrow to a unit you may see (own, or in scope)"),
]
_KPI = OpenApiParameter("kpi", OpenApiTypes.STR, required=True, enum=list(catalogue.BY_NAME))
_ERRORS = {400: ErrorSerializer, 401: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


class _StatsView(APIView):
    permission_classes = [IsUnitMember]

    def common(self, request: Request) -> tuple[selectors.View, Any, Any]:
        start, end = selectors.parse_range(request.query_params)
        view = selectors.view_for(request.user, selectors.parse_unit(request.query_params.get("unit")))  # type: ignore[arg-type]
        return view, start, end


class KpisView(_StatsView):
    @extend_schema(parameters=_DATES, responses={200: s.KpisSerializer, **_ERRORS}, operation_id="stats_kpis")
    def get(self, request: Request) -> Response:
        view, start, end = self.common(request)
        periods = selectors.comparison_periods(start, end)
        # The period, 环比 and 同比 together: one rollup query and one query per desk for the three.
        now, previous, year_ago = selectors.figures_for_periods(
            view, [(start, end), periods["previous"], periods["year_ago"]]
        )
        return Response(
            {
                "from": start,
                "to": end,
                "unit": view.unit.pk if view.unit else None,
                "figures": now,
                "previous": previous,
                "year_ago": year_ago,
                "previous_period": list(periods["previous"]),
                "year_ago_period": list(periods["year_ago"]),
                "definitions": {k.name: str(k.definition) for k in catalogue.KPIS},
                "hot_issues": selectors.hot_issues_top(view, end),
            }
        )


class SeriesView(_StatsView):
    @extend_schema(
        parameters=[
            _KPI,
            OpenApiParameter("interval", OpenApiTypes.STR, enum=list(selectors.INTERVALS), description="default month"),
            *_DATES,
        ],
        responses={200: s.SeriesSerializer, **_ERRORS},
        operation_id="stats_series",
    )
    def get(self, request: Request) -> Response:
        kpi = selectors.parse_kpi(request.query_params.get("kpi"))
        interval = request.query_params.get("interval") or "month"
        view, start, end = self.common(request)
        points = selectors.series(view, kpi, start, end, interval)
        return Response(
            {
                "kpi": kpi.name,
                "interval": interval,
                "from": start,
                "to": end,
                "unit": view.unit.pk if view.unit else None,
                "points": points,
            }
        )


class BreakdownView(_StatsView):
    @extend_schema(
        parameters=[
            _KPI,
            OpenApiParameter("by", OpenApiTypes.STR, required=True, enum=list(selectors.BREAKDOWNS)),
            OpenApiParameter("level", OpenApiTypes.INT, enum=[1, 2, 3], description="category level (default 1)"),
            *_DATES,
        ],
        responses={200: s.BreakdownSerializer, **_ERRORS},
        operation_id="stats_breakdown",
    )
    def get(self, request: Request) -> Response:
        kpi = selectors.parse_kpi(request.query_params.get("kpi"))
        by = request.query_params.get("by") or ""
        raw_level = request.query_params.get("level") or "1"
        if raw_level not in {"1", "2", "3"}:
            raise InvalidInput(_("The category level is 1, 2 or 3."), field="level")
        view, start, end = self.common(request)
        rows, truncated = selectors.breakdown(view, kpi, start, end, by, int(raw_level))
        return Response(
            {
                "kpi": kpi.name,
                "by": by,
                "level": int(raw_level) if by == "category" else None,
                "from": start,
                "to": end,
                "unit": view.unit.pk if view.unit else None,
                "rows": rows,
                "truncated": truncated,
            }
        )
