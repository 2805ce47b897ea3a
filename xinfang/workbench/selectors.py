"""Reads of the staff workbench, built on the petition selectors (which alone decide visibility).

- The inbox tabs: one aggregate query counts every state tab (conditional ``Count`` over the unit's petitions),
  one query each counts the 临期 and 超期 petitions from the clock selectors. The lists reuse the same definitions,
  so a tab's count and its rows never disagree.
- Search by 编号, text and — only where the user may see identity (``can_see_identity``) — petitioner name.
- Keyset pagination on ``id`` (never OFFSET).
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
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xinfang.orgs.models import SEGMENT, Role, Unit, User, ids_in_path
from xinfang.petitions import selectors
from xinfang.petitions.identity import id_number_is_valid
from xinfang.petitions.models import (
    Category,
    Clock,
    Nature,
    Petition,
    PetitionAccess,
    Petitioner,
    Rating,
    phone_validator,
)
from xinfang.petitions.workflow import OPEN_STATES, State

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
    """One inbox tab. ``kind``: held (by state), to_rate, overdue, due_soon, or all (no count)."""

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
    Tab("all", _("Everything I can see"), "all"),
)
TABS_BY_KEY = {t.key: t for t in TABS}


def _unit_id(user: User) -> int:
    assert user.unit_id is not None  # noqa: S101 - workbench views only serve unit staff
    return user.unit_id


def _unit_petitions(user: User) -> QuerySet[Petition]:
    """The unit's own petitions: those it holds now, and (for 待评价) those it registered. Visibility first."""
    uid = _unit_id(user)
    return selectors.petitions_visible_to(user).filter(Q(current_unit_id=uid) | Q(registering_unit_id=uid))


def _tab_q(user: User, tab: Tab) -> Q:
    """The condition a row of ``_unit_petitions`` meets to be in a held or to_rate tab."""
    if tab.kind == "held":
        return Q(current_unit_id=_unit_id(user), state__in=sorted(tab.states))
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
    aggregates = {tab.key: Count("pk", filter=_tab_q(user, tab)) for tab in TABS if tab.kind in {"held", "to_rate"}}
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
    if tab.kind in {"held", "to_rate"}:
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

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


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
    uid = _unit_id(user)
    return Q(registering_unit_id=uid) | Q(current_unit_id=uid) | Q(handling_unit_id=uid)


def search_q(user: User, text: str) -> Q:
    """编号 (exact), title or request (contains), or petitioner name where the user may see identity."""
    text = text.strip()
    q = Q(number=text.upper()) | Q(title__icontains=text) | Q(request__icontains=text)
    named = Petitioner.objects.filter(name__icontains=text).values("petition_id")
    return q | (Q(pk__in=named) & identity_q(user))


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
    if filters.q.strip():
        qs = qs.filter(search_q(user, filters.q))
    return qs


_LIST_DEFERRED = ("request", "facts_and_reasons", "five_questions", "tracking_code_hash")


def page(qs: QuerySet[Petition], after: int | None, size: int = PAGE_SIZE) -> tuple[list[Petition], int | None]:
    """Keyset page newest first: rows with id below ``after``; returns the rows and the next cursor (or None)."""
    if after is not None:
        qs = qs.filter(pk__lt=after)
    next_due = (
        Clock.objects.filter(petition_id=OuterRef("pk"), stopped_on__isnull=True, is_obligation=True)
        .order_by("due")
        .values("due")[:1]
    )
    rows = cast(
        list[Petition],
        list(
            qs.select_related("current_unit")
            .defer(*_LIST_DEFERRED)
            .annotate(next_due=Subquery(next_due))
            .order_by("-pk")[: size + 1]
        ),
    )
    if len(rows) > size:
        return rows[:size], rows[size - 1].pk
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
        match |= Q(id_number=id_number)
    if phone and phone_is_valid(phone):
        match |= Q(phone=phone)
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
