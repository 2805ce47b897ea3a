"""Thin API views of the casework desk: parse, call a service or selector, render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.casework import selectors, services
from xinfang.casework.actions import ACTIONS
from xinfang.casework.api import serializers as s
from xinfang.casework.models import BacklogCase, BacklogRule, Milestone, WeeklySchedule
from xinfang.core import timeutil
from xinfang.core.api import staff_user
from xinfang.core.errors import InvalidInput
from xinfang.orgs.api.permissions import IsUnitMember
from xinfang.orgs.models import User
from xinfang.petitions.selectors import petition_get_visible


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class WeekPagination(CursorPagination):
    ordering = ("-week_start", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


FILTER_PARAMETERS = [
    OpenApiParameter("status", str, enum=["candidate", "open", "in_charge", "closed", "dismissed"]),
    OpenApiParameter("kind", str, enum=["backlog", "key"]),
    OpenApiParameter("level", str, enum=["national", "province", "city", "county", "township"]),
    OpenApiParameter("unit", OpenApiTypes.INT, description="Unit id: cases of its subtree"),
    OpenApiParameter("rule", str, enum=BacklogRule.values),
    OpenApiParameter("age", str, enum=["lt6m", "6to12m", "1to2y", "gt2y"], description="Ageing bucket"),
    OpenApiParameter("leader", OpenApiTypes.INT, description="Leader in charge (user id)"),
    OpenApiParameter("q", str, description="编号 or words of the title"),
]
PERIOD_PARAMETERS = [
    OpenApiParameter("from", OpenApiTypes.DATE, description="Start of the period (default 1 January)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="End of the period (default today)"),
]


def _resolve_petition(user: User, key: str) -> Any:
    try:
        return petition_get_visible(user, key)
    except Http404:
        raise InvalidInput(
            _("No petition with number %(n)s that you can see.") % {"n": key}, field="petition"
        ) from None


def _case_action(name: str) -> Callable[..., Response]:
    spec = ACTIONS[name]
    code = status.HTTP_201_CREATED if spec.created else status.HTTP_200_OK
    attr = name.replace("-", "_")

    def handler(self: CaseViewSet, request: Request, pk: str) -> Response:
        user = staff_user(request)
        case = selectors.case_get_visible(user, pk)
        ser = spec.serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        spec.call(case, user, dict(ser.validated_data))
        return Response(self._detail(selectors.case_get_visible(user, case.pk)), status=code)

    handler.__name__ = attr
    handler.__doc__ = str(spec.summary)
    # extend_schema outside @action: @action replaces the function's kwargs, where extend_schema leaves its schema.
    return extend_schema(
        request=spec.serializer,
        responses={code: s.CaseDetailSerializer},
        summary=str(spec.summary),
        operation_id=f"casework_{attr}",
    )(action(detail=True, methods=["post"], url_path=name, serializer_class=spec.serializer)(handler))


class CaseViewSet(viewsets.GenericViewSet[BacklogCase]):
    """积案 / 重点 cases: list with filters, detail, marking by hand, decisions, 包案, plan, progress, outcome."""

    permission_classes = [IsUnitMember]
    pagination_class = NewestFirst
    serializer_class = s.CaseListSerializer
    queryset = BacklogCase.objects.none()  # for the schema's path parameter type; get_queryset is what runs

    def get_queryset(self) -> QuerySet[BacklogCase]:
        user = staff_user(self.request)
        f = selectors.filters_from(self.request.query_params)
        qs = selectors.filter_cases(selectors.cases_visible_to(user), f, timeutil.today())
        return qs.select_related("petition", "unit", "leader")

    def _detail(self, case: BacklogCase) -> dict[str, Any]:
        return dict(s.CaseDetailSerializer(case, context={"today": timeutil.today()}).data)

    @extend_schema(parameters=FILTER_PARAMETERS, responses={200: s.CaseListSerializer(many=True)})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.CaseListSerializer(page, many=True).data)

    @extend_schema(responses={200: s.CaseDetailSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._detail(selectors.case_get_visible(staff_user(request), pk)))

    @extend_schema(request=s.CaseMarkSerializer, responses={201: s.CaseDetailSerializer})
    def create(self, request: Request) -> Response:
        """Mark a petition as 积案 or 重点 by hand, with the reason."""
        user = staff_user(request)
        ser = s.CaseMarkSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        petition = _resolve_petition(user, ser.validated_data["petition"])
        case = services.case_mark(
            actor=user, petition=petition, kind=ser.validated_data["kind"], reason=ser.validated_data["reason"]
        )
        return Response(self._detail(selectors.case_get_visible(user, case.pk)), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.MilestoneResultSerializer,
        responses={200: s.CaseDetailSerializer},
        summary="Report a milestone done (by its responsible unit)",
        operation_id="casework_milestone_complete",
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"milestones/(?P<milestone_id>\d+)/complete",
        serializer_class=s.MilestoneResultSerializer,
    )
    def milestone_complete(self, request: Request, pk: str, milestone_id: str) -> Response:
        user = staff_user(request)
        case = selectors.case_get_visible(user, pk)
        milestone = Milestone.objects.select_related("assignment", "case").filter(case=case, pk=milestone_id).first()
        if milestone is None:
            raise Http404
        ser = s.MilestoneResultSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.milestone_complete(actor=user, milestone=milestone, result=ser.validated_data["result"])
        return Response(self._detail(selectors.case_get_visible(user, case.pk)))


for _name in ACTIONS:
    setattr(CaseViewSet, _name.replace("-", "_"), _case_action(_name))


class MyCasesView(APIView):
    """The signed-in leader's cases in charge (包案, the leader's desk), newest first, in the case list's shape."""

    permission_classes = [IsUnitMember]
    pagination_class = NewestFirst  # paginated by hand in get(); declared so that the schema shows the envelope

    @extend_schema(responses={200: s.CaseListSerializer(many=True)})
    def get(self, request: Request) -> Response:
        paginator = NewestFirst()
        qs = selectors.cases_owned_by(staff_user(request)).order_by("-id")
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(
            s.CaseListSerializer(page, many=True, context={"today": timeutil.today()}).data
        )


class BoardView(APIView):
    """Backlog board for the user's scope: counts by status, level and unit, ageing and the 化解率."""

    permission_classes = [IsUnitMember]

    @extend_schema(parameters=[*FILTER_PARAMETERS, *PERIOD_PARAMETERS], responses={200: s.BacklogBoardSerializer})
    def get(self, request: Request) -> Response:
        user = staff_user(request)
        board = selectors.board(user, selectors.filters_from(request.query_params))
        data = asdict(board)
        data.pop("extra", None)
        return Response(s.BacklogBoardSerializer(data).data)


class ScheduleViewSet(viewsets.ReadOnlyModelViewSet[WeeklySchedule]):
    """每周调度: the signed-in leader's weekly key-case schedules, newest first."""

    permission_classes = [IsUnitMember]
    serializer_class = s.WeeklyScheduleSerializer
    pagination_class = WeekPagination
    queryset = WeeklySchedule.objects.none()  # for the schema; get_queryset is what runs

    def get_queryset(self) -> QuerySet[WeeklySchedule]:
        return WeeklySchedule.objects.filter(leader_id=staff_user(self.request).pk)
