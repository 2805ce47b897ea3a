"""Thin API views of the reception desk: parse, call a service or selector, render.

Staff endpoints need a unit staff account (a citizen account gets 403); rows outside the user's scope answer
404. The citizens' endpoints (``reception/public/…`` and booking a session) need no account and are throttled
like the portal's public doors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from xinfang.core import idempotency, timeutil
from xinfang.core.api import staff_user
from xinfang.core.audit import identity_read_record
from xinfang.core.errors import InvalidInput
from xinfang.core.limits import id_param, is_id
from xinfang.core.models import IdentitySurface
from xinfang.core.schema import ErrorSerializer
from xinfang.orgs.api.permissions import IsUnitMember
from xinfang.orgs.models import Unit, User
from xinfang.petitions.api.views import PublicSubmitThrottle, PublicTrackThrottle
from xinfang.reception import selectors, services
from xinfang.reception.api import serializers as s
from xinfang.reception.models import (
    Booking,
    FieldVisit,
    FieldVisitCase,
    Invitation,
    ReceptionSchedule,
    ReceptionSession,
)
from xinfang.supervision.assignments import assignments_for, path_range
from xinfang.supervision.models import AssignmentSource


class ByDate(CursorPagination):
    ordering = ("date", "id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class NewestFirst(CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


def _date_param(request: Request, name: str, default: dt.date | None = None) -> dt.date | None:
    raw = request.query_params.get(name)
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(_("%(name)s must be a date like 2026-04-15.") % {"name": name}, field=name) from None


def _unit_param(request: Request) -> Unit | None:
    unit_id = id_param(request.query_params, "unit")
    if unit_id is None:
        return None
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise InvalidInput(_("No such unit."), field="unit")
    return unit


class StaffListView(APIView):
    """A paginated list of a staff selector, optionally with a create (POST)."""

    permission_classes = [IsUnitMember]
    pagination: type[CursorPagination] | type[PageNumberPagination] = NewestFirst

    def paginate(self, request: Request, qs: QuerySet[Any], serializer: type[BaseSerializer[Any]]) -> Response:
        paginator = self.pagination()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(serializer(page, many=True).data)


# ---------------------------------------------------------------------------------------------- sites, schedules


class SiteListView(StaffListView):
    """接访场所 — reception venues, grassroots points and one-stop centres in the user's scope."""

    @extend_schema(responses={200: s.ReceptionSiteSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginate(request, selectors.sites_visible_to(staff_user(request)), s.ReceptionSiteSerializer)

    @extend_schema(request=s.ReceptionSiteInputSerializer, responses={201: s.ReceptionSiteSerializer})
    def post(self, request: Request) -> Response:
        ser = s.ReceptionSiteInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        site = services.site_create(actor=staff_user(request), **ser.validated_data)
        return Response(s.ReceptionSiteSerializer(site).data, status=status.HTTP_201_CREATED)


class ScheduleListView(StaffListView):
    """Leaders' reception schedules (fixed days, weekly days, one-off and topic receptions)."""

    @extend_schema(responses={200: s.ReceptionScheduleSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginate(
            request, selectors.schedules_visible_to(staff_user(request)), s.ReceptionScheduleSerializer
        )

    @extend_schema(request=s.ReceptionScheduleInputSerializer, responses={201: s.ReceptionScheduleSerializer})
    def post(self, request: Request) -> Response:
        ser = s.ReceptionScheduleInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        schedule = services.schedule_create(actor=staff_user(request), data=ser.to_data())
        return Response(s.ReceptionScheduleSerializer(schedule).data, status=status.HTTP_201_CREATED)


class ScheduleDetailView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(responses={200: s.ReceptionScheduleSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            s.ReceptionScheduleSerializer(
                get_object_or_404(selectors.schedules_visible_to(staff_user(request)), pk=pk)
            ).data
        )


class ScheduleGenerateView(APIView):
    """Create the sessions of a period from the schedule (idempotent; non-working days follow its policy)."""

    permission_classes = [IsUnitMember]

    @extend_schema(request=s.ReceptionPeriodSerializer, responses={201: s.ReceptionSessionSerializer(many=True)})
    def post(self, request: Request, pk: int) -> Response:
        schedule: ReceptionSchedule = get_object_or_404(selectors.schedules_visible_to(staff_user(request)), pk=pk)
        ser = s.ReceptionPeriodSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        made = services.sessions_generate(actor=staff_user(request), schedule=schedule, **ser.validated_data)
        return Response(s.ReceptionSessionSerializer(made, many=True).data, status=status.HTTP_201_CREATED)


class SchedulePublishView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(request=s.ReceptionPublishSerializer, responses={200: s.ReceptionScheduleSerializer})
    def post(self, request: Request, pk: int) -> Response:
        schedule: ReceptionSchedule = get_object_or_404(selectors.schedules_visible_to(staff_user(request)), pk=pk)
        ser = s.ReceptionPublishSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        schedule = services.schedule_publish(actor=staff_user(request), schedule=schedule, **ser.validated_data)
        return Response(s.ReceptionScheduleSerializer(schedule).data)


# ---------------------------------------------------------------------------------------------- sessions


class SessionListView(StaffListView):
    """Reception sessions in scope, by date; filters: from, to, leader, status."""

    pagination = ByDate

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE),
            OpenApiParameter("to", OpenApiTypes.DATE),
            OpenApiParameter("leader", OpenApiTypes.INT),
            OpenApiParameter("status", str, enum=["planned", "held", "missed", "cancelled"]),
        ],
        responses={200: s.ReceptionSessionSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        qs = selectors.sessions_visible_to(staff_user(request))
        start, end = _date_param(request, "from"), _date_param(request, "to")
        if start:
            qs = qs.filter(date__gte=start)
        if end:
            qs = qs.filter(date__lte=end)
        leader = id_param(request.query_params, "leader")
        if leader is not None:
            qs = qs.filter(leader_id=leader)
        state = request.query_params.get("status", "")
        if state:
            qs = qs.filter(status=state)
        return self.paginate(request, qs, s.ReceptionSessionSerializer)


class SessionDetailView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(responses={200: s.ReceptionSessionSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(
            s.ReceptionSessionSerializer(
                get_object_or_404(selectors.sessions_visible_to(staff_user(request)), pk=pk)
            ).data
        )


class SessionStatusView(APIView):
    """Mark a session held, missed or cancelled (cancelling tells booked citizens by SMS)."""

    permission_classes = [IsUnitMember]

    @extend_schema(request=s.ReceptionSessionStatusSerializer, responses={200: s.ReceptionSessionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        session = get_object_or_404(selectors.sessions_visible_to(staff_user(request)), pk=pk)
        ser = s.ReceptionSessionStatusSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        session = services.session_set_status(actor=staff_user(request), session=session, **ser.validated_data)
        return Response(s.ReceptionSessionSerializer(session).data)


class SessionVisitsView(StaffListView):
    """The reception record: visits (batches, persons) and the matters raised."""

    @extend_schema(responses={200: s.ReceptionVisitSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        user = staff_user(request)
        session: ReceptionSession = get_object_or_404(selectors.sessions_visible_to(user), pk=pk)
        # Art. 30 ¶3: matters that accuse the viewer's side are left out of each batch.
        visits = selectors.with_visible_matters(session.visits.all(), user)
        return self.paginate(request, visits, s.ReceptionVisitSerializer)

    @extend_schema(request=s.ReceptionVisitInputSerializer, responses={201: s.ReceptionVisitRecordedSerializer})
    def post(self, request: Request, pk: int) -> Response:
        user = staff_user(request)
        session: ReceptionSession = get_object_or_404(selectors.sessions_visible_to(user), pk=pk)
        ser = s.ReceptionVisitInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        result = services.visit_record(
            actor=user,
            session=session,
            head_count=ser.validated_data["head_count"],
            summary=ser.validated_data["summary"],
            booking=ser.validated_data.get("booking"),
            matters=ser.matter_data(),
        )
        data = dict(s.ReceptionVisitSerializer(result.visit).data)
        data["new_petitions"] = result.new_codes
        return Response(data, status=status.HTTP_201_CREATED)


class SessionBookingsView(StaffListView):
    """GET (staff): the bookings of a session. POST (public, throttled): book a slot (约访)."""

    pagination = NewestFirst

    def get_permissions(self) -> list[permissions.BasePermission]:
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [IsUnitMember()]

    def get_throttles(self) -> list[Any]:
        if self.request.method == "POST":
            return [PublicSubmitThrottle()]
        return []

    @extend_schema(responses={200: s.ReceptionBookingSerializer(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        user = staff_user(request)
        session: ReceptionSession = get_object_or_404(selectors.sessions_visible_to(user), pk=pk)
        contact = selectors.receives_citizens_of(user, session)
        paginator = self.pagination()
        page = paginator.paginate_queryset(session.bookings.select_related("petition"), request, view=self) or []
        hidden = selectors.hidden_petition_ids(user, (b.petition_id for b in page))  # Art. 30 ¶3
        if contact:  # whole phone numbers
            identity_read_record(
                user=user, surface=IdentitySurface.API_BOOKINGS, bookings={b.pk: b.petition_id for b in page}
            )
        data = s.ReceptionBookingSerializer(
            page, many=True, context={"contact": contact, "hidden_petitions": hidden}
        ).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        request=s.ReceptionBookingInputSerializer,
        parameters=[idempotency.OPENAPI_PARAMETER, idempotency.OPENAPI_REPLAYED],
        responses={201: s.ReceptionBookingCreatedSerializer, 422: idempotency.OPENAPI_MISMATCH},
        description=(
            "Public: book a slot of a published reception. Refused (409) when the slot is full or past. "
            "With an Idempotency-Key a retry returns the first answer (same booking and code) and books nothing."
        ),
    )
    def post(self, request: Request, pk: int) -> Response:
        return idempotency.idempotent(
            request, scope="reception.booking", extra=(pk,), run=lambda: self._book(request, pk)
        )

    def _book(self, request: Request, pk: int) -> Response:
        session = ReceptionSession.objects.filter(pk=pk, published=True).first()
        if session is None:
            raise Http404
        ser = s.ReceptionBookingInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        booking, code = services.booking_create(session=session, data=ser.to_data())
        body = {
            "id": booking.pk,
            "code": code,
            "session": booking.session,
            "slot_start": booking.slot_start,
            "status": booking.status,
        }
        return Response(s.ReceptionBookingCreatedSerializer(body).data, status=status.HTTP_201_CREATED)


class BookingMarkView(APIView):
    """Staff record a cancellation, a no-show or an attendance."""

    permission_classes = [IsUnitMember]

    @extend_schema(request=s.ReceptionBookingMarkSerializer, responses={200: s.ReceptionBookingSerializer})
    def post(self, request: Request, pk: int) -> Response:
        user = staff_user(request)
        booking: Booking = get_object_or_404(
            Booking.objects.filter(session__in=selectors.sessions_visible_to(user).values("pk")), pk=pk
        )
        ser = s.ReceptionBookingMarkSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        booking = services.booking_mark(actor=user, booking=booking, **ser.validated_data)
        contact = selectors.receives_citizens_of(user, booking.session)
        hidden = selectors.hidden_petition_ids(user, [booking.petition_id])  # Art. 30 ¶3
        if contact:  # the whole phone number
            identity_read_record(
                user=user, surface=IdentitySurface.API_BOOKINGS, bookings={booking.pk: booking.petition_id}
            )
        return Response(
            s.ReceptionBookingSerializer(booking, context={"contact": contact, "hidden_petitions": hidden}).data
        )


# ---------------------------------------------------------------------------------------------- public


class PublicSessionListView(APIView):
    """The citizens' reception calendar: published sessions from today (leader, place, time, topic)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []
    pagination = ByDate  # paginated by hand in get(); declared so that the schema shows the envelope

    @extend_schema(responses={200: s.ReceptionPublicSessionSerializer(many=True)})
    def get(self, request: Request) -> Response:
        paginator = ByDate()
        page = paginator.paginate_queryset(selectors.public_sessions(timeutil.today()), request, view=self)
        return paginator.get_paginated_response(s.ReceptionPublicSessionSerializer(page, many=True).data)


class PublicSessionDetailView(APIView):
    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []

    @extend_schema(responses={200: s.ReceptionPublicSessionDetailSerializer})
    def get(self, request: Request, pk: int) -> Response:
        session = selectors.public_session_or_none(pk, timeutil.today())
        if session is None:
            raise Http404
        session.slots = selectors.slots(session)  # type: ignore[attr-defined]
        return Response(s.ReceptionPublicSessionDetailSerializer(session).data)


class PublicBookingLookupView(APIView):
    """A citizen views their booking with its code."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [PublicTrackThrottle]

    @extend_schema(
        request=s.ReceptionCodeSerializer,
        responses={200: s.ReceptionPublicBookingSerializer, 404: ErrorSerializer},  # 404: no booking with this code
    )
    def post(self, request: Request) -> Response:
        ser = s.ReceptionCodeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        booking = services.booking_by_code(ser.validated_data["code"])
        if booking is None:
            raise Http404
        return Response(s.ReceptionPublicBookingSerializer(booking).data)


class PublicBookingCancelView(APIView):
    """A citizen cancels their booking with its code (before the slot)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [PublicTrackThrottle]

    @extend_schema(
        request=s.ReceptionCodeSerializer,
        responses={200: s.ReceptionPublicBookingSerializer, 404: ErrorSerializer},  # 404: no booking with this code
    )
    def post(self, request: Request) -> Response:
        ser = s.ReceptionCodeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        booking = services.booking_cancel_by_citizen(code=ser.validated_data["code"])
        return Response(s.ReceptionPublicBookingSerializer(booking).data)


# ---------------------------------------------------------------------------------------------- invitations


def _leader(user: Any) -> User:
    assert isinstance(user, User)  # noqa: S101 - validated by the serializer's queryset
    return user


class InvitationListView(StaffListView):
    """约访 by staff: invite the petitioner of a case the user can see (SMS to the petition's phone)."""

    @extend_schema(responses={200: s.ReceptionInvitationSerializer(many=True)})
    def get(self, request: Request) -> Response:
        return self.paginate(
            request, selectors.invitations_visible_to(staff_user(request)), s.ReceptionInvitationSerializer
        )

    @extend_schema(request=s.ReceptionInvitationInputSerializer, responses={201: s.ReceptionInvitationSerializer})
    def post(self, request: Request) -> Response:
        ser = s.ReceptionInvitationInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        invitation = services.invitation_create(
            actor=staff_user(request),
            petition_key=d["petition"],
            leader=_leader(d["leader"]),
            on=d["on"],
            at=d["at"],
            place=d["place"],
            note=d["note"],
        )
        return Response(s.ReceptionInvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationMarkView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(request=s.ReceptionInvitationMarkSerializer, responses={200: s.ReceptionInvitationSerializer})
    def post(self, request: Request, pk: int) -> Response:
        user = staff_user(request)
        invitation: Invitation = get_object_or_404(selectors.invitations_visible_to(user), pk=pk)
        ser = s.ReceptionInvitationMarkSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        invitation = services.invitation_mark(actor=user, invitation=invitation, **ser.validated_data)
        return Response(s.ReceptionInvitationSerializer(invitation).data)


# ---------------------------------------------------------------------------------------------- field visits


class FieldVisitListView(StaffListView):
    """下访 / 带案下访 planned and done in scope."""

    @extend_schema(responses={200: s.ReceptionFieldVisitSerializer(many=True)})
    def get(self, request: Request) -> Response:
        user = staff_user(request)
        # Art. 30 ¶3: cases that accuse the viewer's side are left out of each visit.
        qs = selectors.with_visible_cases(selectors.field_visits_visible_to(user), user)
        return self.paginate(request, qs, s.ReceptionFieldVisitSerializer)

    @extend_schema(request=s.ReceptionFieldVisitInputSerializer, responses={201: s.ReceptionFieldVisitSerializer})
    def post(self, request: Request) -> Response:
        ser = s.ReceptionFieldVisitInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        visit = services.field_visit_create(
            actor=staff_user(request),
            leader=_leader(d["leader"]),
            on=d["on"],
            place=d["place"],
            purpose=d["purpose"],
            petition_keys=d["petitions"],
        )
        return Response(s.ReceptionFieldVisitSerializer(visit).data, status=status.HTTP_201_CREATED)


def _visit(request: Request, pk: int) -> FieldVisit:
    """A visit in scope, its ``cases`` prefetched less those that accuse the user's side (Art. 30 ¶3)."""
    user = staff_user(request)
    visit: FieldVisit = get_object_or_404(
        selectors.with_visible_cases(selectors.field_visits_visible_to(user), user), pk=pk
    )
    return visit


class FieldVisitDetailView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(responses={200: s.ReceptionFieldVisitSerializer})
    def get(self, request: Request, pk: int) -> Response:
        return Response(s.ReceptionFieldVisitSerializer(_visit(request, pk)).data)


class FieldVisitCasesView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(request=s.ReceptionCaseInputSerializer, responses={201: s.ReceptionFieldVisitCaseSerializer})
    def post(self, request: Request, pk: int) -> Response:
        visit = _visit(request, pk)
        ser = s.ReceptionCaseInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        case = services.field_visit_add_case(
            actor=staff_user(request), visit=visit, petition_key=ser.validated_data["petition"]
        )
        return Response(s.ReceptionFieldVisitCaseSerializer(case).data, status=status.HTTP_201_CREATED)


class FieldVisitCaseResultView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(request=s.ReceptionCaseResultSerializer, responses={200: s.ReceptionFieldVisitCaseSerializer})
    def post(self, request: Request, pk: int, case_id: int) -> Response:
        visit = _visit(request, pk)
        case: FieldVisitCase = get_object_or_404(
            selectors.field_visit_cases_visible_to(staff_user(request), visit), pk=case_id
        )  # a case hidden by Art. 30 ¶3 answers 404 like a missing one
        ser = s.ReceptionCaseResultSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        case = services.field_visit_case_result(actor=staff_user(request), case=case, **ser.validated_data)
        return Response(s.ReceptionFieldVisitCaseSerializer(case).data)


class FieldVisitMinutesView(APIView):
    """现场办公 minutes; each decision becomes an assignment (交办事项) with a deadline."""

    permission_classes = [IsUnitMember]

    @extend_schema(
        request=s.ReceptionMinutesInputSerializer, responses={201: s.ReceptionAssignmentOutSerializer(many=True)}
    )
    def post(self, request: Request, pk: int) -> Response:
        visit = _visit(request, pk)
        ser = s.ReceptionMinutesInputSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        decisions = [
            services.DecisionData(d["matter"], d["unit"], d["due"], d["petition"])
            for d in ser.validated_data["decisions"]
        ]
        services.field_visit_minutes(
            actor=staff_user(request), visit=visit, minutes=ser.validated_data["minutes"], decisions=decisions
        )
        made = assignments_for(AssignmentSource.FIELD_VISIT, visit.pk).order_by("id")
        return Response(s.ReceptionAssignmentOutSerializer(made, many=True).data, status=status.HTTP_201_CREATED)


class FieldVisitCancelView(APIView):
    permission_classes = [IsUnitMember]

    @extend_schema(request=s.ReceptionReasonSerializer, responses={200: s.ReceptionFieldVisitSerializer})
    def post(self, request: Request, pk: int) -> Response:
        visit = _visit(request, pk)
        ser = s.ReceptionReasonSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        services.field_visit_cancel(actor=staff_user(request), visit=visit, reason=ser.validated_data["reason"])
        return Response(s.ReceptionFieldVisitSerializer(_visit(request, pk)).data)  # re-read: cases as this user sees


# ---------------------------------------------------------------------------------------------- reports, desk


class ComplianceView(APIView):
    """Frequency compliance per leader in scope for a year (rules per level: XINFANG_RECEPTION_FREQUENCY)."""

    permission_classes = [IsUnitMember]
    pagination = Pages  # paginated by hand in get(); declared so that the schema shows the envelope

    @extend_schema(
        parameters=[OpenApiParameter("year", OpenApiTypes.INT), OpenApiParameter("unit", OpenApiTypes.INT)],
        responses={200: s.ReceptionLeaderComplianceSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        user = staff_user(request)
        today = timeutil.today()
        raw = request.query_params.get("year", str(today.year))
        if not is_id(raw) or not 2000 <= int(raw) <= 2100:
            raise InvalidInput(_("year must be a year like 2026."), field="year")
        leaders = selectors.leaders_in_scope(user)
        unit = _unit_param(request)
        if unit is not None:
            leaders = leaders.filter(path_range("unit__path", unit.path))
        paginator = Pages()
        page = paginator.paginate_queryset(leaders, request, view=self) or []
        rows = selectors.compliance(list(page), int(raw), today)
        return paginator.get_paginated_response(s.ReceptionLeaderComplianceSerializer(rows, many=True).data)


class StatisticsView(APIView):
    """接访下访人次, 接待群众 批次/人次, 协调解决问题件数 for the user's scope (or a unit in it) and a period."""

    permission_classes = [IsUnitMember]

    @extend_schema(
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("end", OpenApiTypes.DATE),
            OpenApiParameter("unit", OpenApiTypes.INT),
        ],
        responses={200: s.ReceptionStatisticsSerializer},
    )
    def get(self, request: Request) -> Response:
        today = timeutil.today()
        start = _date_param(request, "start", today.replace(month=1, day=1))
        end = _date_param(request, "end", today)
        assert start is not None and end is not None  # noqa: S101 - defaults given
        if end < start:
            raise InvalidInput(_("end is before start."), field="end")
        stats = selectors.statistics(staff_user(request), _unit_param(request), start, end)
        return Response(s.ReceptionStatisticsSerializer(stats).data)


class DeskView(APIView):
    """The leader's desk parts: my reception days (from today, 60 days) and my appointments."""

    permission_classes = [IsUnitMember]

    @extend_schema(responses={200: s.ReceptionDeskSerializer})
    def get(self, request: Request) -> Response:
        user = staff_user(request)
        today = timeutil.today()
        days = selectors.my_reception_days(user, today, today + dt.timedelta(days=60))
        appointments = selectors.my_appointments(user, today)
        return Response(s.ReceptionDeskSerializer({"reception_days": days, "appointments": appointments}).data)
