"""Configuration read on every request, cached under a version token that the configuration's own signals replace.

Holiday overrides, local targets and petitioner message templates change a few times a year and are read by every
public submission (issue 9, intake under load). Each is cached under ``<namespace>:<name>:<version>``; saving or
deleting a row of the namespace's models sets a fresh version (``bump``), so the old entries are never read again.
With a per-process cache (the LocMem default) other worker processes never see that bump, so entries also expire:
a change shows in the process that saved it at once, everywhere within :data:`CACHE_SECONDS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast
from uuid import uuid4

from django.core.cache import cache
from django.db import transaction

CACHE_SECONDS = 300
_MISSING = object()
T = TypeVar("T")


class ConfigCache:
    """The versioned cache of one configuration namespace (``deadlines``, ``notify`` …)."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.version_key = f"{namespace}:config:version"

    def bump(self) -> None:
        """Make every cached entry of the namespace stale."""
        # A fresh random token rather than incr(): incr fails on a missing key and needs no atomic counter here.
        cache.set(self.version_key, uuid4().hex, None)

    def changed(self, sender: type[Any] | None = None, **kwargs: Any) -> None:
        """A model signal receiver: bump now, so this connection's later reads (inside the same transaction) see the
        change, and again on commit, so that a reader in another connection that cached the old rows between save
        and commit is not served them any longer."""
        self.bump()
        transaction.on_commit(self.bump)

    def version(self) -> str:
        version = cache.get(self.version_key)
        if version is None:
            # add() leaves a token set concurrently by a bump in place; read back whichever won.
            cache.add(self.version_key, uuid4().hex, None)
            version = cache.get(self.version_key)
        return str(version)

    def get(self, name: str, compute: Callable[[], T]) -> T:
        """``compute()`` under the current version (None is a value too: "nothing configured")."""
        key = f"{self.namespace}:{name}:{self.version()}"
        value = cache.get(key, _MISSING)
        if value is _MISSING:
            value = compute()
            cache.set(key, value, CACHE_SECONDS)
        return cast(T, value)
