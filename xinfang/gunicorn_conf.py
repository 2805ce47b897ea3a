"""gunicorn configuration of the production web server: ``gunicorn -c python:xinfang.gunicorn_conf``.

Every value can be overridden from the environment (``XINFANG_WEB_*``, see docs/deployment.md); a bad value stops
start-up naming the variable, like the Django settings. The server sits behind nginx (deploy/nginx/xinfang.conf):
nginx terminates TLS, buffers slow clients and sends static files and attachments, so gunicorn runs plain sync
workers that each hold one persistent database connection (``CONN_MAX_AGE``).

The access log never carries a query string, a referrer or a request body: the tracking URL of the API is
``/api/v1/track/<编号>?code=<查询码>``, and a 查询码 in a log would let anyone who reads the log follow the petition.
"""

from __future__ import annotations

import os

from xinfang.settings import SettingsError, env_int

#: Upper bound of the default worker count: more sync workers than this on one machine only add memory and
#: database connections (each holds one); raise XINFANG_WEB_WORKERS explicitly for a bigger host.
MAX_DEFAULT_WORKERS = 12


def available_cpus() -> int:
    """CPUs this process may run on (the container's or cgroup's share where the OS reports it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def default_workers(cpus: int) -> int:
    """gunicorn's rule of thumb, 2 × cores + 1, capped at :data:`MAX_DEFAULT_WORKERS`."""
    return min(2 * cpus + 1, MAX_DEFAULT_WORKERS)


def _env_str(name: str, default: str) -> str:
    return os.environ.get(name, "").strip() or default


# Method, path and protocol — never %(r)s (the raw request line) nor %(q)s (query string) nor %(f)s (referrer,
# which repeats the previous page's query string). The client address is nginx's X-Forwarded-For.
ACCESS_LOG_FORMAT = '%({x-forwarded-for}i)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'

bind = [_env_str("XINFANG_WEB_BIND", "127.0.0.1:8000")]
workers = env_int("XINFANG_WEB_WORKERS", default_workers(available_cpus()), minimum=1)
worker_class = "sync"
# A request that takes longer than this is killed (its transaction rolls back); the slowest pages (.docx, .xlsx
# bulletins) take well under a second.
timeout = env_int("XINFANG_WEB_TIMEOUT", 30, minimum=1)
graceful_timeout = env_int("XINFANG_WEB_GRACEFUL_TIMEOUT", 30, minimum=1)
# nginx keeps upstream connections open (keepalive in the upstream block); close idle ones a little later.
keepalive = env_int("XINFANG_WEB_KEEPALIVE", 5, minimum=0)
# Recycle workers now and then so a slow leak cannot grow forever; the jitter keeps them from restarting at once.
max_requests = env_int("XINFANG_WEB_MAX_REQUESTS", 2000, minimum=0)
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's documented choice
# Only nginx on this machine may set X-Forwarded-* for gunicorn itself.
forwarded_allow_ips = _env_str("XINFANG_WEB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Request line and headers: a URL longer than this is no petition page; nginx enforces the body size.
limit_request_line = 8190

accesslog = _env_str("XINFANG_WEB_ACCESS_LOG", "-")
errorlog = _env_str("XINFANG_WEB_ERROR_LOG", "-")
loglevel = _env_str("XINFANG_WEB_LOG_LEVEL", "info")
access_log_format = ACCESS_LOG_FORMAT
proc_name = "xinfang"
# gunicorn ≥ 25 opens a control socket (for `gunicornc`) in $XDG_RUNTIME_DIR or $HOME by default. systemd's signals
# (reload = HUP, stop = TERM) are enough; set a path here to have the socket.
control_socket = _env_str("XINFANG_WEB_CONTROL_SOCKET", "")
control_socket_disable = not control_socket

if loglevel not in {"debug", "info", "warning", "error", "critical"}:
    raise SettingsError(f"XINFANG_WEB_LOG_LEVEL={loglevel!r}: expected debug, info, warning, error or critical")


def post_worker_init(worker: object) -> None:
    """Load the word-segmentation dictionary before the worker takes requests: the search index segments every
    submission (xinfang.search), and jieba otherwise loads it lazily on a worker's first petition — seconds for
    the citizen who happens to submit it, again after every restart or recycle."""
    import gc

    import jieba

    jieba.initialize()
    # The application and the dictionary are loaded now and live as long as the worker: leave them out of every
    # later collection. A full collection of them took 200–370 ms on a 2-core machine and fell on whichever
    # request crossed the threshold (docs/benchmarks.md, Statistics: the worst p95 of the unit ranking).
    gc.freeze()
