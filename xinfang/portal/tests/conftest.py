"""Fixtures of the portal tests: fresh throttles, a temporary MEDIA_ROOT, an online petition, citizens."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.cache import cache

from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.portal.tests.helpers import MARCH_2, register_online


@pytest.fixture(autouse=True)
def _fresh(settings: Any, tmp_path: Any) -> Any:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    cache.clear()  # the throttle counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def online(tree: Any) -> tuple[Petition, str]:
    """An online petition received by A1区信访局 on 2026-03-02, and its 查询码."""
    with time_machine.travel(MARCH_2, tick=False):
        return register_online(tree)


@pytest.fixture
def citizen(db: None) -> User:
    return User.objects.create_user(username="citizen_a", password="pw-xinfang-test")


@pytest.fixture
def other_citizen(db: None) -> User:
    return User.objects.create_user(username="citizen_b", password="pw-xinfang-test")
