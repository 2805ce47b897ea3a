"""Thin API views of 领导阅批 (/api/v1/instructions/): parse, call one service or selector, render."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import idempotency
from xinfang.core.api import optional_user, staff_user
from xinfang.core.errors import InvalidInput
from xinfang.core.limits import is_id
from xinfang.instructions import selectors, services
from xinfang.instructions.api import serializers as s
from xinfang.instructions.models import Instruction, InstructionStatus, LeaderMailbox
from xinfang.orgs.api.permissions import IsUnitMember
from xinfang.orgs.models import Unit, User
from xinfang.petitions.api.serializers import SubmissionResultSerializer, SubmissionSerializer
from xinfang.petitions.api.views import PublicSubmitThrottle, submission_result
from xinfang.petitions.selectors import petition_get_visible


class OldestFirst(CursorPagination):
    """待阅批 are read oldest first; ids grow with the time a petition was put before the leader."""

    ordering = "id"
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


def _respond(instruction: Instruction, code: int = status.HTTP_200_OK) -> Response:
    outcome = selectors.with_outcomes([instruction])[0]
    ser = s.InstructionSerializer(instruction, context={"assignments": {instruction.pk: outcome.assignments}})
    return Response(ser.data, status=code)


def _units(ids: list[int]) -> list[Unit]:
    found = Unit.objects.in_bulk(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise InvalidInput(_("No unit with id %(ids)s.") % {"ids": ", ".join(str(i) for i in missing)}, field="units")
    return [found[i] for i in ids]


class InstructionViewSet(viewsets.GenericViewSet[Instruction]):
    """领导阅批: petitions before leaders, and their instructions with what came of each."""

    permission_classes = [IsUnitMember]
    pagination_class = OldestFirst
    serializer_class = s.InstructionSerializer

    def get_queryset(self) -> QuerySet[Instruction]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reads the model to type the path
            return Instruction.objects.none()
        user = staff_user(self.request)
        qs = selectors.instructions_visible_to(user)
        params = self.request.query_params
        wanted = params.get("status", "")
        if wanted:
            if wanted not in InstructionStatus.values:
                raise InvalidInput(_("Unknown status “%(s)s”.") % {"s": wanted}, field="status")
            qs = qs.filter(status=wanted)
        mine = params.get("mine", "")
        if mine not in ("", "true", "false"):
            raise InvalidInput(_("mine must be “true” or “false”."), field="mine")
        if mine == "true":
            qs = qs.filter(leader=user)
        return qs

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=InstructionStatus.values, description="待阅批 / 已阅 / 已批示"),
            OpenApiParameter("mine", str, enum=["true", "false"], description="Only those put before me"),
        ]
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = page if page is not None else []
        outcomes = selectors.with_outcomes(list(rows))
        ctx = {"assignments": {o.instruction.pk: o.assignments for o in outcomes}}
        return self.get_paginated_response(s.InstructionSerializer(rows, many=True, context=ctx).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return _respond(selectors.instruction_get_visible(staff_user(request), pk))

    @extend_schema(request=s.RequestSerializer, responses={201: s.InstructionSerializer})
    def create(self, request: Request) -> Response:
        """呈阅 — the petition department puts a petition before a leader."""
        user = staff_user(request)
        ser = s.RequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        try:
            petition = petition_get_visible(user, data["petition"])
        except Http404:
            raise InvalidInput(
                _("No petition with number %(n)s that you can see.") % {"n": data["petition"]}, field="petition"
            ) from None
        leader = User.objects.select_related("unit").filter(pk=data["leader"]).first()
        if leader is None:
            raise InvalidInput(_("No leader with id %(id)s.") % {"id": data["leader"]}, field="leader")
        instruction = services.instruction_request(actor=user, petition=petition, leader=leader, note=data["note"])
        return _respond(instruction, status.HTTP_201_CREATED)

    @extend_schema(request=s.GiveSerializer, responses=s.InstructionSerializer)
    @action(detail=True, methods=["post"])
    def give(self, request: Request, pk: str) -> Response:
        """批示 — text, units, deadline; each unit gets an assignment (Art. 30 ¶3: never the accused side)."""
        user = staff_user(request)
        instruction = selectors.instruction_get_visible(user, pk)
        ser = s.GiveSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        instruction = services.instruction_give(
            actor=user, instruction=instruction, text=data["text"], units=_units(data["units"]), due=data["due"]
        )
        return _respond(instruction)

    @extend_schema(request=s.ReadSerializer, responses=s.InstructionSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        """已阅 — read, no instruction."""
        user = staff_user(request)
        instruction = selectors.instruction_get_visible(user, pk)
        ser = s.ReadSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        instruction = services.instruction_mark_read(
            actor=user, instruction=instruction, note=ser.validated_data["note"]
        )
        return _respond(instruction)

    @extend_schema(request=None, responses=s.InstructionSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str) -> Response:
        """Make the instruction known to the petitioner (a public line on the timeline)."""
        user = staff_user(request)
        instruction = selectors.instruction_get_visible(user, pk)
        return _respond(services.instruction_release(actor=user, instruction=instruction))


class MailboxListView(APIView):
    """领导信箱 open to the public."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=s.MailboxSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(s.MailboxSerializer(selectors.open_mailboxes(), many=True).data)


class MailboxSubmitView(APIView):
    """Write to a leader's mailbox: an online petition (the body of ``POST /api/v1/petitions/``; its ``unit`` is
    ignored — the mailbox's petition department registers it) that goes to the leader's desk as 待阅批."""

    permission_classes = [permissions.AllowAny]
    throttle_classes = [PublicSubmitThrottle]

    @extend_schema(
        request=SubmissionSerializer,
        parameters=[
            OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH),
            idempotency.OPENAPI_PARAMETER,
            idempotency.OPENAPI_REPLAYED,
        ],
        responses={201: SubmissionResultSerializer, 422: idempotency.OPENAPI_MISMATCH},
    )
    def post(self, request: Request, id: str) -> Response:
        return idempotency.idempotent(
            request, scope="instructions.mailbox", run=lambda: self._submit(request, id), extra=(id,)
        )

    def _submit(self, request: Request, pk: str) -> Response:
        if not is_id(str(pk)):
            raise Http404
        mailbox = get_object_or_404(LeaderMailbox.objects.filter(is_open=True), pk=int(pk))
        ser = SubmissionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        account = optional_user(request)
        citizen = account if account is not None and account.unit_id is None else None
        petition, code, _instruction = services.mailbox_submit(
            mailbox=mailbox, data=ser.to_intake(None), citizen=citizen
        )
        # The same answer as POST /api/v1/petitions/ (one definition, in the petitions API).
        return Response(submission_result(petition, code, request), status=status.HTTP_201_CREATED)
