"""API plumbing shared by every domain: the exception handler that keeps errors 4xx and readable."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from xinfang.core.errors import DomainError
from xinfang.orgs.models import User


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Map domain and Django validation errors to 4xx JSON; everything else goes to DRF's handler."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            body: dict[str, Any] = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
        else:
            body = {"detail": " ".join(str(m) for m in exc.messages)}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, OverflowError):
        # Safety net: an id above 64 bits that reached the database (SQLite cannot bind it). Query parameters go
        # through ``core.limits.id_param`` and are refused there with the field named.
        return Response(
            {"detail": _("A number in the request is out of range."), "code": "invalid"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)


def staff_user(request: Request) -> User:
    """The authenticated account of a view that requires login (permission classes ran already)."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated
    return user


def optional_user(request: Request) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


class TokenView(ObtainAuthToken):
    """POST user name + password → API token; failed attempts count towards the login lockout (django-axes).

    DRF's view authenticates with its own request object, so the lockout flag axes leaves on it never reaches
    axes' middleware: this view answers the lockout itself (429 with the same message as the login pages)."""

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from xinfang.core.limits import lockout_message

        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):
                return Response({"detail": lockout_message(), "code": "locked_out"}, status=429)
            raise
