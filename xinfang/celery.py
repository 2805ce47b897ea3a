"""The Celery application of xinfang: ``celery -A xinfang worker`` and ``celery -A xinfang beat``.

Configuration comes from Django settings with the ``CELERY_`` prefix. Without ``XINFANG_REDIS_URL`` tasks run
eagerly, in-process (the embedded default). The beat schedule is the union of the ``SCHEDULE`` dicts of every
``xinfang.<app>.tasks`` module; it is filled in when Django's apps are ready (see ``xinfang.jobs``).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")

app = Celery("xinfang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
