"""Model building blocks shared by every domain."""

from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnly(models.Model):
    """A record that is only ever inserted: timelines, logs, progress notes. Saving again or deleting raises."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise RuntimeError(f"{type(self).__name__} rows are immutable (append-only)")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError(f"{type(self).__name__} rows are immutable (append-only)")
