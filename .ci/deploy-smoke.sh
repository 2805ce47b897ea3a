#!/usr/bin/env bash
# Deployment smoke test: the production stack of deploy/ on 127.0.0.1, exercised from the outside.
#
#   bash .ci/deploy-smoke.sh          (run by .ci/run as its last phase; as root it apt-get installs nginx)
#
# Starts a fresh PostgreSQL cluster and Redis (.ci/pg.sh, .ci/redis.sh), gunicorn with xinfang/gunicorn_conf.py
# (XINFANG_DEBUG=0, a generated secret) and nginx with deploy/nginx/xinfang.conf — the shipped file, with only its
# host, ports and paths rewritten — behind a self-signed certificate. Then, through nginx over HTTPS: submits
# petitions, tracks them, adds an attachment as the petitioner and downloads it as staff (X-Accel-Redirect after
# the visibility check), fetches a static file, checks that /media/ and the internal location are not served and
# that no log holds a 查询码; backs up with `manage.py backup` while the server runs, restores into a fresh
# database with `manage.py restore` and compares every table's row count and the media files.
# Everything runs in a temporary folder and is stopped and removed on exit. Last line: "deploy smoke: ok (…)".
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
PY="$ROOT/.venv/bin/python"
# shellcheck source=.ci/pg.sh
source "$ROOT/.ci/pg.sh"
# shellcheck source=.ci/redis.sh
source "$ROOT/.ci/redis.sh"

started=$(date +%s)
step() { printf '[deploy +%ss] %s\n' "$(($(date +%s) - started))" "$*"; }
fail() {
    echo "deploy smoke: FAILED — $*" >&2
    exit 1
}

# ------------------------------------------------------------------------------------------ packages
need=()
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need+=(nginx)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
command -v curl >/dev/null 2>&1 || need+=(curl)
if [[ ${#need[@]} -gt 0 ]]; then
    [[ $EUID -eq 0 ]] || fail "missing ${need[*]} (and not root: install them first)"
    step "apt-get install ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
pg_install || fail "no PostgreSQL server"
redis_install || fail "no Redis server"
[[ -x "$ROOT/.venv/bin/gunicorn" ]] || make -s install
[[ -x "$ROOT/.venv/bin/gunicorn" ]] || fail "gunicorn is not in .venv (pyproject dependencies; re-lock and make install)"

# ------------------------------------------------------------------------------------------ workspace
WORK="$(mktemp -d /tmp/xinfang-deploy.XXXXXX)"
chmod 0755 "$WORK" # nginx workers (nobody when started as root) read static and media files from here
umask 022
GUNICORN_PID=""
NGINX_STARTED=0
export XINFANG_PG_ROOT="$WORK/pg" XINFANG_REDIS_ROOT="$WORK/redis"

cleanup() {
    local rc=$?
    set +e
    if [[ $NGINX_STARTED -eq 1 ]]; then
        "$NGINX" -p "$WORK/nginx/" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" -s quit 2>/dev/null
    fi
    if [[ -n "$GUNICORN_PID" ]] && kill -0 "$GUNICORN_PID" 2>/dev/null; then
        kill -TERM "$GUNICORN_PID"
        for _ in $(seq 1 100); do
            kill -0 "$GUNICORN_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$GUNICORN_PID" 2>/dev/null
    fi
    pg_stop
    redis_stop
    if [[ $rc -ne 0 ]]; then
        for log in "$WORK"/gunicorn-error.log "$WORK"/nginx/error.log; do
            [[ -s "$log" ]] && { echo "--- last lines of $log" >&2; tail -n 30 "$log" >&2; }
        done
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (: </dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
free_port() {
    local port=$1
    while ! port_free "$port"; do
        port=$((port + 1))
    done
    echo "$port"
}

# ------------------------------------------------------------------------------------------ services
step "PostgreSQL and Redis"
pg_start deploy 5491 fsync=off synchronous_commit=off full_page_writes=off max_connections=40 || fail "PostgreSQL did not start"
pg_create_db xinfang xinfang
pg_psql -d postgres -c 'CREATE DATABASE xinfang_restored OWNER xinfang' >/dev/null
redis_start deploy 6491 || fail "Redis did not start"

export DATABASE_URL XINFANG_REDIS_URL
DATABASE_URL="$(pg_url xinfang xinfang)"
RESTORED_URL="$(pg_url xinfang xinfang_restored)"
XINFANG_REDIS_URL="$(redis_url 0)"
export XINFANG_DEBUG=0 XINFANG_ALLOWED_HOSTS=127.0.0.1 XINFANG_CELERY_EAGER=0
XINFANG_SECRET_KEY="$(openssl rand -base64 48 | tr -d '\n')"
export XINFANG_SECRET_KEY
# Personal data at rest: a Fernet key (32 random bytes, url-safe base64) and the keyed-hash key.
XINFANG_FIELD_KEYS="$(openssl rand -base64 32 | tr '+/' '-_' | tr -d '\n')"
XINFANG_HASH_KEY="$(openssl rand -hex 32)"
export XINFANG_FIELD_KEYS XINFANG_HASH_KEY
export XINFANG_STATIC_ROOT="$WORK/static" XINFANG_MEDIA_ROOT="$WORK/media"
export XINFANG_ACCEL_REDIRECT_PREFIX=/_protected/media/ XINFANG_TRUSTED_PROXIES=127.0.0.1
unset DJANGO_ALLOW_ASYNC_UNSAFE XINFANG_REQUIRE_REDIS
mkdir -p "$XINFANG_MEDIA_ROOT"

step "manage.py check --deploy"
"$PY" manage.py check --deploy --fail-level WARNING
step "migrate"
"$PY" manage.py migrate --noinput >/dev/null
step "collectstatic"
"$PY" manage.py collectstatic --noinput >/dev/null
# The demo's unit tree, staff accounts and 10 petitions; not the whole `load_demo` (its desks take half a minute).
step "demo units, staff and 10 petitions"
"$PY" manage.py shell -c "
from xinfang.orgs.demo import build_demo_tree, create_demo_staff
from xinfang.petitions.demo import build_demo_petitions
tree = build_demo_tree()
create_demo_staff(tree)
build_demo_petitions(tree, count=10)
"

WEB_PORT="$(free_port 8491)"
HTTP_PORT="$(free_port 8591)"
HTTPS_PORT="$(free_port 8691)"
[[ $HTTP_PORT != "$WEB_PORT" && $HTTPS_PORT != "$HTTP_PORT" ]] || fail "could not find three free ports"

step "gunicorn on 127.0.0.1:$WEB_PORT"
XINFANG_WEB_BIND="127.0.0.1:$WEB_PORT" XINFANG_WEB_WORKERS=2 \
    XINFANG_WEB_ACCESS_LOG="$WORK/gunicorn-access.log" XINFANG_WEB_ERROR_LOG="$WORK/gunicorn-error.log" \
    "$ROOT/.venv/bin/gunicorn" -c python:xinfang.gunicorn_conf xinfang.wsgi:application &
GUNICORN_PID=$!

step "nginx on 127.0.0.1:$HTTP_PORT (http) and :$HTTPS_PORT (https), self-signed certificate"
mkdir -p "$WORK/nginx/tmp" "$WORK/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$WORK/tls/privkey.pem" -out "$WORK/tls/fullchain.pem" 2>/dev/null
# The shipped site with only host, ports and paths rewritten; anything left pointing at the real machine fails.
sed -e "s#listen 80;#listen 127.0.0.1:$HTTP_PORT;#" \
    -e "s#listen 443 ssl http2;#listen 127.0.0.1:$HTTPS_PORT ssl http2;#" \
    -e '/listen \[::\]/d' \
    -e "s#server_name xinfang.example.gov.cn;#server_name 127.0.0.1;#" \
    -e "s#/etc/ssl/xinfang/#$WORK/tls/#" \
    -e "s#/var/lib/xinfang/static/#$XINFANG_STATIC_ROOT/#" \
    -e "s#/var/lib/xinfang/media/#$XINFANG_MEDIA_ROOT/#" \
    -e "s#/var/log/nginx/#$WORK/nginx/#" \
    -e "s#server 127.0.0.1:8000;#server 127.0.0.1:$WEB_PORT;#" \
    "$ROOT/deploy/nginx/xinfang.conf" >"$WORK/nginx/site.conf"
if sed 's/#.*//' "$WORK/nginx/site.conf" | grep -nE '/var/lib/xinfang|/etc/ssl/xinfang|/var/log/nginx|:8000;|example\.gov\.cn|listen (80|443)'; then
    fail "deploy/nginx/xinfang.conf changed shape: the lines above were not rewritten for the test"
fi
nginx_user=""
if [[ $EUID -eq 0 ]]; then
    nginx_user="user $(id -u www-data >/dev/null 2>&1 && echo www-data || echo nobody);"
fi
cat >"$WORK/nginx/nginx.conf" <<EOF
$nginx_user
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    include $WORK/nginx/site.conf;
}
EOF
"$NGINX" -p "$WORK/nginx/" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" -t -q || fail "nginx -t"
"$NGINX" -p "$WORK/nginx/" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log"
NGINX_STARTED=1

BASE="https://127.0.0.1:$HTTPS_PORT"
CURL=(curl -k -sS --max-time 20)
for _ in $(seq 1 150); do
    code="$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/" 2>/dev/null || true)"
    [[ $code == 200 ]] && break
    kill -0 "$GUNICORN_PID" 2>/dev/null || fail "gunicorn exited"
    sleep 0.2
done
[[ $code == 200 ]] || fail "the portal home page did not answer 200 through nginx (last: $code)"

# ------------------------------------------------------------------------------------------ through nginx
json() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
expect() { # expect CODE what… — the status of the last request
    [[ $status == "$1" ]] || fail "$2: HTTP $status, expected $1: $(head -c 400 "$WORK/body")"
}
request() { # request ARGS… → $status, body in $WORK/body, headers in $WORK/headers
    status="$("${CURL[@]}" -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' "$@")"
}
header() { grep -i "^$1:" "$WORK/headers" | head -n1 | cut -d' ' -f2- | tr -d '\r'; }

step "plain HTTP is redirected to HTTPS"
status="$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$HTTP_PORT/track/?x=1")"
[[ $status == "301 https://127.0.0.1/track/?x=1" ]] || fail "http→https redirect: $status"

step "submit 3 petitions and track them"
numbers=()
codes=()
for i in 1 2 3; do
    request -X POST "$BASE/api/v1/petitions/" -H 'Content-Type: application/json' -d "{
        \"title\": \"部署冒烟测试第${i}件：小区噪音扰民\",
        \"request\": \"请求责令停止夜间施工\",
        \"facts_and_reasons\": \"每天夜里施工到凌晨两点。\",
        \"problem_division_code\": \"990101\",
        \"petitioners\": [{\"name\": \"张三\", \"phone\": \"13812345678\", \"address\": \"丽发新城3栋\"}]}"
    expect 201 "public submission $i"
    numbers+=("$(json 'd["number"]' <"$WORK/body")")
    codes+=("$(json 'd["tracking_code"]' <"$WORK/body")")
done
for i in 0 1 2; do
    request "$BASE/api/v1/track/${numbers[$i]}?code=${codes[$i]}"
    expect 200 "tracking ${numbers[$i]}"
    [[ "$(json 'd["number"]' <"$WORK/body")" == "${numbers[$i]}" ]] || fail "tracking answered another petition"
done
request "$BASE/api/v1/track/${numbers[0]}?code=${codes[1]}"
expect 404 "tracking with another petition's code"

step "attachment: the petitioner adds it, staff download it through X-Accel-Redirect"
printf '%%PDF-1.4\n%% xinfang deploy smoke %s\n' "$(date +%s%N)" >"$WORK/证据.pdf"
request -X POST "$BASE/api/v1/track/${numbers[0]}/attachments/" -F "code=${codes[0]}" -F "files=@$WORK/证据.pdf;type=application/pdf"
expect 201 "petitioner's attachment"
attachment_id="$(json 'd[0]["id"]' <"$WORK/body")"
request -X POST "$BASE/api/v1/auth/token/" -d "username=registrar&password=xinfang-demo"
expect 200 "staff token"
token="$(json 'd["token"]' <"$WORK/body")"
request -H "Authorization: Token $token" "$BASE/api/v1/petitions/${numbers[0]}/attachments/$attachment_id/"
expect 200 "staff attachment download"
cmp -s "$WORK/body" "$WORK/证据.pdf" || fail "the downloaded attachment differs from the uploaded file"
[[ "$(header Content-Type)" == application/pdf* ]] || fail "attachment Content-Type: $(header Content-Type)"
[[ "$(header Content-Disposition)" == attachment* ]] || fail "attachment Content-Disposition: $(header Content-Disposition)"
[[ -z "$(header X-Accel-Redirect)" ]] || fail "X-Accel-Redirect reached the client"
[[ "$(header Cache-Control)" == *no-store* ]] || fail "attachment Cache-Control: $(header Cache-Control)"
stored="$(cd "$XINFANG_MEDIA_ROOT" && find . -type f -name '*.pdf' | head -n1 | sed 's#^\./##')"
[[ -n $stored ]] || fail "no stored attachment under MEDIA_ROOT"
request "$BASE/media/$stored"
expect 404 "/media/ must not serve uploads"
request "$BASE/_protected/media/$stored"
expect 404 "the internal location must not answer a client"
request "$BASE/api/v1/petitions/${numbers[0]}/attachments/$attachment_id/"
[[ $status == 401 || $status == 403 ]] || fail "anonymous attachment download: HTTP $status"

step "a static file, with a long cache"
request "$BASE/"
static_path="$(grep -oE '/static/[^"'\'' ]+\.css' "$WORK/body" | head -n1)"
[[ -n $static_path ]] || fail "no stylesheet on the home page"
request "$BASE$static_path"
expect 200 "static file $static_path"
[[ "$(header Cache-Control)" == *immutable* ]] || fail "static Cache-Control: $(header Cache-Control)"
[[ "$static_path" =~ \.[0-9a-f]{12}\.css$ ]] || fail "static file name without a content hash: $static_path"

step "no 查询码 in any log"
for code in "${codes[@]}"; do
    if grep -rl -- "$code" "$WORK/gunicorn-access.log" "$WORK/gunicorn-error.log" "$WORK/nginx/"*.log 2>/dev/null; then
        fail "a tracking code is in the log file(s) above"
    fi
done
grep -q "/api/v1/track/${numbers[0]}" "$WORK/gunicorn-access.log" || fail "gunicorn's access log has no tracking request"
grep -q "/api/v1/track/${numbers[0]}" "$WORK/nginx/xinfang.access.log" || fail "nginx's access log has no tracking request"

# ------------------------------------------------------------------------------------------ backup / restore
step "backup while the server runs"
"$PY" manage.py backup --output "$WORK/backup/xinfang.tar.gz"
step "restore into a fresh database and an empty media folder"
DATABASE_URL="$RESTORED_URL" "$PY" manage.py restore "$WORK/backup/xinfang.tar.gz" --media-root "$WORK/media-restored"

counts() { # "table rows" for every table of the public schema, in one query
    pg_psql -F ' ' -d "$1" -c "
        SELECT tablename, (xpath('/row/n/text()', query_to_xml(
            format('SELECT count(*) AS n FROM public.%I', tablename), false, true, '')))[1]::text
        FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
}
counts xinfang >"$WORK/counts-live"
counts xinfang_restored >"$WORK/counts-restored"
diff "$WORK/counts-live" "$WORK/counts-restored" || fail "row counts differ between the live and the restored database"
tables="$(wc -l <"$WORK/counts-live")"
rows="$(awk '{s += $2} END {print s}' "$WORK/counts-live")"
petitions="$(grep '^petitions_petition ' "$WORK/counts-restored" | cut -d' ' -f2)"
[[ $petitions -ge 13 ]] || fail "restored petitions: $petitions (expected the demo's and 3 submitted)"
diff -r "$XINFANG_MEDIA_ROOT" "$WORK/media-restored" >/dev/null || fail "restored media differ"

step "$tables tables and $rows rows equal after restore, $(find "$WORK/media-restored" -type f | wc -l) media files"
echo "deploy smoke: ok ($(($(date +%s) - started)) s)"
