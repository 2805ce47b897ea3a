from __future__ import annotations

from collections.abc import Iterator

import pytest

from xinfang.celery import app as celery_app


@pytest.fixture(autouse=True)
def _eager_tasks() -> Iterator[None]:
    """These tests run tasks in-process whatever the environment (the real-worker test switches explicitly)."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved
