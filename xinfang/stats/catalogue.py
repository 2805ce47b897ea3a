"""The KPI catalogue (形势网上判): every figure the dashboards show, defined once.

Each KPI names the fact measures (``xinfang.stats.facts``) it is computed from: a count is the sum of its
numerator measures; a rate is numerator / denominator (a fraction in [0, 1], ``None`` when the denominator is 0);
a mean (days) is numerator / denominator as well. Every measure is placed in a period by its own date, written in
the definition. No figure counts petitioners as persons, and no figure scores volume: volume is shown, never
ranked as better or worse.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class KpiUnit:
    COUNT = "count"
    RATE = "rate"
    DAYS = "days"


@dataclass(frozen=True)
class Kpi:
    name: str  # the API key
    label: str  # the Chinese label used in reports (official term)
    unit: str  # KpiUnit.COUNT | KpiUnit.RATE | KpiUnit.DAYS
    definition: str | Promise
    source: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    # ``numerator`` minus these measures (e.g. changed = decided − upheld).
    minus: tuple[str, ...] = field(default=())
    # Computed live from open clocks (an index scan), not from facts.
    live: bool = False
    # Read from a desk's own tables (indexed aggregates, the desk's visibility), not from facts: the name of the
    # desk ("supervision", "casework", "reception", "insight"); see ``selectors.DESK_READERS``.
    desk: str = ""


RATED = [
    f"rated_{t}_{v}" for t in ("petition_dept", "responsible_unit") for v in ("satisfied", "basically", "dissatisfied")
]


def _rated(target: str, *values: str) -> tuple[str, ...]:
    targets = ("petition_dept", "responsible_unit") if target == "*" else (target,)
    return tuple(f"rated_{t}_{v}" for t in targets for v in values)


_ALL = ("satisfied", "basically", "dissatisfied")
#: The ratings a 满意率 counts as satisfied (满意 and 基本满意); the dashboards' drill-down lists the same values.
SATISFIED_VALUES = ("satisfied", "basically")

KPIS: list[Kpi] = [
    Kpi(
        "received",
        "信访总量",
        KpiUnit.COUNT,
        _("Visible petitions whose date of receipt (received_on) is in [from, to]."),
        "信访工作条例 Art. 17; practice (信访总量)",
        ("received",),
    ),
    Kpi(
        "on_time_acceptance_rate",
        "按期受理告知率",
        KpiUnit.RATE,
        _(
            "Of the written-notice clocks (告知, 15 days) of visible petitions that stopped in [from, to] (placed "
            "by the day the clock stopped), the share that stopped on or before their due date."
        ),
        "信访工作条例 Art. 23",
        ("notice_on_time",),
        ("notice_stopped",),
    ),
    Kpi(
        "on_time_closing_rate",
        "按期办结率",
        KpiUnit.RATE,
        _(
            "Of the handling clocks (60 days, and 简易办理) of visible petitions that stopped in [from, to] with a "
            "written reply (信访处理意见书) or a mediation or settlement agreement (placed by the day the clock "
            "stopped), the share stopped on or before their due date (an approved extension included)."
        ),
        "信访工作条例 Arts. 32–34",
        ("handling_on_time",),
        ("handling_stopped",),
    ),
    Kpi(
        "avg_handling_days",
        "平均办理时长",
        KpiUnit.DAYS,
        _(
            "The mean number of calendar days from start to stop over the handling clocks counted by "
            "on_time_closing_rate."
        ),
        "信访工作条例 Art. 34; practice",
        ("handling_days",),
        ("handling_stopped",),
    ),
    Kpi(
        "overdue_open",
        "超期件",
        KpiUnit.COUNT,
        _(
            "Open obligation clocks (running, not paused) of visible petitions whose due date is before today, "
            "owed by the units in view. Not placed in a period: it is today's figure."
        ),
        "信访工作条例 Arts. 22, 23, 34–36",
        (),
        live=True,
    ),
    Kpi(
        "satisfaction_rate",
        "群众满意率",
        KpiUnit.RATE,
        _(
            "Of the ratings recorded in [from, to] on visible petitions (placed by the day of the rating), both "
            "targets together, the share rated satisfied or basically satisfied (满意 + 基本满意) / all."
        ),
        "国信发〔2022〕11号",
        _rated("*", *SATISFIED_VALUES),
        _rated("*", *_ALL),
    ),
    Kpi(
        "satisfaction_rate_petition_dept",
        "信访部门满意率",
        KpiUnit.RATE,
        _("As satisfaction_rate, over the ratings of the petition department (信访部门) only."),
        "国信发〔2022〕11号",
        _rated("petition_dept", *SATISFIED_VALUES),
        _rated("petition_dept", *_ALL),
    ),
    Kpi(
        "satisfaction_rate_responsible_unit",
        "责任单位满意率",
        KpiUnit.RATE,
        _("As satisfaction_rate, over the ratings of the responsible unit only."),
        "国信发〔2022〕11号",
        _rated("responsible_unit", *SATISFIED_VALUES),
        _rated("responsible_unit", *_ALL),
    ),
    Kpi(
        "dissatisfied",
        "不满意件",
        KpiUnit.COUNT,
        _("Ratings of 不满意 (dissatisfied) recorded in [from, to] on visible petitions, both targets."),
        "国信发〔2022〕11号",
        _rated("*", "dissatisfied"),
    ),
    Kpi(
        "rating_participation_rate",
        "参评率",
        KpiUnit.RATE,
        _(
            "Of the visible petitions whose written reply or agreement was served (reply_served_on, the latest "
            "one if a reply was made again) in [from, to], the share with at least one rating (either target, "
            "any stage) at the time of counting."
        ),
        "国信发〔2022〕11号",
        ("replied_rated",),
        ("replied",),
    ),
    Kpi(
        "repeat_rate",
        "重复信访率",
        KpiUnit.RATE,
        _("Of the petitions counted in received, the share marked as repeat petitions (重复信访)."),
        "信访工作条例 Art. 19 ¶3; practice",
        ("repeat",),
        ("received",),
    ),
    Kpi(
        "first_time_resolution_rate",
        "初信初访化解率",
        KpiUnit.RATE,
        _(
            "Of the first-time (not repeat) visible petitions whose written reply (信访处理意见书) was first issued "
            "in [from, to], the share with no request for review (复查) and no later petition linked to them as "
            "a repeat (Petition.previous)."
        ),
        "practice (初信初访化解率); 信访工作条例 Art. 35",
        ("first_time_resolved",),
        ("first_time_replied",),
    ),
    Kpi(
        "visit_batches",
        "来访批次",
        KpiUnit.COUNT,
        _("Visible petitions received in [from, to] through the visit channel (来访), one batch each."),
        "practice (来访批次)",
        ("visit_batches",),
    ),
    Kpi(
        "visit_persons",
        "来访人次",
        KpiUnit.COUNT,
        _("The sum of the head counts of the visits counted by visit_batches (people present, not persons tracked)."),
        "practice (来访人次)",
        ("visit_persons",),
    ),
    Kpi(
        "collective_visits",
        "集体访",
        KpiUnit.COUNT,
        _("Visible petitions received in [from, to] marked as a collective visit (集体访)."),
        "信访工作条例 Art. 20; practice",
        ("collective",),
    ),
    Kpi(
        "review_uphold_rate",
        "复查维持率",
        KpiUnit.RATE,
        _(
            "Of the review (复查) opinions issued in [from, to] on visible petitions (upheld, revoked, modified, "
            "or an order to decide again), the share that upheld the original opinion."
        ),
        "信访工作条例 Art. 35",
        ("review_upheld",),
        ("review_decided",),
    ),
    Kpi(
        "review_change_rate",
        "复查改变率",
        KpiUnit.RATE,
        _(
            "Of the review opinions counted by review_uphold_rate, the share that revoked or modified the "
            "original opinion or ordered it decided again."
        ),
        "信访工作条例 Art. 35",
        ("review_decided",),
        ("review_decided",),
        minus=("review_upheld",),
    ),
    Kpi(
        "recheck_uphold_rate",
        "复核维持率",
        KpiUnit.RATE,
        _("Of the re-examination (复核) opinions issued in [from, to] on visible petitions, the share that upheld."),
        "信访工作条例 Art. 36",
        ("recheck_upheld",),
        ("recheck_decided",),
    ),
    Kpi(
        "recheck_change_rate",
        "复核改变率",
        KpiUnit.RATE,
        _("Of the re-examination opinions counted by recheck_uphold_rate, the share that revoked or modified."),
        "信访工作条例 Art. 36",
        ("recheck_decided",),
        ("recheck_decided",),
        minus=("recheck_upheld",),
    ),
]

# The desks' figures (形势网上判 of the supervision, backlog, reception and insight desks). Each is read from the
# desk's own table with that desk's visibility; none counts petitions against anyone or follows a petitioner.
KPIS += [
    Kpi(
        "supervision_orders",
        "督办件数",
        KpiUnit.COUNT,
        _(
            "督办单 (supervision orders) issued in [from, to] (placed by the day of issue) that the viewer's "
            "supervision desk lists: issued by or addressed to the viewer's unit, or, for units that oversee, to "
            "or by a unit in their scope; orders about an accusation against the viewer's side are left out."
        ),
        "信访工作条例 Art. 40",
        (),
        desk="supervision",
    ),
    Kpi(
        "supervision_on_time_reply_rate",
        "督办按期回复率",
        KpiUnit.RATE,
        _(
            "Of the 督办单 counted by supervision_orders that have been replied to or whose original reply "
            "deadline has passed (by today), the share whose first written reply came on or before the original "
            "reply deadline (an order escalated for a missed deadline is late even if it met the new one)."
        ),
        "信访工作条例 Art. 40",
        (),
        desk="supervision",
    ),
    Kpi(
        "backlog_resolution_rate",
        "积案化解率",
        KpiUnit.RATE,
        _(
            "Of the confirmed backlog and key cases (积案, 重点: open, in a leader's charge, or closed) that the "
            "viewer's backlog board lists and that were open at some time in [from, to] (marked by to, not "
            "closed before from), the share closed in [from, to] with the outcome resolved (化解)."
        ),
        "信访工作条例 Art. 18 (包案); practice (积案化解)",
        (),
        desk="casework",
    ),
    Kpi(
        "cases_in_charge",
        "包案件数",
        KpiUnit.COUNT,
        _(
            "Backlog and key cases that the viewer's backlog board lists whose 包案 leader took them in charge in "
            "[from, to] (placed by the day taken in charge)."
        ),
        "信访工作条例 Art. 18",
        (),
        desk="casework",
    ),
    Kpi(
        "leader_reception_batches",
        "领导接访批次",
        KpiUnit.COUNT,
        _(
            "Visits (batches) recorded at leaders' reception sessions held in [from, to] (placed by the day of "
            "the session) of the units whose sessions the viewer's reception desk lists; a group is one batch."
        ),
        "信访工作条例 Art. 18; practice (领导接访)",
        (),
        desk="reception",
    ),
    Kpi(
        "leader_reception_persons",
        "领导接访人次",
        KpiUnit.COUNT,
        _(
            "The sum of the head counts of the visits counted by leader_reception_batches (people present, not "
            "persons tracked)."
        ),
        "信访工作条例 Art. 18; practice (领导接访)",
        (),
        desk="reception",
    ),
    Kpi(
        "leader_reception_held_rate",
        "领导接访落实率",
        KpiUnit.RATE,
        _(
            "Of the leaders' reception sessions of the units whose sessions the viewer's reception desk lists, "
            "dated in [from, to] and not cancelled, that were held, recorded as missed, or are still planned for "
            "a day before today, the share held."
        ),
        "信访工作条例 Art. 18; practice (领导接访)",
        (),
        desk="reception",
    ),
    Kpi(
        "hot_issues",
        "热点问题",
        KpiUnit.COUNT,
        _(
            "Hot issues (热点问题) of the latest snapshot taken on or before to, of the regions (petition "
            "departments) in the viewer's scope, for analysts, leaders, supervisors and unit heads (null for "
            "others). Each snapshot covers its own window, not [from, to]; accusations are never part of one. "
            "The API lists the top issues next to the figures."
        ),
        "信访工作条例 Art. 41 (issue areas); practice (形势研判)",
        (),
        desk="insight",
    ),
    Kpi(
        "online_service_satisfaction_rate",
        "网上信访服务满意率",
        KpiUnit.RATE,
        _(
            "Of the ratings of the online service itself (the portal's 网上信访 service, not the handling) given "
            "in [from, to] on visible petitions (placed by the day first given; a change within the edit window "
            "does not move it; one per petition per citizen account or tracking session), the share rated "
            "satisfied or basically satisfied (满意 + 基本满意) / all. Narrowed by the registering unit."
        ),
        "信访工作条例 Art. 21 (网上信访); practice",
        (),
        desk="portal",
    ),
]

BY_NAME: dict[str, Kpi] = {k.name: k for k in KPIS}

# The KPIs a 考核 scheme (``xinfang.assessment``, Art. 39) may score: rates of how petitions are answered —
# timeliness, satisfaction, resolution, replies to 督办, leaders' reception held. Never a count: the number of
# petitions received, visits or persons is volume, and petitioning is a right (Art. 3 ¶2, Art. 47), so volume is
# shown, never scored. Nor the 重复信访率 (it measures what petitioners do) or the review and re-examination rates
# (scoring them would reward upholding an opinion whether it was right or not).
ASSESSABLE: frozenset[str] = frozenset(
    {
        "on_time_acceptance_rate",
        "on_time_closing_rate",
        "satisfaction_rate",
        "satisfaction_rate_petition_dept",
        "satisfaction_rate_responsible_unit",
        "rating_participation_rate",
        "first_time_resolution_rate",
        "supervision_on_time_reply_rate",
        "backlog_resolution_rate",
        "leader_reception_held_rate",
    }
)


def is_assessable(kpi: Kpi) -> bool:
    """Whether a 考核 indicator may score ``kpi``: listed in ASSESSABLE and a rate (never a count of volume)."""
    return kpi.name in ASSESSABLE and kpi.unit == KpiUnit.RATE


# Every fact measure (the rows of StatFact.measure).
MEASURES: tuple[str, ...] = (
    "received",
    "repeat",
    "visit_batches",
    "visit_persons",
    "collective",
    "notice_stopped",
    "notice_on_time",
    "handling_stopped",
    "handling_on_time",
    "handling_days",
    *RATED,
    "replied",
    "replied_rated",
    "first_time_replied",
    "first_time_resolved",
    "review_decided",
    "review_upheld",
    "recheck_decided",
    "recheck_upheld",
)


def measures_of(kpi: Kpi) -> set[str]:
    return set(kpi.numerator) | set(kpi.denominator) | set(kpi.minus)


def compute(kpi: Kpi, sums: dict[str, int]) -> tuple[float | int | None, int, int | None]:
    """(value, numerator, denominator) of ``kpi`` from summed measures; rates and means are None over 0."""
    num = sum(sums.get(m, 0) for m in kpi.numerator) - sum(sums.get(m, 0) for m in kpi.minus)
    return value_of(kpi, num, sum(sums.get(m, 0) for m in kpi.denominator))


def value_of(kpi: Kpi, num: int, den: int) -> tuple[float | int | None, int, int | None]:
    """(value, numerator, denominator) of ``kpi`` from its numerator (``minus`` already taken off) and denominator:
    a count is its numerator; a rate or a mean is None over 0 (``compute``, and the breakdowns summed in SQL)."""
    if kpi.unit == KpiUnit.COUNT:
        return num, num, None
    if den == 0:
        return None, num, 0
    return num / den, num, den


def markdown() -> str:
    """The KPI table of docs/stats.md, generated from this catalogue (``manage.py stats docs``)."""
    from django.utils import translation

    with translation.override("en"):
        return _markdown()


def _markdown() -> str:
    lines = ["| KPI (API key) | 名称 | unit | definition | source |", "|---|---|---|---|---|"]
    for k in KPIS:
        lines.append(f"| `{k.name}` | {k.label} | {k.unit} | {k.definition} | {k.source} |")
    return "\n".join(lines) + "\n"
