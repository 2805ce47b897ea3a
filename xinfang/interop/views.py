"""Open311 GeoReport v2 views: thin — parse the spec's parameters, call a selector or the intake service, render
JSON or the spec's XML. Errors are the spec's ``[{"code": <HTTP status>, "description": "…"}]``.

No account and no ``api_key`` are needed (the spec makes the key optional): a POST is an online petition exactly
as ``POST /api/v1/petitions/`` makes one, under the same per-address limit and with the same Idempotency-Key.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinfang.core import idempotency, timeutil
from xinfang.core.api import exception_handler
from xinfang.core.errors import DomainError, InvalidInput
from xinfang.core.limits import is_id
from xinfang.interop import open311, selectors
from xinfang.petitions import services
from xinfang.petitions.api.views import PublicSubmitThrottle, PublicTrackThrottle
from xinfang.petitions.models import NUMBER_SHAPE, Category, Channel, Nature
from xinfang.petitions.selectors import petition_dept_for_division
from xinfang.petitions.services.intake import IntakeData, PetitionerData
from xinfang.petitions.workflow import OPEN_STATES

MAX_REQUESTS = 1000  # per page of GET requests
DEFAULT_SPAN = dt.timedelta(days=90)  # the spec: the most recent 90 days by default, and at most 90 days
MAX_IDS = 100
DIVISION = re.compile(r"^(\d{6}|\d{9})$")

# Field names of the intake service → the Open311 parameter a client sent.
FIELD_NAMES = {
    "request": "description",
    "title": "attribute[title]",
    "facts_and_reasons": "attribute[facts_and_reasons]",
    "nature": "attribute[nature]",
    "unit": "attribute[division_code]",
    "problem_division_code": "attribute[division_code]",
    "problem_address": "address_string",
    "petitioners": "first_name",
    "petitioners[0].name": "first_name",
    "petitioners[0].phone": "phone",
    "petitioners[0].email": "email",
}


class XMLRenderer(BaseRenderer):
    media_type = "text/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        context = renderer_context or {}
        response = context.get("response")
        root = "errors" if response is not None and response.status_code >= 400 else None
        if root is None:
            root = getattr(context.get("view"), "xml_root", "service_requests")
        return open311.to_xml(root, data)


class Open311View(APIView):
    """Format from the URL suffix (``.json`` / ``.xml``); errors in the spec's shape; no login."""

    permission_classes = [permissions.AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [PublicTrackThrottle]
    parser_classes = [FormParser, MultiPartParser]
    xml_root = "service_requests"

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple[BaseRenderer, str]:
        if self.kwargs.get("fmt") == "xml":
            return XMLRenderer(), XMLRenderer.media_type
        return JSONRenderer(), JSONRenderer.media_type

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if kwargs.get("fmt") not in ("json", "xml"):
            raise NotFound(_("The response format must be json or xml."))

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Http404):
            exc = NotFound()
        if not isinstance(exc, DomainError | APIException):
            return super().handle_exception(exc)  # a bug: let Django report it
        response = exception_handler(exc, self.get_exception_handler_context())
        if response is None:  # pragma: no cover - every DomainError and APIException is handled above
            return super().handle_exception(exc)
        description = _describe(response.data)
        response.data = [{"code": response.status_code, "description": description}]
        return response


def _describe(data: Any) -> str:
    if isinstance(data, dict):
        detail = data.get("detail")
        field = data.get("field")
        if detail is not None and field:
            return f"{FIELD_NAMES.get(str(field), field)}: {detail}"
        if detail is not None:
            return str(detail)
        return "; ".join(f"{k}: {' '.join(str(m) for m in v) if isinstance(v, list) else v}" for k, v in data.items())
    if isinstance(data, list):
        return " ".join(str(m) for m in data)
    return str(data)


def _category(code: str) -> Category:
    category = Category.objects.select_related("parent__parent").filter(pk=int(code)).first() if is_id(code) else None
    if category is None:
        raise NotFound(_("No service with code %(code)s.") % {"code": code})
    return category


class ServiceListView(Open311View):
    """GET Service List: every content category is a service."""

    xml_root = "services"

    @extend_schema(exclude=True)
    def get(self, request: Request, fmt: str) -> Response:
        return Response([open311.service(c) for c in selectors.public_services()])


class ServiceDefinitionView(Open311View):
    """GET Service Definition: the optional attributes every service accepts."""

    xml_root = "service_definition"

    @extend_schema(exclude=True)
    def get(self, request: Request, service_code: str, fmt: str) -> Response:
        return Response(open311.service_definition(_category(service_code)))


def _moment(params: Any, name: str) -> dt.datetime | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            value = dt.datetime.combine(day, dt.time()) if day is not None else None
    except ValueError:
        value = None
    if value is None:
        raise InvalidInput(
            _("%(name)s must be a W3C date and time, e.g. 2026-03-01T00:00:00+08:00.") % {"name": name}, field=name
        )
    return value if timezone.is_aware(value) else timezone.make_aware(value)


def _date_range(params: Any) -> tuple[dt.datetime, dt.datetime]:
    """The spec: the most recent 90 days by default; a range given may not span more than 90 days."""
    start, end = _moment(params, "start_date"), _moment(params, "end_date")
    if start is None:
        end = end or timeutil.now()
        start = end - DEFAULT_SPAN
    elif end is None:
        end = start + DEFAULT_SPAN
    if end < start:
        raise InvalidInput(_("end_date must not be before start_date."), field="end_date")
    if end - start > DEFAULT_SPAN:
        raise InvalidInput(_("start_date and end_date may not span more than 90 days."), field="end_date")
    return start, end


def _comma_list(params: Any, name: str) -> list[str]:
    return [v.strip() for v in (params.get(name) or "").split(",") if v.strip()]


class RequestListView(Open311View):
    """GET Service Requests (public facts only) and POST Service Request (an online petition)."""

    def get_throttles(self) -> list[Any]:
        if self.request.method == "POST":
            return [PublicSubmitThrottle()]
        return [PublicTrackThrottle()]

    @extend_schema(exclude=True)
    def get(self, request: Request, fmt: str) -> Response:
        params = request.query_params
        qs = selectors.public_requests()
        numbers = _comma_list(params, "service_request_id")
        if numbers:  # the spec: this overrides every other parameter
            if len(numbers) > MAX_IDS:
                raise InvalidInput(
                    _("At most %(n)s service_request_id values at once.") % {"n": MAX_IDS}, field="service_request_id"
                )
            wanted = [n.upper() for n in numbers if NUMBER_SHAPE.match(n)]
            return Response([open311.service_request(p) for p in qs.filter(number__in=wanted).order_by("-id")])
        codes = _comma_list(params, "service_code")
        if codes:
            if not all(is_id(c) for c in codes):
                raise InvalidInput(_("service_code must be service codes separated by commas."), field="service_code")
            qs = qs.filter(category_id__in=[int(c) for c in codes])
        statuses = set(_comma_list(params, "status"))
        if statuses - {"open", "closed"}:
            raise InvalidInput(_("status must be open, closed, or both separated by a comma."), field="status")
        if statuses == {"open"}:
            qs = qs.filter(state__in=OPEN_STATES)
        elif statuses == {"closed"}:
            qs = qs.exclude(state__in=OPEN_STATES)
        start, end = _date_range(params)
        qs = qs.filter(registered_at__gte=start, registered_at__lte=end).order_by("-registered_at", "-id")
        page = _page(params)
        rows = qs[(page - 1) * MAX_REQUESTS : page * MAX_REQUESTS]
        return Response([open311.service_request(p) for p in rows])

    @extend_schema(exclude=True)
    def post(self, request: Request, fmt: str) -> Response:
        return idempotency.idempotent(request, scope="open311.submit", run=lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        data: Any = request.data
        category = _submitted_category(data.get("service_code", ""))
        division = (data.get(f"attribute[{open311.DIVISION_ATTRIBUTE}]") or "").strip()
        address_id = (data.get("address_id") or "").strip()
        if not division and DIVISION.match(address_id):
            division = address_id
        if not division:
            raise InvalidInput(
                _(
                    "Give the problem location's division code (6 or 9 digits) in attribute[division_code] "
                    "or address_id."
                ),
                field="attribute[division_code]",
            )
        if not DIVISION.match(division):
            raise InvalidInput(
                _("A division code has 6 digits, or 9 for a township (GB/T 2260)."), field="attribute[division_code]"
            )
        unit = petition_dept_for_division(division)
        if unit is None:
            raise InvalidInput(
                _("No petition department receives petitions for division %(code)s.") % {"code": division},
                field="attribute[division_code]",
            )
        petition, code = services.petition_register(
            actor=None, citizen=None, unit=unit, data=_intake(data, category, division)
        )
        notice = _(
            "Registered as petition %(number)s by %(unit)s. Your tracking code is %(code)s: it is shown only this "
            "once; keep it, and follow the petition with the number and this code on the tracking page."
        ) % {"number": petition.number, "unit": unit.name, "code": code}
        return Response([{"service_request_id": petition.number, "service_notice": notice}], status=status.HTTP_200_OK)


def _page(params: Any) -> int:
    raw = (params.get("page") or "1").strip()
    if not is_id(raw) or not 1 <= int(raw) <= 10_000:
        raise InvalidInput(_("page must be a whole number from 1 to 10000."), field="page")
    return int(raw)


def _submitted_category(code: str) -> Category:
    code = code.strip()
    if not code:
        raise InvalidInput(_("service_code is required."), field="service_code")
    category = Category.objects.filter(pk=int(code)).first() if is_id(code) else None
    if category is None:
        raise InvalidInput(_("No service with code %(code)s.") % {"code": code}, field="service_code")
    return category


def _text(data: Any, name: str, *, limit: int) -> str:
    value = str(data.get(name) or "").strip()
    if len(value) > limit:
        raise InvalidInput(
            _("%(name)s may have at most %(n)s characters.") % {"name": name, "n": limit},
            field=name,
        )
    return value


def _coordinate(data: Any, name: str, bound: int) -> float | None:
    raw = str(data.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > bound:
        raise InvalidInput(
            _("%(name)s must be a number from -%(n)s to %(n)s (WGS84).") % {"name": name, "n": bound}, field=name
        )
    return value


def _intake(data: Any, category: Category, division: str) -> IntakeData:
    description = _text(data, "description", limit=5000)
    if not description:
        raise InvalidInput(_("Describe the problem and what you ask for (Art. 19)."), field="description")
    title = _text(data, "attribute[title]", limit=200) or description.splitlines()[0][:50]
    nature = _text(data, "attribute[nature]", limit=20) or Nature.APPEAL
    if nature not in open311.NATURE_VALUES:
        raise InvalidInput(
            _("attribute[nature] must be one of: %(values)s.") % {"values": ", ".join(open311.NATURE_VALUES)},
            field="attribute[nature]",
        )
    address = _text(data, "address_string", limit=160)
    lat, long = _coordinate(data, "lat", 90), _coordinate(data, "long", 180)
    if lat is not None and long is not None:
        address = f"{address} ({lat:.6f}, {long:.6f})".strip()
    name = _text(data, "last_name", limit=50) + _text(data, "first_name", limit=50)  # 姓 + 名
    phone = _text(data, "phone", limit=24)
    email = _text(data, "email", limit=254)
    people = [PetitionerData(name=name, phone=phone, email=email)] if name or phone or email else []
    return IntakeData(
        channel=Channel.ONLINE,
        title=title,
        request=description,
        facts_and_reasons=_text(data, "attribute[facts_and_reasons]", limit=20000),
        nature=nature,
        category=category,
        is_anonymous=not name,
        petitioners=people,
        problem_division_code=division,
        problem_address=address,
    )


class RequestDetailView(Open311View):
    """GET Service Request: one petition's public facts, as a list of one (the spec)."""

    @extend_schema(exclude=True)
    def get(self, request: Request, service_request_id: str, fmt: str) -> Response:
        number = service_request_id.upper()
        petition = selectors.public_requests().filter(number=number).first() if NUMBER_SHAPE.match(number) else None
        if petition is None:
            raise NotFound(_("No service request %(id)s.") % {"id": service_request_id})
        return Response([open311.service_request(petition)])
