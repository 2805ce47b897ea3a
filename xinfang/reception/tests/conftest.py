"""Fixtures of the reception tests (builders in ``helpers``)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from conftest import Personas, Tree
from xinfang.reception.tests.helpers import Desk, make_desk


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()  # throttles and the calendar cache start afresh


@pytest.fixture
def desk(tree: Tree, personas: Personas) -> Desk:
    return make_desk(tree, personas)
