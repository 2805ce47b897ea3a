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
