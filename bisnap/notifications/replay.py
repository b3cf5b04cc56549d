"""Replay stores: remember what was received for a while and refuse to see it twice.

The verifier records two keys per notification: what the gateway signed (X-TIMESTAMP, body
digest and path, under ``"signed " + sha256``) and the ``X-EXTERNAL-ID``. A store answers
one question atomically: "was this key unseen, and is it now recorded?"
(:meth:`ReplayStore.claim`). :class:`MemoryReplayStore` serves one process;
:class:`RedisReplayStore` (``pip install bisnap[redis]``) is shared by every process that
points at the same Redis.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from bisnap.errors import ConfigurationError
from bisnap.notifications.errors import ReplayStoreError

__all__ = [
    "DEFAULT_REPLAY_TTL",
    "MemoryReplayStore",
    "RedisReplayStore",
    "ReplayStore",
]

DEFAULT_REPLAY_TTL = 24 * 60 * 60.0
"""Seconds an ``X-EXTERNAL-ID`` is remembered: SNAP makes it unique for one day."""


@runtime_checkable
class ReplayStore(Protocol):
    """Where received notifications (their signed content and ``X-EXTERNAL-ID``) are recorded."""

    def claim(self, key: str, ttl: float) -> bool:
        """Record ``key`` for ``ttl`` seconds; False when it is already recorded."""
        ...

    def release(self, key: str) -> None:
        """Forget ``key`` (the notification was not processed, so its retry must pass)."""
        ...


class MemoryReplayStore:
    """A per-process store with expiry, bounded to ``max_entries`` (oldest dropped first).

    Dropping the oldest entry cannot let a replay through as long as the entry is older than
    the verifier's timestamp window, which with the defaults (1 million entries, ±5 min)
    would take more than 1,600 notifications a second (each records two keys).
    """

    def __init__(
        self,
        *,
        max_entries: int = 1_000_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not isinstance(max_entries, int) or max_entries < 1:
            raise ConfigurationError("max_entries must be a positive int", field="max_entries")
        self._max_entries = max_entries
        self._clock = clock
        self._expiry: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def _purge(self, now: float) -> None:
        # Entries are kept in expiry order when every claim uses the same ttl; a
        # shorter-lived entry behind a longer one just lives until that one expires.
        while self._expiry:
            key, expires = next(iter(self._expiry.items()))
            if expires > now:
                break
            del self._expiry[key]

    def claim(self, key: str, ttl: float) -> bool:
        with self._lock:
            now = self._clock()
            self._purge(now)
            expires = self._expiry.get(key)
            if expires is not None and expires > now:
                return False
            self._expiry[key] = now + ttl
            self._expiry.move_to_end(key)
            while len(self._expiry) > self._max_entries:
                self._expiry.popitem(last=False)
            return True

    def release(self, key: str) -> None:
        with self._lock:
            self._expiry.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            self._purge(self._clock())
            return len(self._expiry)

    def __repr__(self) -> str:
        return f"MemoryReplayStore(max_entries={self._max_entries})"


class RedisReplayStore:
    """A store in Redis (``SET key NX PX ttl``), shared by every process using the same server.

    Give it a ``redis.Redis`` client, or use :meth:`from_url`. Keys are ``prefix + id``.
    A Redis failure raises :class:`ReplayStoreError`, so the notification is refused and the
    gateway retries it later, rather than accepted unchecked.
    """

    def __init__(self, client: Any, *, prefix: str = "bisnap:notification:") -> None:
        if client is None or not hasattr(client, "set") or not hasattr(client, "delete"):
            raise ConfigurationError(
                "RedisReplayStore needs a redis.Redis client (or use RedisReplayStore.from_url)",
                field="client",
            )
        self._client = client
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "bisnap:notification:") -> RedisReplayStore:
        """A store on the Redis at ``url`` (``redis://host:6379/0``)."""
        try:
            import redis
        except ImportError:
            raise ConfigurationError(
                "RedisReplayStore needs the redis package: pip install 'bisnap[redis]'",
                field="redis",
            ) from None
        return cls(redis.Redis.from_url(url), prefix=prefix)

    def _errors(self) -> tuple[type[BaseException], ...]:
        try:
            import redis
        except ImportError:  # a duck-typed client without the redis package
            return (ConnectionError, TimeoutError)
        return (redis.RedisError, ConnectionError, TimeoutError)

    def claim(self, key: str, ttl: float) -> bool:
        milliseconds = max(1, int(ttl * 1000))
        try:
            created = self._client.set(self._prefix + key, b"1", nx=True, px=milliseconds)
        except self._errors() as exc:
            raise ReplayStoreError(
                f"the Redis replay store is unavailable ({type(exc).__name__})"
            ) from None
        return bool(created)

    def release(self, key: str) -> None:
        try:
            self._client.delete(self._prefix + key)
        except self._errors() as exc:
            raise ReplayStoreError(
                f"the Redis replay store is unavailable ({type(exc).__name__})"
            ) from None

    def __repr__(self) -> str:
        return f"RedisReplayStore(prefix={self._prefix!r})"
