#!/usr/bin/env bash
# `make bench`: load test on a throw-away PostgreSQL 15 cluster (see docs/benchmarks.md).
#
#   1. start PostgreSQL (.ci/pg.sh) on 127.0.0.1, tuned for this machine, and create a fresh database
#   2. migrate it and load a unit tree (manage.py generate_units, moderate size)
#   3. bench/measure.py: for each size in BENCH_SIZES, generate synthetic petitions up to that size, VACUUM
#      ANALYZE, then time online submissions (in process and through runserver) and the inbox, area and overdue
#      lists; results go to bench/results/latest.json and docs/benchmarks.md
#
# Environment: BENCH_SIZES (default "100000 1000000"), BENCH_UNITS (generate_units options), BENCH_PORT (5434),
# BENCH_SUBMISSIONS (500), BENCH_READS (50), BENCH_NO_DOC=1 to leave docs/benchmarks.md alone, BENCH_STATS=1 to add
# the statistics benchmark (bench/stats_bench.py; BENCH_STATS_ARGS for its options, e.g. "--check --runs 30"),
# BENCH_INTAKE=1 to add intake under load (bench/intake_bench.py: raw SQL ceiling vs POST /api/v1/petitions/ through
# gunicorn at 1, 4 and 8 clients, then kill -9 of the server mid-load; BENCH_INTAKE_SECONDS per level, default 20;
# BENCH_INTAKE_ARGS for its options), BENCH_INTAKE=only to run just that (no measure.py, supervision or statistics),
# BENCH_SEARCH=1 to add the search benchmark (bench/search_bench.py on the same database, after measure.py grew it;
# BENCH_SEARCH_ARGS for its options).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
# shellcheck source=../.ci/pg.sh
source "$ROOT/.ci/pg.sh"

PY="$ROOT/.venv/bin/python"
SIZES="${BENCH_SIZES:-100000 1000000}"
# About 18,000 units: 10 provinces x 8 cities x 8 counties x 10 townships, 6 departments per area.
UNITS="${BENCH_UNITS:---provinces 10 --cities-per-province 8 --counties-per-city 8 --townships-per-county 10}"
mkdir -p bench/results

echo "== [bench] PostgreSQL"
pg_install
# Sized for the 2-core, 24 GB machine; durability stays on (fsync, synchronous_commit) so that submission
# figures include the commit flush a production server pays.
pg_start bench "${BENCH_PORT:-5434}" \
    shared_buffers=4GB effective_cache_size=12GB work_mem=32MB maintenance_work_mem=1GB \
    max_wal_size=16GB checkpoint_timeout=30min random_page_cost=1.1 effective_io_concurrency=200 \
    max_connections=60 jit=off
trap pg_stop EXIT
# Superuser: the generator may then skip the foreign-key triggers while bulk loading (synthetic.py).
pg_psql -d postgres -c "CREATE ROLE xinfang_bench LOGIN SUPERUSER PASSWORD 'xinfang_bench'" >/dev/null
pg_psql -d postgres -c "CREATE DATABASE xinfang_bench OWNER xinfang_bench" >/dev/null
export DATABASE_URL
DATABASE_URL="$(pg_url xinfang_bench xinfang_bench)"
export BENCH_PG_DATA="$PG_DATA"

echo "== [bench] disk: pg_test_fsync"
"$(pg_bin_dir)/pg_test_fsync" -s 1 -f "$PG_DATA/pg_test_fsync.tmp" >bench/results/pg_test_fsync.txt 2>&1 || true
rm -f "$PG_DATA/pg_test_fsync.tmp"
grep -m1 -E '^[[:space:]]+fdatasync' bench/results/pg_test_fsync.txt || true

if [[ "${BENCH_INTAKE:-0}" != "only" ]]; then
    echo "== [bench] migrate"
    "$PY" manage.py migrate --noinput -v0

    echo "== [bench] units"
    if "$PY" manage.py help generate_units >/dev/null 2>&1; then
        # shellcheck disable=SC2086 # word splitting of the options is intended
        "$PY" manage.py generate_units $UNITS
    else
        echo "generate_units is not available: generate_petitions will create the demo tree"
    fi

    echo "== [bench] measure (sizes: $SIZES)"
    # shellcheck disable=SC2086
    PYTHONPATH="$ROOT" "$PY" bench/measure.py --sizes $SIZES

    echo "== [bench] supervision: overdue sweep and monthly bulletin (bench/supervision_bench.py)"
    PYTHONPATH="$ROOT" "$PY" bench/supervision_bench.py

    if [[ "${BENCH_SEARCH:-0}" == "1" ]]; then
        echo "== [bench] search: full text, phrase and 编号 (bench/search_bench.py, sizes: $SIZES)"
        # shellcheck disable=SC2086
        PYTHONPATH="$ROOT" "$PY" bench/search_bench.py --sizes $SIZES ${BENCH_SEARCH_ARGS:-}
    fi
fi

if [[ "${BENCH_STATS:-0}" == "1" && "${BENCH_INTAKE:-0}" != "only" ]]; then
    # Statistics (bench/stats_bench.py): its own database, grown from zero to each size with ratings and
    # categories, then `stats rebuild` (timed) and the stats API; results to docs/benchmarks.md ("Statistics").
    echo "== [bench] statistics: rollup rebuild and KPI API (bench/stats_bench.py, sizes: $SIZES)"
    pg_psql -d postgres -c "CREATE DATABASE xinfang_bench_stats OWNER xinfang_bench" >/dev/null
    DATABASE_URL="$(pg_url xinfang_bench xinfang_bench_stats)" "$PY" manage.py migrate --noinput -v0
    # shellcheck disable=SC2086 # word splitting of the options is intended
    DATABASE_URL="$(pg_url xinfang_bench xinfang_bench_stats)" "$PY" manage.py generate_units $UNITS
    # shellcheck disable=SC2086
    DATABASE_URL="$(pg_url xinfang_bench xinfang_bench_stats)" PYTHONPATH="$ROOT" "$PY" bench/stats_bench.py \
        --sizes $SIZES ${BENCH_STATS_ARGS:-}
fi

if [[ "${BENCH_INTAKE:-0}" == "1" || "${BENCH_INTAKE:-0}" == "only" ]]; then
    # Intake under load (bench/intake_bench.py): its own database with the unit tree and no petitions, gunicorn
    # with xinfang/gunicorn_conf.py (DEBUG off, generated secret and keys); results to docs/benchmarks.md
    # ("Intake under load") and bench/results/intake.json.
    echo "== [bench] intake under load: raw SQL vs the API through gunicorn, kill -9 (bench/intake_bench.py)"
    pg_psql -d postgres -c "CREATE DATABASE xinfang_bench_intake OWNER xinfang_bench" >/dev/null
    DATABASE_URL="$(pg_url xinfang_bench xinfang_bench_intake)" "$PY" manage.py migrate --noinput -v0
    # shellcheck disable=SC2086 # word splitting of the options is intended
    DATABASE_URL="$(pg_url xinfang_bench xinfang_bench_intake)" "$PY" manage.py generate_units $UNITS
    # shellcheck disable=SC2086
    DATABASE_URL="$(pg_url xinfang_bench xinfang_bench_intake)" PYTHONPATH="$ROOT" "$PY" bench/intake_bench.py \
        ${BENCH_INTAKE_ARGS:-}
fi
