"""A fake SNAP gateway for httpx.MockTransport: issues tokens, verifies signatures, counts."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import httpx

from bisnap.errors import InvalidSignatureError
from bisnap.keys import ClientSecret, PublicKey
from bisnap.signing import (
    asymmetric_string_to_sign,
    token_string_to_sign,
    transaction_string_to_sign,
    verify_hmac,
    verify_rsa,
)
from tests.fakes import FakeClock as FakeClock

TOKEN_PATH = "/v1.0/access-token/b2b"


def _snapshot(request: httpx.Request) -> httpx.Request:
    """A copy of ``request`` as it is now (the caller may reuse and mutate the original)."""
    return httpx.Request(
        request.method, request.url, headers=request.headers.copy(), content=request.content
    )


def snap(status: int, code: str, message: str, **extra: Any) -> httpx.Response:
    return httpx.Response(status, json={"responseCode": code, "responseMessage": message, **extra})


@dataclass
class FakeGateway:
    """Verifies what a SNAP gateway verifies and answers like one.

    ``client_public_key`` checks token requests; ``client_secret`` (symmetric) or
    ``client_public_key`` (``asymmetric=True``) checks transactions.
    """

    client_id: str
    client_public_key: PublicKey
    client_secret: ClientSecret
    asymmetric: bool = False
    expires_in: Any = "900"
    token_delay: float = 0.0
    token_values: list[str] = field(default_factory=list)
    token_gate: threading.Event | None = None
    async_token_gate: anyio.Event | None = None
    token_entered: threading.Event = field(default_factory=threading.Event)
    transaction_answers: list[Callable[[], httpx.Response]] = field(default_factory=list)
    token_answers: list[Callable[[], httpx.Response]] = field(default_factory=list)
    exchanges: int = 0
    token_requests: list[httpx.Request] = field(default_factory=list)
    transactions: list[httpx.Request] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    valid: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- token endpoint --

    def _token(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.exchanges += 1
            self.token_requests.append(_snapshot(request))
            answer = self.token_answers.pop(0) if self.token_answers else None
        if answer is not None:
            return answer()
        ts = request.headers["X-TIMESTAMP"]
        try:
            verify_rsa(
                self.client_public_key,
                token_string_to_sign(request.headers["X-CLIENT-KEY"], ts),
                request.headers["X-SIGNATURE"],
            )
        except InvalidSignatureError:
            return snap(401, "4017300", "Unauthorized. Signature")
        if json.loads(request.content) != {"grantType": "client_credentials"}:
            return snap(400, "4007302", "Invalid Mandatory Field grantType")
        with self._lock:
            value = (
                self.token_values.pop(0) if self.token_values else f"token-{len(self.issued) + 1}"
            )
            self.issued.append(value)
            self.valid.add(value)
        return httpx.Response(
            200,
            json={
                "responseCode": "2007300",
                "responseMessage": "Successful",
                "accessToken": value,
                "tokenType": "Bearer",
                "expiresIn": self.expires_in,
            },
        )

    # -- any other endpoint --

    def verify_transaction(self, request: httpx.Request) -> str | None:
        """The reason ``request`` fails verification, or None when it is valid."""
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ")
        if token not in self.valid:
            return "token"
        ts = request.headers["X-TIMESTAMP"]
        path = request.url.raw_path.decode("ascii")
        try:
            if self.asymmetric:
                verify_rsa(
                    self.client_public_key,
                    asymmetric_string_to_sign(request.method, path, request.content, ts),
                    request.headers["X-SIGNATURE"],
                )
            else:
                verify_hmac(
                    self.client_secret,
                    transaction_string_to_sign(request.method, path, token, request.content, ts),
                    request.headers["X-SIGNATURE"],
                )
        except InvalidSignatureError:
            return "signature"
        return None

    def _transaction(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.transactions.append(_snapshot(request))
            answer = self.transaction_answers.pop(0) if self.transaction_answers else None
        if answer is not None:
            return answer()
        problem = self.verify_transaction(request)
        if problem == "token":
            return snap(401, "4014701", "Invalid Token (B2B)")
        if problem == "signature":
            return snap(401, "4014700", "Unauthorized. Signature")
        return snap(200, "2004700", "Successful")

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == TOKEN_PATH:
            self.token_entered.set()
            if self.token_gate is not None:
                self.token_gate.wait(10)
            if self.token_delay:
                time.sleep(self.token_delay)
            return self._token(request)
        return self._transaction(request)

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        if request.url.path == TOKEN_PATH:
            self.token_entered.set()
            if self.async_token_gate is not None:
                with anyio.fail_after(10):
                    await self.async_token_gate.wait()
            if self.token_delay:
                await anyio.sleep(self.token_delay)
            return self._token(request)
        return self._transaction(request)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handler)

    def async_transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.async_handler)
