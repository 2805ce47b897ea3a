"""Reads of the staff workbench, built on the petition selectors (which alone decide visibility).

- The inbox tabs: one aggregate query counts every state tab (conditional ``Count`` over the unit's petitions),
  one query each counts the 临期 and 超期 petitions from the clock selectors. The lists reuse the same definitions,
  so a tab's count and its rows never disagree.
- Search by 编号, text and — only where the user may see identity (``can_see_identity``) — petitioner name.
- Order by the soonest open deadline (overdue first, items without a counting clock last) or by a column, with
  keyset pagination on (sort key, id) for every order (never OFFSET).
- The duplicate-petitioner hint: OPEN petitions of the same 身份证号 or phone. It links matters (Art. 19 ¶3),
  it is not a list of people.
- Units for the routing picker, with the names of their parent units.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xinfang.core import crypto, timeutil
from xinfang.core.limits import parse_id
from xinfang.orgs.models import SEGMENT, Role, Unit, User, ids_in_path
from xinfang.petitions import selectors
from xinfang.petitions.identity import id_number_is_valid
from xinfang.petitions.models import (
    Category,
    Clock,
    Document,
    Nature,
    Petition,
    PetitionAccess,
    Petitioner,
    Rating,
    phone_validator,
)
from xinfang.petitions.workflow import OPEN_STATES, State
from xinfang.search import selectors as search_selectors
from xinfang.stats import facts
from xinfang.supervision.models import OPEN_ORDER_STATUSES, SupervisionOrder
from xinfang.supervision.selectors import with_levels
from xinfang.workbench.models import SavedView

if TYPE_CHECKING:
    from collections.abc import Iterable

PAGE_SIZE = 50
UNIT_OPTIONS_LIMIT = 30
HINT_LIMIT = 10

_ROUTERS = frozenset({Role.REGISTRAR, Role.HANDLER, Role.HEAD})
_HANDLERS = frozenset({Role.HANDLER, Role.HEAD})
_EVERYONE: frozenset[str] = frozenset()  # shown to every staff member


@dataclass(frozen=True)
class Tab:
    """One inbox tab. ``kind``: held (by state), to_rate, mine (承办人), overdue, due_soon, or all (no count)."""

    key: str
    label: Promise
    kind: str
    roles: frozenset[str] = _EVERYONE
    states: frozenset[str] = frozenset()


TABS: tuple[Tab, ...] = (
    Tab("registered", _("To forward or assign"), "held", _ROUTERS, frozenset({State.REGISTERED})),
    Tab("pending", _("To notify acceptance"), "held", _HANDLERS, frozenset({State.PENDING_ACCEPTANCE})),
    Tab("disputed", _("Jurisdiction disputes"), "held", frozenset({Role.HEAD}), frozenset({State.DISPUTED})),
    Tab("handling", _("Being handled"), "held", _HANDLERS, frozenset({State.HANDLING})),
    Tab(
        "approval",
        _("Awaiting approval"),
        "held",
        frozenset({Role.HEAD}),
        frozenset({State.EXTENSION_REQUESTED, State.DECISION_PENDING}),
    ),
    Tab("due_soon", _("Due soon"), "due_soon"),
    Tab("overdue", _("Overdue"), "overdue"),
    Tab("to_rate", _("Awaiting rating"), "to_rate", _ROUTERS, frozenset({State.REPLIED})),
    Tab("review", _("Review and re-examination"), "held", _HANDLERS, frozenset({State.REVIEW, State.RECHECK})),
    Tab("mine", _("My items"), "mine", _ROUTERS),  # 承办人 = me, while my unit holds the item
    Tab("all", _("Everything I can see"), "all"),
)
TABS_BY_KEY = {t.key: t for t in TABS}
_COUNTED_KINDS = frozenset({"held", "to_rate", "mine"})  # counted in the one aggregate of ``tab_counts``


def _unit_id(user: User) -> int:
    assert user.unit_id is not None  # noqa: S101 - workbench views only serve unit staff
    return user.unit_id


def _unit_petitions(user: User) -> QuerySet[Petition]:
    """The unit's own petitions: those it holds now, and (for 待评价) those it registered. Visibility first."""
    uid = _unit_id(user)
    return selectors.petitions_visible_to(user).filter(Q(current_unit_id=uid) | Q(registering_unit_id=uid))


def _tab_q(user: User, tab: Tab) -> Q:
    """The condition a row of ``_unit_petitions`` meets to be in a held, mine or to_rate tab."""
    if tab.kind == "held":
        return Q(current_unit_id=_unit_id(user), state__in=sorted(tab.states))
    if tab.kind == "mine":
        return Q(current_unit_id=_unit_id(user), assignee_id=user.pk)
    # 待评价: a written reply without any rating yet (the registrar may record one made by phone or letter).
    unrated = ~Exists(Rating.objects.filter(petition_id=OuterRef("pk")))
    return Q(state__in=sorted(tab.states)) & Q(unrated)


def _clock_petitions(user: User, kind: str, today: dt.date) -> QuerySet[Petition]:
    if kind == "overdue":
        clocks = selectors.overdue_clocks(user, today)
    else:
        clocks = selectors.due_soon_clocks(user, today, settings.XINFANG_DUE_SOON_DAYS)
    return Petition.objects.filter(pk__in=clocks.order_by().values("petition_id"))


def tab_counts(user: User, today: dt.date) -> dict[str, int]:
    """Counts of every tab except "all": one aggregate for the state tabs, one query each for the clock tabs."""
    aggregates = {tab.key: Count("pk", filter=_tab_q(user, tab)) for tab in TABS if tab.kind in _COUNTED_KINDS}
    counts: dict[str, int] = _unit_petitions(user).aggregate(**aggregates)
    counts["due_soon"] = _clock_petitions(user, "due_soon", today).count()
    counts["overdue"] = _clock_petitions(user, "overdue", today).count()
    return counts


def tabs_for(user: User, counts: dict[str, int]) -> list[Tab]:
    """The tabs of this user's roles, plus any other tab that has something in it (nothing is hidden)."""
    roles = user.role_set()
    return [t for t in TABS if not t.roles or roles & t.roles or counts.get(t.key, 0) > 0]


def default_tab(tabs: list[Tab], counts: dict[str, int]) -> Tab:
    """The first tab with work in it, else the first tab."""
    return next((t for t in tabs if counts.get(t.key, 0) > 0), tabs[0])


def tab_queryset(user: User, tab: Tab, today: dt.date) -> QuerySet[Petition]:
    if tab.kind in _COUNTED_KINDS:
        return _unit_petitions(user).filter(_tab_q(user, tab))
    if tab.kind in {"overdue", "due_soon"}:
        return _clock_petitions(user, tab.kind, today)
    return selectors.petitions_visible_to(user)


@dataclass(frozen=True)
class Filters:
    q: str = ""
    channel: str = ""
    nature: str = ""
    urgent: bool = False
    repeat: bool = False
    # The drill-down filters of the dashboards (xinfang.stats.dashboards): each narrows to what a figure counts.
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    category: int | None = None  # a category and its descendants
    unit: int | None = None  # a unit that registered, held, was routed or co-assigned it (PetitionAccess)
    current_unit: int | None = None  # the unit holding it now
    within: int | None = None  # a unit or a unit below it dealt with it (the dashboards' view of one unit)
    area: str = ""  # 问题属地: a division code prefix (2, 4, 6 or 9 digits)
    state: str = ""
    level: str = ""  # a warning level of a counting clock (supervision thresholds): due_soon, overdue, severe
    supervised: bool = False  # 督办: an open supervision order on the petition
    backlog: bool = False  # 积案 / 重点: a confirmed, active casework case
    # The drill-down filters of the rates (考核 lines, the dashboards' rate charts): each places a petition by the
    # event its figure counts, with the figure's own predicate (``xinfang.stats.facts``). See docs/assessment.md.
    clock_kind: str = ""  # "notice" (按期受理告知率) or "handling" (按期办结率): a counted clock …
    stopped_from: dt.date | None = None  # … stopped on or after this day
    stopped_to: dt.date | None = None  # … and on or before this one
    late: bool | None = None  # … after its due date (True) or on time (False); None: either
    rating_target: str = ""  # a rating (满意率) of this target (RatingTarget), "" for either …
    rating_values: tuple[str, ...] = ()  # … with one of these values (Satisfaction), () for any …
    rated_from: dt.date | None = None  # … recorded on or after this (local) day
    rated_to: dt.date | None = None  # … and on or before this one
    served_from: dt.date | None = None  # 参评率: the written reply or agreement served on or after this day …
    served_to: dt.date | None = None  # … and on or before this one
    rated: bool | None = None  # … with at least one rating (True) or none (False); None: either
    first_opinion_from: dt.date | None = None  # 初信初访化解率: first-time, first opinion issued on or after …
    first_opinion_to: dt.date | None = None  # … and on or before this day
    resolved: bool | None = None  # … with no 复查 and no later repeat (True), or with one (False); None: either
    invalid: tuple[str, ...] = ()  # drill-down fields whose values were refused: the list is then empty

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) != f.default for f in fields(self))

    @property
    def clock_filter(self) -> bool:
        return bool(self.clock_kind)

    @property
    def rating_filter(self) -> bool:
        return bool(self.rating_target or self.rating_values or self.rated_from or self.rated_to)

    @property
    def reply_filter(self) -> bool:
        return self.served_from is not None or self.served_to is not None or self.rated is not None

    @property
    def first_opinion_filter(self) -> bool:
        return self.first_opinion_from is not None or self.first_opinion_to is not None or self.resolved is not None


def category_and_descendants(category_id: int) -> list[int]:
    """The category and every category below it (the taxonomy has 3 levels: at most two more queries)."""
    ids = [category_id]
    frontier = [category_id]
    for _level in range(2):
        frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        if not frontier:
            break
        ids += frontier
    return ids


def identity_q(user: User) -> Q:
    """Rows whose petitioners this user may see unmasked: the query form of ``selectors.can_see_identity``."""
    return selectors.identity_q(user)


def search_q(user: User, text: str) -> Q:
    """编号 (exact), full-text words (jieba; the search app's index), or — where the user may see identity —
    petitioner name, phone or 身份证号 (exact, through the keyed hash). See ``xinfang.search.selectors``."""
    return search_selectors.search_q(user, text)


def apply_filters(qs: QuerySet[Petition], user: User, filters: Filters) -> QuerySet[Petition]:
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.nature:
        qs = qs.filter(nature=filters.nature)
    if filters.urgent:
        qs = qs.filter(is_urgent=True)
    if filters.repeat:
        qs = qs.filter(is_repeat=True)
    if filters.received_from is not None:
        qs = qs.filter(received_on__gte=filters.received_from)
    if filters.received_to is not None:
        qs = qs.filter(received_on__lte=filters.received_to)
    if filters.category is not None:
        qs = qs.filter(category_id__in=category_and_descendants(filters.category))
    if filters.unit is not None:
        qs = qs.filter(pk__in=PetitionAccess.objects.filter(unit_id=filters.unit).values("petition_id"))
    if filters.current_unit is not None:
        qs = qs.filter(current_unit_id=filters.current_unit)
    if filters.within is not None:
        path = Unit.objects.filter(pk=filters.within).values_list("path", flat=True).first() or "-"
        qs = qs.filter(pk__in=PetitionAccess.objects.filter(unit_path__startswith=path).values("petition_id"))
    if filters.area:
        qs = qs.filter(problem_division_code__startswith=filters.area)
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.level:
        leveled = with_levels(Clock.objects.all(), timeutil.today()).filter(level=filters.level)  # type: ignore[misc]
        qs = qs.filter(pk__in=leveled.order_by().values("petition_id"))
    if filters.supervised:
        orders = SupervisionOrder.objects.filter(petition_id=OuterRef("pk"), status__in=OPEN_ORDER_STATUSES)
        qs = qs.filter(Exists(orders))
    if filters.backlog:
        from xinfang.casework.models import ACTIVE_STATUSES, BacklogCase

        qs = qs.filter(Exists(BacklogCase.objects.filter(petition_id=OuterRef("pk"), status__in=ACTIVE_STATUSES)))
    qs = _apply_rate_filters(qs, filters)
    if filters.q.strip():
        qs = qs.filter(search_q(user, filters.q))
    return qs


def _day_range(field: str, start: dt.date | None, end: dt.date | None) -> Q:
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lte": end})
    return q


def _apply_rate_filters(qs: QuerySet[Petition], filters: Filters) -> QuerySet[Petition]:
    """The rates' drill-down filters: correlated EXISTS on the (petition, kind) indexes of clocks and documents
    and the (petition, target, stage) unique index of ratings; each with the KPI's own predicate (stats.facts)."""
    if filters.invalid:
        return qs.none()  # a refused value never widens the list to everything
    if filters.clock_filter:
        clocks = Clock.objects.filter(
            facts.COUNTED_CLOCKS[filters.clock_kind],
            _day_range("stopped_on", filters.stopped_from, filters.stopped_to),
            petition_id=OuterRef("pk"),
        )
        if filters.late is not None:
            clocks = clocks.exclude(facts.CLOCK_ON_TIME) if filters.late else clocks.filter(facts.CLOCK_ON_TIME)
        qs = qs.filter(Exists(clocks))
    if filters.rating_filter:
        ratings = Rating.objects.filter(petition_id=OuterRef("pk"))
        if filters.rating_target:
            ratings = ratings.filter(target=filters.rating_target)
        if filters.rating_values:
            ratings = ratings.filter(value__in=sorted(filters.rating_values))
        if filters.rated_from is not None or filters.rated_to is not None:
            ratings = ratings.annotate(day=facts.rating_day()).filter(
                _day_range("day", filters.rated_from, filters.rated_to)
            )
        qs = qs.filter(Exists(ratings))
    if filters.reply_filter:
        qs = qs.filter(
            _day_range("reply_served_on", filters.served_from, filters.served_to), reply_served_on__isnull=False
        )
        if filters.rated is not None:
            qs = qs.filter(facts.rated_q()) if filters.rated else qs.exclude(facts.rated_q())
    if filters.first_opinion_filter:
        opinions = Document.objects.filter(facts.opinions_q(), petition_id=OuterRef("pk"))
        first = Subquery(opinions.order_by().values("petition_id").annotate(first=Min("issued_on")).values("first"))
        qs = qs.filter(facts.FIRST_TIME).annotate(first_opinion_on=first)
        qs = qs.filter(_day_range("first_opinion_on", filters.first_opinion_from, filters.first_opinion_to))
        qs = qs.filter(first_opinion_on__isnull=False)
        if filters.resolved is not None:
            resolved = facts.first_time_resolved_q()
            qs = qs.filter(resolved) if filters.resolved else qs.exclude(resolved)
    return qs


_LIST_DEFERRED = ("request", "facts_and_reasons", "five_questions", "tracking_code_hash")


# ---------------------------------------------------------------- order and keyset pages

# Sortable columns: the sort key of each (an expression on Petition) and whether its values are dates.
SORT_KEYS: dict[str, str] = {
    "due": "next_due",  # the soonest counting obligation (annotated below)
    "number": "number",
    "received": "received_on",
    "state": "state",
    "unit": "current_unit__name",
}
_DATE_KEYS = frozenset({"due", "received"})
DEFAULT_SORT = "due"


@dataclass(frozen=True)
class Sort:
    """A column and a direction. Values without a key (no counting clock) come last in either direction."""

    key: str = DEFAULT_SORT
    descending: bool = False

    @classmethod
    def parse(cls, raw: str | None) -> Sort:
        """``"due"``, ``"-received"`` …; anything else is the default order (a hand-made link is not an error)."""
        text = (raw or "").strip()
        descending = text.startswith("-")
        key = text.removeprefix("-")
        return cls(key, descending) if key in SORT_KEYS else cls()

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    def toggled(self, key: str) -> str:
        """The ``sort`` parameter of a column header: the other direction when it is the current column."""
        if key == self.key:
            return key if self.descending else f"-{key}"
        return key


def next_due() -> Subquery:
    """The soonest due date of a petition's counting obligations (MIN over the partial index on open clocks)."""
    return Subquery(
        Clock.objects.counting()
        .obligations()
        .filter(petition_id=OuterRef("pk"))
        .order_by()
        .values("petition_id")
        .annotate(soonest=Min("due"))
        .values("soonest")
    )


def encode_cursor(sort: Sort, row: Petition) -> str:
    value = getattr(row, "sort_key", None)
    if value is None:
        return f"n:~{row.pk}"
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return f"v:{text}~{row.pk}"


def decode_cursor(sort: Sort, raw: str | None) -> tuple[bool, object, int] | None:
    """(has a value, the value, id) from ``encode_cursor``'s text; None when absent or not understood."""
    if not raw:
        return None
    head, sep, tail = raw.rpartition("~")
    pk = parse_id(tail)
    if not sep or pk is None or head[:2] not in {"v:", "n:"}:
        return None
    if head.startswith("n:"):
        return (False, None, pk)
    text = head[2:]
    if sort.key in _DATE_KEYS:
        try:
            return (True, dt.date.fromisoformat(text), pk)
        except ValueError:
            return None
    return (True, text, pk)


def sorted_rows(qs: QuerySet[Petition], sort: Sort) -> QuerySet[Petition]:
    """Annotated with ``next_due`` and ``sort_key``, ordered by (sort key, id), rows without a key last."""
    qs = qs.annotate(next_due=next_due())
    qs = qs.annotate(sort_key=F(SORT_KEYS[sort.key]))
    if sort.descending:
        return qs.order_by(F("sort_key").desc(nulls_last=True), "-pk")
    return qs.order_by(F("sort_key").asc(nulls_last=True), "pk")


def _after(sort: Sort, cursor: tuple[bool, object, int]) -> Q:
    """Rows after the cursor in the order of ``sorted_rows``."""
    has_value, value, pk = cursor
    beyond, pk_beyond = ("sort_key__lt", "pk__lt") if sort.descending else ("sort_key__gt", "pk__gt")
    if not has_value:
        return Q(sort_key__isnull=True, **{pk_beyond: pk})
    return Q(**{beyond: value}) | Q(sort_key=value, **{pk_beyond: pk}) | Q(sort_key__isnull=True)


def page(
    qs: QuerySet[Petition], sort: Sort, after: str | None, size: int = PAGE_SIZE
) -> tuple[list[Petition], str | None]:
    """One keyset page in ``sort`` order after the cursor ``after``; the rows and the next cursor (or None)."""
    qs = sorted_rows(qs, sort)
    cursor = decode_cursor(sort, after)
    if cursor is not None:
        qs = qs.filter(_after(sort, cursor))
    rows = cast(list[Petition], list(qs.select_related("current_unit", "assignee").defer(*_LIST_DEFERRED)[: size + 1]))
    if len(rows) > size:
        return rows[:size], encode_cursor(sort, rows[size - 1])
    return rows, None


# ---------------------------------------------------------------- duplicate-petitioner hint


@dataclass(frozen=True)
class OpenMatter:
    number: str
    state_label: str
    holder: str
    petition_id: int
    visible: bool


def normalise_id_number(value: str) -> str:
    return value.strip().upper()


def phone_is_valid(value: str) -> bool:
    try:
        phone_validator(value.strip())
    except ValidationError:
        return False
    return True


def open_matters_of_petitioner(user: User, *, id_number: str = "", phone: str = "") -> list[OpenMatter]:
    """OPEN petitions whose petitioner has this 身份证号 or phone (exact, valid values only).

    Visible ones come with a link. Of the others only the 编号, state and holding unit are shown, and never
    for a report or accusation (Art. 30: its existence is not told to units outside it).
    """
    id_number = normalise_id_number(id_number)
    phone = phone.strip()
    match = Q()
    if id_number and id_number_is_valid(id_number):
        match |= Q(id_number_hash=crypto.id_number_hash(id_number))
    if phone and phone_is_valid(phone):
        match |= Q(phone_hash=crypto.phone_hash(phone))
    if not match:
        return []
    rows = list(
        Petition.objects.filter(
            pk__in=Petitioner.objects.filter(match).values("petition_id"), state__in=sorted(OPEN_STATES)
        )
        .select_related("current_unit")
        .order_by("-pk")[:HINT_LIMIT]
    )
    if not rows:
        return []
    visible = set(selectors.petitions_visible_to(user).filter(pk__in=[p.pk for p in rows]).values_list("pk", flat=True))
    return [
        OpenMatter(
            number=p.number,
            state_label=str(p.get_state_display()),
            holder=p.current_unit.name,
            petition_id=p.pk,
            visible=p.pk in visible,
        )
        for p in rows
        if p.pk in visible or p.nature != Nature.ACCUSATION
    ]


# ---------------------------------------------------------------- the unit picker


@dataclass(frozen=True)
class UnitOption:
    unit: Unit
    parents: str  # the names of the parent units, from the area's root down

    @property
    def pk(self) -> int:
        return self.unit.pk


def _with_parents(units: Iterable[Unit], root_depth: int) -> list[UnitOption]:
    units = list(units)
    wanted: set[int] = set()
    for u in units:
        wanted.update(ids_in_path(u.path)[root_depth:-1])
    names = dict(Unit.objects.filter(pk__in=wanted).values_list("pk", "name")) if wanted else {}
    return [
        UnitOption(u, " › ".join(names.get(i, "") for i in ids_in_path(u.path)[root_depth:-1] if i in names))
        for u in units
    ]


def unit_options(
    scope_path: str,
    *,
    exclude: int | None = None,
    text: str = "",
    unit_type: str = "",
    selected: Iterable[int] = (),
    limit: int = UNIT_OPTIONS_LIMIT,
) -> tuple[list[UnitOption], list[UnitOption], bool]:
    """(chosen units, matching units, whether there are more matches) inside ``scope_path``, in tree order.

    The chosen units are always returned (so a search never drops a choice); matches exclude them. Name or
    code contains ``text``. The picker's result says where each unit sits (its parents from the area root).
    """
    area = Unit.objects.within(scope_path).filter(is_active=True)
    chosen_ids = [i for i in selected if i]
    chosen = list(area.filter(pk__in=chosen_ids).order_by("path")) if chosen_ids else []
    qs = area.exclude(pk__in=[u.pk for u in chosen])
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if unit_type:
        qs = qs.filter(unit_type=unit_type)
    text = text.strip()
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(code__icontains=text.upper()))
    found = list(qs.order_by("path")[: limit + 1])
    root_depth = max(len(scope_path) // SEGMENT - 1, 0)
    options = _with_parents([*chosen, *found[:limit]], root_depth)
    return options[: len(chosen)], options[len(chosen) :], len(found) > limit


def picker_scope_for_registration(user: User) -> str:
    """Where a registrar looks for the unit complained about: their whole province (top of their tree)."""
    assert user.unit is not None  # noqa: S101 - unit staff only
    return user.unit.path[:SEGMENT]


def unit_staff(unit_id: int) -> list[User]:
    """The active staff of a unit, by name: who a head may name as 承办人."""
    return list(User.objects.filter(unit_id=unit_id, is_active=True).order_by("full_name", "username"))


# ---------------------------------------------------------------- saved views and columns

# The query-string names of the rates' drill-down filters (parsed in ``workbench.forms.InboxFilterForm``).
DRILL_PARAM_KEYS = (
    "clock_kind",
    "stopped_from",
    "stopped_to",
    "late",
    "rating_target",
    "rating_value",
    "rated_from",
    "rated_to",
    "served_from",
    "served_to",
    "rated",
    "first_opinion_from",
    "first_opinion_to",
    "resolved",
)

# The inbox's optional columns (编号 always shows: it is the link). Stored in a view's params as ``cols``.
COLUMNS: tuple[tuple[str, Promise], ...] = (
    ("title", _("Title")),
    ("state", _("State")),
    ("channel", _("Channel")),
    ("current_unit", _("Current unit")),
    ("assignee", _("Handler in charge")),
    ("received_on", _("Received on")),
    ("due", _("Next time limit")),
)
COLUMN_KEYS = tuple(key for key, _label in COLUMNS)
VIEW_PARAM_KEYS = frozenset(
    {
        "tab",
        "sort",
        "cols",
        "q",
        "channel",
        "nature",
        "state",
        "level",
        "urgent",
        "repeat",
        "supervised",
        "backlog",
        "received_from",
        "received_to",
        "category",
        "unit",
        "current_unit",
        "within",
        "area",
        *DRILL_PARAM_KEYS,
    }
)


def view_params(data: QueryDict) -> dict[str, list[str]]:
    """The part of an inbox query a saved view keeps (no cursor, no view id), empty values dropped."""
    out: dict[str, list[str]] = {}
    for key in sorted(VIEW_PARAM_KEYS):
        values = [v for v in data.getlist(key) if v.strip()][:20]
        if values:
            out[key] = values
    return out


def params_query(params: dict[str, list[str]]) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, values in params.items():
        if key in VIEW_PARAM_KEYS and isinstance(values, list):
            q.setlist(key, [str(v) for v in values])
    return q


def saved_views_for(user: User) -> QuerySet[SavedView]:
    """The user's own views and those shared with their unit, by name."""
    return (
        SavedView.objects.filter(Q(owner=user) | Q(unit_id=_unit_id(user), shared=True))
        .select_related("owner")
        .order_by("name", "pk")
    )
