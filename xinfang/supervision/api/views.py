"""Thin API views of the supervision desk: parse, call a service or selector, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import timeutil
from xinfang.core.api import staff_user
from xinfang.core.errors import InvalidInput, NotPermitted
from xinfang.core.limits import is_id
from xinfang.orgs.api.permissions import IsUnitMember
from xinfang.orgs.models import User
from xinfang.supervision import exports, selectors, services, typical_cases
from xinfang.supervision.api import serializers as s
from xinfang.supervision.bulletin import bulletin_generate
from xinfang.supervision.models import Bulletin, Interview, Recommendation, SupervisionOrder, WarningLevel

STAFF = [permissions.IsAuthenticated, IsUnitMember]


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class DueFirst(CursorPagination):
    ordering = ("due", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def resolve_own_order(user: User, pk: int | None) -> SupervisionOrder | None:
    if pk is None:
        return None
    order = selectors.orders_visible_to(user).filter(pk=pk, issuing_unit_id=user.unit_id).first()
    if order is None:
        raise InvalidInput(_("No supervision order %(id)s issued by your unit.") % {"id": pk}, field="order")
    return order


class WarningListView(APIView):
    """Clocks in my scope with a warning level (临期 / 超期 / 严重超期), soonest due first."""

    permission_classes = STAFF
    pagination_class = DueFirst  # paginated by hand in get(); declared so that the schema shows the envelope

    @extend_schema(
        parameters=[OpenApiParameter("level", str, enum=[lv.value for lv in WarningLevel])],
        responses={200: s.WarningClockSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        level = request.query_params.get("level", "")
        if level and level not in WarningLevel.values:
            raise InvalidInput(_("Unknown warning level."), field="level")
        qs = selectors.warning_clocks(staff_user(request), timeutil.today(), level)
        paginator = DueFirst()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(s.WarningClockSerializer(page, many=True).data)


class WarningSummaryView(APIView):
    permission_classes = STAFF

    @extend_schema(responses={200: s.LevelCountsSerializer})
    def get(self, request: Request) -> Response:
        return Response(selectors.level_counts(staff_user(request), timeutil.today()))


class OverdueAssignmentsView(APIView):
    """交办事项 past their deadline that I may see."""

    permission_classes = STAFF
    pagination_class = DueFirst  # paginated by hand in get(); declared so that the schema shows the envelope

    @extend_schema(responses={200: s.AssignmentSerializer(many=True)})
    def get(self, request: Request) -> Response:
        qs = selectors.overdue_assignments_for(staff_user(request), timeutil.today())
        paginator = DueFirst()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(s.AssignmentSerializer(page, many=True).data)


class OrderViewSet(viewsets.GenericViewSet[SupervisionOrder]):
    """督办单: issue, list, read, written reply, close or return."""

    permission_classes = STAFF
    pagination_class = NewestFirst
    serializer_class = s.OrderSerializer
    queryset = SupervisionOrder.objects.none()  # for the schema only (the id's type); get_queryset decides what is seen

    def get_queryset(self) -> QuerySet[SupervisionOrder]:
        user = staff_user(self.request)
        box = self.request.query_params.get("box", "all")
        if box == "issued":
            return selectors.orders_issued_by_my_unit(user)
        if box == "received":
            return selectors.orders_awaiting_my_reply(user)
        if box == "listed":
            return selectors.listed_orders(user)
        if box == "all":
            return selectors.orders_visible_to(user)
        raise InvalidInput(_("box must be issued, received, listed or all."), field="box")

    def _get(self, pk: str) -> SupervisionOrder:
        if not is_id(pk):
            raise Http404
        return selectors.order_get_visible(staff_user(self.request), int(pk))

    def _detail(self, order: SupervisionOrder, code: int = 200) -> Response:
        fresh = selectors.order_get_visible(staff_user(self.request), order.pk)
        return Response(s.OrderDetailSerializer(fresh).data, status=code)

    @extend_schema(parameters=[OpenApiParameter("box", str, enum=["all", "issued", "received", "listed"])])
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.OrderSerializer(page, many=True).data)

    @extend_schema(request=s.OrderInSerializer, responses={201: s.OrderDetailSerializer})
    def create(self, request: Request) -> Response:
        ser = s.OrderInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        user = staff_user(request)
        services.require_supervisor(user, d["target_unit"], _("issue a supervision order"))  # before the petition
        order = services.order_issue(
            actor=user,
            data=services.OrderData(
                target_unit=d["target_unit"],
                matter=d["matter"],
                requirements=d["requirements"],
                petition=selectors.petition_by_key(user, d["petition"]),
                reply_due=d["reply_due"],
                reply_days=d["reply_days"],
                is_listed=d["is_listed"],
            ),
        )
        return self._detail(order, status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.OrderDetailSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(self._get(pk))

    @extend_schema(request=s.ReplySerializer, responses={200: s.OrderDetailSerializer})
    @action(detail=True, methods=["post"])
    def reply(self, request: Request, pk: str) -> Response:
        """The unit supervised replies in writing."""
        ser = s.ReplySerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        order = services.order_reply(actor=staff_user(request), order=self._get(pk), text=ser.validated_data["text"])
        return self._detail(order)

    @extend_schema(request=s.CloseSerializer, responses={200: s.OrderDetailSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        """The issuer accepts the reply and closes the order."""
        ser = s.CloseSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        order = services.order_close(actor=staff_user(request), order=self._get(pk), note=ser.validated_data["note"])
        return self._detail(order)

    @extend_schema(request=s.ReturnSerializer, responses={200: s.OrderDetailSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_reply(self, request: Request, pk: str) -> Response:
        """The issuer returns the reply with the reason and a new deadline."""
        ser = s.ReturnSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        order = services.order_return(
            actor=staff_user(request),
            order=self._get(pk),
            reason=ser.validated_data["reason"],
            reply_due=ser.validated_data["reply_due"],
        )
        return self._detail(order)


class RecommendationViewSet(viewsets.GenericViewSet[Any]):
    """Art. 40 recommendations and the written feedback on adoption."""

    permission_classes = STAFF
    pagination_class = NewestFirst
    serializer_class = s.RecommendationSerializer
    queryset = Recommendation.objects.none()  # for the schema only (the id's type); get_queryset decides what is seen

    def get_queryset(self) -> QuerySet[Any]:
        qs = selectors.recommendations_visible_to(staff_user(self.request))
        if self.request.query_params.get("awaiting") == "1":
            qs = qs.awaiting()
        return qs.prefetch_related("petitions")

    def _get(self, pk: str) -> Any:
        rec = self.get_queryset().filter(pk=int(pk)).first() if is_id(pk) else None
        if rec is None:
            raise Http404
        return rec

    @extend_schema(parameters=[OpenApiParameter("awaiting", str, enum=["1"])])
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.RecommendationSerializer(page, many=True).data)

    @extend_schema(request=s.RecommendationInSerializer, responses={201: s.RecommendationSerializer})
    def create(self, request: Request) -> Response:
        ser = s.RecommendationInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        user = staff_user(request)
        services.require_supervisor(user, d["to_unit"], _("make a recommendation"))  # before the petitions
        rec = services.recommendation_issue(
            actor=user,
            kind=d["kind"],
            to_unit=d["to_unit"],
            text=d["text"],
            petitions=selectors.petitions_by_keys(user, d["petitions"], field="petitions"),
            order=resolve_own_order(user, d["order"]),
            feedback_due=d["feedback_due"],
        )
        return Response(s.RecommendationSerializer(self._get(str(rec.pk))).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(s.RecommendationSerializer(self._get(pk)).data)

    @extend_schema(request=s.FeedbackSerializer, responses={200: s.RecommendationSerializer})
    @action(detail=True, methods=["post"])
    def feedback(self, request: Request, pk: str) -> Response:
        """The recipient's written feedback: adopted, partly adopted or not adopted (Art. 40)."""
        ser = s.FeedbackSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        rec = services.recommendation_feedback(
            actor=staff_user(request),
            recommendation=self._get(pk),
            adoption=ser.validated_data["adoption"],
            text=ser.validated_data["text"],
        )
        return Response(s.RecommendationSerializer(self._get(str(rec.pk))).data)


class InterviewViewSet(viewsets.GenericViewSet[Any]):
    """约谈 records; 责令限期整改 items become assignments of the unit interviewed."""

    permission_classes = STAFF
    pagination_class = NewestFirst
    serializer_class = s.InterviewSerializer
    queryset = Interview.objects.none()  # for the schema only (the id's type); get_queryset decides what is seen

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.interviews_visible_to(staff_user(self.request))

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.InterviewSerializer(page, many=True).data)

    @extend_schema(request=s.InterviewInSerializer, responses={201: s.InterviewSerializer})
    def create(self, request: Request) -> Response:
        ser = s.InterviewInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        user = staff_user(request)
        interview = services.interview_record(
            actor=user,
            unit=d["unit"],
            persons=d["persons"],
            reason=d["reason"],
            held_on=d["held_on"],
            conducted_by=d["conducted_by"],
            minutes=d["minutes"],
            order=resolve_own_order(user, d["order"]),
            rectifications=[services.Rectification(r["matter"], r["due"]) for r in d["rectifications"]],
        )
        return Response(s.InterviewSerializer(interview).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        interview = self.get_queryset().filter(pk=int(pk)).first() if is_id(pk) else None
        if interview is None:
            raise Http404
        return Response(s.InterviewSerializer(interview).data)


class BulletinViewSet(viewsets.GenericViewSet[Any]):
    """每月通报: list, generate for a month (my unit's scope), read, download as .docx or .xlsx."""

    permission_classes = STAFF
    pagination_class = NewestFirst
    serializer_class = s.BulletinSerializer
    queryset = Bulletin.objects.none()  # for the schema only (the id's type); get_queryset decides what is seen

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.bulletins_visible_to(staff_user(self.request))

    def _get(self, pk: str) -> Any:
        bulletin = self.get_queryset().filter(pk=int(pk)).first() if is_id(pk) else None
        if bulletin is None:
            raise Http404
        return bulletin

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.BulletinSerializer(page, many=True).data)

    @extend_schema(request=s.BulletinInSerializer, responses={201: s.BulletinDetailSerializer})
    def create(self, request: Request) -> Response:
        """Make (or remake) my unit's bulletin for a month."""
        ser = s.BulletinInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        user = staff_user(request)
        year, month = (int(x) for x in ser.validated_data["month"].split("-"))
        assert user.unit is not None  # noqa: S101 - IsUnitMember
        bulletin = bulletin_generate(unit=user.unit, month=dt.date(year, month, 1), actor=user)
        return Response(s.BulletinDetailSerializer(bulletin).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.BulletinDetailSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(s.BulletinDetailSerializer(self._get(pk)).data)

    @extend_schema(
        methods=["GET"], responses={200: s.BulletinCaseSerializer(many=True)}, summary="Typical cases of a bulletin"
    )
    @extend_schema(
        methods=["POST"],
        request=s.BulletinCaseInSerializer,
        responses={201: s.BulletinCaseSerializer},
        summary="Choose a typical case",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def cases(self, request: Request, pk: str) -> Response:
        """典型案例: the approved ones (and, for the issuing unit, those awaiting approval); POST chooses one."""
        user = staff_user(request)
        bulletin = self._get(pk)
        if request.method == "GET":
            qs = typical_cases.bulletin_cases_visible_to(user, bulletin)
            return Response(s.BulletinCaseSerializer(qs, many=True).data)
        if not typical_cases.may_choose(user, bulletin):  # before the petition lookup: no existence oracle
            raise NotPermitted(
                _("Only supervisors, analysts and leaders of the issuing unit choose its typical cases.")
            )
        ser = s.BulletinCaseInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        petition = selectors.petition_by_key(user, d["petition"])
        if petition is None:
            raise InvalidInput(_("Give the petition number."), field="petition")
        case = typical_cases.bulletin_case_add(
            actor=user, bulletin=bulletin, petition=petition, unit=d["unit"], verdict=d["verdict"], account=d["account"]
        )
        return Response(s.BulletinCaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={200: s.BulletinCaseSerializer},
        parameters=[OpenApiParameter("case_pk", int, OpenApiParameter.PATH, description="The case's id.")],
    )
    @action(detail=True, methods=["post"], url_path=r"cases/(?P<case_pk>[^/.]+)/approve", url_name="case-approve")
    def approve_case(self, request: Request, pk: str, case_pk: str) -> Response:
        """The issuing unit's head or a leader approves a typical case; only approved cases are printed."""
        user = staff_user(request)
        bulletin = self._get(pk)
        case = typical_cases.bulletin_case_get(user, bulletin, int(case_pk)) if is_id(case_pk) else None
        if case is None:
            raise Http404
        case = typical_cases.bulletin_case_approve(actor=user, case=case)
        return Response(s.BulletinCaseSerializer(case).data)

    @extend_schema(responses={(200, exports.DOCX_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def docx(self, request: Request, pk: str) -> HttpResponse:
        return exports.download(self._get(pk), "docx")

    @extend_schema(responses={(200, exports.XLSX_TYPE): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def xlsx(self, request: Request, pk: str) -> HttpResponse:
        return exports.download(self._get(pk), "xlsx")
