"""Permissions for the staff side of the API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class IsUnitStaff(BasePermission):
    """An active account that belongs to a unit (or a superuser). Citizens' accounts have no unit."""

    message = _("Only staff accounts that belong to a unit may use this endpoint.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        return getattr(user, "unit_id", None) is not None or bool(user.is_superuser)


class IsUnitMember(BasePermission):
    """Signed in and an active account of a unit; a citizen's account gets 403, no account 401.

    Unlike :class:`IsUnitStaff` a superuser without a unit is refused: the endpoints that use this one scope
    every list and action by the caller's unit.
    """

    message = _("This needs a staff account of a unit.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and getattr(user, "is_unit_staff", False))
