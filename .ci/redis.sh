# shellcheck shell=bash
# A throw-away Redis server for CI: the broker of the real Celery worker test. Source this file, then:
#
#   redis_install              # apt-get install redis-server if it is missing (root only)
#   redis_start NAME PORT      # fresh server in $XINFANG_REDIS_ROOT/NAME on PORT (or the next free port)
#   redis_url [DB]             # redis://127.0.0.1:PORT/DB (DB 0 by default)
#   redis_stop                 # shut down the server started by redis_start
#
# redis_start sets REDIS_DIR, REDIS_PORT and REDIS_LOG. The server keeps nothing on disk (--save "",
# --appendonly no), listens on 127.0.0.1 only and runs daemonized with a pid file in its directory; a server
# left running in the same directory by an earlier, interrupted run is stopped first.

XINFANG_REDIS_ROOT="${XINFANG_REDIS_ROOT:-/tmp/xinfang-redis}"
REDIS_DIR=""
REDIS_PORT=""
REDIS_LOG=""

redis_log() { echo "[redis] $*" >&2; }

redis_install() {
    if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
        return 0
    fi
    if [[ $EUID -ne 0 ]]; then
        redis_log "redis-server not found; install it (Debian 12: apt-get install redis-server)"
        return 1
    fi
    redis_log "installing redis-server with apt-get"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null
}

_redis_port_in_use() {
    (: </dev/tcp/127.0.0.1/"$1") 2>/dev/null
}

_redis_stop_dir() {
    local dir="$1" pid
    [[ -f "$dir/redis.pid" ]] || return 0
    pid="$(head -n1 "$dir/redis.pid" 2>/dev/null || true)"
    # Only a process that is a redis-server, by the pid it recorded.
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && grep -q redis "/proc/$pid/comm" 2>/dev/null; then
        redis_log "stopping the server in $dir (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        local tries=0
        while kill -0 "$pid" 2>/dev/null && [[ $tries -lt 50 ]]; do
            sleep 0.1
            tries=$((tries + 1))
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$dir/redis.pid"
}

redis_start() {
    local name="$1" port="$2"
    command -v redis-server >/dev/null 2>&1 || { redis_log "no redis-server (run redis_install)"; return 1; }
    REDIS_DIR="$XINFANG_REDIS_ROOT/$name"
    REDIS_LOG="$XINFANG_REDIS_ROOT/$name.log"

    _redis_stop_dir "$REDIS_DIR"
    rm -rf "$REDIS_DIR"
    mkdir -p "$REDIS_DIR"
    : >"$REDIS_LOG"

    local tries=0
    while _redis_port_in_use "$port"; do
        tries=$((tries + 1))
        if [[ $tries -gt 50 ]]; then
            redis_log "no free port found near $port"
            return 1
        fi
        redis_log "port $port is in use; trying $((port + 1))"
        port=$((port + 1))
    done
    REDIS_PORT="$port"

    redis_log "starting Redis ($(redis-server --version | awk '{print $3}' | sed 's/^v=//')) in $REDIS_DIR on 127.0.0.1:$REDIS_PORT"
    if ! redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$REDIS_DIR" --save "" --appendonly no \
        --daemonize yes --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_LOG"; then
        redis_log "server did not start; last lines of $REDIS_LOG:"
        tail -n 20 "$REDIS_LOG" >&2 || true
        return 1
    fi
    tries=0
    until redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; do
        tries=$((tries + 1))
        if [[ $tries -gt 100 ]]; then
            redis_log "server does not answer; last lines of $REDIS_LOG:"
            tail -n 20 "$REDIS_LOG" >&2 || true
            return 1
        fi
        sleep 0.1
    done
}

redis_url() {
    echo "redis://127.0.0.1:$REDIS_PORT/${1:-0}"
}

redis_stop() {
    if [[ -z "$REDIS_DIR" || ! -f "$REDIS_DIR/redis.pid" ]]; then
        return 0
    fi
    redis_log "stopping Redis in $REDIS_DIR"
    redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    sleep 0.2
    _redis_stop_dir "$REDIS_DIR"
}
