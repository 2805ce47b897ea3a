"""Template helpers of the casework pages."""

from __future__ import annotations

import datetime as dt

from django import template

from xinfang.core import timeutil

register = template.Library()


@register.filter
def days_since(day: dt.date | None) -> int | str:
    """Whole days from ``day`` to today ("" without a date)."""
    if day is None:
        return ""
    return (timeutil.today() - day).days


@register.filter
def is_past(day: dt.date | None) -> bool:
    return day is not None and day < timeutil.today()
