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


@pytest.fixture
def zh_templates(db: None) -> None:
    """The zh-Hans petitioner templates the data migrations seed, seeded again with the migrations' own functions
    (get_or_create): a transactional test earlier on the same xdist worker may have flushed them."""
    import importlib

    from django.apps import apps

    for name in ("0003_petitioner_templates_zh", "0005_petitioner_templates_zh_closed", "0006_petitioner_merged"):
        importlib.import_module(f"xinfang.notify.migrations.{name}").seed(apps, None)
