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
from collections.abc import Iterable, Iterator
from typing import Any, cast

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from xinfang.deadlines.rules import ClockKind
from xinfang.orgs.models import ids_in_path
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
    Satisfaction,
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
_GOOD = {Satisfaction.SATISFIED, Satisfaction.BASICALLY}


def _local_day(value: dt.datetime) -> dt.date:
    return timezone.localdate(value) if timezone.is_aware(value) else value.date()


def contributions_for(ids: Iterable[int], *, new: bool = False) -> dict[int, State]:
    """{petition id: {"nodes": [[unit id, direct], …], "facts": [[*FactKey, value], …], "previous": id}}.

    ``new``: the petitions were registered in this transaction, so they have no stopped clock, rating, issued
    document or later repeat yet; those four reads are skipped (the rules below are the same either way).
    """
    ids = sorted(set(ids))
    if not ids:
        return {}
    petitions = list(
        Petition.objects.filter(pk__in=ids).values(
            "pk",
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
            "review_unit_id",
        )
    )
    nodes: dict[int, dict[int, bool]] = defaultdict(dict)
    for pid, path in PetitionAccess.objects.filter(petition_id__in=ids).values_list("petition_id", "unit_path"):
        chain = ids_in_path(path)
        for uid in chain[:-1]:
            nodes[pid].setdefault(uid, False)
        nodes[pid][chain[-1]] = True
    clocks: dict[int, list[Any]] = defaultdict(list)
    ratings: dict[int, list[Any]] = defaultdict(list)
    docs: dict[int, list[Any]] = defaultdict(list)
    linked_later: set[int] = set()
    if not new:
        for c in Clock.objects.filter(
            petition_id__in=ids, kind__in=[ClockKind.NOTICE, *HANDLE_KINDS], stopped_on__isnull=False
        ).values("petition_id", "kind", "start", "due", "stopped_on", "stop_reason"):
            clocks[c["petition_id"]].append(c)
        for r in Rating.objects.filter(petition_id__in=ids).values("petition_id", "target", "value", "created_at"):
            ratings[r["petition_id"]].append(r)
        for d in Document.objects.filter(
            petition_id__in=ids,
            status=DocumentStatus.ISSUED,
            kind__in=[DocumentKind.OPINION, *_REVIEW_KINDS],
            issued_on__isnull=False,
        ).values("petition_id", "kind", "outcome", "issued_on"):
            docs[d["petition_id"]].append(d)
        linked_later = set(
            Petition.objects.filter(previous_id__in=ids).values_list("previous_id", flat=True).distinct()
        )

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
            on_time = c["stopped_on"] <= c["due"]
            if c["kind"] == ClockKind.NOTICE:
                add("notice_stopped", c["stopped_on"])
                if on_time:
                    add("notice_on_time", c["stopped_on"])
            elif c["stop_reason"] in CLOSING_STOP_REASONS:
                add("handling_stopped", c["stopped_on"])
                add("handling_days", c["stopped_on"], (c["stopped_on"] - c["start"]).days)
                if on_time:
                    add("handling_on_time", c["stopped_on"])
        for r in ratings.get(pid, []):
            add(f"rated_{r['target']}_{r['value']}", _local_day(r["created_at"]))
        if p["reply_served_on"] is not None:
            add("replied", p["reply_served_on"])
            if ratings.get(pid):
                add("replied_rated", p["reply_served_on"])
        opinions = sorted(d["issued_on"] for d in docs.get(pid, []) if d["kind"] == DocumentKind.OPINION)
        if opinions and not p["is_repeat"]:
            add("first_time_replied", opinions[0])
            if p["review_unit_id"] is None and pid not in linked_later:
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
            "nodes": sorted([uid, direct] for uid, direct in nodes.get(pid, {}).items()),
            "facts": sorted([*k, v] for k, v in facts.items() if v),
            "previous": p["previous_id"],
        }
    return out


def expand(state: State | None) -> Iterator[tuple[RowKey, int]]:
    if not state:
        return
    for uid, direct in state.get("nodes", []):
        for *key, value in state.get("facts", []):
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


def _upsert(table_name: str, columns: str, keys: dict[Any, int], chunk: int) -> None:
    """Add {key: value} to ``table_name`` (ON CONFLICT … DO UPDATE, SQLite and PostgreSQL alike); drop zero rows.

    Every key is (node_id, direct, measure, day ISO, …the other columns in ``columns`` order)."""
    rows = [(*k[:3], dt.date.fromisoformat(k[3]), *k[4:], v) for k, v in keys.items() if v]
    if not rows:
        return
    table = connection.ops.quote_name(table_name)
    marks = ", ".join(["%s"] * (len(rows[0])))
    upsert = (
        f"INSERT INTO {table} ({columns}, value) VALUES ({marks}) "  # noqa: S608 - the table name is ours
        f"ON CONFLICT ({columns}) DO UPDATE SET value = {table}.value + excluded.value"
    )
    with connection.cursor() as cursor:
        for i in range(0, len(rows), chunk):
            cursor.executemany(upsert, rows[i : i + chunk])
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


def refresh(petition_ids: Iterable[int], *, registered: bool = False) -> None:
    """Bring the facts of these petitions up to date: apply (new − old) contributions, in the caller's transaction.

    When a petition's repeat link (``previous``) changed, the earlier petitions are refreshed too: a later repeat
    takes away their 初信初访化解. ``registered``: the petitions were inserted in this transaction (the register
    event), so no other transaction can see them to lock, and they have no stored contribution yet.
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
        new = contributions_for(ids, new=registered)
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


def _empty_rollup() -> None:
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        try:
            # TRUNCATE is refused while the transaction has pending foreign-key checks on these tables (rows
            # written earlier in it, as in tests); the DELETEs below then do the same, more slowly.
            with transaction.atomic(), connection.cursor() as cursor:
                tables = (StatFact, StatDaily, PetitionStatState)
                cursor.execute(f"TRUNCATE {', '.join(qn(m._meta.db_table) for m in tables)}")
            return
        except OperationalError:
            pass
    StatFact.objects.all().delete()
    StatDaily.objects.all().delete()
    PetitionStatState.objects.all().delete()


class _Sums:
    """Where a rebuild or a check adds up the recomputed facts before they reach ``fact_table``/``daily_table``.

    On PostgreSQL each batch is streamed with COPY into an unindexed temporary table and summed once at the end
    (``INSERT … SELECT … GROUP BY``): row-by-row upserts made a rebuild spend nine tenths of its time in ON CONFLICT
    (310 s for 20,000 petitions on the 2-core machine; docs/benchmarks.md). Elsewhere (SQLite) each batch is upserted.
    """

    STAGE = "stats_rebuild_stage"

    def __init__(self, fact_table: str, daily_table: str) -> None:
        self.fact_table, self.daily_table = fact_table, daily_table
        self.staged = connection.vendor == "postgresql"
        if self.staged:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {self.STAGE}")
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {self.STAGE} AS SELECT {_COLUMNS}, value "  # noqa: S608 - our names
                    f"FROM {connection.ops.quote_name(StatFact._meta.db_table)} WHERE 1 = 0"
                )

    def add(self, delta: dict[RowKey, int]) -> None:
        if not self.staged:
            apply_delta(delta, table_name=self.fact_table, daily_table_name=self.daily_table)
            return
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {self.STAGE} ({_COLUMNS}, value) FROM STDIN") as copy,
        ):
            for key, value in delta.items():
                if value:
                    copy.write_row((*key, value))

    def finish(self) -> None:
        """Sum the staged rows into the two (empty) tables and drop the stage."""
        if not self.staged:
            return
        with connection.cursor() as cursor:
            for table, columns in ((self.fact_table, _COLUMNS), (self.daily_table, _DAILY_COLUMNS)):
                cursor.execute(
                    f"INSERT INTO {table} ({columns}, value) SELECT {columns}, SUM(value) "  # noqa: S608 - our names
                    # In key order, so that one node's rows share heap pages (reads are per node and day range).
                    f"FROM {self.STAGE} GROUP BY {columns} HAVING SUM(value) <> 0 ORDER BY {columns}"
                )
            cursor.execute(f"DROP TABLE {self.STAGE}")


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
    is bounded by the batch, not by the table; one transaction, so readers see the old rollup until the end.
    """
    _empty_rollup()
    qn = connection.ops.quote_name
    sums = _Sums(qn(StatFact._meta.db_table), qn(StatDaily._meta.db_table))
    count = 0
    for ids in _batches(batch):
        states = contributions_for(ids)
        delta: dict[RowKey, int] = defaultdict(int)
        for state in states.values():
            _diff(None, state, delta)
        sums.add(delta)
        _store_states(states)
        count += len(ids)
    sums.finish()
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
            delta: dict[RowKey, int] = defaultdict(int)
            for pid, state in states.items():
                if stored.get(pid) != state:
                    report(f"petition {pid}: stored contribution differs from the raw rows")
                _diff(None, state, delta)
            sums.add(delta)
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
