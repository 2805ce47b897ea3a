"""API tokens: hashed at rest, with an expiry, revocable (issue 9; 个人信息保护法 Art. 51 security measures).

Tokens are django-rest-knox ``AuthToken`` rows: the token is shown once, when it is issued; the database keeps only
its first 15 characters (to find the row) and a SHA-512 digest, so a copy of the database gives no working token.
Each token expires ``XINFANG_TOKEN_TTL_HOURS`` after it was issued (10 hours by default); ``POST
/api/v1/auth/logout/`` revokes the token it is sent with. Clients keep sending ``Authorization: Token <token>``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from knox.auth import TokenAuthentication
from rest_framework import exceptions


class HashedTokenAuthentication(TokenAuthentication):
    """knox's token authentication, refusing a token that is not plain ASCII with a 401 rather than a 500."""

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        try:
            token.decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from exc
        result: tuple[Any, Any] = super().authenticate_credentials(token)
        return result


class HashedTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    """OpenAPI: ``Authorization: Token <token>`` (the scheme name stays ``tokenAuth``, as under DRF's tokens)."""

    target_class = "xinfang.core.auth.HashedTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        definition: dict[str, Any] = build_bearer_security_scheme_object(
            header_name="Authorization",
            token_prefix="Token",  # noqa: S106 - the header's keyword, not a secret
        )
        return definition
