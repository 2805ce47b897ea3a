"""Thin staff API views of proposals: parse, call a service or selector, render."""

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

from xinfang.core.api import staff_user
from xinfang.core.errors import InvalidInput
from xinfang.core.models import IdentitySurface
from xinfang.orgs.api.permissions import IsUnitMember
from xinfang.petitions.selectors import petition_get_visible
from xinfang.proposals import selectors, services
from xinfang.proposals.api import serializers as s
from xinfang.proposals.models import Call, Proposal


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ProposalViewSet(viewsets.ReadOnlyModelViewSet[Proposal]):
    """Proposals visible to the caller's unit (receiving or competent unit) and to the units overseeing them."""

    permission_classes = [IsUnitMember]
    pagination_class = NewestFirst
    lookup_value_regex = r"[^/]+"

    def get_queryset(self) -> QuerySet[Proposal]:
        qs = selectors.proposals_visible_to(self.request.user)
        state = self.request.query_params.get("state")
        if state:
            qs = qs.filter(state=state)
        return qs

    def get_serializer_class(self) -> type[Any]:
        return s.ProposalListSerializer if self.action == "list" else s.ProposalDetailSerializer

    def get_object(self) -> Proposal:
        return selectors.proposal_get_visible(self.request.user, self.kwargs["pk"])

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self._detail(self.get_object())

    def _detail(self, proposal: Proposal, code: int = status.HTTP_200_OK, *, audited: bool = False) -> Response:
        """The proposal with its proposer's name and phone (an audited identity read: ``proposer_shown``, unless
        the call already audited this read: ``audited``)."""
        if not audited:
            services.proposer_shown(staff_user(self.request), proposal, IdentitySurface.API_PROPOSAL)
        return Response(s.ProposalDetailSerializer(proposal).data, status=code)

    def _answer(self, proposal: Proposal) -> Response:
        proposal.refresh_from_db()
        return self._detail(proposal)

    @extend_schema(request=s.ReferInput, responses=s.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, pk: str) -> Response:
        data = s.ReferInput(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = services.proposal_refer(
            proposal=self.get_object(),
            actor=staff_user(request),
            to_unit=data.validated_data["to_unit"],
            note=data.validated_data["note"],
        )
        return self._answer(proposal)

    @extend_schema(request=s.DecideInput, responses=s.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        data = s.DecideInput(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = services.proposal_decide(
            proposal=self.get_object(), actor=staff_user(request), **data.validated_data
        )
        return self._answer(proposal)

    @extend_schema(request=s.ImplementInput, responses=s.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def implement(self, request: Request, pk: str) -> Response:
        data = s.ImplementInput(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = services.proposal_implement(
            proposal=self.get_object(), actor=staff_user(request), **data.validated_data
        )
        return self._answer(proposal)

    @extend_schema(request=s.CommendInput, responses=s.ProposalDetailSerializer)
    @action(detail=True, methods=["post"])
    def commend(self, request: Request, pk: str) -> Response:
        data = s.CommendInput(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = self.get_object()
        services.proposal_commend(proposal=proposal, actor=staff_user(request), **data.validated_data)
        return self._answer(proposal)

    @extend_schema(request=s.ConvertInput, responses={201: s.ConvertOutput})
    @action(detail=True, methods=["post"])
    def convert(self, request: Request, pk: str) -> Response:
        """转为信访事项: register the proposal as a petition (the petitions intake rules) and close it."""
        data = s.ConvertInput(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = self.get_object()
        petition, code = services.proposal_convert_to_petition(
            proposal=proposal, actor=staff_user(request), **data.validated_data
        )
        out = {"proposal": proposal.number, "petition": petition.number, "tracking_code": code}
        return Response(s.ConvertOutput(out).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.FromPetitionInput, responses={201: s.ProposalDetailSerializer})
    @action(detail=False, methods=["post"], url_path="from-petition")
    def from_petition(self, request: Request) -> Response:
        """由信访事项转为人民建议: close a petition the caller's unit holds into a new proposal (Art. 29)."""
        data = s.FromPetitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = staff_user(request)
        petition = _visible_petition(user, data.validated_data["petition"])
        proposal = services.proposal_from_petition(petition=petition, actor=user, reason=data.validated_data["reason"])
        # The answer shows the identity the conversion just copied: that read is audited once, by the service.
        return self._detail(proposal, status.HTTP_201_CREATED, audited=True)


def _visible_petition(user: Any, key: str) -> Any:
    """The petition by 编号 or id among those the user may see; unknown and unseen alike are a 400 at the field."""
    try:
        return petition_get_visible(user, key)
    except Http404:
        raise InvalidInput(_("No petition with this number that you may see."), field="petition") from None


class CallViewSet(viewsets.ModelViewSet[Call]):
    """Calls for proposals of the caller's unit; creating one publishes it for the caller's unit."""

    permission_classes = [IsUnitMember]
    serializer_class = s.CallSerializer
    queryset = Call.objects.none()  # for the schema; get_queryset scopes by the caller's unit
    pagination_class = NewestFirst
    http_method_names = ["get", "post", "head", "options"]

    def get_queryset(self) -> QuerySet[Call]:
        unit_id = staff_user(self.request).unit_id
        return Call.objects.filter(unit_id=unit_id) if unit_id is not None else Call.objects.none()

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = s.CallSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        call = services.call_create(actor=staff_user(request), **data.validated_data)
        return Response(s.CallSerializer(call).data, status=status.HTTP_201_CREATED)
