"""Deadline arithmetic on known dates.

Every date below was checked against chinesecalendar 1.11 (the State Council schedules for 2024–2026):
* 2024 春节: 02-10..02-17 off; Sunday 02-04 and Sunday 02-18 are make-up working days.
* 2025 国庆节/中秋: 10-01..10-08 off (10-06 is 中秋); Sunday 09-28 and Saturday 10-11 are make-up days.
* 2026 春节: 02-15..02-23 off; Saturdays 02-14 and 02-28 are make-up days.
* 2026 国庆节: 10-01..10-07 off; Sunday 09-20 and Saturday 10-10 are make-up days.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest
from django.utils import translation

from xinfang.deadlines.calendar import (
    EXTRA_EXTENDED,
    EXTRA_PAUSED,
    DayKind,
    DayOverride,
    Deadline,
    Step,
    WorkCalendar,
    compute_deadline,
    count_working_days_between,
    explain,
)
from xinfang.deadlines.rules import MAX_EXTENSION_DAYS, STATUTORY_RULES, ClockKind

D = dt.date
CAL = WorkCalendar()


def codes(deadline: Deadline) -> list[str]:
    return [s.code for s in deadline.steps]


def step(deadline: Deadline, code: str) -> Step:
    matches = [s for s in deadline.steps if s.code == code]
    assert len(matches) == 1, codes(deadline)
    return matches[0]


# --- the facts the tests below rely on, checked against the package itself ---------------------------------


def test_reference_schedule_facts_match_chinesecalendar():
    assert not any(chinese_calendar.is_workday(D(2024, 2, d)) for d in range(10, 18))
    assert chinese_calendar.is_workday(D(2024, 2, 18)) and D(2024, 2, 18).weekday() == 6
    assert not any(chinese_calendar.is_workday(D(2025, 10, d)) for d in range(1, 9))
    assert chinese_calendar.is_workday(D(2025, 9, 28)) and D(2025, 9, 28).weekday() == 6
    assert chinese_calendar.is_workday(D(2026, 10, 10)) and D(2026, 10, 10).weekday() == 5
    assert chinese_calendar.is_workday(D(2026, 2, 14)) and chinese_calendar.is_workday(D(2026, 2, 28))


# --- calendar days (日): 民法典 Arts. 201, 203 by analogy ------------------------------------------------


def test_route_deadline_ending_inside_spring_festival_2024_rolls_to_makeup_sunday_civil_code_art_203():
    rule = STATUTORY_RULES[ClockKind.ROUTE]  # Art. 22: 15 days
    deadline = compute_deadline(D(2024, 1, 28), rule.days, rule.day_kind, CAL)
    # 01-28 + 15 = 02-12 (a Monday inside 春节); 02-13..02-17 are off too; 02-18 is a 调休 working Sunday.
    assert deadline.due == D(2024, 2, 18)
    rolled = step(deadline, "rolled_forward")
    assert rolled.params["from"] == "2024-02-12"
    assert rolled.params["to"] == "2024-02-18"
    assert rolled.params["count"] == 6
    assert rolled.params["names"] == "春节"
    assert step(deadline, "makeup_due").params["day"] == "2024-02-18"


def test_calendar_deadline_rolls_past_national_day_holiday_civil_code_art_203():
    deadline = compute_deadline(D(2025, 9, 17), 15, DayKind.CALENDAR, CAL)
    # 09-17 + 15 = 10-02, inside the 10-01..10-08 block; the next working day is Thursday 10-09.
    assert deadline.due == D(2025, 10, 9)
    rolled = step(deadline, "rolled_forward")
    assert str(rolled.params["dates"]).split(", ") == [f"2025-10-0{d}" for d in range(2, 9)]
    assert rolled.params["names"] == "国庆节、中秋"


def test_start_day_is_not_counted_civil_code_art_201():
    # 2025-03-03 (Mon) + 15 = 2025-03-18 (Tue), an ordinary working day: no roll-forward.
    deadline = compute_deadline(D(2025, 3, 3), 15, DayKind.CALENDAR, CAL)
    assert deadline.due == D(2025, 3, 18)
    assert codes(deadline) == ["start", "count_calendar", "due"]


def test_calendar_deadline_landing_on_tiaoxiu_sunday_stays_there_civil_code_art_203():
    deadline = compute_deadline(D(2025, 9, 13), 15, DayKind.CALENDAR, CAL)
    assert deadline.due == D(2025, 9, 28)  # a Sunday, but a 调休 working day: Art. 203 does not move it
    assert "rolled_forward" not in codes(deadline)
    assert step(deadline, "makeup_due").params == {"day": "2025-09-28", "name": "国庆节"}


def test_calendar_deadline_on_ordinary_sunday_rolls_to_monday_civil_code_art_203():
    deadline = compute_deadline(D(2025, 11, 15), 15, DayKind.CALENDAR, CAL)
    assert deadline.due == D(2025, 12, 1)  # 11-30 is a plain Sunday
    assert step(deadline, "rolled_forward").params["names"] == ""


def test_handling_deadline_with_art_34_extension_adds_30_days_then_rolls():
    rule = STATUTORY_RULES[ClockKind.HANDLE]  # Art. 34: 60 days, one extension of at most 30
    deadline = compute_deadline(
        D(2025, 9, 1), rule.days, rule.day_kind, CAL, extra_days=MAX_EXTENSION_DAYS, extra_reason=EXTRA_EXTENDED
    )
    # 09-01 + 60 = 10-31; + 30 = 11-30 (Sunday) -> Monday 12-01.
    assert step(deadline, "count_calendar").params["date"] == "2025-10-31"
    assert step(deadline, "extended").params == {"days": 30, "kind": "calendar", "date": "2025-11-30"}
    assert deadline.due == D(2025, 12, 1)


def test_recheck_deadline_adds_paused_hearing_days_art_36():
    deadline = compute_deadline(D(2025, 3, 3), 30, DayKind.CALENDAR, CAL, extra_days=10, extra_reason=EXTRA_PAUSED)
    assert deadline.due == D(2025, 4, 14)  # 03-03 + 40 = 04-12 (Saturday) -> Monday 04-14
    assert step(deadline, "paused").params["days"] == 10


def test_zero_calendar_days_due_is_start_rolled_to_working_day():
    assert compute_deadline(D(2025, 3, 3), 0, DayKind.CALENDAR, CAL).due == D(2025, 3, 3)
    assert compute_deadline(D(2025, 10, 4), 0, DayKind.CALENDAR, CAL).due == D(2025, 10, 9)


@pytest.mark.parametrize("kind", list(DayKind))
def test_negative_days_are_rejected(kind):
    with pytest.raises(ValueError, match="days must be >= 0"):
        compute_deadline(D(2025, 3, 3), -1, kind, CAL)
    with pytest.raises(ValueError, match="extra_days must be >= 0"):
        compute_deadline(D(2025, 3, 3), 1, kind, CAL, extra_days=-1)


def test_datetime_start_is_rejected_because_its_date_depends_on_the_time_zone():
    with pytest.raises(TypeError):
        compute_deadline(dt.datetime(2025, 3, 3, 23, 0), 1, DayKind.CALENDAR, CAL)  # noqa: DTZ001


# --- working days (工作日): Art. 23 ¶3 ---------------------------------------------------------------------


def test_objection_window_counts_tiaoxiu_sunday_as_working_day_art_23():
    rule = STATUTORY_RULES[ClockKind.OBJECTION_WINDOW]
    assert (rule.days, rule.day_kind) == (5, DayKind.WORKING)
    deadline = compute_deadline(D(2025, 9, 25), rule.days, rule.day_kind, CAL)
    # 09-26 Fri (1), 09-28 调休 Sun (2), 09-29 (3), 09-30 (4), 10-01..10-08 off, 10-09 (5).
    assert deadline.due == D(2025, 10, 9)
    assert step(deadline, "makeup_counted").params == {"day": "2025-09-28", "name": "国庆节"}
    skipped = step(deadline, "holiday_skipped")
    assert skipped.params["dates"] == "2025-10-01, 2025-10-02, 2025-10-03, 2025-10-06, 2025-10-07, 2025-10-08"
    assert skipped.params["name"] == "国庆节、中秋"


def test_objection_window_counts_tiaoxiu_saturday_as_working_day_art_23():
    deadline = compute_deadline(D(2026, 9, 28), 5, DayKind.WORKING, CAL)
    # 09-29 (1), 09-30 (2), 10-01..10-07 off, 10-08 (3), 10-09 (4), 10-10 调休 Saturday (5).
    assert deadline.due == D(2026, 10, 10)
    assert deadline.due.weekday() == 5
    assert step(deadline, "makeup_counted").params["day"] == "2026-10-10"


def test_simple_handling_working_days_skip_spring_festival_2026_and_count_both_makeup_saturdays():
    deadline = compute_deadline(D(2026, 2, 12), 10, DayKind.WORKING, CAL)
    # 02-13 (1), 02-14 调休 (2), 02-15..02-23 off, 02-24..02-27 (3-6), 02-28 调休 (7), 03-02..03-04 (8-10).
    assert deadline.due == D(2026, 3, 4)
    assert [s.params["day"] for s in deadline.steps if s.code == "makeup_counted"] == ["2026-02-14", "2026-02-28"]


def test_zero_working_days_due_is_start_or_next_working_day():
    assert compute_deadline(D(2025, 3, 3), 0, DayKind.WORKING, CAL).due == D(2025, 3, 3)
    assert compute_deadline(D(2025, 10, 4), 0, DayKind.WORKING, CAL).due == D(2025, 10, 9)


def test_working_day_extension_is_counted_in_working_days():
    deadline = compute_deadline(D(2025, 9, 25), 3, DayKind.WORKING, CAL, extra_days=2, extra_reason=EXTRA_EXTENDED)
    assert step(deadline, "count_working").params["date"] == "2025-09-29"
    assert deadline.due == D(2025, 10, 9)


def test_count_working_days_between_is_half_open_and_counts_makeup_days():
    # (09-27, 10-12]: 09-28 调休, 09-29, 09-30, 10-09, 10-10, 10-11 调休.
    assert count_working_days_between(D(2025, 9, 27), D(2025, 10, 12), CAL) == 6
    assert count_working_days_between(D(2025, 9, 30), D(2025, 10, 9), CAL) == 1
    assert count_working_days_between(D(2025, 10, 9), D(2025, 10, 9), CAL) == 0
    assert count_working_days_between(D(2025, 10, 9), D(2025, 9, 1), CAL) == 0


# --- WorkCalendar --------------------------------------------------------------------------------------------


def test_holiday_name_gives_chinese_name_for_holidays_and_their_makeup_days():
    assert CAL.holiday_name(D(2025, 10, 6)) == "中秋"
    assert CAL.holiday_name(D(2024, 2, 18)) == "春节"  # the make-up day names the holiday it serves
    assert CAL.holiday_name(D(2025, 3, 8)) is None  # ordinary Saturday
    assert CAL.is_makeup_workday(D(2024, 2, 18))
    assert not CAL.is_makeup_workday(D(2025, 3, 10))  # ordinary Monday


def test_unknown_year_falls_back_to_weekends_and_fixed_date_holidays_of_the_2024_rules():
    assert not CAL.is_known(D(2027, 3, 1))
    assert CAL.is_known(D(2026, 12, 31))
    assert CAL.is_workday(D(2027, 3, 1))  # Monday
    assert not CAL.is_workday(D(2027, 3, 6))  # Saturday
    for day, name in [((1, 1), "元旦"), ((5, 1), "劳动节"), ((5, 2), "劳动节"), ((10, 1), "国庆节")]:
        assert not CAL.is_workday(D(2027, *day))
        assert CAL.holiday_name(D(2027, *day)) == name
    assert not CAL.is_workday(D(2003, 1, 1))  # before the package's table too


# --- overrides ------------------------------------------------------------------------------------------------

# A made-up 2027 schedule: the package has no 2027 data, so only overrides can describe it.
SPRING_2027 = WorkCalendar(
    [DayOverride(D(2027, 2, 7), True, "春节")] + [DayOverride(D(2027, 2, d), False, "春节") for d in range(8, 13)]
)


def test_2027_override_holiday_is_skipped_and_override_makeup_day_counts_art_23():
    without = compute_deadline(D(2027, 2, 4), 5, DayKind.WORKING, CAL)
    assert without.due == D(2027, 2, 11)  # the estimate knows nothing of 春节 2027
    deadline = compute_deadline(D(2027, 2, 4), 5, DayKind.WORKING, SPRING_2027)
    # 02-05 Fri (1), 02-07 override 调休 Sun (2), 02-08..02-12 override holiday, 02-15..02-17 (3-5).
    assert deadline.due == D(2027, 2, 17)
    assert step(deadline, "makeup_counted").params == {"day": "2027-02-07", "name": "春节"}
    assert step(deadline, "holiday_skipped").params["count"] == 5


def test_explanation_mentions_the_estimate_for_a_year_without_official_schedule():
    deadline = compute_deadline(D(2027, 2, 4), 5, DayKind.WORKING, SPRING_2027)
    assert deadline.estimated
    assert step(deadline, "estimated_year").params == {"year": 2027}
    with translation.override("en"):
        text = " ".join(deadline.explanation())
    assert "holiday schedule for 2027 is not available" in text


def test_known_year_deadline_is_not_marked_estimated():
    assert not compute_deadline(D(2025, 9, 25), 5, DayKind.WORKING, CAL).estimated


def test_deadline_crossing_into_unknown_year_is_estimated_once():
    deadline = compute_deadline(D(2026, 12, 25), 10, DayKind.WORKING, CAL)
    assert [s.params["year"] for s in deadline.steps if s.code == "estimated_year"] == [2027]
    assert deadline.due == D(2027, 1, 11)  # 2027-01-01 (Friday, 元旦) skipped by the estimate


def test_override_wins_over_chinesecalendar():
    # An (imagined) extra rest day on 2025-10-09 pushes the National Day roll-forward one more day.
    calendar = WorkCalendar([DayOverride(D(2025, 10, 9), False, "补休")])
    assert compute_deadline(D(2025, 9, 17), 15, DayKind.CALENDAR, calendar).due == D(2025, 10, 10)
    # ... and an override can turn a package holiday into a working day.
    calendar = WorkCalendar([DayOverride(D(2025, 10, 2), True, "")])
    assert compute_deadline(D(2025, 9, 17), 15, DayKind.CALENDAR, calendar).due == D(2025, 10, 2)
    assert calendar.is_known(D(2025, 10, 2))


def test_later_override_for_the_same_day_wins():
    calendar = WorkCalendar([DayOverride(D(2027, 3, 1), False, "x"), DayOverride(D(2027, 3, 1), True, "")])
    assert calendar.is_workday(D(2027, 3, 1))
    assert calendar.is_known(D(2027, 3, 1))


# --- explanation ----------------------------------------------------------------------------------------------


def test_explanation_lists_skipped_holidays_and_makeup_days_in_english_art_23():
    deadline = compute_deadline(D(2025, 9, 25), 5, DayKind.WORKING, CAL)
    with translation.override("en"):
        lines = deadline.explanation()
    assert lines[0] == "Start: 2025-09-25 (the start day is not counted)."
    assert lines[1] == "Counting 5 working days after the start reaches 2025-10-09."
    assert "Counted: 2025-09-28 is a make-up working day (调休) for 国庆节." in lines
    assert (
        "Not counted: 2025-10-01, 2025-10-02, 2025-10-03, 2025-10-06, 2025-10-07, 2025-10-08, "
        "statutory holidays (国庆节、中秋)."
    ) in lines
    assert lines[-1] == "Due: 2025-10-09."


def test_explanation_describes_the_roll_forward_civil_code_art_203():
    deadline = compute_deadline(D(2025, 9, 17), 15, DayKind.CALENDAR, CAL)
    with translation.override("en"):
        lines = deadline.explanation()
    assert lines == [
        "Start: 2025-09-17 (the start day is not counted).",
        "Counting 15 calendar days from the day after the start reaches 2025-10-02.",
        "2025-10-02 is not a working day (国庆节、中秋); the last day moves to the next working day, 2025-10-09, "
        "passing over 7 days: 2025-10-02, 2025-10-03, 2025-10-04, 2025-10-05, 2025-10-06, 2025-10-07, "
        "2025-10-08 (Civil Code Art. 203).",
        "Due: 2025-10-09.",
    ]


def test_explanation_is_rendered_at_call_time_not_when_computed(monkeypatch):
    from xinfang.deadlines import calendar as calendar_module

    deadline = compute_deadline(D(2025, 9, 17), 1, DayKind.CALENDAR, CAL)
    with translation.override("en"):
        assert deadline.explanation()[-1] == "Due: 2025-09-18."
    # A catalogue that changes after computing (as when the request language differs) changes the text.
    monkeypatch.setattr(calendar_module, "gettext", lambda message: "[zz] " + message)
    assert deadline.explanation()[-1] == "[zz] Due: 2025-09-18."
    assert explain(deadline.steps) == deadline.explanation()


def test_every_step_code_renders_without_leftover_placeholders():
    deadlines = [
        compute_deadline(D(2024, 1, 28), 15, DayKind.CALENDAR, CAL, extra_days=1, extra_reason=EXTRA_PAUSED),
        compute_deadline(D(2024, 1, 28), 1, DayKind.CALENDAR, CAL, extra_days=1, extra_reason="hearing"),
        compute_deadline(D(2024, 1, 28), 1, DayKind.CALENDAR, CAL, extra_days=2),
        compute_deadline(D(2025, 11, 28), 1, DayKind.CALENDAR, CAL, extra_days=1, extra_reason=EXTRA_EXTENDED),
        compute_deadline(D(2025, 9, 25), 5, DayKind.WORKING, CAL, extra_days=1, extra_reason=EXTRA_PAUSED),
        compute_deadline(D(2025, 9, 25), 1, DayKind.WORKING, CAL, extra_days=1, extra_reason=EXTRA_EXTENDED),
        compute_deadline(D(2025, 9, 25), 1, DayKind.WORKING, CAL, extra_days=1),
        compute_deadline(D(2025, 10, 4), 0, DayKind.WORKING, CAL),
        compute_deadline(D(2027, 2, 4), 5, DayKind.WORKING, WorkCalendar([DayOverride(D(2027, 2, 5), False)])),
        compute_deadline(D(2027, 2, 4), 1, DayKind.CALENDAR, WorkCalendar([DayOverride(D(2027, 2, 6), True)])),
        compute_deadline(D(2027, 2, 4), 2, DayKind.CALENDAR, WorkCalendar([DayOverride(D(2027, 2, 6), True)])),
    ]
    with translation.override("en"):
        for deadline in deadlines:
            for line in deadline.explanation():
                assert "%(" not in line and "{" not in line, line
