"""The statutory time limits of the 信访工作条例 (2022), each encoded once with its article.

A ``ClockKind`` names a time limit; ``STATUTORY_RULES`` says how long it is, how days are counted, whether a
unit owes it (an obligation that can be overdue) or it is a window open to the petitioner, and which article
sets it.
Local targets (stricter practice such as 兴国县 "3天见面、7天反馈、21天办结") are overlays stored in
``deadlines.LocalTarget``; they add a target date to a clock and never change the statutory due date.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# DayKind is defined with the pure calendar code and re-exported here, where callers already import it from.
from xinfang.deadlines.calendar import DayKind as DayKind


class ClockKind(models.TextChoices):
    ROUTE = "route", _("Register and route (15 days)")
    NOTICE = "notice", _("Written notice of acceptance (15 days)")
    OBJECTION_WINDOW = "objection_window", _("Objection to jurisdiction (5 working days)")
    FEEDBACK = "feedback", _("Feedback with completion report (交办)")
    HANDLE = "handle", _("Handling (60 days, extendable by 30)")
    HANDLE_SIMPLE = "handle_simple", _("Simple handling")
    RATING_WINDOW = "rating_window", _("Rating by the petitioner")
    REVIEW_WINDOW = "review_window", _("Request for review (复查) (30 days)")
    REVIEW = "review", _("Review decision (30 days)")
    RECHECK_WINDOW = "recheck_window", _("Request for re-examination (复核) (30 days)")
    RECHECK = "recheck", _("Re-examination decision (30 days, hearing excluded)")


@dataclass(frozen=True)
class ClockRule:
    kind: ClockKind
    days: int
    day_kind: DayKind
    article: str
    obligation: bool  # True: a unit owes it and it can be overdue; False: a window open to someone else
    basis: str | Promise  # what the count starts from, in words


STATUTORY_RULES: dict[ClockKind, ClockRule] = {
    ClockKind.ROUTE: ClockRule(
        ClockKind.ROUTE,
        15,
        DayKind.CALENDAR,
        "Art. 22",
        True,
        _("from the day the petition department received it"),
    ),
    ClockKind.NOTICE: ClockRule(
        ClockKind.NOTICE, 15, DayKind.CALENDAR, "Art. 23", True, _("from the day the unit received it")
    ),
    ClockKind.OBJECTION_WINDOW: ClockRule(
        ClockKind.OBJECTION_WINDOW,
        5,
        DayKind.WORKING,
        "Art. 23 ¶3",
        False,
        _("from the day the forwarded or assigned item was received"),
    ),
    # The assigning department sets the period (Art. 22(3)); ``days`` here is only the fallback.
    ClockKind.FEEDBACK: ClockRule(
        ClockKind.FEEDBACK,
        settings.XINFANG_ASSIGN_FEEDBACK_DAYS,
        DayKind.CALENDAR,
        "Art. 22(3)",
        True,
        _("from the day the assignment was received"),
    ),
    ClockKind.HANDLE: ClockRule(
        ClockKind.HANDLE, 60, DayKind.CALENDAR, "Art. 34", True, _("from the day of acceptance")
    ),
    ClockKind.HANDLE_SIMPLE: ClockRule(
        ClockKind.HANDLE_SIMPLE,
        settings.XINFANG_SIMPLE_HANDLING_WORKING_DAYS,
        DayKind.WORKING,
        "国家信访局简易办理规则",
        True,
        _("from the day of acceptance"),
    ),
    ClockKind.RATING_WINDOW: ClockRule(
        ClockKind.RATING_WINDOW,
        settings.XINFANG_RATING_WINDOW_DAYS,
        DayKind.CALENDAR,
        "国信发〔2022〕11号",
        False,
        _("from the day the written reply was received"),
    ),
    ClockKind.REVIEW_WINDOW: ClockRule(
        ClockKind.REVIEW_WINDOW,
        30,
        DayKind.CALENDAR,
        "Art. 35",
        False,
        _("from the day the written reply was received"),
    ),
    ClockKind.REVIEW: ClockRule(
        ClockKind.REVIEW,
        30,
        DayKind.CALENDAR,
        "Art. 35",
        True,
        _("from the day the review request was received"),
    ),
    ClockKind.RECHECK_WINDOW: ClockRule(
        ClockKind.RECHECK_WINDOW,
        30,
        DayKind.CALENDAR,
        "Art. 36",
        False,
        _("from the day the review opinion was received"),
    ),
    ClockKind.RECHECK: ClockRule(
        ClockKind.RECHECK,
        30,
        DayKind.CALENDAR,
        "Art. 36",
        True,
        _("from the day the re-examination request was received; hearing time is not counted"),
    ),
}

MAX_EXTENSION_DAYS = 30  # Art. 34: one extension of at most 30 days
OBLIGATION_KINDS = frozenset(k for k, r in STATUTORY_RULES.items() if r.obligation)
