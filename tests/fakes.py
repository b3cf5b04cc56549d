"""Test doubles shared by every test folder: a settable clock and recording transports."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import httpx

DEFAULT_START = datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc)


class FakeClock:
    """A settable, thread-safe clock; ``sleep``/``asleep`` advance it instead of waiting and
    record each delay in ``sleeps``."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        self._now = start
        self._lock = threading.Lock()
        self.sleeps: list[float] = []

    @property
    def now(self) -> datetime:
        with self._lock:
            return self._now

    @now.setter
    def now(self, value: datetime) -> None:
        with self._lock:
            self._now = value

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.now.timestamp()

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += timedelta(seconds=seconds)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(seconds)

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


class Recorder(httpx.BaseTransport):
    """Records every request (body read), then lets ``inner`` answer."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return self.inner.handle_request(request)

    def calls(self, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == path]


class AsyncRecorder(httpx.AsyncBaseTransport):
    """Async twin of :class:`Recorder`."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    def calls(self, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == path]
