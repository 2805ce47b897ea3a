# shellcheck shell=bash
# A throw-away PostgreSQL server for CI and benchmarks. Source this file, then:
#
#   pg_install                      # apt-get install postgresql-15 if no server binaries are found (root only)
#   pg_start NAME PORT [SETTING…]   # fresh cluster in $XINFANG_PG_ROOT/NAME on PORT (or the next free port)
#   pg_create_db ROLE DATABASE      # a login role with CREATEDB (pytest makes test_<name>) owning DATABASE
#   pg_stop                         # fast shutdown of the cluster started by pg_start
#
# pg_start sets PG_DATA, PG_PORT and PG_LOG. Each SETTING is a "name=value" server setting (-c). The cluster is
# re-created on every start: a server left running in the same directory by an earlier, interrupted run is
# stopped first, so running a script twice on one machine works. The server listens on 127.0.0.1 only, with
# trust authentication: it is for tests and benchmarks, never for data anyone needs.
# As root the server runs as the "postgres" system user (PostgreSQL refuses to run as root).

XINFANG_PG_ROOT="${XINFANG_PG_ROOT:-/tmp/xinfang-pg}"
PG_DATA=""
PG_PORT=""
PG_LOG=""

pg_log() { echo "[pg] $*" >&2; }

pg_bin_dir() {
    local dir
    for dir in /usr/lib/postgresql/15/bin /usr/lib/postgresql/*/bin; do
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]]; then
            echo "$dir"
            return 0
        fi
    done
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
        return 0
    fi
    return 1
}

pg_install() {
    if pg_bin_dir >/dev/null && command -v psql >/dev/null 2>&1; then
        return 0
    fi
    if [[ $EUID -ne 0 ]]; then
        pg_log "PostgreSQL server binaries not found; install postgresql-15 (Debian 12: apt-get install postgresql-15)"
        return 1
    fi
    pg_log "installing postgresql-15 with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-client-15 >/dev/null
    pg_bin_dir >/dev/null
}

# Run a command as the owner of the cluster: the postgres system user when we are root, else ourselves.
_pg_as_owner() {
    if [[ $EUID -eq 0 ]]; then
        if ! id postgres >/dev/null 2>&1; then
            useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
        fi
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

_pg_port_in_use() {
    # Something answers on the TCP port, or a socket file for it exists in the shared socket directory.
    (: </dev/tcp/127.0.0.1/"$1") 2>/dev/null || [[ -e "/var/run/postgresql/.s.PGSQL.$1" ]]
}

_pg_stop_dir() {
    local data="$1" bin
    bin="$(pg_bin_dir)"
    if [[ -f "$data/postmaster.pid" ]]; then
        pg_log "stopping a server left running in $data"
        _pg_as_owner "$bin/pg_ctl" -D "$data" stop -m immediate -w -t 30 >/dev/null 2>&1 || true
        # A postmaster that no longer answers pg_ctl: end it by the pid it recorded, if that process is one.
        local pid
        pid="$(head -n1 "$data/postmaster.pid" 2>/dev/null || true)"
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q postgres "/proc/$pid/comm" 2>/dev/null; then
            kill -QUIT "$pid" 2>/dev/null || true
            sleep 1
        fi
    fi
}

pg_start() {
    local name="$1" port="$2"
    shift 2
    local bin
    bin="$(pg_bin_dir)" || { pg_log "no PostgreSQL server binaries (run pg_install)"; return 1; }
    PG_DATA="$XINFANG_PG_ROOT/$name"
    PG_LOG="$XINFANG_PG_ROOT/$name.log"

    _pg_stop_dir "$PG_DATA"
    rm -rf "$PG_DATA"
    mkdir -p "$XINFANG_PG_ROOT"
    chmod 0777 "$XINFANG_PG_ROOT" 2>/dev/null || true
    mkdir -p "$PG_DATA"
    : >"$PG_LOG"
    if [[ $EUID -eq 0 ]]; then
        _pg_as_owner true # creates the postgres user if needed
        chown postgres: "$PG_DATA" "$PG_LOG"
    fi
    chmod 0700 "$PG_DATA"

    local tries=0
    while _pg_port_in_use "$port"; do
        tries=$((tries + 1))
        if [[ $tries -gt 50 ]]; then
            pg_log "no free port found near $port"
            return 1
        fi
        pg_log "port $port is in use; trying $((port + 1))"
        port=$((port + 1))
    done
    PG_PORT="$port"

    local locale_args=(--locale=C.UTF-8)
    if ! locale -a 2>/dev/null | grep -qi '^c\.utf-\?8$'; then
        locale_args=(--no-locale)
    fi
    _pg_as_owner "$bin/initdb" -D "$PG_DATA" -U postgres -A trust -E UTF8 "${locale_args[@]}" --no-sync >/dev/null || return 1

    local opts="-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1"
    local setting
    for setting in "$@"; do
        opts+=" -c $setting"
    done
    pg_log "starting PostgreSQL ($("$bin/postgres" --version | awk '{print $3}')) in $PG_DATA on 127.0.0.1:$PG_PORT"
    if ! _pg_as_owner "$bin/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -o "$opts" -w -t 60 start >/dev/null; then
        pg_log "server did not start; last lines of $PG_LOG:"
        tail -n 20 "$PG_LOG" >&2 || true
        return 1
    fi
}

pg_psql() {
    psql -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qAt "$@"
}

pg_create_db() {
    local role="$1" db="$2"
    pg_psql -d postgres -c "CREATE ROLE \"$role\" LOGIN CREATEDB PASSWORD '$role'" >/dev/null
    pg_psql -d postgres -c "CREATE DATABASE \"$db\" OWNER \"$role\"" >/dev/null
}

pg_url() {
    local role="$1" db="$2"
    echo "postgres://$role:$role@127.0.0.1:$PG_PORT/$db"
}

pg_stop() {
    if [[ -z "$PG_DATA" || ! -f "$PG_DATA/postmaster.pid" ]]; then
        return 0
    fi
    local bin
    bin="$(pg_bin_dir)"
    pg_log "stopping PostgreSQL in $PG_DATA"
    _pg_as_owner "$bin/pg_ctl" -D "$PG_DATA" stop -m fast -w -t 60 >/dev/null 2>&1 || _pg_stop_dir "$PG_DATA"
}
