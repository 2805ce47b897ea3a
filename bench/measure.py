"""Benchmark measurements, run by bench/run.sh against its own PostgreSQL database (DATABASE_URL).

For each size in ``--sizes`` (petitions in the database):

1. generate synthetic petitions up to that size (``xinfang.petitions.synthetic``), then VACUUM ANALYZE;
2. online submissions, ``POST /api/v1/petitions/`` without an account, (a) in process with Django's test
   ``Client`` and (b) through ``manage.py runserver`` with a few client threads using urllib;
3. latency of the staff lists, each after a warm-up, in process and through the server:
   ``GET /api/v1/petitions/?box=inbox`` as a handler of the unit holding the most petitions,
   ``GET /api/v1/petitions/?box=visible`` as a supervisor of the busiest city-level 信访局,
   ``GET /api/v1/clocks/overdue/`` as both;
4. EXPLAIN (ANALYZE, BUFFERS) of the slowest SQL statement of each list.

Throttling is disabled by setting the public rates very high (XINFANG_THROTTLE_*), DEBUG is off. Results go to
bench/results/latest.json and to the generated part of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
BENCH_ENV = {
    # The public rates are the throttles' settings: a rate nobody reaches disables throttling for the run.
    "XINFANG_THROTTLE_SUBMIT": "100000000/second",
    "XINFANG_THROTTLE_TRACK": "100000000/second",
    "XINFANG_DEBUG": "0",  # DEBUG keeps every SQL statement in memory and is not what production runs
    "XINFANG_SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    # Personal data at rest (xinfang.core.crypto): bench-only keys, required with DEBUG off.
    "XINFANG_FIELD_KEYS": "YmVuY2gtb25seS1maWVsZC1rZXktbm90LXNlY3JldCE=",
    "XINFANG_HASH_KEY": "bench-only-hash-key-0123456789abcdefghijklmnop",
    "XINFANG_SSL_REDIRECT": "0",
    "XINFANG_LOG_LEVEL": "ERROR",
}
os.environ.update(BENCH_ENV)
if "DATABASE_URL" not in os.environ:
    sys.exit("DATABASE_URL is not set: run bench/run.sh (make bench)")

import django  # noqa: E402 - settings come from the environment set above

django.setup()

from benchenv import submission_payload  # noqa: E402 - bench/ is the script's folder
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from xinfang.orgs.models import Level, Role, StaffRole, Unit, UnitType, User, path_upper_bound  # noqa: E402
from xinfang.petitions import synthetic  # noqa: E402
from xinfang.petitions.models import Clock, Petition, PetitionAccess, Petitioner, PetitionEvent  # noqa: E402

SUBMIT_URL = "/api/v1/petitions/"
LISTS = {
    "inbox": "/api/v1/petitions/?box=inbox",
    "visible": "/api/v1/petitions/?box=visible",
    "overdue": "/api/v1/clocks/overdue/",
    "due_soon": "/api/v1/clocks/due-soon/",
    "search": "/api/v1/petitions/?box=visible&q=%E6%8B%96%E6%AC%A0",  # 拖欠 (wage arrears), in many titles
}


def log(message: str) -> None:
    print(f"[{dt.datetime.now():%H:%M:%S}] {message}", flush=True)  # noqa: DTZ005 - wall clock for the log


def stats(samples_ms: list[float]) -> dict[str, Any]:
    if not samples_ms:
        return {"n": 0}
    ordered = sorted(samples_ms)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(p95, 1),
        "mean_ms": round(statistics.fmean(ordered), 1),
        "max_ms": round(ordered[-1], 1),
    }


# --- the machine -----------------------------------------------------------------------------------------------


def run_text(*cmd: str) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT).stdout.strip()  # noqa: S603
    except OSError:
        return ""


def machine() -> dict[str, Any]:
    cpu = ""
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0]
        settings_ = {}
        for name in ("shared_buffers", "work_mem", "effective_cache_size", "max_wal_size", "fsync"):
            cursor.execute(f"SHOW {name}")
            settings_[name] = cursor.fetchone()[0]
    fsync = ""
    fsync_file = Path(os.environ.get("BENCH_FSYNC_FILE", ROOT / "bench" / "results" / "pg_test_fsync.txt"))
    if fsync_file.exists():
        for line in fsync_file.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("fdatasync"):
                fsync = " ".join(line.split()[1:])  # the first table: one 8kB write
                break
    return {
        "fdatasync": fsync,
        "nproc": run_text("nproc") or str(os.cpu_count()),
        "cpu": cpu,
        "free_h": run_text("free", "-h"),
        "postgresql": pg_version,
        "postgresql_settings": settings_,
        "python": sys.version.split()[0],
        "django": django.get_version(),
        "commit": run_text("git", "rev-parse", "--short", "HEAD"),
        "dirty": bool(run_text("git", "status", "--porcelain", "--untracked-files=no")),
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


# --- data ------------------------------------------------------------------------------------------------------


def grow_to(size: int, *, checked: bool) -> dict[str, Any] | None:
    current = Petition.objects.count()
    if current >= size:
        return None
    n = size - current
    log(f"generating {n:,} petitions ({current:,} → {size:,})")
    skip = synthetic.is_superuser() and not checked
    last = [0.0]

    def progress(result: synthetic.GenerationResult) -> None:
        if result.seconds - last[0] >= 30 or result.petitions == n:
            last[0] = result.seconds
            log(f"  {result.petitions:,} in {result.seconds:.0f} s ({result.per_second:,.0f}/s)")

    result = synthetic.generate_petitions(n, seed=size, skip_fk_checks=skip, progress=progress)
    return {
        "petitions": result.petitions,
        "rows": result.rows,
        "seconds": round(result.seconds, 1),
        "per_second": round(result.per_second),
        "foreign_key_checks": not skip,
        "units": result.units,
    }


def vacuum_analyze() -> float:
    """VACUUM ANALYZE the loaded tables (what autovacuum would reach), then CHECKPOINT.

    The checkpoint writes out the load's dirty pages now, so that they do not compete with the commits timed next.
    """
    started = time.monotonic()
    with connection.cursor() as cursor:
        for model in (Petition, Petitioner, PetitionAccess, Clock, PetitionEvent):
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
        if synthetic.is_superuser():
            cursor.execute("CHECKPOINT")
    return round(time.monotonic() - started, 1)


def table_sizes() -> dict[str, Any]:
    out: dict[str, Any] = {}
    with connection.cursor() as cursor:
        for model in (Petition, Petitioner, PetitionAccess, Clock, PetitionEvent):
            table = model._meta.db_table
            cursor.execute(
                "SELECT reltuples::bigint, pg_size_pretty(pg_total_relation_size(oid)) FROM pg_class WHERE relname=%s",
                [table],
            )
            rows, size = cursor.fetchone()
            out[table] = {"rows": rows, "total_size": size}
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        out["database"] = cursor.fetchone()[0]
    return out


def staff(username: str, unit: Unit, role: str) -> tuple[User, str]:
    user, created = User.objects.get_or_create(username=username, defaults={"unit": unit, "full_name": username})
    if created:
        StaffRole.objects.create(user=user, role=role)
    _instance, token = AuthToken.objects.create(user=user)  # knox: only a digest is stored; the key is shown once
    return user, token


def _busiest_dept(level: str) -> tuple[Unit | None, int]:
    """The 信访部门 of ``level`` whose area (scope) has the most access rows, and that count."""
    best: tuple[Unit | None, int] = (None, -1)
    for dept in Unit.objects.filter(level=level, unit_type=UnitType.PETITION_DEPT)[:400]:
        scope = dept.scope_path
        qs = PetitionAccess.objects.filter(unit_path__gte=scope)
        upper = path_upper_bound(scope)
        if upper:
            qs = qs.filter(unit_path__lt=upper)
        n = qs.count()
        if n > best[1]:
            best = (dept, n)
    return best


def personas() -> dict[str, Any]:
    """A handler of the unit holding the most petitions and supervisors of the busiest 信访局 of each level."""
    top = Petition.objects.values("current_unit").annotate(n=Count("id")).order_by("-n").first()
    assert top is not None
    busy = Unit.objects.get(pk=top["current_unit"])
    out: dict[str, Any] = {"busy_unit": {"id": busy.pk, "name": busy.name, "petitions_held": top["n"]}, "tokens": {}}
    _, out["tokens"]["handler"] = staff(f"bench_handler_{busy.pk}", busy, Role.HANDLER)
    for key, level in (("city_dept", Level.CITY), ("province_dept", Level.PROVINCE), ("national_dept", Level.NATIONAL)):
        dept, n = _busiest_dept(level)
        if dept is None:
            continue
        out[key] = {"id": dept.pk, "name": dept.name, "access_rows_in_scope": n}
        _, out["tokens"][key] = staff(f"bench_supervisor_{dept.pk}", dept, Role.SUPERVISOR)
    if "city_dept" not in out:  # a tree without cities: the busy unit's own view stands in
        out["city_dept"] = {"id": busy.pk, "name": busy.name, "access_rows_in_scope": 0}
        out["tokens"]["city_dept"] = out["tokens"]["handler"]
    return out


class Submissions:
    """Valid online submissions addressed by 问题属地 to a county (or any) 信访部门."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        depts = Unit.objects.filter(unit_type=UnitType.PETITION_DEPT, is_active=True)
        codes = list(depts.filter(level=Level.COUNTY).values_list("division_code", flat=True)[:5000])
        self.codes = codes or list(depts.values_list("division_code", flat=True)[:5000])

    def payload(self) -> bytes:
        return submission_payload(self.rng, self.rng.choice(self.codes))


# --- in process ------------------------------------------------------------------------------------------------


def submit_in_process(n: int, gen: Submissions, *, synchronous_commit: bool = True) -> dict[str, Any]:
    """``n`` submissions one after the other; without ``synchronous_commit`` commits do not wait for the disk."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET synchronous_commit = {'on' if synchronous_commit else 'off'}")
    client = Client()
    samples: list[float] = []
    failures = 0
    started = time.perf_counter()
    for _ in range(n):
        t = time.perf_counter()
        response = client.post(SUBMIT_URL, data=gen.payload(), content_type="application/json")
        samples.append((time.perf_counter() - t) * 1000)
        if response.status_code != 201:
            failures += 1
            if failures == 1:
                log(f"  submission failed: {response.status_code} {response.content[:300]!r}")
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("RESET synchronous_commit")
    return {"requests": n, "failures": failures, "per_second": round(n / elapsed, 1), **stats(samples)}


def read_in_process(path: str, token: str, n: int, warmup: int) -> dict[str, Any]:
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    for _ in range(warmup):
        client.get(path)
    samples: list[float] = []
    status: set[int] = set()
    results = 0
    size = 0
    for _ in range(n):
        t = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - t) * 1000)
        status.add(response.status_code)
        if response.status_code == 200:
            size = len(response.content)
            results = len(response.json().get("results", []))
    return {"status": sorted(status), "results_on_page": results, "bytes": size, **stats(samples)}


def explain(path: str, token: str) -> dict[str, Any]:
    """The slowest SQL statement of one request, and its EXPLAIN (ANALYZE, BUFFERS)."""
    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    if not ctx.captured_queries:
        return {}
    slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]))
    sql = slowest["sql"]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {"queries": len(ctx.captured_queries), "slowest_ms": float(slowest["time"]) * 1000, "sql": sql, "plan": plan}


# --- through a server ------------------------------------------------------------------------------------------


class Server:
    """``manage.py runserver --noreload`` on a free loopback port, stopped by ``stop``."""

    def __init__(self, log_path: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env={**os.environ, **BENCH_ENV},
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"runserver exited with {self.proc.returncode}; see {log_path}")
            try:
                with urllib.request.urlopen(f"{self.base}/api/v1/categories/", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError("runserver did not answer within 60 s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def request(self, path: str, *, data: bytes | None = None, token: str = "") -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        req = urllib.request.Request(self.base + path, data=data, headers=headers, method="POST" if data else "GET")  # noqa: S310
        try:
            with urllib.request.urlopen(req, timeout=60) as r:  # noqa: S310 - loopback only
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()


def submit_server(server: Server, n: int, clients: int, gen: Submissions) -> dict[str, Any]:
    payloads = [gen.payload() for _ in range(n)]
    samples: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()

    def worker(mine: list[bytes]) -> None:
        for body in mine:
            t = time.perf_counter()
            status, _ = server.request(SUBMIT_URL, data=body)
            ms = (time.perf_counter() - t) * 1000
            with lock:
                samples.append(ms)
                if status != 201:
                    failures.append(status)

    threads = [threading.Thread(target=worker, args=(payloads[i::clients],)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": n,
        "clients": clients,
        "failures": len(failures),
        "failure_statuses": sorted(set(failures)),
        "per_second": round(n / elapsed, 1),
        **stats(samples),
    }


def read_server(server: Server, path: str, token: str, n: int, warmup: int) -> dict[str, Any]:
    for _ in range(warmup):
        server.request(path, token=token)
    samples: list[float] = []
    status: set[int] = set()
    for _ in range(n):
        t = time.perf_counter()
        code, _ = server.request(path, token=token)
        samples.append((time.perf_counter() - t) * 1000)
        status.add(code)
    return {"status": sorted(status), **stats(samples)}


# --- one size --------------------------------------------------------------------------------------------------


def measure_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"target": size, "load_before": os.getloadavg()[0]}
    out["generate"] = grow_to(size, checked=args.checked_load)
    log("VACUUM ANALYZE")
    out["vacuum_analyze_s"] = vacuum_analyze()
    out["petitions"] = Petition.objects.count()
    out["tables"] = table_sizes()
    who = personas()
    tokens = who.pop("tokens")
    out["personas"] = who
    log(f"busy unit: {who['busy_unit']}; 信访局: {who.get('city_dept')}, {who.get('province_dept')}")
    reads = {
        "inbox (busy unit handler)": (LISTS["inbox"], tokens["handler"]),
        "visible (city 信访局 supervisor)": (LISTS["visible"], tokens["city_dept"]),
        "overdue (busy unit handler)": (LISTS["overdue"], tokens["handler"]),
        "overdue (city 信访局 supervisor)": (LISTS["overdue"], tokens["city_dept"]),
    }
    # Beyond the lists above: wider areas, the 临期 list and the title search (``q``), which scans.
    for key, label in (("province_dept", "province"), ("national_dept", "national")):
        if key in tokens:
            reads[f"visible ({label} 信访局 supervisor)"] = (LISTS["visible"], tokens[key])
            reads[f"due soon ({label} 信访局 supervisor)"] = (LISTS["due_soon"], tokens[key])
    reads["search q=拖欠 (city 信访局 supervisor)"] = (LISTS["search"], tokens["city_dept"])
    if "province_dept" in tokens:
        reads["search q=拖欠 (province 信访局 supervisor)"] = (LISTS["search"], tokens["province_dept"])
    # Looking up an old petition by its 编号 from the widest area (the OR with the title search decides the plan).
    oldest = Petition.objects.order_by("id").values_list("number", flat=True).first() or ""
    widest = tokens.get("national_dept") or tokens.get("province_dept") or tokens["city_dept"]
    reads["search q=<oldest 编号> (widest 信访局 supervisor)"] = (
        f"/api/v1/petitions/?box=visible&q={urllib.parse.quote(oldest)}",
        widest,
    )
    gen = Submissions(seed=size)

    log(f"in process: {args.submissions} submissions")
    out["submit_in_process"] = submit_in_process(args.submissions, gen)
    log(f"  {out['submit_in_process']}")
    out["submit_in_process_async_commit"] = submit_in_process(args.submissions, gen, synchronous_commit=False)
    log(f"  synchronous_commit=off: {out['submit_in_process_async_commit']}")
    out["reads_in_process"] = {}
    out["explain"] = {}
    for name, (path, token) in reads.items():
        out["reads_in_process"][name] = read_in_process(path, token, args.reads, args.warmup)
        out["explain"][name] = explain(path, token)
        log(f"  {name}: {out['reads_in_process'][name]}")

    if not args.no_server:
        log(f"runserver: {args.submissions} submissions from {args.clients} client threads")
        server = Server(ROOT / "bench" / "results" / "runserver.log")
        try:
            out["submit_server"] = submit_server(server, args.submissions, args.clients, gen)
            log(f"  {out['submit_server']}")
            out["reads_server"] = {}
            for name, (path, token) in reads.items():
                out["reads_server"][name] = read_server(server, path, token, args.reads, args.warmup)
                log(f"  {name}: {out['reads_server'][name]}")
        finally:
            server.stop()
    out["load_after"] = os.getloadavg()[0]
    return out


# --- report ----------------------------------------------------------------------------------------------------

START = "<!-- bench:start (generated by bench/measure.py; edits between the markers are overwritten) -->"
END = "<!-- bench:end -->"
HISTORY = "<!-- bench:history -->"


def _cell(r: dict[str, Any] | None) -> str:
    if not r or not r.get("n"):
        return "–"
    return f"{r['p50_ms']:.0f} / {r['p95_ms']:.0f}"


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        f"### Latest run: {m['date']} (commit {m['commit']}{', uncommitted changes' if m['dirty'] else ''})",
        "",
        f"- Machine: {m['nproc']} cores, {m['cpu']}; memory (`free -h`):",
        "",
        "  ```",
        *[f"  {line}" for line in m["free_h"].splitlines()],
        "  ```",
        "",
        f"- {m['postgresql'].split(' on ')[0]} on the same machine (loopback), "
        + ", ".join(f"{k}={v}" for k, v in m["postgresql_settings"].items()),
        f"- Disk: `pg_test_fsync` fdatasync of one 8 kB write: {m.get('fdatasync') or 'not measured'}",
        f"- Python {m['python']}, Django {m['django']}, DEBUG off, throttling off, CONN_MAX_AGE=0",
        "",
        "| Petitions | Load (petitions/s) | Submit in process (req/s; p50/p95 ms) | … with synchronous_commit=off "
        "| Submit via runserver (req/s; p50/p95 ms) | Inbox p50/p95 ms | Visible (city) p50/p95 ms "
        "| Overdue (unit) p50/p95 ms | Overdue (city) p50/p95 ms |",
        "|---:|---:|---|---|---|---|---|---|---|",
    ]
    for s in results["sizes"]:
        gen = s.get("generate") or {}
        load = f"{gen['per_second']:,}" + ("" if gen.get("foreign_key_checks") else " ¹") if gen else "–"
        sub = s["submit_in_process"]
        fast = s.get("submit_in_process_async_commit")
        srv = s.get("submit_server")
        r = s["reads_in_process"]
        lines.append(
            f"| {s['petitions']:,} | {load} | {sub['per_second']:.0f}; {_cell(sub)} | "
            + (f"{fast['per_second']:.0f}; {_cell(fast)} | " if fast else "– | ")
            + (f"{srv['per_second']:.0f}; {_cell(srv)} ({srv['clients']} clients)" if srv else "–")
            + f" | {_cell(r['inbox (busy unit handler)'])} | {_cell(r['visible (city 信访局 supervisor)'])} | "
            f"{_cell(r['overdue (busy unit handler)'])} | {_cell(r['overdue (city 信访局 supervisor)'])} |"
        )
    lines += [
        "",
        "¹ loaded without the deferred foreign-key checks (`skip_fk_checks`, superuser): see *The synthetic data*.",
        "",
        "List latencies above are in process (Django test client, no HTTP). Through runserver "
        "(one request at a time, HTTP and a new database connection per request), p50/p95 ms:",
        "",
        "| Petitions | Inbox | Visible (city) | Overdue (unit) | Overdue (city) |",
        "|---:|---|---|---|---|",
    ]
    for s in results["sizes"]:
        r = s.get("reads_server")
        if not r:
            continue
        lines.append(
            f"| {s['petitions']:,} | {_cell(r['inbox (busy unit handler)'])} | "
            f"{_cell(r['visible (city 信访局 supervisor)'])} | {_cell(r['overdue (busy unit handler)'])} | "
            f"{_cell(r['overdue (city 信访局 supervisor)'])} |"
        )
    names: list[str] = []
    for s in results["sizes"]:
        names += [n for n in s["reads_in_process"] if n not in names]
    sizes = results["sizes"]
    lines += [
        "",
        "Every list measured, in process, p50 / p95 ms (and the slowest SQL statement of one request, ms):",
        "",
        "| List | " + " | ".join(f"{s['petitions']:,} petitions" for s in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for name in names:
        cells = []
        for s in sizes:
            r = s["reads_in_process"].get(name)
            e = s["explain"].get(name) or {}
            cells.append(f"{_cell(r)} ({e['slowest_ms']:.0f})" if r and e else _cell(r))
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Per size:", ""]
    for s in results["sizes"]:
        p = s["personas"]
        t = s["tables"]
        gen = s.get("generate") or {}
        lines.append(
            f"- {s['petitions']:,} petitions (database {t['database']}; "
            + ", ".join(f"{k.removeprefix('petitions_')} {v['rows']:,} rows" for k, v in t.items() if k != "database")
            + f"); busy unit {p['busy_unit']['name']} holds {p['busy_unit']['petitions_held']:,}; "
            + "; ".join(
                f"{p[k]['name']} oversees {p[k]['access_rows_in_scope']:,} access rows"
                for k in ("city_dept", "province_dept", "national_dept")
                if k in p
            )
            + "; "
            + (f"loading {gen['petitions']:,} took {gen['seconds']} s; " if gen else "")
            + f"VACUUM ANALYZE {s['vacuum_analyze_s']} s; load average {s['load_before']:.1f} → {s['load_after']:.1f}."
        )
    slow = [
        (s["petitions"], name, e)
        for s in results["sizes"]
        for name, e in s["explain"].items()
        if e and e.get("slowest_ms", 0) >= 200
    ]
    if slow:
        lines += ["", "Query plans of statements that took 200 ms or more:", ""]
        for petitions, name, e in slow:
            lines += [
                f"<details><summary>{petitions:,} petitions, {name}: {e['slowest_ms']:.0f} ms</summary>",
                "",
                "```sql",
                e["sql"],
                "```",
                "",
                "```",
                e["plan"],
                "```",
                "",
                "</details>",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


def history_line(results: dict[str, Any]) -> str:
    m = results["machine"]
    parts = []
    for s in results["sizes"]:
        r = s["reads_in_process"]
        parts.append(
            f"{s['petitions']:,}: submit {s['submit_in_process']['per_second']:.0f}/s, "
            f"inbox p95 {r['inbox (busy unit handler)'].get('p95_ms', '–')} ms, "
            f"visible p95 {r['visible (city 信访局 supervisor)'].get('p95_ms', '–')} ms, "
            f"overdue p95 {r['overdue (city 信访局 supervisor)'].get('p95_ms', '–')} ms"
        )
    return f"- {m['date'][:16]} {m['commit']}: " + "; ".join(parts)


def update_doc(path: Path, results: dict[str, Any]) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{START}\n{END}\n\n{HISTORY}\n"
    if START not in text or END not in text:
        text += f"\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    text = f"{head}{START}\n{render(results)}{END}{tail}"
    if HISTORY not in text:
        text = text.rstrip() + f"\n\n## History\n\n{HISTORY}\n"
    text = text.rstrip() + "\n" + history_line(results) + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--submissions", type=int, default=int(os.environ.get("BENCH_SUBMISSIONS", "500")))
    parser.add_argument("--reads", type=int, default=int(os.environ.get("BENCH_READS", "50")))
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--clients", type=int, default=int(os.environ.get("BENCH_CLIENTS", "4")))
    parser.add_argument("--no-server", action="store_true", help="skip the runserver measurements")
    parser.add_argument("--checked-load", action="store_true", help="keep foreign-key checks while loading")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "latest.json")
    parser.add_argument("--doc", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("the benchmark runs on PostgreSQL (bench/run.sh starts one)")

    config = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    results: dict[str, Any] = {"machine": machine(), "config": config, "sizes": []}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for size in sorted(args.sizes):
        log(f"=== {size:,} petitions")
        results["sizes"].append(measure_size(size, args))
        results["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    log(f"results: {args.out}")
    if os.environ.get("BENCH_NO_DOC") != "1":
        update_doc(args.doc, results)
        log(f"updated {args.doc}")


if __name__ == "__main__":
    main()
