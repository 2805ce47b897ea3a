"""Who may use the workbench: signed-in staff of a unit. Citizens are refused with an explanation."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render, resolve_url

from xinfang.orgs.models import User


def staff_user(request: HttpRequest) -> User:
    """The signed-in unit staff member of a view wrapped by ``staff_required``."""
    user = request.user
    assert isinstance(user, User) and user.is_unit_staff  # noqa: S101 - guaranteed by staff_required
    return user


def refuse(request: HttpRequest, message: str = "") -> HttpResponse:
    """403 with a page that says why and what to do instead."""
    return render(request, "workbench/refused.html", {"message": message}, status=403)


def staff_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Anonymous users go to the login page; accounts without a unit (citizens) get a clear refusal."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            if is_htmx(request):
                # A fragment request after the session ended: send the whole page to the login form.
                response = HttpResponse(status=200)
                response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                return response
            return redirect_to_login(request.get_full_path())
        if not isinstance(user, User) or not user.is_unit_staff:
            return refuse(request)
        return view(request, *args, **kwargs)

    return wrapper


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
