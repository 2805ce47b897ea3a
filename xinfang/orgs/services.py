"""Write operations on the unit tree and on staff accounts.

Every function is atomic: it either does all of its writes or raises (``InvalidInput`` for anything the caller
can fix) with nothing written. Rules that the model's field validators cannot express — a unit's level against
its parent's, the length of the division code for the level, the depth the ``path`` column can hold — are
checked here, so the admin, the API and the generators all go through the same checks.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Case, CharField, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, LPad, Substr
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from xinfang.core.errors import InvalidInput
from xinfang.orgs.models import LEVEL_RANK, SEGMENT, Level, Role, StaffRole, Unit, User, path_segment

# How many levels the ``path`` column can hold (96 characters / 8 per segment = 12).
MAX_TREE_LEVELS: int = (Unit._meta.get_field("path").max_length or 0) // SEGMENT

# Chunk size for ``code IN (...)`` look-ups: SQLite's conservative default limit is 999 bound parameters.
_LOOKUP_CHUNK = 900


# --- validation shared by the create paths ---------------------------------------------------------------


def _raise_validation_error(obj: models.Model, exc: ValidationError, *, prefix: str = "") -> None:
    """Turn a Django ``ValidationError`` into ``InvalidInput`` that names the first offending field."""
    messages: list[str] = []
    first_field: str | None = None
    for field_name, field_messages in exc.message_dict.items():
        if field_name == NON_FIELD_ERRORS:
            label = ""
        else:
            first_field = first_field or field_name
            verbose = getattr(obj._meta.get_field(field_name), "verbose_name", field_name)
            label = f"{capfirst(verbose)}: "
        messages.extend(f"{prefix}{label}{m}" for m in field_messages)
    raise InvalidInput(" ".join(messages), field=first_field) from exc


def _full_clean(obj: models.Model, *, exclude: Sequence[str] = ()) -> None:
    try:
        obj.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        _raise_validation_error(obj, exc)


def check_division_code(*, level: str, division_code: str) -> None:
    """A township's division code (乡级, GB/T 10114) has 9 digits; every other level's (GB/T 2260) has 6."""
    expected = 9 if level == Level.TOWNSHIP else 6
    if not (division_code.isascii() and division_code.isdigit() and len(division_code) == expected):
        message = (
            _("Division code: a township's division code has 9 digits.")
            if expected == 9
            else _("Division code: a division code above township level has 6 digits.")
        )
        raise InvalidInput(message, field="division_code")


def check_level(*, level: str, parent: Unit | None) -> None:
    """A unit may sit at its parent's level (a department under its government) or below, never above."""
    if parent is None:
        return
    if LEVEL_RANK[Level(level)] < LEVEL_RANK[Level(parent.level)]:
        raise InvalidInput(
            _("Level: a unit cannot be at a higher level than its parent unit (%(parent_level)s).")
            % {"parent_level": Level(parent.level).label},
            field="level",
        )


def _too_deep() -> InvalidInput:
    return InvalidInput(
        _("Parent unit: the unit tree cannot be deeper than %(max)d levels.") % {"max": MAX_TREE_LEVELS},
        field="parent",
    )


def check_depth(*, parent: Unit | None, subtree_height: int = 1) -> None:
    """The ``path`` column holds ``MAX_TREE_LEVELS`` segments; refuse anything that would not fit."""
    parent_levels = 0 if parent is None else parent.depth + 1
    if parent_levels + subtree_height > MAX_TREE_LEVELS:
        raise _too_deep()


def check_placement(*, level: str, division_code: str, parent: Unit | None) -> None:
    """All the tree rules for a unit at ``level`` under ``parent`` (used by the admin form too)."""
    check_division_code(level=level, division_code=division_code)
    check_level(level=level, parent=parent)
    check_depth(parent=parent)


def _fresh(unit: Unit, *, field: str) -> Unit:
    """Re-read and lock a unit inside the transaction.

    A move rewrites paths in SQL, so in-memory copies go stale; the lock orders concurrent moves and creates.
    """
    try:
        return Unit.objects.select_for_update().get(pk=unit.pk)
    except Unit.DoesNotExist as exc:
        raise InvalidInput(_("The unit no longer exists."), field=field) from exc


# --- units -------------------------------------------------------------------------------------------------


@transaction.atomic
def unit_create(
    *,
    name: str,
    code: str,
    division_code: str,
    level: str,
    unit_type: str,
    parent: Unit | None = None,
    **extra: Any,
) -> Unit:
    """Create one unit under ``parent`` (or as a root). ``extra`` takes the optional model fields."""
    # Lock the parent so that a concurrent unit_move (which locks the subtree it rewrites) cannot leave the new
    # child with its parent's old path.
    fresh_parent = _fresh(parent, field="parent") if parent is not None else None
    unit = Unit(
        name=name,
        code=code,
        division_code=division_code,
        level=level,
        unit_type=unit_type,
        parent=fresh_parent,
        **extra,
    )
    _full_clean(unit, exclude=["path", "depth"])  # path/depth are derived in save()
    check_placement(level=level, division_code=division_code, parent=fresh_parent)
    unit.save()
    return unit


@transaction.atomic
def unit_move(*, unit: Unit, new_parent: Unit | None) -> Unit:
    """Re-parent ``unit``; its whole subtree follows with one UPDATE that rewrites the path prefix.

    ``new_parent=None`` makes the unit a root. The passed ``unit`` is refreshed and returned.
    """
    current = _fresh(unit, field="unit")
    target = _fresh(new_parent, field="parent") if new_parent is not None else None
    if target is not None and target.is_within(current.path):
        raise InvalidInput(
            _("Parent unit: a unit cannot be moved under itself or one of its own subordinate units."),
            field="parent",
        )
    if (target.pk if target else None) == current.parent_id:
        unit.refresh_from_db()
        return unit
    check_level(level=current.level, parent=target)

    # Lock every row of the subtree before rewriting it. On PostgreSQL this waits for any transaction that
    # is adding a child under one of them (unit_create locks the parent) to commit, so the UPDATE below (a
    # new statement, hence a new snapshot) sees that child too. It also gives the subtree's height.
    depths = list(Unit.objects.select_for_update().within(current.path).values_list("depth", flat=True))
    check_depth(parent=target, subtree_height=max(depths) - current.depth + 1)

    old_prefix = current.path
    new_prefix = (target.path if target else "") + path_segment(current.pk)
    shift = (len(new_prefix) - len(old_prefix)) // SEGMENT
    # One statement for the whole subtree: new prefix || the part of the path below the moved unit, the depth
    # shifted by the change in prefix length, and the parent changed on the moved unit only. Concat/Substr
    # compile to `||`/SUBSTR on SQLite and `||`/SUBSTRING on PostgreSQL.
    Unit.objects.within(old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1), output_field=CharField()),
        depth=F("depth") + shift,
        parent_id=Case(
            When(pk=current.pk, then=Value(target.pk if target else None)),
            default=F("parent_id"),
            output_field=models.BigIntegerField(),
        ),
    )
    unit.refresh_from_db()
    return unit


@transaction.atomic
def bulk_create_units(units: Iterable[Unit], *, batch_size: int = 1000, validate: bool = True) -> list[Unit]:
    """Insert many new units with a few statements per tree level instead of two saves per row.

    ``units`` are unsaved ``Unit`` instances. A parent is either a saved unit or another instance in the same
    call (assign the instance: ``Unit(parent=city_gov, ...)``); the function orders them by depth itself. Each
    depth is inserted with ``bulk_create`` (placeholder paths), then one UPDATE sets ``path = parent.path ||
    lpad(id, 8, '0')`` for the rows just inserted. Both SQLite (3.35+) and PostgreSQL return the new ids from
    ``bulk_create``, so the instances come back complete (pk, path, depth). ``validate`` runs the field
    validators and the tree rules on every row (no per-row queries); codes are checked for uniqueness in
    chunks.
    """
    items = list(units)
    if not items:
        return []
    if any(u.pk is not None for u in items):
        raise ValueError("bulk_create_units() only inserts new units (pk must be None)")

    in_batch = {id(u) for u in items}
    # Saved parents: read their current path and depth once (a move may have changed them since loading),
    # locked for the same reason as in unit_create.
    saved_parent_ids = {u.parent_id for u in items if u.parent_id is not None}
    saved_parents = Unit.objects.select_for_update().in_bulk(saved_parent_ids) if saved_parent_ids else {}

    parent_of: dict[int, Unit | None] = {}
    for u in items:
        if u.parent_id is not None:
            if u.parent_id not in saved_parents:
                raise InvalidInput(_("Parent unit: the unit no longer exists."), field="parent")
            parent_of[id(u)] = saved_parents[u.parent_id]
        elif Unit.parent.is_cached(u) and u.parent is not None:
            if id(u.parent) not in in_batch:
                raise ValueError(f"unit {u.code}: its parent is neither saved nor part of this batch")
            parent_of[id(u)] = u.parent
        else:
            parent_of[id(u)] = None

    depth_of: dict[int, int] = {}

    def depth(u: Unit) -> int:
        # Iterative walk up to the first unit whose depth is known (trees are at most 12 levels deep).
        chain: list[Unit] = []
        node: Unit | None = u
        while node is not None and id(node) not in depth_of:
            if id(node) not in in_batch:  # a saved parent: its depth is in the database
                depth_of[id(node)] = node.depth
                break
            if len(chain) > MAX_TREE_LEVELS:
                raise ValueError("bulk_create_units(): the parent links form a cycle or are too deep")
            chain.append(node)
            node = parent_of[id(node)]
        for n in reversed(chain):
            p = parent_of[id(n)]
            depth_of[id(n)] = 0 if p is None else depth_of[id(p)] + 1
        return depth_of[id(u)]

    by_depth: dict[int, list[Unit]] = defaultdict(list)
    for u in items:
        by_depth[depth(u)].append(u)

    if validate:
        _validate_batch(items, parent_of, depth_of)

    # Placeholder paths are digits only, like real ones, so range comparisons behave the same under every
    # collation; they start with the segment 00000000, which no real path has (ids start at 1). The rows this
    # call inserted are then `within(prefix)`: one range on the path index.
    prefix = path_segment(0) + f"{secrets.randbelow(10**12):012d}"
    parent_path = Unit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]
    counter = 0
    for level_depth in sorted(by_depth):
        rows = by_depth[level_depth]
        for u in rows:
            u.path = f"{prefix}{counter:08d}"
            u.depth = level_depth
            counter += 1
        try:
            Unit.objects.bulk_create(rows, batch_size=batch_size)
        except IntegrityError as exc:  # a code taken by a concurrent writer since the check above
            raise InvalidInput(_("Unit code: a unit with this code already exists."), field="code") from exc
        if any(u.pk is None for u in rows):  # pragma: no cover - only on a database without RETURNING
            raise RuntimeError("the database did not return the ids of the inserted units")
        Unit.objects.within(prefix).update(
            path=Concat(
                Coalesce(Subquery(parent_path), Value("")),
                LPad(Cast("id", CharField()), SEGMENT, Value("0")),
                output_field=CharField(),
            )
        )
        for u in rows:  # the same value in Python, for the returned instances
            p = parent_of[id(u)]
            u.path = (p.path if p is not None else "") + path_segment(u.pk)
    return items


def _validate_batch(items: list[Unit], parent_of: dict[int, Unit | None], depth_of: dict[int, int]) -> None:
    codes: set[str] = set()
    for u in items:
        if u.code in codes:
            raise InvalidInput(_("Unit code: %(code)s appears twice in the batch.") % {"code": u.code}, field="code")
        codes.add(u.code)
        try:
            # No database access: uniqueness is checked for the whole batch below, not per row.
            u.clean_fields(exclude=["path", "depth", "parent"])
        except ValidationError as exc:
            _raise_validation_error(u, exc, prefix=f"{u.code}: ")
        check_division_code(level=u.level, division_code=u.division_code)
        check_level(level=u.level, parent=parent_of[id(u)])
        if depth_of[id(u)] >= MAX_TREE_LEVELS:
            raise _too_deep()
    code_list = sorted(codes)
    for start in range(0, len(code_list), _LOOKUP_CHUNK):
        taken = list(
            Unit.objects.filter(code__in=code_list[start : start + _LOOKUP_CHUNK]).values_list("code", flat=True)[:1]
        )
        if taken:
            raise InvalidInput(
                _("Unit code: a unit with code %(code)s already exists.") % {"code": taken[0]}, field="code"
            )


# --- staff -------------------------------------------------------------------------------------------------


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    unit: Unit,
    roles: Iterable[str],
    full_name: str = "",
    staff_no: str = "",
    title: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a staff account in ``unit`` with the given roles.

    Password validators are not run: this is for administrators and seeding, which set initial passwords
    deliberately; self-service password changes go through Django's forms, which do run them.
    ``is_staff`` grants the Django admin site, independent of the roles.
    """
    role_list = list(dict.fromkeys(roles))  # de-duplicated, order kept
    unknown = [r for r in role_list if r not in Role.values]
    if unknown:
        raise InvalidInput(_("Roles: unknown role %(roles)s.") % {"roles": ", ".join(unknown)}, field="roles")
    user = User(
        username=username,
        unit=unit,
        full_name=full_name,
        staff_no=staff_no,
        title=title,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    user.set_password(password)
    _full_clean(user)  # username format and uniqueness, field lengths
    user.save()
    StaffRole.objects.bulk_create([StaffRole(user=user, role=r) for r in role_list])
    return user
