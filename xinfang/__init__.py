"""xinfang — a petition (信访) handling system."""

from xinfang.celery import app as celery_app

__all__ = ("celery_app",)
