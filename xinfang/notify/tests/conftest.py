from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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

    for name in (
        "0003_petitioner_templates_zh",
        "0005_petitioner_templates_zh_closed",
        "0006_petitioner_merged",
        "0008_petitioner_unmerged",
    ):
        importlib.import_module(f"xinfang.notify.migrations.{name}").seed(apps, None)


@pytest.fixture
def recording_gateway(settings: Any) -> Iterator[None]:
    """SMS through ``gateways.RecordingGateway``: what was sent is in ``gateways.SENT``, emptied first."""
    from xinfang.notify import channels
    from xinfang.notify.tests import gateways

    settings.XINFANG_SMS_GATEWAY = "xinfang.notify.tests.gateways.RecordingGateway"
    channels._gateway.cache_clear()
    gateways.SENT.clear()
    yield
    channels._gateway.cache_clear()


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Any:
    """Run a service and what it schedules after commit (the message, then its delivery)."""

    def _run(fn: Any, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return _run
