#!/usr/bin/env bash
# The supervision benchmark on its own (bench/run.sh runs it too, after measure.py, on its database):
# a throw-away PostgreSQL 15 cluster, the bench unit tree, BENCH_SIZE synthetic petitions (default 1,000,000),
# then bench/supervision_bench.py (overdue sweep, monthly bulletin) → bench/results/supervision.json and the
# "## Supervision" section of docs/benchmarks.md.
#
#   bash bench/supervision.sh                      # 1,000,000 petitions (the load takes 10–15 minutes)
#   BENCH_SIZE=100000 bash bench/supervision.sh    # a quicker run
#
# Environment: BENCH_SIZE, BENCH_UNITS (generate_units options), BENCH_SV_PORT (5436), BENCH_NO_DOC=1.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
# shellcheck source=../.ci/pg.sh
source "$ROOT/.ci/pg.sh"

PY="$ROOT/.venv/bin/python"
SIZE="${BENCH_SIZE:-1000000}"
UNITS="${BENCH_UNITS:---provinces 10 --cities-per-province 8 --counties-per-city 8 --townships-per-county 10}"
mkdir -p bench/results

echo "== [bench:supervision] PostgreSQL"
pg_install
pg_start bench_supervision "${BENCH_SV_PORT:-5436}" \
    shared_buffers=4GB effective_cache_size=12GB work_mem=32MB maintenance_work_mem=1GB \
    max_wal_size=16GB checkpoint_timeout=30min random_page_cost=1.1 effective_io_concurrency=200 \
    max_connections=60 jit=off
trap pg_stop EXIT
pg_psql -d postgres -c "CREATE ROLE xinfang_bench LOGIN SUPERUSER PASSWORD 'xinfang_bench'" >/dev/null
pg_psql -d postgres -c "CREATE DATABASE xinfang_bench OWNER xinfang_bench" >/dev/null
export DATABASE_URL
DATABASE_URL="$(pg_url xinfang_bench xinfang_bench)"

echo "== [bench:supervision] migrate and units"
"$PY" manage.py migrate --noinput -v0
# shellcheck disable=SC2086 # word splitting of the options is intended
"$PY" manage.py generate_units $UNITS

echo "== [bench:supervision] $SIZE petitions, sweep and bulletin"
PYTHONPATH="$ROOT" "$PY" bench/supervision_bench.py --size "$SIZE"
