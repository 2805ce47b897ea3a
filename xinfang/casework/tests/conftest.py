from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from xinfang.orgs.models import Role, User


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def leader(tree: Any) -> User:
    """A city leader (A市人民政府): oversees everything below A市."""
    return make_user("city_leader", tree.city, Role.LEADER, full_name="陈副市长")


@pytest.fixture
def far_leader(tree: Any) -> User:
    """A leader of A2区: sees nothing of A1区 unless put in charge of a case there."""
    return make_user("a2_leader", tree.county2, Role.LEADER, full_name="林区长")
