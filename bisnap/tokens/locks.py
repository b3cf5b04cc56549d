"""In-process refresh locks, shared by every manager using the same store and key."""

from __future__ import annotations

import asyncio
import threading
import weakref

import anyio

from bisnap.tokens.types import TokenKey

__all__ = ["RefreshLocks", "locks_for"]


class RefreshLocks:
    """A thread lock and one async lock per event loop, for one (store, key)."""

    def __init__(self) -> None:
        self.thread = threading.Lock()
        self._by_loop: weakref.WeakKeyDictionary[object, anyio.Lock] = weakref.WeakKeyDictionary()
        self._other: anyio.Lock | None = None
        self._guard = threading.Lock()

    def for_current_loop(self) -> anyio.Lock:
        try:
            loop: object | None = asyncio.get_running_loop()
        except RuntimeError:  # another async library (trio): one lock for it
            loop = None
        with self._guard:
            if loop is None:
                if self._other is None:
                    self._other = anyio.Lock()
                return self._other
            lock = self._by_loop.get(loop)
            if lock is None:
                lock = self._by_loop[loop] = anyio.Lock()
            return lock


_REGISTRY_GUARD = threading.Lock()
_REGISTRY: weakref.WeakKeyDictionary[object, dict[TokenKey, RefreshLocks]] = (
    weakref.WeakKeyDictionary()
)


def locks_for(store: object, key: TokenKey, fallback: dict[TokenKey, RefreshLocks]) -> RefreshLocks:
    """The locks for ``key`` in ``store``, the same for every manager sharing that store."""
    with _REGISTRY_GUARD:
        try:
            table = _REGISTRY.setdefault(store, {})
        except TypeError:  # a store that cannot be weakly referenced: per-manager locks
            table = fallback
        locks = table.get(key)
        if locks is None:
            locks = table[key] = RefreshLocks()
        return locks
