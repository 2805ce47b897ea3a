"""Thin API views: parse, call a service or selector, render. Rules live in services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, PolymorphicProxySerializer, extend_schema
from rest_framework import generics, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle
from rest_framework.views import APIView

from xinfang.core import idempotency, timeutil
from xinfang.core.api import optional_user, staff_user
from xinfang.core.audit import identity_read_record
from xinfang.core.errors import InvalidInput
from xinfang.core.files import protected_file_response
from xinfang.core.limits import id_param, is_id
from xinfang.core.models import IdentitySurface
from xinfang.core.prepared import prepared_statements
from xinfang.core.throttling import ClientIdentMixin, guess_failed, guess_wait
from xinfang.orgs.models import User
from xinfang.petitions import selectors, services
from xinfang.petitions.api import serializers as s
from xinfang.petitions.models import NUMBER_SHAPE, Category, Clock, Petition
from xinfang.petitions.workflow import Action


class PublicSubmitThrottle(ClientIdentMixin, SimpleRateThrottle):
    """Per-IP limit on submissions by anyone who is not unit staff (anonymous or a citizen account)."""

    scope = "public_submit"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if getattr(request.user, "is_unit_staff", False):
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicTrackThrottle(ClientIdentMixin, AnonRateThrottle):
    scope = "public_track"


class NewestFirst(CursorPagination):
    """Keyset pagination: cost stays flat however deep the page."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ClockPagination(CursorPagination):
    ordering = ("due", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


@dataclass(frozen=True)
class ActionSpec:
    serializer: type[serializers.Serializer[Any]]
    call: Callable[[Petition, User, dict[str, Any]], Any]


# One line per workflow action: which input it takes and which service it calls.
ACTIONS: dict[Action, ActionSpec] = {
    Action.FORWARD: ActionSpec(
        s.RouteSerializer,
        lambda p, u, d: services.petition_forward(
            petition=p, actor=u, to_unit=d["to_unit"], co_units=d["co_units"], note=d["note"]
        ),
    ),
    Action.ASSIGN: ActionSpec(
        s.AssignSerializer,
        lambda p, u, d: services.petition_assign(
            petition=p,
            actor=u,
            to_unit=d["to_unit"],
            co_units=d["co_units"],
            note=d["note"],
            feedback_days=d["feedback_days"],
        ),
    ),
    Action.REFER_DISCIPLINE: ActionSpec(
        s.ReferSerializer,
        lambda p, u, d: services.petition_refer_discipline(petition=p, actor=u, to_unit=d["to_unit"], note=d["note"]),
    ),
    Action.DIVERT: ActionSpec(
        s.DivertSerializer,
        lambda p, u, d: services.petition_divert(petition=p, actor=u, route=d["route"], guidance=d["guidance"]),
    ),
    Action.DECLINE: ActionSpec(
        s.DeclineSerializer,
        lambda p, u, d: services.petition_decline(petition=p, actor=u, ground=d["ground"], reason=d["reason"]),
    ),
    Action.REPORT_URGENT: ActionSpec(
        s.SummarySerializer, lambda p, u, d: services.petition_report_urgent(petition=p, actor=u, summary=d["summary"])
    ),
    Action.ACCEPT: ActionSpec(
        s.AcceptSerializer, lambda p, u, d: services.petition_accept(petition=p, actor=u, notice=d["notice"])
    ),
    Action.ACCEPT_SIMPLE: ActionSpec(
        s.AcceptSerializer,
        lambda p, u, d: services.petition_accept(petition=p, actor=u, notice=d["notice"], simple=True),
    ),
    Action.OBJECT: ActionSpec(
        s.ReasonSerializer, lambda p, u, d: services.petition_object(petition=p, actor=u, reason=d["reason"])
    ),
    Action.ESCALATE_DISPUTE: ActionSpec(
        s.DisputeSerializer,
        lambda p, u, d: services.petition_escalate_dispute(petition=p, actor=u, units=d["units"], reason=d["reason"]),
    ),
    Action.DECIDE_JURISDICTION: ActionSpec(
        s.ReferSerializer,
        lambda p, u, d: services.petition_decide_jurisdiction(
            petition=p, actor=u, to_unit=d["to_unit"], note=d["note"]
        ),
    ),
    Action.REQUEST_EXTENSION: ActionSpec(
        s.ExtensionSerializer,
        lambda p, u, d: services.petition_request_extension(petition=p, actor=u, days=d["days"], reason=d["reason"]),
    ),
    Action.APPROVE_EXTENSION: ActionSpec(
        s.EmptySerializer, lambda p, u, d: services.petition_approve_extension(petition=p, actor=u)
    ),
    Action.REJECT_EXTENSION: ActionSpec(
        s.OptionalReasonSerializer,
        lambda p, u, d: services.petition_reject_extension(petition=p, actor=u, reason=d["reason"]),
    ),
    Action.SUBMIT_DECISION: ActionSpec(
        s.DecisionSerializer,
        lambda p, u, d: services.petition_submit_decision(
            petition=p, actor=u, outcome=d["outcome"], opinion=d["opinion"], legal_basis=d["legal_basis"]
        ),
    ),
    Action.APPROVE_DECISION: ActionSpec(
        s.ApproveDecisionSerializer,
        lambda p, u, d: services.petition_approve_decision(petition=p, actor=u, served_on=d["served_on"]),
    ),
    Action.RETURN_DECISION: ActionSpec(
        s.ReasonSerializer, lambda p, u, d: services.petition_return_decision(petition=p, actor=u, reason=d["reason"])
    ),
    Action.RECORD_AGREEMENT: ActionSpec(
        s.AgreementSerializer,
        lambda p, u, d: services.petition_record_agreement(petition=p, actor=u, kind=d["kind"], text=d["text"]),
    ),
    Action.SUBMIT_REPORT: ActionSpec(
        s.ReportSerializer, lambda p, u, d: services.petition_submit_report(petition=p, actor=u, report=d["report"])
    ),
    Action.RATE: ActionSpec(
        s.StaffRateSerializer,
        lambda p, u, d: services.petition_rate(
            petition=p, actor=u, target=d["target"], value=d["value"], comment=d["comment"]
        ),
    ),
    Action.REQUEST_REVIEW: ActionSpec(
        s.ReasonSerializer, lambda p, u, d: services.petition_request_review(petition=p, actor=u, reason=d["reason"])
    ),
    Action.DECIDE_REVIEW: ActionSpec(
        s.ReviewDecisionSerializer,
        lambda p, u, d: services.petition_decide_review(
            petition=p, actor=u, outcome=d["outcome"], opinion=d["opinion"]
        ),
    ),
    Action.ORDER_REDO: ActionSpec(
        s.ReasonSerializer, lambda p, u, d: services.petition_order_redo(petition=p, actor=u, reason=d["reason"])
    ),
    Action.REQUEST_RECHECK: ActionSpec(
        s.ReasonSerializer, lambda p, u, d: services.petition_request_recheck(petition=p, actor=u, reason=d["reason"])
    ),
    Action.START_HEARING: ActionSpec(
        s.NoteSerializer, lambda p, u, d: services.petition_start_hearing(petition=p, actor=u, note=d["note"])
    ),
    Action.END_HEARING: ActionSpec(
        s.NoteSerializer, lambda p, u, d: services.petition_end_hearing(petition=p, actor=u, note=d["note"])
    ),
    Action.DECIDE_RECHECK: ActionSpec(
        s.ReviewDecisionSerializer,
        lambda p, u, d: services.petition_decide_recheck(
            petition=p, actor=u, outcome=d["outcome"], opinion=d["opinion"]
        ),
    ),
    Action.URGE: ActionSpec(
        s.UrgeStaffSerializer,
        lambda p, u, d: services.petition_urge(petition=p, actor=u, message=d["message"]),
    ),
    Action.CLOSE: ActionSpec(s.EmptySerializer, lambda p, u, d: services.petition_close(petition=p, actor=u)),
    Action.CONFIRM_ACCUSED: ActionSpec(
        s.ConfirmAccusedSerializer,
        lambda p, u, d: services.petition_confirm_accused(
            petition=p, actor=u, accused_unit=d["accused_unit"], note=d["note"]
        ),
    ),
    Action.ASSIGN_HANDLER: ActionSpec(
        s.AssignHandlerSerializer,
        lambda p, u, d: services.petition_assign_handler(petition=p, actor=u, assignee=d["assignee"], note=d["note"]),
    ),
    Action.LINK_REPEAT: ActionSpec(
        s.LinkRepeatSerializer,
        lambda p, u, d: services.petition_link_repeat(petition=p, actor=u, previous=d["previous"], note=d["note"]),
    ),
    Action.MERGE: ActionSpec(
        s.MergeSerializer,
        lambda p, u, d: services.petition_merge(petition=p, actor=u, primary=d["primary"], note=d["note"]),
    ),
    Action.UNMERGE: ActionSpec(
        s.NoteSerializer, lambda p, u, d: services.petition_unmerge(petition=p, actor=u, note=d["note"])
    ),
}


def _resolve_previous(user: User | Any, number: str) -> Petition | None:
    if not number:
        return None
    try:
        return selectors.petition_get_visible(user, number)
    except Http404:
        raise InvalidInput(
            _("No earlier petition with number %(n)s that you can see.") % {"n": number}, field="previous"
        ) from None


def submission_result(
    petition: Petition, code: str, request: Request, clocks: list[Clock] | None = None
) -> dict[str, Any]:
    """The 201 answer of a submission: its 编号, 查询码 (shown once) and clocks (``clocks``: those registration has
    just opened, as written — a new petition has no other — instead of reading them back)."""
    if clocks is None:
        clocks = list(petition.clocks.select_related("owing_unit"))
    clocks_data = s.ClockSerializer(clocks, many=True, context={"request": request}).data
    return {
        "number": petition.number,
        "tracking_code": code,
        "state": petition.state,
        "unit": petition.registering_unit.name,
        "clocks": clocks_data,
    }


class PetitionViewSet(viewsets.GenericViewSet[Petition]):
    """信访事项: online submission (public), registration, lists, detail and every workflow action (staff)."""

    lookup_field = "key"
    lookup_value_regex = r"[0-9A-Za-z\-]+"
    pagination_class = NewestFirst

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.action == "create":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self) -> list[Any]:
        if self.action == "create":
            return [PublicSubmitThrottle()]
        return []

    def get_serializer_class(self) -> type[serializers.BaseSerializer[Any]]:
        if self.action == "create":
            return s.SubmissionSerializer
        if self.action == "list":
            return s.PetitionListSerializer
        return s.PetitionDetailSerializer

    def get_queryset(self) -> QuerySet[Petition]:
        user = staff_user(self.request)
        params = self.request.query_params
        box = params.get("box", "visible")
        if box == "inbox":
            qs = selectors.inbox(user)
        elif box == "visible":
            qs = selectors.petitions_visible_to(user)
        else:
            raise InvalidInput(_("box must be “inbox” or “visible”."), field="box")
        state = params.get("state")
        if state:
            qs = qs.filter(state=state)
        q = (params.get("q") or "").strip()
        if q:
            # A 编号 is answered by its unique index alone; only other text falls back to a title search
            # (an OR of the two would make the planner scan titles even for a number).
            qs = qs.filter(number=q.upper()) if NUMBER_SHAPE.match(q) else qs.filter(title__icontains=q)
        return qs.select_related("current_unit")

    @extend_schema(
        parameters=[
            OpenApiParameter("box", str, enum=["visible", "inbox"]),
            OpenApiParameter("state", str),
            OpenApiParameter("q", str, description="编号 or words of the title"),
        ]
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(s.PetitionListSerializer(page, many=True).data)

    @extend_schema(responses=s.PetitionStaffDetailSerializer)
    def retrieve(self, request: Request, key: str) -> Response:
        """The whole case, with text-intelligence suggestions (routing, 重复信访 candidates, near-identical petitions),
        each limited to the petitions the caller may see. Only here: lists and actions do not compute them."""
        from xinfang.insight.integration import staff_insight

        user = staff_user(request)
        petition = selectors.petition_get_visible(user, key)
        show_identity = selectors.can_see_identity(user, petition)
        if show_identity:
            identity_read_record(user=user, petition_ids=[petition.pk], surface=IdentitySurface.API_DETAIL)
        ctx = {"request": request, "show_identity": show_identity, "insight": staff_insight(user, petition)}
        return Response(s.PetitionStaffDetailSerializer(petition, context=ctx).data)

    @extend_schema(
        request=s.SubmissionSerializer,
        parameters=[idempotency.OPENAPI_PARAMETER, idempotency.OPENAPI_REPLAYED],
        responses={
            201: s.SubmissionResultSerializer,
            422: idempotency.OPENAPI_MISMATCH,
        },
    )
    def create(self, request: Request) -> Response:
        """Online submission (no account: 网上信访) or registration by a registrar (any channel).

        With an ``Idempotency-Key`` header a retry returns the first answer and writes nothing."""
        return idempotency.idempotent(request, scope="petitions.submit", run=lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        ser = s.SubmissionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        account = optional_user(request)
        # A signed-in citizen (no unit) submits like the public, with the petition linked to the account.
        user = account if account is not None and account.is_unit_staff else None
        citizen = account if account is not None and account.unit_id is None else None
        unit = ser.validated_data["unit"]
        if user is not None:
            unit = unit or user.unit
        else:
            code = ser.validated_data["problem_division_code"]
            unit = unit or (selectors.petition_dept_for_division(code) if code else None)
            if unit is None:
                raise InvalidInput(_("Choose the petition department, or give the problem location."), field="unit")
        if unit is None:
            raise InvalidInput(_("Your account belongs to no unit."), field="unit")
        data = ser.to_intake(_resolve_previous(user, ser.validated_data["previous"]) if user else None)
        with prepared_statements():  # the busiest write path (issue 9, intake under load)
            done = services.registration_create(actor=user, citizen=citizen, unit=unit, data=data)
        result = submission_result(done.petition, done.code, request, clocks=[done.clock])
        return Response(result, status=status.HTTP_201_CREATED)

    def _act(self, request: Request, key: str, act: Action) -> Response:
        spec = ACTIONS[act]
        petition = selectors.petition_get_visible(staff_user(request), key)
        ser = spec.serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        spec.call(petition, staff_user(request), dict(ser.validated_data))
        fresh = (
            selectors.petition_get_visible(request.user, petition.pk)
            if self._still_visible(request, petition)
            else None
        )
        if fresh is None:
            return Response({"number": petition.number, "detail": _("Done. The petition has left your unit.")})
        show_identity = selectors.can_see_identity(staff_user(request), fresh)
        if show_identity:
            identity_read_record(user=staff_user(request), petition_ids=[fresh.pk], surface=IdentitySurface.API_ACTION)
        ctx = {"request": request, "show_identity": show_identity}
        return Response(s.PetitionDetailSerializer(fresh, context=ctx).data)

    @extend_schema(
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer(many=True)},
    )
    @action(detail=True, methods=["post"], url_path="attachments", parser_classes=[MultiPartParser])
    def attachments(self, request: Request, key: str) -> Response:
        """补充材料 — add files to an open petition (type and size limits in settings)."""
        petition = selectors.petition_get_visible(staff_user(request), key)
        stored = services.petition_add_attachments(
            petition=petition,
            actor=staff_user(request),
            files=request.FILES.getlist("files"),
        )
        return Response(s.AttachmentSerializer(stored, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>\d+)")
    def attachment_download(self, request: Request, key: str, attachment_id: str) -> HttpResponseBase:
        petition = selectors.petition_get_visible(staff_user(request), key)
        attachment = petition.attachments.filter(pk=int(attachment_id)).first()
        if attachment is None:
            raise Http404
        # Behind nginx (XINFANG_ACCEL_REDIRECT_PREFIX set): an empty 200 with X-Accel-Redirect; nginx sends the file.
        return protected_file_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )

    @staticmethod
    def _still_visible(request: Request, petition: Petition) -> bool:
        return selectors.petitions_visible_to(request.user).filter(pk=petition.pk).exists()


class LeftUnitSerializer(serializers.Serializer[Any]):
    """The answer when the action took the petition out of the caller's sight (forwarded to another unit …)."""

    number = serializers.CharField()
    detail = serializers.CharField()


ACTION_RESULT = PolymorphicProxySerializer(
    component_name="PetitionActionResult",
    serializers=[s.PetitionDetailSerializer, LeftUnitSerializer],
    resource_type_field_name=None,
)


def _make_action(act: Action) -> Callable[..., Response]:
    spec = ACTIONS[act]

    def handler(self: PetitionViewSet, request: Request, key: str) -> Response:
        return self._act(request, key, act)

    handler.__name__ = f"action_{act.value}"
    handler.__doc__ = f"{act.label} ({act.value})."
    # extend_schema outside @action: @action replaces the function's kwargs, where extend_schema leaves its schema.
    return extend_schema(
        request=spec.serializer,
        responses={200: ACTION_RESULT},
        summary=str(act.label),
        operation_id=f"petitions_{act.value}",
    )(
        action(detail=True, methods=["post"], url_path=act.value.replace("_", "-"), serializer_class=spec.serializer)(
            handler
        )
    )


for _act in ACTIONS:
    setattr(PetitionViewSet, f"action_{_act.value}", _make_action(_act))


class TrackView(APIView):
    """查询 — the petitioner follows their item with 编号 + 查询码 (Art. 21)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [PublicTrackThrottle]

    @staticmethod
    def find(number: str, code: str) -> Petition:
        wait = guess_wait(number)
        if wait is not None:  # too many wrong codes for this 编号, from any address
            raise Throttled(wait=wait)
        petition = Petition.objects.select_related("current_unit", "handling_unit").filter(number=number).first()
        if petition is None or not code or not petition.check_tracking_code(code):
            guess_failed(number)
            raise Http404  # wrong number and wrong code look the same
        return petition

    @extend_schema(
        parameters=[OpenApiParameter("code", str, required=True, description="查询码")],
        responses={200: s.TrackSerializer},
    )
    def get(self, request: Request, number: str) -> Response:
        petition = self.find(number, request.query_params.get("code", ""))
        return Response(s.TrackSerializer(petition, context={"request": request}).data)


def _track_action(
    ser_class: type[serializers.Serializer[Any]], call: Callable[[Petition, dict[str, Any]], Any], name: str
) -> type[APIView]:
    class View(APIView):
        permission_classes = [permissions.AllowAny]
        authentication_classes: list[Any] = []
        throttle_classes = [PublicTrackThrottle]

        @extend_schema(request=ser_class, responses={200: s.TrackSerializer}, operation_id=f"track_{name}")
        def post(self, request: Request, number: str) -> Response:
            ser = ser_class(data=request.data)
            ser.is_valid(raise_exception=True)
            petition = TrackView.find(number, ser.validated_data["code"])
            call(petition, dict(ser.validated_data))
            petition.refresh_from_db()
            return Response(s.TrackSerializer(petition, context={"request": request}).data)

    View.__name__ = f"Track{name.title().replace('_', '')}View"
    return View


class TrackAttachView(APIView):
    """补充材料 by the petitioner: multipart with ``code`` and one or more ``files``."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [PublicSubmitThrottle]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": s.TrackAttachmentUploadSerializer},
        responses={201: s.AttachmentSerializer(many=True)},
    )
    def post(self, request: Request, number: str) -> Response:
        petition = TrackView.find(number, str(request.POST.get("code", "")))
        stored = services.petition_add_attachments(
            petition=petition,
            actor=None,
            files=request.FILES.getlist("files"),
        )
        return Response(s.AttachmentSerializer(stored, many=True).data, status=status.HTTP_201_CREATED)


TrackRateView = _track_action(
    s.RateSerializer,
    lambda p, d: services.petition_rate(
        petition=p, actor=None, target=d["target"], value=d["value"], comment=d["comment"]
    ),
    "rate",
)
TrackUrgeView = _track_action(
    s.UrgeSerializer, lambda p, d: services.petition_urge(petition=p, actor=None, message=d["message"]), "urge"
)
TrackReviewView = _track_action(
    s.PetitionerRequestSerializer,
    lambda p, d: services.petition_request_review(petition=p, actor=None, reason=d["reason"]),
    "request_review",
)
TrackRecheckView = _track_action(
    s.PetitionerRequestSerializer,
    lambda p, d: services.petition_request_recheck(petition=p, actor=None, reason=d["reason"]),
    "request_recheck",
)


class ClockWithPetitionSerializer(s.ClockSerializer):
    petition = serializers.CharField(source="petition.number")
    petition_title = serializers.CharField(source="petition.title")

    class Meta(s.ClockSerializer.Meta):
        fields = [*s.ClockSerializer.Meta.fields, "petition", "petition_title"]


class ClockListView(generics.ListAPIView[Clock]):
    """超期 (overdue) and 临期 (due soon) clocks in the user's unit or, for overseeing users, their area."""

    serializer_class = ClockWithPetitionSerializer
    pagination_class = ClockPagination
    which = "overdue"

    @extend_schema(parameters=[OpenApiParameter("days", OpenApiTypes.INT, description="临期 window (due soon)")])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Clock]:
        user = staff_user(self.request)
        today = timeutil.today()
        if self.which == "overdue":
            qs = selectors.overdue_clocks(user, today)
        else:
            raw = self.request.query_params.get("days", str(settings.XINFANG_DUE_SOON_DAYS))
            if not is_id(raw) or not 0 <= int(raw) <= 60:
                raise InvalidInput(_("days must be a whole number from 0 to 60."), field="days")
            qs = selectors.due_soon_clocks(user, today, int(raw))
        return qs.select_related("owing_unit", "petition")


class CategorySerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = ["id", "name", "level", "parent", "full_name"]


class CategoryListView(generics.ListAPIView[Category]):
    """The 3-level content taxonomy (内容分类)."""

    permission_classes = [permissions.AllowAny]
    serializer_class = CategorySerializer
    pagination_class = None

    @extend_schema(
        parameters=[OpenApiParameter("parent", OpenApiTypes.INT), OpenApiParameter("level", OpenApiTypes.INT)]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Category]:
        qs = Category.objects.all()
        parent = self.request.query_params.get("parent")
        level = self.request.query_params.get("level")
        if parent is not None:
            qs = qs.filter(parent_id=id_param(self.request.query_params, "parent") or 0)
        elif level is not None:
            if level not in {"1", "2", "3"}:
                raise InvalidInput(_("level must be 1, 2 or 3."), field="level")
            qs = qs.filter(level=int(level))
        else:
            qs = qs.filter(level=1)
        return qs
