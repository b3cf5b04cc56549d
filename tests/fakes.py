"""Test doubles shared by every test folder: a settable clock, recording transports and one
loopback server for emulators."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import httpx
from starlette.types import ASGIApp, Receive, Scope, Send

from bisnap.emulator import BackgroundServer, Emulator

DEFAULT_START = datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc)

# pytest runs that tests start (a user's project with the bisnap plugin) leave out the other
# installed plugins: they are not what those tests are about, and importing hypothesis alone
# is most of such a run's time.
OTHER_PYTEST_PLUGINS_OFF = ("-p", "no:hypothesispytest", "-p", "no:anyio", "-p", "no:xdist")


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


class _Dispatch:
    """An ASGI app forwarding to the app set last."""

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self.app
        assert app is not None, "no emulator is being served"
        await app(scope, receive, send)


class SharedLoopback:
    """One loopback HTTP server for a whole test session, serving whichever emulator the
    current test hands to :meth:`serve` (starting and stopping uvicorn costs ~0.25 s a test).

    A request already in flight when the next test starts (a held answer) still reaches the
    emulator it began with.
    """

    def __init__(self) -> None:
        self._dispatch = _Dispatch()
        self._server = BackgroundServer(self._dispatch)
        self.base_url = self._server.base_url

    def serve(self, emulator: Emulator) -> str:
        """Route every following request to ``emulator``; return the base URL."""
        emulator.public_base_url = self.base_url
        self._dispatch.app = emulator.asgi_app()
        return self.base_url

    def stop(self) -> None:
        self._server.stop()
