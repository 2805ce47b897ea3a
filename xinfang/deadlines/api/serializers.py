"""Query and response shapes of the public deadline calculator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from xinfang.deadlines.calendar import DayKind

MAX_DAYS = 3650  # ten years: far beyond any statutory period, and keeps one request O(3650) at most
# Keeps start + days + a holiday block well inside datetime.date's range; earlier or later dates are typos.
MIN_START = dt.date(1990, 1, 1)
MAX_START = dt.date(2199, 12, 31)


class DeadlineQuerySerializer(serializers.Serializer[Any]):
    start = serializers.DateField(
        input_formats=["iso-8601"],
        help_text=_("The day the period starts from (not counted), as YYYY-MM-DD."),
        error_messages={
            "required": _("Give the start date as YYYY-MM-DD, for example 2026-09-28."),
            "null": _("Give the start date as YYYY-MM-DD, for example 2026-09-28."),
            "invalid": _("Not a valid date: use YYYY-MM-DD, for example 2026-09-28."),
            "datetime": _("Give a date without a time: YYYY-MM-DD."),
        },
    )
    days = serializers.IntegerField(
        min_value=0,
        max_value=MAX_DAYS,
        # format_lazy keeps the text lazy so it is translated per request, not frozen at import.
        help_text=format_lazy(_("Length of the period in days (0 to {max})."), max=MAX_DAYS),
        error_messages={
            "required": _("Give the number of days as a whole number, for example 15."),
            "null": _("Give the number of days as a whole number, for example 15."),
            "invalid": _("The number of days must be a whole number, for example 15."),
            "max_string_length": _("The number of days must be a whole number, for example 15."),
            # DRF fills {min_value}/{max_value} in when the check fails.
            "min_value": _("The number of days cannot be negative."),
            "max_value": _("The number of days can be at most {max_value}."),
        },
    )
    kind = serializers.ChoiceField(
        choices=[(k.value, k.value) for k in DayKind],
        help_text=_("calendar: calendar days (日); working: working days (工作日)."),
        error_messages={
            "required": _("Give the kind of days: calendar or working."),
            "null": _("Give the kind of days: calendar or working."),
            "invalid_choice": _('"{input}" is not a kind of days: use calendar or working.'),
        },
    )

    def validate_start(self, value: dt.date) -> dt.date:
        if not MIN_START <= value <= MAX_START:
            raise serializers.ValidationError(
                _("The start date must be between %(min)s and %(max)s.")
                % {"min": MIN_START.isoformat(), "max": MAX_START.isoformat()}
            )
        return value


class DeadlineResponseSerializer(serializers.Serializer[Any]):
    start = serializers.DateField()
    days = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=[(k.value, k.value) for k in DayKind])
    due = serializers.DateField(help_text=_("The last day of the period."))
    explanation = serializers.ListField(
        child=serializers.CharField(), help_text=_("How the due date was found, in the request's language.")
    )
