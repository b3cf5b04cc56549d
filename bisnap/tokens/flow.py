"""Token and request flows written once, run by a sync and an async driver.

A flow is a generator that yields *effects* (read the stored token, take a lock, send a
request...) and receives their results; it does no I/O itself. :class:`SyncDriver` performs
the effects with blocking calls and a thread lock, :class:`AsyncDriver` with awaits and an
async lock. Sending a request is left to whoever runs the driver (an ``httpx.Auth`` flow, or a
client), so the token request goes through the same client as the call it authorises.

Locks taken by a flow are held until it yields :data:`RELEASE_LOCKS`, finishes, fails or is
closed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

import anyio
import httpx

from bisnap.tokens.locks import RefreshLocks
from bisnap.tokens.stores import TokenStore
from bisnap.tokens.types import AccessToken, TokenKey

__all__ = [
    "READ_TOKEN",
    "RELEASE_LOCKS",
    "AsyncDriver",
    "DiscardToken",
    "Effect",
    "Flow",
    "LocalLock",
    "ReadBody",
    "Send",
    "StoreLock",
    "SyncDriver",
    "WriteToken",
]


@dataclass(frozen=True)
class _ReadToken:
    """-> the stored token or None."""


@dataclass(frozen=True)
class _TokenEffect:
    token: AccessToken


class WriteToken(_TokenEffect):
    """Store ``token`` -> None."""


class DiscardToken(_TokenEffect):
    """Forget ``token`` unless a newer one replaced it -> None."""


@dataclass(frozen=True)
class _LockEffect:
    blocking: bool


class LocalLock(_LockEffect):
    """Take this process's refresh lock (thread or event-loop lock) -> whether it was taken."""


class StoreLock(_LockEffect):
    """Take the store's lock (a Redis lock spans processes) -> whether it is held."""


@dataclass(frozen=True)
class _ReleaseLocks:
    """Release every lock taken so far -> None."""


@dataclass(frozen=True)
class Send:
    """Send ``request`` -> the response (its body not read yet)."""

    request: httpx.Request


@dataclass(frozen=True)
class ReadBody:
    """Read the whole body of ``response`` -> None."""

    response: httpx.Response


READ_TOKEN = _ReadToken()
RELEASE_LOCKS = _ReleaseLocks()

Effect: TypeAlias = (
    _ReadToken | WriteToken | DiscardToken | LocalLock | StoreLock | _ReleaseLocks | Send | ReadBody
)
T = TypeVar("T")
Flow = Generator[Effect, Any, T]
"""A flow yields effects, receives each effect's result, and returns ``T``."""


def _next_effect(driver: SyncDriver[T] | AsyncDriver[T], answer: Any) -> Effect | None:
    """Send ``answer`` into the driver's flow: its next effect, or None once it has returned
    (its value is then the driver's ``result``)."""
    try:
        return driver._flow.send(answer)
    except StopIteration as done:
        driver.result = done.value
        return None


class SyncDriver(Generic[T]):
    """Runs a flow with blocking I/O; the caller sends the requests it asks for."""

    def __init__(
        self, flow: Flow[T], store: TokenStore, key: TokenKey, locks: RefreshLocks
    ) -> None:
        self._flow, self._store, self._key, self._locks = flow, store, key, locks
        self._held = contextlib.ExitStack()
        self.result: T | None = None

    def next_request(self, reply: httpx.Response | None = None) -> httpx.Request | None:
        """Run the flow (``reply`` answers its last request) until it needs a request sent;
        None once it has finished (its value is then in :attr:`result`)."""
        answer: Any = reply
        try:
            while (effect := _next_effect(self, answer)) is not None:
                if isinstance(effect, Send):
                    return effect.request
                answer = self._perform(effect)
        except BaseException:
            self.close()
            raise
        self.close()
        return None

    def close(self) -> None:
        """Stop the flow and release its locks (idempotent)."""
        self._flow.close()
        self._held.close()

    def _perform(self, effect: Effect) -> Any:
        store, key = self._store, self._key
        if isinstance(effect, _ReadToken):
            return store.get(key)
        if isinstance(effect, WriteToken):
            return store.set(key, effect.token)
        if isinstance(effect, DiscardToken):
            return store.discard(key, effect.token)
        if isinstance(effect, LocalLock):
            taken = self._locks.thread.acquire(blocking=effect.blocking)
            if taken:
                self._held.callback(self._locks.thread.release)
            return taken
        if isinstance(effect, StoreLock):
            return self._held.enter_context(store.lock(key, blocking=effect.blocking))
        if isinstance(effect, _ReleaseLocks):
            return self._held.close()
        assert isinstance(effect, ReadBody)
        return effect.response.read()


class AsyncDriver(Generic[T]):
    """Runs a flow with async I/O; the caller sends the requests it asks for."""

    def __init__(
        self, flow: Flow[T], store: TokenStore, key: TokenKey, locks: RefreshLocks
    ) -> None:
        self._flow, self._store, self._key = flow, store, key
        self._lock = locks.for_current_loop()
        self._held = contextlib.AsyncExitStack()
        self.result: T | None = None

    async def next_request(self, reply: httpx.Response | None = None) -> httpx.Request | None:
        """Async :meth:`SyncDriver.next_request`."""
        answer: Any = reply
        try:
            while (effect := _next_effect(self, answer)) is not None:
                if isinstance(effect, Send):
                    return effect.request
                answer = await self._perform(effect)
        except BaseException:
            await self.aclose()
            raise
        await self.aclose()
        return None

    async def aclose(self) -> None:
        """Stop the flow and release its locks (idempotent)."""
        self._flow.close()
        await self._held.aclose()

    async def _perform(self, effect: Effect) -> Any:
        store, key = self._store, self._key
        if isinstance(effect, _ReadToken):
            return await store.aget(key)
        if isinstance(effect, WriteToken):
            return await store.aset(key, effect.token)
        if isinstance(effect, DiscardToken):
            return await store.adiscard(key, effect.token)
        if isinstance(effect, LocalLock):
            if effect.blocking:
                await self._lock.acquire()
            else:
                try:
                    self._lock.acquire_nowait()
                except anyio.WouldBlock:
                    return False
            self._held.callback(self._lock.release)
            return True
        if isinstance(effect, StoreLock):
            return await self._held.enter_async_context(store.alock(key, blocking=effect.blocking))
        if isinstance(effect, _ReleaseLocks):
            return await self._held.aclose()
        assert isinstance(effect, ReadBody)
        return await effect.response.aread()
