"""API plumbing shared by every domain: the exception handler that keeps errors 4xx and readable."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import NotAuthenticated
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
