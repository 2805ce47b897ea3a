from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    # Test transactions roll back without post_delete signals, so a calendar cached by one test would
    # otherwise leak its overrides into the next.
    cache.clear()
    yield
    cache.clear()
