"""Thin API views of joint work: parse with a serializer, call one service or selector, render."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from xinfang.core import timeutil
from xinfang.core.api import staff_user
from xinfang.core.errors import InvalidInput, NotPermitted
from xinfang.core.limits import id_param, parse_id
from xinfang.joint import selectors, services
from xinfang.joint.api import serializers as s
from xinfang.joint.models import (
    AgendaItem,
    Centre,
    Decision,
    FollowUpVisit,
    GrassrootsPoint,
    HouseholdVisit,
    Intake,
    JointConference,
    JointSession,
    MediationReferral,
    Meeting,
    Window,
)
from xinfang.orgs.api.permissions import IsUnitMember
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petition_get_visible
from xinfang.supervision.assignments import assignments_visible_to
from xinfang.supervision.models import Assignment, AssignmentSource


class NewestFirst(CursorPagination):
    """Keyset pagination: cost stays flat however deep the page."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _user(request: Request) -> User:
    user = staff_user(request)
    if not user.is_unit_staff:
        raise NotPermitted(_("Joint work is for staff of a unit."))
    return user


def _pick(qs: QuerySet[Any], pk: Any, field: str) -> Any:
    row = qs.filter(pk=pk_).first() if (pk_ := parse_id(pk)) is not None else None
    if row is None:
        raise InvalidInput(_("No such record that you can see."), field=field)
    return row


def _petition(user: User, key: str, field: str = "petition") -> Petition | None:
    if not key:
        return None
    try:
        return petition_get_visible(user, key)
    except Http404:
        raise InvalidInput(_("No petition %(key)s that you can see.") % {"key": key}, field=field) from None


def _ctx(request: Request, rows: Iterable[Any], **extra: Any) -> dict[str, Any]:
    rows = list(rows)
    ids = [getattr(r, "petition_id", None) for r in rows]
    return {
        "request": request,
        "today": timeutil.today(),
        "visible_petitions": selectors.visible_petition_ids(_user(request), ids),
        **extra,
    }


def _int_param(request: Request, name: str) -> int | None:
    return id_param(request.query_params, name)  # above 64 bits is a 400, not a 500 on SQLite


class _Base(viewsets.GenericViewSet[Any]):
    pagination_class = NewestFirst
    permission_classes = [permissions.IsAuthenticated, IsUnitMember]
    out: type[Any] = s.EmptySerializer

    def get_serializer_class(self) -> type[Any]:
        return self.out

    def _page(self, request: Request, qs: QuerySet[Any], **extra: Any) -> Response:
        page = self.paginate_queryset(qs)
        rows = list(page or [])
        return self.get_paginated_response(self.out(rows, many=True, context=_ctx(request, rows, **extra)).data)

    def _one(self, request: Request, row: Model, code: int = status.HTTP_200_OK, **extra: Any) -> Response:
        return Response(self.out(row, context=_ctx(request, [row], **extra)).data, status=code)


# ---------------------------------------------------------------- 联席会议


class ConferenceViewSet(_Base):
    """信访工作联席会议 of each level (Arts. 11–13)."""

    out = s.ConferenceSerializer

    def get_queryset(self) -> QuerySet[JointConference]:
        return selectors.conferences_visible_to(self.request.user).select_related("unit").prefetch_related("members")

    def list(self, request: Request) -> Response:
        return self._page(request, self.get_queryset())

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._one(request, selectors.get_or_404(self.get_queryset(), pk))

    @extend_schema(request=s.ConferenceCreateSerializer, responses={201: s.ConferenceSerializer})
    def create(self, request: Request) -> Response:
        ser = s.ConferenceCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        conf = services.conference_create(actor=_user(request), unit=v["unit"], name=v["name"], members=v["members"])
        return self._one(request, conf, status.HTTP_201_CREATED)

    @extend_schema(request=s.MembersSerializer, responses={200: s.ConferenceSerializer})
    @action(detail=True, methods=["post"])
    def members(self, request: Request, pk: str) -> Response:
        conf = selectors.get_or_404(self.get_queryset(), pk)
        ser = s.MembersSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.conference_set_members(actor=_user(request), conference=conf, members=ser.validated_data["members"])
        return self._one(request, selectors.get_or_404(self.get_queryset(), pk))


class MeetingViewSet(_Base):
    """Meetings with agenda items, decisions and the follow-up of each decision."""

    out = s.MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        return (
            selectors.meetings_visible_to(self.request.user).select_related("conference").prefetch_related("attendees")
        )

    @extend_schema(parameters=[OpenApiParameter("conference", int)])
    def list(self, request: Request) -> Response:
        qs = self.get_queryset()
        conference = _int_param(request, "conference")
        if conference is not None:
            qs = qs.filter(conference_id=conference)
        return self._page(request, qs)

    def _detail(self, request: Request, meeting: Meeting, code: int = status.HTTP_200_OK) -> Response:
        # The same selector as the page: an accusation's item and decisions are left out for its accused side
        # (Art. 30 ¶3).
        agenda = selectors.meeting_agenda(request.user, meeting)
        ctx = _ctx(
            request,
            agenda.items,
            items=agenda.items,
            decisions=agenda.decisions,
            assignments=agenda.assignments,
        )
        return Response(s.MeetingDetailSerializer(meeting, context=ctx).data, status=code)

    @extend_schema(responses={200: s.MeetingDetailSerializer})
    def retrieve(self, request: Request, pk: str) -> Response:
        return self._detail(request, selectors.get_or_404(self.get_queryset(), pk))

    @extend_schema(request=s.MeetingCreateSerializer, responses={201: s.MeetingDetailSerializer})
    def create(self, request: Request) -> Response:
        user = _user(request)
        ser = s.MeetingCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        conf = _pick(selectors.conferences_visible_to(user), v["conference"], "conference")
        meeting = services.meeting_create(
            actor=user,
            conference=conf,
            held_on=v["held_on"],
            convened_by=v["convened_by"],
            attendees=v["attendees"],
            minutes=v["minutes"],
        )
        return self._detail(request, meeting, status.HTTP_201_CREATED)

    @extend_schema(request=s.MinutesSerializer, responses={200: s.MeetingDetailSerializer})
    @action(detail=True, methods=["post"])
    def minutes(self, request: Request, pk: str) -> Response:
        meeting = selectors.get_or_404(self.get_queryset(), pk)
        ser = s.MinutesSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.meeting_record_minutes(actor=_user(request), meeting=meeting, minutes=ser.validated_data["minutes"])
        return self._detail(request, meeting)

    @extend_schema(request=s.AgendaItemCreateSerializer, responses={201: s.MeetingDetailSerializer})
    @action(detail=True, methods=["post"])
    def items(self, request: Request, pk: str) -> Response:
        user = _user(request)
        meeting = selectors.get_or_404(self.get_queryset(), pk)
        ser = s.AgendaItemCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        services.agenda_item_add(
            actor=user,
            meeting=meeting,
            kind=v["kind"],
            title=v["title"],
            description=v["description"],
            reference=v["reference"],
            petition=_petition(user, v["petition"]),
        )
        return self._detail(request, meeting, status.HTTP_201_CREATED)


def _items_visible_to(user: Any) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(meeting__in=selectors.meetings_visible_to(user).values("pk")).select_related(
        "meeting__conference__unit", "petition", "jurisdiction_unit"
    )


class AgendaItemViewSet(_Base):
    """Decisions on an agenda item, and the Art. 24 settlement of a disputed petition."""

    out = s.DecisionSerializer

    def get_queryset(self) -> QuerySet[AgendaItem]:
        return _items_visible_to(self.request.user)

    def _decision(self, request: Request, decision: Decision) -> Response:
        row = selectors.decisions_visible_to(request.user).get(pk=decision.pk)
        ctx = _ctx(request, [], assignments=selectors.assignments_of(AssignmentSource.JOINT_MEETING, [row.pk]))
        return Response(s.DecisionSerializer(row, context=ctx).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.DecisionCreateSerializer, responses={201: s.DecisionSerializer})
    @action(detail=True, methods=["post"])
    def decisions(self, request: Request, pk: str) -> Response:
        item = selectors.get_or_404(self.get_queryset(), pk)
        ser = s.DecisionCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        specs = [services.AssignmentSpec(a["unit"], a["due"], a["matter"]) for a in v["assignments"]]
        decision, _rows = services.decision_record(actor=_user(request), item=item, text=v["text"], assignments=specs)
        return self._decision(request, decision)

    @extend_schema(request=s.JurisdictionSerializer, responses={201: s.DecisionSerializer})
    @action(detail=True, methods=["post"])
    def jurisdiction(self, request: Request, pk: str) -> Response:
        """Art. 24: name the competent unit for a disputed petition (see ``services.jurisdiction_settle``)."""
        item = selectors.get_or_404(self.get_queryset(), pk)
        ser = s.JurisdictionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        decision = services.jurisdiction_settle(
            actor=_user(request), item=item, to_unit=v["to_unit"], note=v["note"], due=v["due"]
        )
        return self._decision(request, decision)

    @extend_schema(request=s.EmptySerializer, responses={200: s.DecisionSerializer})
    @action(detail=True, methods=["post"], url_path="jurisdiction/carry-out")
    def carry_out(self, request: Request, pk: str) -> Response:
        """The common superior carries out the conference's Art. 24 decision."""
        user = _user(request)
        # The common superior may not see the meeting (it need not be a member): it finds the item through its
        # assignment.
        assigned = Assignment.objects.filter(source=AssignmentSource.JOINT_MEETING, unit=user.unit).values("source_id")
        visible_meetings = selectors.meetings_visible_to(user).values("pk")
        qs = AgendaItem.objects.filter(Q(meeting__in=visible_meetings) | Q(decisions__in=assigned))
        item = selectors.get_or_404(qs.distinct(), pk)
        services.jurisdiction_carry_out(actor=user, item=item)
        decision = item.decisions.order_by("-id").first()
        assert decision is not None  # noqa: S101
        row = selectors.with_follow_up(Decision.objects.filter(pk=decision.pk), AssignmentSource.JOINT_MEETING).get()
        ctx = _ctx(request, [], assignments=selectors.assignments_of(AssignmentSource.JOINT_MEETING, [row.pk]))
        return Response(s.DecisionSerializer(row, context=ctx).data)


class DecisionViewSet(_Base):
    """议定事项 with their follow-up (from the assignments): filter by meeting or follow-up status."""

    out = s.DecisionSerializer

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.decisions_visible_to(self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("meeting", int),
            OpenApiParameter("follow_up", str, enum=list(selectors.FOLLOW_UP_FILTERS)),
        ]
    )
    def list(self, request: Request) -> Response:
        qs = self.get_queryset()
        meeting = _int_param(request, "meeting")
        if meeting is not None:
            qs = qs.filter(item__meeting_id=meeting)
        qs = selectors.filter_follow_up(qs, request.query_params.get("follow_up", ""))  # unknown values: 400
        page = self.paginate_queryset(qs)
        rows = list(page or [])
        ctx = _ctx(
            request, [], assignments=selectors.assignments_of(AssignmentSource.JOINT_MEETING, [r.pk for r in rows])
        )
        return self.get_paginated_response(s.DecisionSerializer(rows, many=True, context=ctx).data)


class AssignmentViewSet(_Base):
    """Report a joint decision's assignment done (the responsible unit)."""

    out = s.AssignmentOutSerializer

    def get_queryset(self) -> QuerySet[Assignment]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, only the model matters
            return Assignment.objects.none()
        return assignments_visible_to(_user(self.request)).filter(source__in=services.JOINT_SOURCES)

    @extend_schema(request=s.ResultSerializer, responses={200: s.AssignmentOutSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        assignment = selectors.get_or_404(self.get_queryset(), pk)
        ser = s.ResultSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        done = services.joint_assignment_complete(
            actor=_user(request), assignment=assignment, result=ser.validated_data["result"]
        )
        return Response(s.AssignmentOutSerializer(done, context=_ctx(request, [])).data)


# ---------------------------------------------------------------- centres


class CentreViewSet(_Base):
    """一站式 joint reception centres: stationed departments and windows (Art. 18 ¶3)."""

    out = s.CentreSerializer

    def get_queryset(self) -> QuerySet[Centre]:
        return (
            selectors.centres_visible_to(self.request.user)
            .select_related("unit")
            .prefetch_related("departments", Prefetch("windows", Window.objects.select_related("department")))
        )

    def list(self, request: Request) -> Response:
        return self._page(request, self.get_queryset())

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._one(request, selectors.get_or_404(self.get_queryset(), pk))

    @extend_schema(request=s.CentreCreateSerializer, responses={201: s.CentreSerializer})
    def create(self, request: Request) -> Response:
        ser = s.CentreCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        centre = services.centre_create(
            actor=_user(request), unit=v["unit"], name=v["name"], address=v["address"], departments=v["departments"]
        )
        return self._one(request, self.get_queryset().get(pk=centre.pk), status.HTTP_201_CREATED)

    @extend_schema(request=s.DepartmentsSerializer, responses={200: s.CentreSerializer})
    @action(detail=True, methods=["post"])
    def departments(self, request: Request, pk: str) -> Response:
        centre = selectors.get_or_404(self.get_queryset(), pk)
        ser = s.DepartmentsSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.centre_set_departments(
            actor=_user(request), centre=centre, departments=ser.validated_data["departments"]
        )
        return self._one(request, self.get_queryset().get(pk=centre.pk))

    @extend_schema(request=s.WindowCreateSerializer, responses={201: s.CentreSerializer})
    @action(detail=True, methods=["post"])
    def windows(self, request: Request, pk: str) -> Response:
        centre = selectors.get_or_404(self.get_queryset(), pk)
        ser = s.WindowCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        services.window_create(
            actor=_user(request),
            centre=centre,
            name=v["name"],
            department=v["department"],
            is_universal=v["is_universal"],
        )
        return self._one(request, self.get_queryset().get(pk=centre.pk), status.HTTP_201_CREATED)


def _centre_param(request: Request, qs: QuerySet[Any]) -> QuerySet[Any]:
    centre = _int_param(request, "centre")
    return qs.filter(centre_id=centre) if centre is not None else qs


class IntakeViewSet(_Base):
    """无差别受理: walk-in matters taken at a window and triaged 诉 / 访."""

    out = s.IntakeSerializer

    def get_queryset(self) -> QuerySet[Intake]:
        return selectors.intakes_visible_to(self.request.user).select_related(
            "window__department", "routed_to", "petition", "referral"
        )

    @extend_schema(
        parameters=[OpenApiParameter("centre", int), OpenApiParameter("kind", str, enum=["litigation", "petition"])]
    )
    def list(self, request: Request) -> Response:
        qs = _centre_param(request, self.get_queryset())
        kind = request.query_params.get("kind")
        if kind:
            qs = qs.filter(kind=kind)
        return self._page(request, qs)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._one(request, selectors.get_or_404(self.get_queryset(), pk))

    @extend_schema(request=s.TriageSerializer, responses={201: s.IntakeSerializer})
    def create(self, request: Request) -> Response:
        user = _user(request)
        ser = s.TriageSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        window = _pick(
            Window.objects.filter(centre__in=selectors.centres_visible_to(user).values("pk")).select_related(
                "centre__unit"
            ),
            v["window"],
            "window",
        )
        record = services.centre_triage(
            actor=user,
            window=window,
            triage=services.Triage(
                kind=v["kind"],
                summary=v["summary"],
                reason=v["reason"],
                intake=s.to_intake(v["petition"], services.WINDOW_CHANNEL) if v["petition"] else None,
                route_to=v["route_to"],
                litigation_route=v["litigation_route"],
                guidance=v["guidance"],
                parties_summary=v["parties_summary"],
                mediator_org=v["mediator_org"],
            ),
        )
        return self._one(request, self.get_queryset().get(pk=record.pk), status.HTTP_201_CREATED)


class SessionViewSet(_Base):
    """联合接访: several departments on one matter."""

    out = s.SessionSerializer

    def get_queryset(self) -> QuerySet[JointSession]:
        return (
            selectors.sessions_visible_to(self.request.user).select_related("petition").prefetch_related("departments")
        )

    def _rows(self, request: Request, rows: list[JointSession], code: int = 200, one: bool = False) -> Any:
        ctx = _ctx(
            request, rows, assignments=selectors.assignments_of(AssignmentSource.JOINT_SESSION, [r.pk for r in rows])
        )
        if one:
            return Response(s.SessionSerializer(rows[0], context=ctx).data, status=code)
        return s.SessionSerializer(rows, many=True, context=ctx).data

    @extend_schema(parameters=[OpenApiParameter("centre", int)])
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(_centre_param(request, self.get_queryset()))
        return self.get_paginated_response(self._rows(request, list(page or [])))

    def retrieve(self, request: Request, pk: str) -> Response:
        result: Response = self._rows(request, [selectors.get_or_404(self.get_queryset(), pk)], one=True)
        return result

    @extend_schema(request=s.SessionCreateSerializer, responses={201: s.SessionSerializer})
    def create(self, request: Request) -> Response:
        user = _user(request)
        ser = s.SessionCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        centre = _pick(selectors.centres_visible_to(user), v["centre"], "centre")
        session, _rows = services.joint_session_record(
            actor=user,
            centre=centre,
            held_on=v["held_on"],
            led_by=v["led_by"],
            matter=v["matter"],
            departments=v["departments"],
            outcome=v["outcome"],
            petition=_petition(user, v["petition"]),
            assignments=[services.AssignmentSpec(a["unit"], a["due"], a["matter"]) for a in v["assignments"]],
        )
        result: Response = self._rows(request, [self.get_queryset().get(pk=session.pk)], 201, one=True)
        return result


class MediationViewSet(_Base):
    """诉前调解 referrals and their 调解协议 outcome."""

    out = s.MediationSerializer

    def get_queryset(self) -> QuerySet[MediationReferral]:
        return selectors.referrals_visible_to(self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("centre", int),
            OpenApiParameter("status", str, enum=["referred", "agreed", "not_agreed"]),
        ]
    )
    def list(self, request: Request) -> Response:
        qs = _centre_param(request, self.get_queryset())
        state = request.query_params.get("status")
        if state:
            qs = qs.filter(status=state)
        return self._page(request, qs)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._one(request, selectors.get_or_404(self.get_queryset(), pk))

    @extend_schema(request=s.MediationCreateSerializer, responses={201: s.MediationSerializer})
    def create(self, request: Request) -> Response:
        user = _user(request)
        ser = s.MediationCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        centre = _pick(selectors.centres_visible_to(user), v["centre"], "centre")
        referral = services.mediation_refer(
            actor=user,
            centre=centre,
            matter=v["matter"],
            parties_summary=v["parties_summary"],
            mediator_org=v["mediator_org"],
        )
        return self._one(request, referral, status.HTTP_201_CREATED)

    @extend_schema(request=s.MediationOutcomeSerializer, responses={200: s.MediationSerializer})
    @action(detail=True, methods=["post"])
    def outcome(self, request: Request, pk: str) -> Response:
        referral = selectors.get_or_404(self.get_queryset(), pk)
        ser = s.MediationOutcomeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        done = services.mediation_record_outcome(
            actor=_user(request),
            referral=referral,
            reached=v["reached"],
            agreement_text=v["agreement_text"],
            concluded_on=v["concluded_on"],
        )
        return self._one(request, done)


# ---------------------------------------------------------------- grassroots


class PointViewSet(_Base):
    """群众说事点 / 网格."""

    out = s.PointSerializer

    def get_queryset(self) -> QuerySet[GrassrootsPoint]:
        return selectors.points_visible_to(self.request.user).select_related("unit")

    def list(self, request: Request) -> Response:
        return self._page(request, self.get_queryset())

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._one(request, selectors.get_or_404(self.get_queryset(), pk))

    @extend_schema(request=s.PointCreateSerializer, responses={201: s.PointSerializer})
    def create(self, request: Request) -> Response:
        ser = s.PointCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        point = services.point_create(actor=_user(request), unit=v["unit"], name=v["name"], grid=v["grid"])
        return self._one(request, point, status.HTTP_201_CREATED)


class VisitViewSet(_Base):
    """登门遍访 / 矛盾纠纷排查: visits, matters resolved on the spot or registered into the intake."""

    out = s.VisitSerializer

    def get_queryset(self) -> QuerySet[HouseholdVisit]:
        return selectors.visits_visible_to(self.request.user).select_related("petition")

    @extend_schema(parameters=[OpenApiParameter("point", int)])
    def list(self, request: Request) -> Response:
        qs = self.get_queryset()
        point = _int_param(request, "point")
        if point is not None:
            qs = qs.filter(point_id=point)
        return self._page(request, qs)

    @extend_schema(request=s.VisitCreateSerializer, responses={201: s.VisitSerializer})
    def create(self, request: Request) -> Response:
        user = _user(request)
        ser = s.VisitCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        point = _pick(selectors.points_visible_to(user), v["point"], "point")
        visit = services.household_visit_record(
            actor=user,
            point=point,
            visited_on=v["visited_on"],
            place=v["place"],
            outcome=v["outcome"],
            findings=v["findings"],
            resolution=v["resolution"],
            intake=s.to_intake(v["petition"], services.HOUSEHOLD_VISIT_CHANNEL) if v["petition"] else None,
        )
        return self._one(request, visit, status.HTTP_201_CREATED)


class FollowUpViewSet(_Base):
    """上门回访 after the reply, with the petitioner's view."""

    out = s.FollowUpSerializer

    def get_queryset(self) -> QuerySet[FollowUpVisit]:
        return selectors.follow_ups_visible_to(self.request.user).select_related("petition", "unit")

    def list(self, request: Request) -> Response:
        return self._page(request, self.get_queryset())

    @extend_schema(request=s.FollowUpCreateSerializer, responses={201: s.FollowUpSerializer})
    def create(self, request: Request) -> Response:
        user = _user(request)
        ser = s.FollowUpCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        v = ser.validated_data
        petition = _petition(user, v["petition"])
        assert petition is not None  # noqa: S101 - the field is required
        point = _pick(selectors.points_visible_to(user), v["point"], "point") if v["point"] is not None else None
        row = services.follow_up_visit_record(
            actor=user,
            petition=petition,
            visited_on=v["visited_on"],
            view=v["view"],
            view_text=v["view_text"],
            point=point,
        )
        return self._one(request, self.get_queryset().get(pk=row.pk), status.HTTP_201_CREATED)
