"""Thin API views of text intelligence: hot issues with drill-down, and suggestions at registration."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core.api import staff_user
from xinfang.core.errors import InvalidInput, NotPermitted
from xinfang.core.limits import id_param
from xinfang.insight import integration, selectors
from xinfang.insight.api import serializers as s
from xinfang.insight.models import HotIssue
from xinfang.orgs.api.permissions import IsUnitMember
from xinfang.orgs.models import Role
from xinfang.petitions.api.serializers import PetitionListSerializer
from xinfang.petitions.api.views import NewestFirst
from xinfang.petitions.models import Petition


class HotIssuePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class HotIssueListView(generics.ListAPIView[HotIssue]):
    """热点问题 — the hot issues of the regions in your scope, from the latest nightly snapshot by default."""

    serializer_class = s.HotIssueSerializer
    pagination_class = HotIssuePagination

    @extend_schema(
        parameters=[
            OpenApiParameter("snapshot", OpenApiTypes.DATE, description="Snapshot date (default: the latest)"),
            OpenApiParameter("region", OpenApiTypes.INT, description="Petition department (unit id) of the region"),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[HotIssue]:
        user = selectors.require_hot_issue_role(staff_user(self.request))
        params = self.request.query_params
        snapshot = None
        if params.get("snapshot"):
            try:
                snapshot = dt.date.fromisoformat(params["snapshot"])
            except ValueError:
                raise InvalidInput(_("snapshot must be a date (YYYY-MM-DD)."), field="snapshot") from None
        region = id_param(params, "region")
        return selectors.hot_issue_list(user, snapshot=snapshot, region=region)


class HotIssuePetitionsView(generics.ListAPIView[Petition]):
    """The petitions of one hot issue that you may see (others are counted in the issue but never listed)."""

    serializer_class = PetitionListSerializer
    pagination_class = NewestFirst

    def get_queryset(self) -> QuerySet[Petition]:
        user = selectors.require_hot_issue_role(staff_user(self.request))
        issue = selectors.hot_issue_get_visible(user, self.kwargs["pk"])
        return selectors.hot_issue_petitions(user, issue)


class DraftSuggestionsView(APIView):
    """Suggestions while registering: categories from the title and text, and the petitioner's earlier petitions
    on the same matter that you may see (link one as ``previous`` when registering). Nothing is stored.

    For registrars only, as on the registration screen: it looks petitions up by a person's phone or ID number,
    which is a registration step, not a search for anyone else to run."""

    permission_classes = [permissions.IsAuthenticated, IsUnitMember]

    @extend_schema(request=s.DraftSuggestionInSerializer, responses={200: s.DraftSuggestionSerializer})
    def post(self, request: Request) -> Response:
        user = staff_user(request)
        if not user.has_role(Role.REGISTRAR):  # before reading the body: the same answer for any input
            raise NotPermitted(_("Only registrars register petitions."))
        ser = s.DraftSuggestionInSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        found = integration.draft_suggestions(
            user,
            title=v["title"],
            text="\n".join(t for t in (v["request"], v["facts_and_reasons"]) if t),
            id_numbers=[p["id_number"] for p in v["petitioners"]],
            phones=[p["phone"] for p in v["petitioners"]],
        )
        return Response(s.DraftSuggestionSerializer(found).data)
