"""A scripted stand-in for a gateway, behind httpx.MockTransport (sync and async)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from bisnap.client import AsyncSnapClient, SnapClient
from bisnap.credentials import Credentials
from bisnap.gateways import MIDTRANS_SANDBOX
from bisnap.keys import GeneratedKeyPair, PrivateKey, load_private_key
from bisnap.retry import RetryPolicy

TOKEN = "fake-b2b-token"
CLIENT_SECRET = "fake-client-secret-0123456789"

Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


def snap(status: int, code: str, message: str = "msg", **fields: Any) -> httpx.Response:
    """A SNAP JSON answer."""
    return httpx.Response(status, json={"responseCode": code, "responseMessage": message, **fields})


@dataclass
class FakeGateway:
    """Answers the token request itself; every other request gets the next scripted reply
    (the last one repeats). ``requests`` records what reached the transport."""

    replies: list[Reply] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    token_replies: list[Reply] = field(default_factory=list)

    @property
    def calls(self) -> list[httpx.Request]:
        """Requests other than the token request."""
        return [r for r in self.requests if not r.url.path.endswith("/access-token/b2b")]

    def _next(self, queue: list[Reply], request: httpx.Request) -> httpx.Response:
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(reply, httpx.RequestError):
            raise type(reply)(str(reply), request=request)  # as a real transport would
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            return reply
        return reply(request)

    def handle(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if request.url.path.endswith("/access-token/b2b"):
            if self.token_replies:
                return self._next(self.token_replies, request)
            return httpx.Response(
                200,
                json={
                    "responseCode": "2007300",
                    "responseMessage": "Successful",
                    "accessToken": TOKEN,
                    "tokenType": "Bearer",
                    "expiresIn": "900",
                },
            )
        if not self.replies:
            raise AssertionError(f"unexpected request {request.method} {request.url.path}")
        return self._next(self.replies, request)

    def body(self, index: int = -1) -> Any:
        return json.loads(self.calls[index].content)


@functools.lru_cache(maxsize=8)
def loaded_private_key(pem: bytes) -> PrivateKey:
    """Parse a test key once (parsing with validation is the slow part of a client)."""
    return load_private_key(pem)


def credentials(keys: GeneratedKeyPair) -> Credentials:
    return Credentials(
        "fake-client", CLIENT_SECRET, loaded_private_key(keys.private_pem), "G123", "12345"
    )


@dataclass
class Sleeps:
    delays: list[float] = field(default_factory=list)

    def __call__(self, delay: float) -> None:
        self.delays.append(delay)

    async def asleep(self, delay: float) -> None:
        self.delays.append(delay)


def half() -> float:
    return 0.5


def sync_client(
    gateway: FakeGateway, keys: GeneratedKeyPair, sleeps: Sleeps | None = None, **kw: Any
) -> SnapClient:
    return SnapClient(
        MIDTRANS_SANDBOX,
        credentials(keys),
        transport=httpx.MockTransport(gateway.handle),
        sleep=sleeps if sleeps is not None else Sleeps(),
        retry=kw.pop("retry", RetryPolicy(max_attempts=3, random=half)),
        **kw,
    )


def async_client(
    gateway: FakeGateway, keys: GeneratedKeyPair, sleeps: Sleeps | None = None, **kw: Any
) -> AsyncSnapClient:
    sleeper = sleeps if sleeps is not None else Sleeps()

    async def handle(request: httpx.Request) -> httpx.Response:
        await request.aread()
        return gateway.handle(request)

    return AsyncSnapClient(
        MIDTRANS_SANDBOX,
        credentials(keys),
        transport=httpx.MockTransport(handle),
        sleep=sleeper.asleep,
        retry=kw.pop("retry", RetryPolicy(max_attempts=3, random=half)),
        **kw,
    )
