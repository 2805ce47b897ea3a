"""Production settings pass Django's deployment checks, and bad settings fail loudly at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # The browser tests lift Django's async guard for their session; a deployment never has it set.
    full_env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"} | env
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, check=False
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        XINFANG_DEBUG="0",
        XINFANG_SECRET_KEY="x" * 64 + "-production-like-secret-for-the-check",
        XINFANG_FIELD_KEYS="YmVuY2gtb25seS1maWVsZC1rZXktbm90LXNlY3JldCE=",  # a valid Fernet key (test only)
        XINFANG_HASH_KEY="h" * 48,
        XINFANG_ALLOWED_HOSTS="xinfang.example.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_secret_in_production_stops_start_up_naming_the_variable():
    result = _manage("check", XINFANG_DEBUG="0", XINFANG_SECRET_KEY="")
    assert result.returncode != 0
    assert "XINFANG_SECRET_KEY" in result.stderr


def test_malformed_integer_setting_names_the_variable():
    result = _manage("check", XINFANG_DUE_SOON_DAYS="three")
    assert result.returncode != 0
    assert "XINFANG_DUE_SOON_DAYS" in result.stderr
