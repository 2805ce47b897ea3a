"""The production web server's configuration (xinfang/gunicorn_conf.py): sized from the CPU count, and an
access log that never records a query string — the API's tracking URL carries the 查询码 as ``?code=``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from xinfang import gunicorn_conf

ROOT = Path(__file__).resolve().parents[3]
GUNICORN = Path(sys.executable).with_name("gunicorn")


@pytest.mark.parametrize(("cpus", "workers"), [(1, 3), (2, 5), (4, 9), (5, 11), (6, 12), (64, 12)])
def test_default_workers_are_two_per_core_plus_one_capped(cpus, workers):
    assert gunicorn_conf.default_workers(cpus) == workers


def test_the_access_log_format_has_no_request_line_query_string_or_referrer():
    fmt = gunicorn_conf.ACCESS_LOG_FORMAT
    for atom in ("%(r)s", "%(q)s", "%(f)s", "{referer}i", "{query_string}e", "{raw_uri}e"):
        assert atom not in fmt
    assert "%(U)s" in fmt


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - a local http URL we built
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in this environment")
def test_a_real_server_logs_the_path_and_client_but_never_the_tracking_code(tmp_path):
    port = _free_port()
    log = tmp_path / "access.log"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | {
        "XINFANG_WEB_BIND": f"127.0.0.1:{port}",
        "XINFANG_WEB_WORKERS": "1",
        "XINFANG_WEB_ACCESS_LOG": str(log),
        "XINFANG_WEB_ERROR_LOG": str(tmp_path / "error.log"),
    }
    server = subprocess.Popen(  # noqa: S603 - our own server with a fixed argument list
        [str(GUNICORN), "-c", "python:xinfang.gunicorn_conf", "xinfang.wsgi:application"], cwd=ROOT, env=env
    )
    try:
        url = f"http://127.0.0.1:{port}/no-such-page/990101XFJ-2026-000001?code=SECRETCODE42"
        deadline = time.monotonic() + 30
        status = None
        while status is None:
            try:
                status = _get(url, {"X-Forwarded-For": "203.0.113.9", "Referer": "https://x/track?code=SECRETCODE42"})
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        assert status == 404
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = log.read_text()
    assert "/no-such-page/990101XFJ-2026-000001" in text
    assert "203.0.113.9" in text
    assert " 404 " in text
    assert "SECRETCODE42" not in text
