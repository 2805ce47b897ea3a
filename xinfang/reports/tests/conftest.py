"""Fixtures of the reports tests: the shared tree and personas, an analyst of A1区信访局 and a leader above it."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import make_user
from xinfang.orgs.models import Role


@pytest.fixture
def analyst(personas: Any, tree: Any) -> Any:
    return make_user("analyst_a", tree.county_dept, Role.ANALYST, full_name="钱分析")


@pytest.fixture
def dept_head(personas: Any, tree: Any) -> Any:
    return make_user("dept_head_a", tree.county_dept, Role.HEAD, full_name="何主任")


@pytest.fixture
def county_leader(personas: Any, tree: Any) -> Any:
    return make_user("county_leader_r", tree.county, Role.LEADER, full_name="林书记")
