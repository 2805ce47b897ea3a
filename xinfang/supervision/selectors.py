"""Permission-limited reads of the supervision desk.

Warnings are read from the clocks through ``petitions.selectors.clocks_in_scope`` (which alone decides which
clocks a user sees, Art. 30 included); 督办单, recommendations, 约谈 and bulletins are seen by the issuing unit, the
unit addressed and, with an oversight role, by units whose scope covers them (range scans on the stored paths).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from xinfang.core.errors import InvalidInput
from xinfang.core.limits import is_id
from xinfang.orgs.models import SEGMENT, User
from xinfang.petitions import selectors as petition_selectors
from xinfang.petitions.models import Clock, ClockQuerySet, Petition
from xinfang.supervision.assignments import assignments_visible_to, overdue_assignments, path_range
from xinfang.supervision.levels import RANK_LEVEL, level_case, rank_case, widest_due_soon
from xinfang.supervision.models import (
    Assignment,
    Bulletin,
    Interview,
    OrderLog,
    OrderQuerySet,
    OrderStatus,
    Recommendation,
    RecommendationQuerySet,
    SupervisionOrder,
    WarningLevel,
)

# ------------------------------------------------------------------------------------------ warning levels


def with_levels(clocks: QuerySet[Clock], today: dt.date) -> QuerySet[Clock]:
    """Counting obligation clocks annotated with ``level`` (CASE in SQL), those without a level left out."""
    return (
        cast(ClockQuerySet, clocks)  # every Clock queryset is one (the default manager)
        .counting()
        .obligations()
        .filter(due__lte=widest_due_soon(today))
        .annotate(level=level_case(today))
        .exclude(level="")
    )


def warning_clocks(user: User, today: dt.date, level: str = "") -> QuerySet[Clock]:
    """Clocks with a warning level in the user's scope (their unit's, or the area's with oversight), worst first."""
    qs = with_levels(petition_selectors.clocks_in_scope(user), today)
    if level:
        qs = qs.filter(level=level)  # type: ignore[misc]  # the annotation, which the plugin does not see
    return qs.select_related("petition", "owing_unit").order_by("due", "id")


def level_counts(user: User, today: dt.date) -> dict[str, int]:
    """How many clocks in the user's scope are at each level: one aggregate query."""
    qs = with_levels(petition_selectors.clocks_in_scope(user), today)
    counts = {level.value: 0 for level in WarningLevel}
    rows: Any = qs.order_by().values("level").annotate(n=Count("id"))  # type: ignore[misc]  # annotation
    for row in rows:
        counts[row["level"]] = row["n"]
    return counts


def petition_levels(petition_ids: Iterable[int], today: dt.date) -> dict[int, str]:
    """The worst level of each petition's running obligation clocks (MAX over a CASE, one query)."""
    ids = list(petition_ids)
    if not ids:
        return {}
    rows = (
        Clock.objects.counting()
        .obligations()
        .filter(petition_id__in=ids, due__lte=widest_due_soon(today))
        .order_by()
        .values("petition_id")
        .annotate(rank=Max(rank_case(today)))
    )
    return {r["petition_id"]: RANK_LEVEL[r["rank"]].value for r in rows if r["rank"]}


def annotate_petition_level(petitions: QuerySet[Petition], today: dt.date) -> QuerySet[Petition]:
    """Petitions annotated with ``warning_rank`` (0 none … 3 严重超期) from their clocks, in SQL."""
    worst = (
        Clock.objects.counting()
        .obligations()
        .filter(petition_id=OuterRef("pk"), due__lte=widest_due_soon(today))
        .annotate(rank=rank_case(today))
        .order_by("-rank")
        .values("rank")[:1]
    )
    return petitions.annotate(warning_rank=Subquery(worst))


# ------------------------------------------------------------------------------------------ petitions cited


def _as_id(key: str) -> int | None:
    """A key of ASCII digits that fits a database id, else None (a 编号 is looked up first, as in
    ``petition_get_visible``)."""
    return int(key) if is_id(key) else None


def petitions_by_keys(user: User, keys: Iterable[str], *, field: str = "petition") -> list[Petition]:
    """The petitions a 督办单 or a recommendation cites, by 编号 or id, in the order given, looked up in one query.

    A key that names no petition and one that names a petition the user may not see get the same refusal (no
    existence oracle; accusations are never visible to the accused side, Art. 30 ¶3). Blank keys are skipped.
    """
    wanted = list(dict.fromkeys(k.strip() for k in keys if k.strip()))
    if not wanted:
        return []
    ids = [i for i in map(_as_id, wanted) if i is not None]
    found = list(petition_selectors.petitions_visible_to(user).filter(Q(number__in=wanted) | Q(pk__in=ids)))
    by_number = {p.number: p for p in found}
    by_id = {p.pk: p for p in found}
    result: list[Petition] = []
    missing: list[str] = []
    for key in wanted:
        petition = by_number.get(key) or by_id.get(_as_id(key) or 0)
        if petition is None:
            missing.append(key)
        elif petition not in result:
            result.append(petition)
    if missing:
        raise InvalidInput(
            " ".join(_("No petition %(key)s that you can see.") % {"key": key} for key in missing), field=field
        )
    return result


def petition_by_key(user: User, key: str, *, field: str = "petition") -> Petition | None:
    """The one petition a 督办单 cites, or None for a blank key (``petitions_by_keys`` for a single key)."""
    found = petitions_by_keys(user, [key], field=field)
    return found[0] if found else None


# ------------------------------------------------------------------------------------------ desk records


def _visible(user: User, own: Q, scope_field: str, issuer_field: str) -> Q | None:
    if not getattr(user, "is_unit_staff", False) or user.unit is None:
        return None
    if user.oversees_below:
        return own | path_range(scope_field, user.unit.scope_path) | path_range(issuer_field, user.unit.scope_path)
    return own


def orders_visible_to(user: User) -> OrderQuerySet:
    q = _visible(
        user, Q(issuing_unit_id=user.unit_id) | Q(target_unit_id=user.unit_id), "target_path", "issuing_unit__path"
    )
    if q is None:
        return SupervisionOrder.objects.none()
    return SupervisionOrder.objects.filter(q).select_related("issuing_unit", "target_unit", "petition", "issued_by")


def order_get_visible(user: User, pk: int) -> SupervisionOrder:
    from django.http import Http404

    log = Prefetch("log", OrderLog.objects.select_related("actor"))  # the log lists each actor's name
    order = orders_visible_to(user).prefetch_related(log).filter(pk=pk).first()
    if order is None:
        raise Http404
    return order


def orders_issued_by_my_unit(user: User) -> OrderQuerySet:
    return orders_visible_to(user).filter(issuing_unit_id=user.unit_id)


def orders_awaiting_my_reply(user: User) -> OrderQuerySet:
    return orders_visible_to(user).filter(target_unit_id=user.unit_id).open()


def listed_orders(user: User) -> OrderQuerySet:
    """挂牌督办: listed orders not yet closed."""
    return orders_visible_to(user).filter(is_listed=True).exclude(status=OrderStatus.CLOSED)


def recommendations_visible_to(user: User) -> RecommendationQuerySet:
    q = _visible(user, Q(issuing_unit_id=user.unit_id) | Q(to_unit_id=user.unit_id), "to_path", "issuing_unit__path")
    if q is None:
        return Recommendation.objects.none()
    return Recommendation.objects.filter(q).select_related("issuing_unit", "to_unit", "order")


def recommendations_awaiting_feedback(user: User) -> RecommendationQuerySet:
    return recommendations_visible_to(user).awaiting().order_by("feedback_due", "id")


def interviews_visible_to(user: User) -> QuerySet[Interview]:
    q = _visible(user, Q(by_unit_id=user.unit_id) | Q(unit_id=user.unit_id), "unit_path", "by_unit__path")
    if q is None:
        return Interview.objects.none()
    return Interview.objects.filter(q).select_related("unit", "by_unit", "order")


def bulletins_visible_to(user: User) -> QuerySet[Bulletin]:
    """A bulletin (通报) is circulated: read by the staff of every unit it covers, by its unit, and with oversight
    by units whose scope covers its scope."""
    if not getattr(user, "is_unit_staff", False) or user.unit is None:
        return Bulletin.objects.none()
    path = user.unit.path
    covering = [path[:i] for i in range(SEGMENT, len(path) + 1, SEGMENT)]
    q = Q(unit_id=user.unit_id) | Q(scope_path__in=covering)
    if user.oversees_below:
        q |= path_range("scope_path", user.unit.scope_path)
    return Bulletin.objects.filter(q).select_related("unit")


def overdue_assignments_for(user: User, today: dt.date) -> QuerySet[Assignment]:
    """交办事项 past their deadline that this user may see."""
    visible = assignments_visible_to(user)
    return (
        overdue_assignments(today)
        .filter(pk__in=visible.values("pk"))
        .select_related("unit", "petition")
        .order_by("due", "id")
    )
