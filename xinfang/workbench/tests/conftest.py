"""Fixtures of the workbench tests: fast passwords, a throw-away MEDIA_ROOT, and time travel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine

TZ = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    yield


def on(day: dt.date) -> Any:
    """Travel to 10:00 in Beijing on ``day`` (time frozen)."""
    return time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=TZ), tick=False)
