"""API plumbing shared by every domain: the exception handler that keeps errors 4xx and readable."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import NotAuthenticated, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from xinfang.core.errors import DomainError, InvalidInput
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


class TokenRequestSerializer(AuthTokenSerializer):
    """User name and password, and ``otp`` for accounts that sign in with a second factor."""

    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=32,
        write_only=True,
        help_text="The 6-digit code of the authenticator app, or a backup code: required for accounts whose role "
        "requires two-factor sign-in (XINFANG_2FA_REQUIRED_ROLES) and for accounts that set it up.",
    )


class TokenAnswerSerializer(serializers.Serializer[Any]):
    """The token, shown this once (only its digest is stored), and when it stops working."""

    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; it is not shown again.")
    expiry = serializers.DateTimeField(help_text="After this moment the token is refused (401).")


class TokenView(APIView):
    """POST user name + password (+ ``otp`` where a second factor is required) → a new API token with its expiry;
    failed attempts, a wrong or missing ``otp`` included, count towards the login lockout (django-axes).

    The token is stored hashed (``xinfang.core.auth``) and expires ``XINFANG_TOKEN_TTL_HOURS`` after issue.
    The serializer authenticates with DRF's request object, so the lockout flag axes leaves on it never reaches
    axes' middleware: this view answers the lockout itself (429 with the same message as the login pages)."""

    permission_classes = [AllowAny]
    serializer_class = TokenRequestSerializer
    password_login = True  # core.schema: a password login (no account to refuse, no workflow conflict)

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenAnswerSerializer}, tags=["auth"])
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from xinfang.core import twofactor
        from xinfang.core.limits import lockout_message

        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):
                return Response({"detail": lockout_message(), "code": "locked_out"}, status=429)
            raise
        user = serializer.validated_data["user"]
        if twofactor.second_factor_required(user):
            try:
                twofactor.otp_verify(user=user, code=serializer.validated_data.get("otp", ""), field="otp")
            except InvalidInput:
                if twofactor.record_failure(request, user):
                    return Response({"detail": lockout_message(), "code": "locked_out"}, status=429)
                raise
        instance, token = AuthToken.objects.create(user=user, expiry=settings.XINFANG_TOKEN_TTL)
        # As the login pages do: last_login is updated and axes clears this client's failed attempts.
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response(TokenAnswerSerializer({"token": token, "expiry": instance.expiry}).data)


class TokenRevokeView(APIView):
    """POST with ``Authorization: Token …`` → that token is deleted at once (204); other tokens stay valid."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not isinstance(request.auth, AuthToken):  # signed in by session (the browsable API): nothing to revoke
            raise InvalidInput(
                _("Only a token can be revoked: send it as Authorization: Token …."), field="Authorization"
            )
        request.auth.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
