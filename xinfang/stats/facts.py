"""Per-petition contributions to the fact table, their incremental application, the rebuild and the check.

``contributions_for(ids)`` reads the raw rows of a batch of petitions (petition, access, clocks, ratings, issued
opinions, later repeat links) with one query per table and returns, per petition, its nodes and its facts. The
incremental path (``refresh``) and the rebuild use this same function, so the property test "incremental equals
rebuild" checks that every change reaches the rollup; the KPI tests check the formulas against raw counts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, cast

from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, Case, CharField, Exists, F, OuterRef, Q, Value, When
from django.db.models.functions import TruncDate

from xinfang.deadlines.rules import ClockKind
from xinfang.orgs.models import Unit, ids_in_path
from xinfang.petitions.models import (
    Clock,
    Document,
    DocumentKind,
    DocumentStatus,
    Nature,
    Petition,
    PetitionAccess,
    Rating,
    ReviewOutcome,
)
from xinfang.stats.models import DIMENSIONS, PetitionStatState, StatDaily, StatFact

# (measure, day ISO, category_id, channel, nature, division_code, accused_unit_id, accused_staff_id)
FactKey = tuple[str, str, int, str, str, str, int, int]
# (node_id, direct, *FactKey)
RowKey = tuple[int, bool, str, str, int, str, str, str, int, int]
# (node_id, direct, measure, day ISO, accused_unit_id, accused_staff_id): a StatDaily row
DailyKey = tuple[int, bool, str, str, int, int]
State = dict[str, Any]

HANDLE_KINDS = (ClockKind.HANDLE, ClockKind.HANDLE_SIMPLE)
# A handling clock counts for 按期办结率 when a written reply or an agreement stopped it (services' stop_reason).
CLOSING_STOP_REASONS = frozenset({"replied", "agreement"})
_REVIEW_KINDS: dict[str, str] = {DocumentKind.REVIEW_OPINION: "review", DocumentKind.RECHECK_OPINION: "recheck"}


# --- the predicates that place a petition's rows in the measures -------------------------------------------------
# Each is a query expression, used by ``contributions_for`` below (as an annotation or a filter) and by the
# workbench list's drill-down filters (``xinfang.workbench.selectors.apply_filters``): a list opened from a figure
# selects its petitions with the very predicate that counted them.

# The clocks a timeliness rate counts, by the name the drill-down uses: "notice" (按期受理告知率: the written
# notice, Art. 23) and "handling" (按期办结率: a handling clock stopped by a written reply or an agreement,
# Arts. 32–34). Each is placed in a period by ``stopped_on``; on time when stopped on or before its due date.
COUNTED_CLOCKS: dict[str, Q] = {
    "notice": Q(kind=ClockKind.NOTICE, stopped_on__isnull=False),
    "handling": Q(kind__in=HANDLE_KINDS, stopped_on__isnull=False, stop_reason__in=sorted(CLOSING_STOP_REASONS)),
}
CLOCK_ON_TIME = Q(stopped_on__lte=F("due"))


def rating_day() -> TruncDate:
    """The day that places a rating (满意率, 不满意件): the local date of ``created_at``."""
    return TruncDate("created_at")


def opinions_q() -> Q:
    """The written replies (信访处理意见书) that place 初信初访化解率: issued, with a date."""
    return Q(kind=DocumentKind.OPINION, status=DocumentStatus.ISSUED, issued_on__isnull=False)


# 初信初访: a petition not marked as a repeat (the denominator's condition besides its first opinion). The SQL flag
# and ``is_first_time`` (a petition in memory, just registered) are the one rule in its two forms.
FIRST_TIME = Q(is_repeat=False)


def is_first_time(petition: Petition) -> bool:
    """``FIRST_TIME`` of a petition in memory."""
    return not petition.is_repeat


#: The petition columns a contribution is computed from (``contributions_for``).
_FACT_FIELDS = (
    "received_on",
    "channel",
    "nature",
    "category_id",
    "problem_division_code",
    "accused_unit_id",
    "accused_staff_id",
    "is_repeat",
    "is_collective",
    "head_count",
    "previous_id",
    "reply_served_on",
)


def registered_row(petition: Petition) -> dict[str, Any]:
    """The row ``contributions_for`` reads, taken from a petition registered in this transaction as it was written
    (a new petition has no later repeat and no review: not 化解 yet)."""
    return {
        "pk": petition.pk,
        **{name: getattr(petition, name) for name in _FACT_FIELDS},
        "first_time": is_first_time(petition),
        "resolvable": False,
    }


def first_time_resolved_q() -> Q:
    """化解 for 初信初访化解率: no request for review (复查) and no later petition linked to it as a repeat."""
    return Q(review_unit__isnull=True) & Q(~Exists(Petition.objects.filter(previous_id=OuterRef("pk"))))


def rated_q() -> Q:
    """参评: at least one rating (either target, any stage) at the time of counting."""
    return Q(Exists(Rating.objects.filter(petition_id=OuterRef("pk"))))


def _flag(q: Q) -> Case:
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def contributions_for(
    ids: Iterable[int],
    *,
    new: bool = False,
    written: Sequence[Petition] = (),
    access: Mapping[int, Sequence[str]] | None = None,
) -> dict[int, State]:
    """{petition id: {"nodes": [[unit id, direct(, 0)], …], "facts": [[*FactKey, value], …], "previous": id}}.

    ``new``: the petitions were registered in this transaction, so they have no stopped clock, rating, issued
    document or later repeat yet; those four reads are skipped (the rules below are the same either way).
    ``written`` (with ``new``): those petitions as registration wrote them, and ``access`` the paths of the units
    it gave access ({petition id: paths}), so they are not read back either.
    """
    ids = sorted(set(ids))
    if not ids:
        return {}
    known = {p.pk: registered_row(p) for p in written if new and p.pk in ids}
    # 初信初访 and its 化解 as SQL flags: the same predicates the drill-down filters by (a new petition has no
    # later repeat and no review yet, so it skips that subquery).
    petitions = list(known.values())
    if len(known) < len(ids):
        petitions += list(
            Petition.objects.filter(pk__in=[pk for pk in ids if pk not in known])
            .annotate(
                first_time=_flag(FIRST_TIME),
                resolvable=Value(False) if new else _flag(first_time_resolved_q()),
            )
            .values("pk", *_FACT_FIELDS, "first_time", "resolvable")
        )
    nodes: dict[int, dict[int, bool]] = defaultdict(dict)
    # Nodes where an accusation's accused unit is not kept (see ``accused_reach``): [unit id, direct, 0] in the state.
    unkept: dict[int, set[int]] = defaultdict(set)
    reach = accused_reach(p["accused_unit_id"] for p in petitions if p["nature"] == Nature.ACCUSATION)
    accused_of = {p["pk"]: p["accused_unit_id"] for p in petitions if p["nature"] == Nature.ACCUSATION}
    given = {pid: paths for pid, paths in (access or {}).items() if new and pid in known}
    read = [pid for pid in ids if pid not in given]
    granted = [(pid, path) for pid, paths in given.items() for path in paths]
    if read:
        granted += PetitionAccess.objects.filter(petition_id__in=read).values_list("petition_id", "unit_path")
    for pid, path in granted:
        chain = ids_in_path(path)
        for uid in chain[:-1]:
            nodes[pid].setdefault(uid, False)
        nodes[pid][chain[-1]] = True
        top = reach.get(accused_of.get(pid) or 0)
        if top is not None:  # the accused unit is kept on the nodes at and below ``top`` only
            below = chain.index(top) if top in chain else len(chain)
            unkept[pid].update(chain[:below])
    clocks: dict[int, list[Any]] = defaultdict(list)
    ratings: dict[int, list[Any]] = defaultdict(list)
    docs: dict[int, list[Any]] = defaultdict(list)
    if not new:
        counted_as = Case(
            *(When(q, then=Value(name)) for name, q in COUNTED_CLOCKS.items()),
            default=Value(""),
            output_field=CharField(),
        )
        for c in (
            Clock.objects.filter(petition_id__in=ids)
            .filter(COUNTED_CLOCKS["notice"] | COUNTED_CLOCKS["handling"])
            .annotate(counted_as=counted_as, on_time=_flag(CLOCK_ON_TIME))
            .values("petition_id", "counted_as", "start", "stopped_on", "on_time")
        ):
            clocks[c["petition_id"]].append(c)
        for r in (
            Rating.objects.filter(petition_id__in=ids)
            .annotate(day=rating_day())
            .values("petition_id", "target", "value", "day")
        ):
            ratings[r["petition_id"]].append(r)
        reviews = Q(kind__in=list(_REVIEW_KINDS), status=DocumentStatus.ISSUED, issued_on__isnull=False)
        for d in Document.objects.filter(opinions_q() | reviews, petition_id__in=ids).values(
            "petition_id", "kind", "outcome", "issued_on"
        ):
            docs[d["petition_id"]].append(d)

    out: dict[int, State] = {}
    for p in petitions:
        pid = p["pk"]
        accusation = p["nature"] == Nature.ACCUSATION
        dims = (
            p["category_id"] or 0,
            p["channel"],
            p["nature"],
            (p["problem_division_code"] or "")[:6],
            (p["accused_unit_id"] or 0) if accusation else 0,
            (p["accused_staff_id"] or 0) if accusation else 0,
        )
        facts: dict[FactKey, int] = defaultdict(int)

        def add(
            measure: str,
            day: dt.date,
            value: int = 1,
            dims: tuple[Any, ...] = dims,
            facts: dict[FactKey, int] = facts,
        ) -> None:
            facts[(measure, day.isoformat(), *dims)] += value

        received = p["received_on"]
        add("received", received)
        if p["is_repeat"]:
            add("repeat", received)
        if p["channel"] == "visit":
            add("visit_batches", received)
            add("visit_persons", received, p["head_count"])
        if p["is_collective"]:
            add("collective", received)
        for c in clocks.get(pid, []):
            if c["counted_as"] == "notice":
                add("notice_stopped", c["stopped_on"])
                if c["on_time"]:
                    add("notice_on_time", c["stopped_on"])
            elif c["counted_as"] == "handling":
                add("handling_stopped", c["stopped_on"])
                add("handling_days", c["stopped_on"], (c["stopped_on"] - c["start"]).days)
                if c["on_time"]:
                    add("handling_on_time", c["stopped_on"])
        for r in ratings.get(pid, []):
            add(f"rated_{r['target']}_{r['value']}", r["day"])
        if p["reply_served_on"] is not None:
            add("replied", p["reply_served_on"])
            if ratings.get(pid):  # rated_q(): any rating at all
                add("replied_rated", p["reply_served_on"])
        opinions = sorted(d["issued_on"] for d in docs.get(pid, []) if d["kind"] == DocumentKind.OPINION)
        if opinions and p["first_time"]:
            add("first_time_replied", opinions[0])
            if p["resolvable"]:
                add("first_time_resolved", opinions[0])
        for d in docs.get(pid, []):
            prefix = _REVIEW_KINDS.get(d["kind"])
            if prefix is None:
                continue
            if d["outcome"] not in ReviewOutcome.values and d["outcome"] != "redo":
                continue
            add(f"{prefix}_decided", d["issued_on"])
            if d["outcome"] == ReviewOutcome.UPHOLD:
                add(f"{prefix}_upheld", d["issued_on"])
        out[pid] = {
            "nodes": sorted(
                [uid, direct, 0] if uid in unkept[pid] else [uid, direct] for uid, direct in nodes.get(pid, {}).items()
            ),
            "facts": sorted([*k, v] for k, v in facts.items() if v),
            "previous": p["previous_id"],
        }
    return out


ACCUSED_UNIT = 6  # the position of accused_unit_id in a FactKey


def accused_reach(unit_ids: Iterable[int | None]) -> dict[int, int | None]:
    """{accused unit: the highest node that keeps it, or None for every node} (Art. 30 ¶3 in the rollup).

    The accused columns exist so that a viewer on the accused side can take the accusation out of a figure
    (``selectors.View.accused_q``). That viewer's unit is the accused unit or below it, and a viewer reads their
    own unit's node or nodes under their scope, which is at most their unit's parent (``Unit.scope_path``): so
    only nodes at or below the accused unit's parent can ever be read by its side. Above it the accused unit is
    dropped (0) and the facts add up with every other petition's: the national node's rows of a day were
    multiplied by every unit anyone accused (379,000 rows for a year at 2,000,000 petitions; docs/benchmarks.md).
    A top-level accused unit (no parent) is kept everywhere; the accused staff member always.
    """
    wanted = sorted({uid for uid in unit_ids if uid})
    out: dict[int, int | None] = {}
    for uid, path in Unit.objects.filter(pk__in=wanted).values_list("pk", "path"):
        chain = ids_in_path(path)
        out[uid] = chain[-2] if len(chain) > 1 else None
    return out


def expand(state: State | None) -> Iterator[tuple[RowKey, int]]:
    """The rollup rows of one petition's stored contribution: each fact on each node (``[uid, direct]``, or
    ``[uid, direct, 0]`` where the accused unit is not kept, ``accused_reach``)."""
    if not state:
        return
    for uid, direct, *keep in state.get("nodes", []):
        kept = not keep or bool(keep[0])
        for *key, value in state.get("facts", []):
            if not kept and key[ACCUSED_UNIT]:
                key[ACCUSED_UNIT] = 0
            yield (uid, bool(direct), *key), value


def _diff(old: State | None, new: State | None, into: dict[RowKey, int]) -> None:
    for key, value in expand(new):
        into[key] += value
    for key, value in expand(old):
        into[key] -= value


_COLUMNS = (
    "node_id, direct, measure, day, category_id, channel, nature, division_code, accused_unit_id, accused_staff_id"
)
_DAILY_COLUMNS = "node_id, direct, measure, day, accused_unit_id, accused_staff_id"


def daily(delta: dict[RowKey, int]) -> dict[DailyKey, int]:
    """``delta`` summed over the dimensions StatDaily drops (category, channel, nature, area)."""
    out: dict[DailyKey, int] = defaultdict(int)
    for (node, direct, measure, day, _cat, _channel, _nature, _area, accused_unit, accused_staff), v in delta.items():
        if v:
            out[(node, direct, measure, day, accused_unit, accused_staff)] += v
    return out


# Bound parameters per statement: SQLite's default limit is 32,766 (PostgreSQL's 65,535).
_MAX_PARAMS = 30_000


def _upsert(table_name: str, columns: str, keys: dict[Any, int], chunk: int) -> None:
    """Add {key: value} to ``table_name`` (ON CONFLICT … DO UPDATE, SQLite and PostgreSQL alike); drop zero rows.

    Every key is (node_id, direct, measure, day ISO, …the other columns in ``columns`` order). The rows go in one
    multi-row statement per ``chunk`` (a registration's five rows: one statement, not five), sorted by key so that
    every writer locks shared rows (the national node's day, say) in the same order and two never deadlock."""
    rows = sorted((*k[:3], dt.date.fromisoformat(k[3]), *k[4:], v) for k, v in keys.items() if v)
    if not rows:
        return
    table = connection.ops.quote_name(table_name)
    marks = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
    per_statement = max(1, min(chunk, _MAX_PARAMS // len(rows[0])))
    with connection.cursor() as cursor:
        for i in range(0, len(rows), per_statement):
            part = rows[i : i + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({columns}, value) VALUES {', '.join([marks] * len(part))} "  # noqa: S608
                f"ON CONFLICT ({columns}) DO UPDATE SET value = {table}.value + excluded.value",
                [x for row in part for x in row],
            )
        shrunk = sorted({(r[0], r[2], r[3]) for r in rows if r[-1] < 0})
        if shrunk:
            cursor.executemany(
                f"DELETE FROM {table} WHERE node_id = %s AND measure = %s AND day = %s AND value = 0",  # noqa: S608
                shrunk,
            )


def apply_delta(
    delta: dict[RowKey, int], *, chunk: int = 5000, table_name: str = "", daily_table_name: str = ""
) -> None:
    """Add ``delta`` to StatFact and its sum over the dropped dimensions to StatDaily, in the caller's transaction
    (or to ``table_name`` / ``daily_table_name``, same columns: the check's tables). Zero rows are dropped."""
    _upsert(table_name or StatFact._meta.db_table, _COLUMNS, dict(delta), chunk)
    _upsert(daily_table_name or StatDaily._meta.db_table, _DAILY_COLUMNS, daily(delta), chunk)


def refresh(
    petition_ids: Iterable[int],
    *,
    registered: bool = False,
    written: Sequence[Petition] = (),
    access: Mapping[int, Sequence[str]] | None = None,
) -> None:
    """Bring the facts of these petitions up to date: apply (new − old) contributions, in the caller's transaction.

    When a petition's repeat link (``previous``) changed, the earlier petitions are refreshed too: a later repeat
    takes away their 初信初访化解. ``registered``: the petitions were inserted in this transaction (the register
    event), so no other transaction can see them to lock, and they have no stored contribution yet; ``written`` and
    ``access``: those petitions in memory as registration saved them and the paths it gave access (not read back).
    """
    ids = sorted(set(petition_ids))
    if not ids:
        return
    # No savepoint: a failure here fails the service that wrote the event, and the whole transaction with it.
    with transaction.atomic(savepoint=False):
        old: dict[int, State] = {}
        if not registered:
            # Serialise on the petition rows (services already hold the lock of the petition they change).
            list(Petition.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
            old = {s.petition_id: s.data for s in PetitionStatState.objects.filter(petition_id__in=ids)}
        new = contributions_for(ids, new=registered, written=written, access=access)
        delta: dict[RowKey, int] = defaultdict(int)
        linked: set[int] = set()
        for pid in ids:
            _diff(old.get(pid), new.get(pid), delta)
            before = (old.get(pid) or {}).get("previous")
            after = (new.get(pid) or {}).get("previous")
            if before != after:
                linked |= {x for x in (before, after) if x is not None}
        apply_delta(delta)
        PetitionStatState.objects.bulk_create(
            [PetitionStatState(petition_id=pid, data=state) for pid, state in new.items()],
            update_conflicts=True,
            unique_fields=["petition"],
            update_fields=["data"],
        )
        gone = [pid for pid in ids if pid not in new]
        if gone:
            PetitionStatState.objects.filter(petition_id__in=gone).delete()
        linked -= set(ids)
    if linked:
        refresh(linked)


def _batches(batch: int) -> Iterator[list[int]]:
    last = 0
    while True:
        ids = list(Petition.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _empty_rollup() -> bool:
    """Empty the rollup; True when PostgreSQL truncated it (the tables are then this transaction's alone)."""
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        try:
            # TRUNCATE is refused while the transaction has pending foreign-key checks on these tables (rows
            # written earlier in it, as in tests); the DELETEs below then do the same, more slowly.
            with transaction.atomic(), connection.cursor() as cursor:
                tables = (StatFact, StatDaily, PetitionStatState)
                cursor.execute(f"TRUNCATE {', '.join(qn(m._meta.db_table) for m in tables)}")
            return True
        except OperationalError:
            pass
    StatFact.objects.all().delete()
    StatDaily.objects.all().delete()
    PetitionStatState.objects.all().delete()
    return False


# A rebuild's own session settings (PostgreSQL, SET LOCAL: this transaction only): its sums and index builds sort
# tens of millions of rows, and it commits once, so nothing is lost by not waiting for the WAL flush.
_REBUILD_SETTINGS = {"work_mem": "256MB", "maintenance_work_mem": "512MB", "synchronous_commit": "off"}


def _drop_secondary_keys(tables: list[str]) -> list[str]:
    """Drop the unique and foreign-key constraints and the other non-primary indexes of these just-truncated
    tables (PostgreSQL); return the statements that create them again, in order (unique, indexes, foreign keys).

    A bulk load into unindexed tables, then one index build by sort and one validating join per foreign key,
    costs a fraction of maintaining three B-trees row by row and queueing a deferred foreign-key check per row
    (at 20,000 petitions: 12.5 s of inserts and 5.9 s of checks at COMMIT, docs/benchmarks.md). The statements
    are read from the catalogue, so they are exactly the migrations' constraints, names and options included.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = ANY(%s::text[]::regclass[]) AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::text[]::regclass[]) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)"
            " ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        qn = connection.ops.quote_name
        for table, name, _definition, _kind in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {qn(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    add = [f"ALTER TABLE {table} ADD CONSTRAINT {qn(name)} {definition}" for table, name, definition, _ in constraints]
    return (
        [a for a, c in zip(add, constraints, strict=True) if c[3] == "u"]
        + [definition for _name, definition in indexes]
        + [a for a, c in zip(add, constraints, strict=True) if c[3] == "f"]
    )


class _Sums:
    """Where a rebuild or a check adds up the recomputed facts before they reach ``fact_table``/``daily_table``.

    On PostgreSQL each batch's contributions are streamed with COPY into two unindexed temporary tables, the facts
    and the nodes of each petition, and summed once at the end: the facts joined to the nodes (``expand`` in SQL),
    grouped into ``fact_table``, whose sums grouped again make ``daily_table``. Row-by-row upserts made a rebuild
    spend nine tenths of its time in ON CONFLICT, and expanding node × fact in Python wrote five times the rows
    (docs/benchmarks.md). Elsewhere (SQLite) each batch is upserted (``apply_delta``).
    """

    FACTS = "stats_rebuild_facts"
    NODES = "stats_rebuild_nodes"
    _FACT_COLUMNS = "measure, day, category_id, channel, nature, division_code, accused_unit_id, accused_staff_id"

    def __init__(self, fact_table: str, daily_table: str) -> None:
        self.fact_table, self.daily_table = fact_table, daily_table
        self.staged = connection.vendor == "postgresql"
        if self.staged:
            stat_fact = connection.ops.quote_name(StatFact._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.FACTS}, {self.NODES}")
                # The columns' types are StatFact's (the petition id as a bigint: any id fits).
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {self.FACTS} AS SELECT 0::bigint AS petition_id, "  # noqa: S608
                    f"{self._FACT_COLUMNS}, value FROM {stat_fact} WHERE 1 = 0"
                )
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {self.NODES} AS SELECT 0::bigint AS petition_id, node_id, direct, "  # noqa: S608
                    f"true AS keep FROM {stat_fact} WHERE 1 = 0"
                )

    def add(self, states: dict[int, State]) -> None:
        """Add the contributions of a batch of petitions (``contributions_for``)."""
        if not self.staged:
            delta: dict[RowKey, int] = defaultdict(int)
            for state in states.values():
                _diff(None, state, delta)
            apply_delta(delta, table_name=self.fact_table, daily_table_name=self.daily_table)
            return
        with connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY {self.FACTS} (petition_id, {self._FACT_COLUMNS}, value) FROM STDIN") as copy:
                for pid, state in states.items():
                    if state.get("nodes"):
                        for fact in state.get("facts", []):
                            copy.write_row((pid, *fact))
            with cursor.cursor.copy(f"COPY {self.NODES} (petition_id, node_id, direct, keep) FROM STDIN") as copy:
                for pid, state in states.items():
                    if state.get("facts"):
                        for uid, direct, *keep in state.get("nodes", []):
                            copy.write_row((pid, uid, bool(direct), not keep or bool(keep[0])))

    def finish(self) -> None:
        """Sum the staged rows into the two (empty) tables and drop the stage."""
        if not self.staged:
            return
        # ``expand`` in SQL: the accused unit only on the nodes that keep it.
        facts = ", ".join(
            "CASE WHEN n.keep THEN f.accused_unit_id ELSE 0 END" if c.strip() == "accused_unit_id" else f"f.{c.strip()}"
            for c in self._FACT_COLUMNS.split(",")
        )
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {self.FACTS}")
            cursor.execute(f"ANALYZE {self.NODES}")
            cursor.execute(
                f"INSERT INTO {self.fact_table} ({_COLUMNS}, value) "  # noqa: S608 - our names
                f"SELECT n.node_id, n.direct, {facts}, SUM(f.value) "
                f"FROM {self.FACTS} f JOIN {self.NODES} n ON n.petition_id = f.petition_id "
                # In key order, so that one node's rows share heap pages (reads are per node and day range).
                f"GROUP BY n.node_id, n.direct, {facts} HAVING SUM(f.value) <> 0 ORDER BY n.node_id, n.direct, {facts}"
            )
            cursor.execute(
                f"INSERT INTO {self.daily_table} ({_DAILY_COLUMNS}, value) "  # noqa: S608 - our names
                f"SELECT {_DAILY_COLUMNS}, SUM(value) FROM {self.fact_table} "
                f"GROUP BY {_DAILY_COLUMNS} HAVING SUM(value) <> 0 ORDER BY {_DAILY_COLUMNS}"
            )
            cursor.execute(f"DROP TABLE {self.FACTS}, {self.NODES}")


def _store_states(states: dict[int, State]) -> None:
    """Insert the batch's stored contributions (the table was emptied): COPY on PostgreSQL, else bulk_create."""
    if connection.vendor != "postgresql":
        PetitionStatState.objects.bulk_create(
            [PetitionStatState(petition_id=pid, data=s) for pid, s in states.items()], batch_size=2000
        )
        return
    table = connection.ops.quote_name(PetitionStatState._meta.db_table)
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} (petition_id, data) FROM STDIN") as copy:
        for pid, state in states.items():
            copy.write_row((pid, json.dumps(state)))


@transaction.atomic
def rebuild(*, batch: int = 5000) -> int:
    """Recompute every fact from the raw rows (after bulk loads, unit moves or a failed check). Returns petitions.

    Set-based per batch of petitions (one query per raw table; the batch's facts summed in ``_Sums``), so memory
    is bounded by the batch, not by the table; one transaction, so the rollup changes at once, at the end (on
    PostgreSQL, TRUNCATE makes readers of the rollup wait for it). After a TRUNCATE the tables' unique and foreign
    keys and secondary indexes are dropped for the load and built again at the end (``_drop_secondary_keys``).
    """
    truncated = _empty_rollup()
    qn = connection.ops.quote_name
    restore: list[str] = []
    if truncated:
        with connection.cursor() as cursor:
            for name, value in _REBUILD_SETTINGS.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
            # Dropping a foreign key alters the table it references (petitions, units), which PostgreSQL refuses
            # while that table has deferred checks pending in this transaction — as when rows were written before
            # the rebuild in the same transaction (generate_petitions, a test). Check them now; deferred again below.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        restore = _drop_secondary_keys([m._meta.db_table for m in (StatFact, StatDaily, PetitionStatState)])
    sums = _Sums(qn(StatFact._meta.db_table), qn(StatDaily._meta.db_table))
    count = 0
    for ids in _batches(batch):
        states = contributions_for(ids)
        sums.add(states)
        _store_states(states)
        count += len(ids)
    sums.finish()
    if truncated:
        with connection.cursor() as cursor:
            for statement in restore:
                cursor.execute(statement)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's keys are all INITIALLY DEFERRED
            for model in (StatFact, StatDaily, PetitionStatState):
                cursor.execute(f"ANALYZE {qn(model._meta.db_table)}")
    return count


def fact_table() -> dict[RowKey, int]:
    """The stored facts as {row key: value} (non-zero only), for the check and the tests."""
    out: dict[RowKey, int] = {}
    for row in StatFact.objects.exclude(value=0).values_list(*DIMENSIONS, "value"):
        node, direct, measure, day, *dims, value = row
        out[cast(RowKey, (node, direct, measure, day.isoformat(), *dims))] = value
    return out


def daily_table() -> dict[DailyKey, int]:
    """The stored StatDaily rows as {row key: value} (non-zero only), for the check and the tests."""
    out: dict[DailyKey, int] = {}
    for node, direct, measure, day, accused_unit, accused_staff, value in StatDaily.objects.exclude(
        value=0
    ).values_list("node_id", "direct", "measure", "day", "accused_unit_id", "accused_staff_id", "value"):
        out[(node, direct, measure, day.isoformat(), accused_unit, accused_staff)] = value
    return out


MAX_PROBLEMS = 1000  # differences listed by ``check``; the rest are summed up in one line
_EXPECTED = "stats_check_expected"  # check's temporary table (same columns as StatFact)
_EXPECTED_DAILY = "stats_check_expected_daily"  # and the one for StatDaily


def _differences(expected: str, stored: str, columns: list[str]) -> str:
    """The SQL listing the rows where ``stored`` differs from ``expected`` (same columns): key…, have, want."""
    same = " AND ".join(f"e.{c} = s.{c}" for c in columns)
    cols = ", ".join(f"e.{c}" for c in columns)
    scols = ", ".join(f"s.{c}" for c in columns)
    return (
        f"SELECT {cols}, COALESCE(s.value, 0), e.value FROM {expected} e LEFT JOIN {stored} s ON {same} "  # noqa: S608
        f"WHERE e.value <> 0 AND (s.value IS NULL OR s.value <> e.value) "
        f"UNION ALL SELECT {scols}, s.value, 0 FROM {stored} s LEFT JOIN {expected} e ON {same} "
        f"WHERE s.value <> 0 AND e.value IS NULL"
    )


def check(*, batch: int = 5000) -> list[str]:
    """Differences between the stored rollup and a recomputation from raw rows (empty: consistent).

    Per batch of petitions: each stored contribution is compared with the recomputed one, and the recomputed facts
    are summed into temporary tables (StatFact's and StatDaily's columns) with the same upserts as the rollup; the
    tables are then compared in SQL. Memory is bounded by the batch (and by ``MAX_PROBLEMS``), whatever the number
    of petitions.
    """
    problems: list[str] = []
    more = 0

    def report(line: str) -> None:
        nonlocal more
        if len(problems) < MAX_PROBLEMS:
            problems.append(line)
        else:
            more += 1

    qn = connection.ops.quote_name
    tables = [
        ("fact", qn(StatFact._meta.db_table), _EXPECTED, _COLUMNS),
        ("daily", qn(StatDaily._meta.db_table), _EXPECTED_DAILY, _DAILY_COLUMNS),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for _label, stored_table, temp, columns in tables:
            cursor.execute(f"DROP TABLE IF EXISTS {qn(temp)}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {qn(temp)} AS SELECT {columns}, value FROM {stored_table} WHERE 1 = 0"  # noqa: S608
            )
            cursor.execute(f"CREATE UNIQUE INDEX {qn(temp + '_dims')} ON {qn(temp)} ({columns})")
        stored_states = 0
        sums = _Sums(qn(_EXPECTED), qn(_EXPECTED_DAILY))
        for ids in _batches(batch):
            states = contributions_for(ids)
            stored = {s.petition_id: s.data for s in PetitionStatState.objects.filter(petition_id__in=ids)}
            stored_states += len(stored)
            for pid, state in states.items():
                if stored.get(pid) != state:
                    report(f"petition {pid}: stored contribution differs from the raw rows")
            sums.add(states)
        sums.finish()
        if PetitionStatState.objects.count() != stored_states:
            report("contributions are stored for petitions that no longer exist")
        for label, stored_table, temp, columns in tables:
            cursor.execute(_differences(qn(temp), stored_table, [c.strip() for c in columns.split(",")]))
            while rows := cursor.fetchmany(1000):
                for *key, have, want in rows:
                    node, direct, measure, day, *dims = key
                    day = day if isinstance(day, str) else day.isoformat()
                    row_key = (node, bool(direct), measure, day, *dims)
                    report(f"{label} {row_key}: stored {have}, expected {want}")
            cursor.execute(f"DROP TABLE {qn(temp)}")
    if more:
        problems.append(f"… and {more} more difference(s)")
    return problems
