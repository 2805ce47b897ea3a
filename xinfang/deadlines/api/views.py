"""Public deadline calculator: anyone (a petitioner included) can check how a time limit is counted."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.deadlines.api.serializers import DeadlineQuerySerializer, DeadlineResponseSerializer
from xinfang.deadlines.calendar import DayKind
from xinfang.deadlines.services import deadline_for


class CalendarDeadlineView(APIView):
    # Public and read-only: no login, and no authentication so a stale token cannot turn it into a 401.
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(
        operation_id="calendar_deadline",
        summary=_("Compute a deadline"),
        description=_(
            "The last day of a period counted from a start date under the 信访工作条例 (2022): the start "
            "day is not counted and a last day on a rest day or holiday moves to the next working day (by "
            "analogy with Civil Code Arts. 201 and 203); working days honour statutory holidays and make-up "
            "working days (调休)."
        ),
        parameters=[DeadlineQuerySerializer],
        responses={
            200: DeadlineResponseSerializer,
            400: OpenApiResponse(description=_("A query parameter is missing or invalid; errors are keyed by field.")),
        },
        examples=[
            OpenApiExample(
                "Objection window (Art. 23 ¶3)",
                value={
                    "start": "2026-09-28",
                    "days": 5,
                    "kind": "working",
                    "due": "2026-10-10",
                    "explanation": [
                        "Start: 2026-09-28 (the start day is not counted).",
                        "…",
                        "Due: 2026-10-10.",
                    ],
                },
                response_only=True,
            )
        ],
        auth=[],
    )
    def get(self, request: Request) -> Response:
        query = DeadlineQuerySerializer(data=request.query_params)
        # Answer 400 here rather than raising, so the reply never depends on the project exception handler.
        if not query.is_valid():
            return Response(query.errors, status=status.HTTP_400_BAD_REQUEST)
        data = query.validated_data
        deadline = deadline_for(start=data["start"], days=data["days"], kind=DayKind(data["kind"]))
        body = DeadlineResponseSerializer(
            {
                "start": deadline.start,
                "days": deadline.days,
                "kind": deadline.kind.value,
                "due": deadline.due,
                "explanation": deadline.explanation(),
            }
        ).data
        return Response(body)
