"""Thin API views of 考核 schemes and 专项工作 campaigns: parse, call a service or selector, render."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.assessment import selectors, services
from xinfang.assessment.api import serializers as s
from xinfang.assessment.models import Campaign, Contest, Scheme, ScoreLine
from xinfang.casework.models import BacklogCase
from xinfang.core.api import staff_user
from xinfang.core.errors import InvalidInput
from xinfang.core.limits import parse_id
from xinfang.orgs.api.permissions import IsUnitMember
from xinfang.orgs.models import User


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def scheme_detail(user: User, scheme: Scheme) -> dict[str, Any]:
    scheme.ranking_rows = selectors.ranking(scheme)  # type: ignore[attr-defined]
    scheme.visible_lines = selectors.lines_visible_to(user, scheme)  # type: ignore[attr-defined]
    return dict(s.SchemeDetailSerializer(scheme).data)


def campaign_detail(user: User, campaign: Campaign) -> dict[str, Any]:
    campaign.board_data = selectors.board(campaign)  # type: ignore[attr-defined]
    campaign.visible_cases = selectors.campaign_cases_for(user, campaign)  # type: ignore[attr-defined]
    campaign.pledge_rows = campaign.pledges.select_related("unit")  # type: ignore[attr-defined]
    campaign.progress_rows = campaign.progress.select_related("author")[:52]  # type: ignore[attr-defined]
    return dict(s.CampaignDetailSerializer(campaign).data)


class SchemeViewSet(viewsets.GenericViewSet[Scheme]):
    """考核 schemes (Art. 39): the issuing unit's own, and the published ones that assess the caller's unit."""

    permission_classes = [IsUnitMember]
    pagination_class = NewestFirst
    serializer_class = s.SchemeSerializer
    queryset = Scheme.objects.none()

    def get_queryset(self) -> QuerySet[Scheme]:
        return selectors.schemes_visible_to(staff_user(self.request))

    @extend_schema(responses={200: s.SchemeSerializer(many=True)})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.SchemeSerializer(page, many=True).data)

    @extend_schema(responses={200: s.SchemeDetailSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        user = staff_user(request)
        return Response(scheme_detail(user, selectors.scheme_get_visible(user, pk)))

    @extend_schema(request=s.SchemeInSerializer, responses={201: s.SchemeDetailSerializer})
    def create(self, request: Request) -> Response:
        """A draft scheme of the caller's unit for a year, over units in the part of the tree it oversees."""
        user = staff_user(request)
        ser = s.SchemeInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        scheme = services.scheme_create(actor=user, **ser.validated_data)
        return Response(scheme_detail(user, scheme), status=status.HTTP_201_CREATED)

    def _act(self, request: Request, pk: str, serializer: Any, call: Any, code: int = 200) -> Response:
        user = staff_user(request)
        scheme = selectors.scheme_get_visible(user, pk)
        data: dict[str, Any] = {}
        if serializer is not None:
            ser = serializer(data=request.data)
            ser.is_valid(raise_exception=True)
            data = dict(ser.validated_data)
        call(user, scheme, data)
        return Response(scheme_detail(user, selectors.scheme_get_visible(user, pk)), status=code)

    @extend_schema(request=s.IndicatorInSerializer, responses={201: s.SchemeDetailSerializer})
    @action(detail=True, methods=["post"], serializer_class=s.IndicatorInSerializer)
    def indicators(self, request: Request, pk: str) -> Response:
        """Add an indicator: an assessable KPI (a rate; never volume — Art. 39), weight, target, floor, rule."""
        return self._act(
            request, pk, s.IndicatorInSerializer,
            lambda u, sc, d: services.indicator_add(actor=u, scheme=sc, **d), status.HTTP_201_CREATED,
        )  # fmt: skip

    @extend_schema(request=s.AdjustmentInSerializer, responses={201: s.SchemeDetailSerializer})
    @action(detail=True, methods=["post"], serializer_class=s.AdjustmentInSerializer)
    def adjustments(self, request: Request, pk: str) -> Response:
        """Record a deduction or bonus for an assessed unit, with its reason and evidence."""
        return self._act(
            request, pk, s.AdjustmentInSerializer,
            lambda u, sc, d: services.adjustment_record(actor=u, scheme=sc, **d), status.HTTP_201_CREATED,
        )  # fmt: skip

    @extend_schema(request=None, responses={200: s.SchemeDetailSerializer})
    @action(detail=True, methods=["post"], serializer_class=None)
    def compute(self, request: Request, pk: str) -> Response:
        """Compute the indicator lines from the statistics (as the dashboards)."""
        return self._act(request, pk, None, lambda u, sc, d: services.scheme_compute(actor=u, scheme=sc))

    @extend_schema(request=None, responses={200: s.SchemeDetailSerializer})
    @action(detail=True, methods=["post"], serializer_class=None)
    def publish(self, request: Request, pk: str) -> Response:
        """Compute and publish the results to the assessed units."""
        return self._act(request, pk, None, lambda u, sc, d: services.scheme_publish(actor=u, scheme=sc))


def _line_for(user: User, pk: str) -> ScoreLine:
    ident = parse_id(pk)
    line = ScoreLine.objects.filter(pk=ident).select_related("scheme").first() if ident is not None else None
    if line is None or not selectors.lines_visible_to(user, line.scheme).filter(pk=line.pk).exists():
        raise Http404
    if not selectors.schemes_visible_to(user).filter(pk=line.scheme_id).exists():
        raise Http404
    return line


class LineContestView(APIView):
    """申诉: the assessed unit contests one line of a published scheme (reason, evidence)."""

    permission_classes = [IsUnitMember]

    @extend_schema(request=s.ContestInSerializer, responses={201: s.ContestSerializer})
    def post(self, request: Request, pk: str) -> Response:
        user = staff_user(request)
        line = _line_for(user, pk)
        ser = s.ContestInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        contest = services.line_contest(actor=user, line=line, **ser.validated_data)
        return Response(s.ContestSerializer(contest).data, status=status.HTTP_201_CREATED)


class ContestDecideView(APIView):
    """The issuing unit decides a contest: upheld, adjusted (new points) or rejected, with the reason."""

    permission_classes = [IsUnitMember]

    @extend_schema(request=s.DecideInSerializer, responses={200: s.ContestSerializer})
    def post(self, request: Request, pk: str) -> Response:
        user = staff_user(request)
        ident = parse_id(pk)
        contest = Contest.objects.filter(pk=ident).select_related("line").first() if ident is not None else None
        if contest is None:
            raise Http404
        _line_for(user, str(contest.line_id))
        ser = s.DecideInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        contest = services.contest_decide(actor=user, contest=contest, **ser.validated_data)
        return Response(s.ContestSerializer(contest).data)


class CampaignViewSet(viewsets.GenericViewSet[Campaign]):
    """专项工作 campaigns: their case list (包案 from casework), 责任状, weekly progress, 销号 and board."""

    permission_classes = [IsUnitMember]
    pagination_class = NewestFirst
    serializer_class = s.CampaignSerializer
    queryset = Campaign.objects.none()

    def get_queryset(self) -> QuerySet[Campaign]:
        return selectors.campaigns_visible_to(staff_user(self.request))

    @extend_schema(responses={200: s.CampaignSerializer(many=True)})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.CampaignSerializer(page, many=True).data)

    @extend_schema(responses={200: s.CampaignDetailSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        user = staff_user(request)
        return Response(campaign_detail(user, selectors.campaign_get_visible(user, pk)))

    @extend_schema(request=s.CampaignInSerializer, responses={201: s.CampaignDetailSerializer})
    def create(self, request: Request) -> Response:
        user = staff_user(request)
        ser = s.CampaignInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        campaign = services.campaign_create(actor=user, **ser.validated_data)
        return Response(campaign_detail(user, campaign), status=status.HTTP_201_CREATED)

    def _input(self, request: Request, serializer: Any) -> dict[str, Any]:
        ser = serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return dict(ser.validated_data)

    @extend_schema(request=s.CampaignCaseInSerializer, responses={201: s.CampaignDetailSerializer})
    @action(detail=True, methods=["post"], serializer_class=s.CampaignCaseInSerializer)
    def cases(self, request: Request, pk: str) -> Response:
        """Add a backlog case of the campaign's scope by hand."""
        user = staff_user(request)
        campaign = selectors.campaign_get_visible(user, pk)
        data = self._input(request, s.CampaignCaseInSerializer)
        case = BacklogCase.objects.filter(pk=data["case"]).first()
        if case is None:
            raise InvalidInput(_("No such case."), field="case")
        services.campaign_add_case(actor=user, campaign=campaign, case=case)
        return Response(campaign_detail(user, campaign), status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ByRuleInSerializer, responses={200: s.AddedSerializer})
    @action(detail=True, methods=["post"], url_path="cases-by-rule", serializer_class=s.ByRuleInSerializer)
    def cases_by_rule(self, request: Request, pk: str) -> Response:
        """Add every confirmed, unclosed backlog case (or the kinds named) in the campaign's scope."""
        user = staff_user(request)
        campaign = selectors.campaign_get_visible(user, pk)
        data = self._input(request, s.ByRuleInSerializer)
        added = services.campaign_add_by_rule(actor=user, campaign=campaign, kinds=data["kinds"])
        return Response({"added": added})

    @extend_schema(request=s.PledgeInSerializer, responses={201: s.PledgeSerializer})
    @action(detail=True, methods=["post"], serializer_class=s.PledgeInSerializer)
    def pledges(self, request: Request, pk: str) -> Response:
        """Record a unit's 责任状 (letter of responsibility)."""
        user = staff_user(request)
        campaign = selectors.campaign_get_visible(user, pk)
        pledge = services.pledge_record(actor=user, campaign=campaign, **self._input(request, s.PledgeInSerializer))
        return Response(s.PledgeSerializer(pledge).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ProgressInSerializer, responses={201: s.ProgressSerializer})
    @action(detail=True, methods=["post"], serializer_class=s.ProgressInSerializer)
    def progress(self, request: Request, pk: str) -> Response:
        """Weekly progress, with the board's figures of the day."""
        user = staff_user(request)
        campaign = selectors.campaign_get_visible(user, pk)
        data = self._input(request, s.ProgressInSerializer)
        row = services.campaign_progress_add(actor=user, campaign=campaign, text=data["text"])
        return Response(s.ProgressSerializer(row).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.SignOffInSerializer, responses={200: s.CampaignCaseSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"cases/(?P<entry_id>\d+)/sign-off",
        serializer_class=s.SignOffInSerializer,
    )
    def sign_off(self, request: Request, pk: str, entry_id: str) -> Response:
        """销号: with evidence and the petitioner's view, once the case is closed as resolved (化解)."""
        user = staff_user(request)
        campaign = selectors.campaign_get_visible(user, pk)
        ident = parse_id(entry_id)
        entry = selectors.campaign_cases_for(user, campaign).filter(pk=ident).first() if ident is not None else None
        if entry is None:
            raise Http404
        services.campaign_case_sign_off(actor=user, entry=entry, **self._input(request, s.SignOffInSerializer))
        fresh = selectors.campaign_cases_for(user, campaign).get(pk=entry.pk)
        return Response(s.CampaignCaseSerializer(fresh).data)
