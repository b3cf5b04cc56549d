"""``SnapAuth``: SNAP tokens, headers and signatures on any httpx request, sync or async.

Attach it to an :class:`httpx.Client` or :class:`httpx.AsyncClient` (``auth=SnapAuth(...)``).
For each request it signs the exact bytes that will be sent, and gets the B2B token through the
same client, so whatever transport the client uses (a real connection pool, an in-process
emulator) serves the token request too.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Generator
from dataclasses import dataclass, field
from typing import Any

import httpx

from bisnap.credentials import Credentials
from bisnap.errors import RequestValidationError, ResponseCode
from bisnap.external_id import (
    ExternalIdFactory,
    ExternalIdForm,
    check_external_id,
    new_external_id,
)
from bisnap.gateways import MIDTRANS_SANDBOX, GatewayProfile
from bisnap.headers import transaction_headers
from bisnap.log import logger
from bisnap.signing import Digest, body_digest
from bisnap.timestamps import Clock, format_timestamp, system_clock
from bisnap.tokens.flow import DiscardToken, Flow, ReadBody, Send
from bisnap.tokens.manager import TokenManager
from bisnap.tokens.stores import TokenStore
from bisnap.tokens.types import DEFAULT_LEEWAY, AccessToken

__all__ = ["RETRYABLE_TOKEN_CASES", "SERIALIZED_BODY", "SerializedBody", "SnapAuth"]

SERIALIZED_BODY = "bisnap.serialized_body"
"""The request extension under which a caller hands :class:`SnapAuth` a body it serialized
and digested itself (the typed clients do), so the body is not parsed again to sign it."""


@dataclass(frozen=True)
class SerializedBody:
    """Body bytes serialized by bisnap and their SNAP digest (see :data:`SERIALIZED_BODY`).

    Used only when ``body`` equals the request's content byte for byte.
    """

    body: bytes = field(repr=False)
    digest: Digest


RETRYABLE_TOKEN_CASES = frozenset({"01", "03"})
"""401 case codes after which a fresh token is fetched and the request sent once more:
``401XX01`` (token invalid or expired) and ``401XX03`` (token not found)."""


# What sign() sets (Content-Type only when the request has none).
_SIGNED_HEADERS = frozenset(
    {
        b"authorization",
        b"x-timestamp",
        b"x-signature",
        b"x-partner-id",
        b"x-external-id",
        b"channel-id",
    }
)


def _is_token_rejection(response: httpx.Response) -> bool:
    if response.status_code != 401:
        return False
    try:
        body: Any = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return False
    raw = body.get("responseCode") if isinstance(body, dict) else None
    code = ResponseCode.parse(raw) if isinstance(raw, str) else None
    return code is not None and code.http_status == 401 and code.case in RETRYABLE_TOKEN_CASES


class SnapAuth(httpx.Auth):
    """Signs every request with the SNAP transactional headers.

    Adds ``Authorization: Bearer``, ``X-TIMESTAMP``, ``X-SIGNATURE`` (by the profile's scheme),
    ``X-PARTNER-ID``, ``X-EXTERNAL-ID`` (kept if the request has one, else made by
    ``external_id_factory``), ``CHANNEL-ID`` and ``Content-Type`` (kept if set). Other headers
    on the request (``X-DEVICE-ID``, ``X-IP-ADDRESS``, ``X-LATITUDE``, ``X-LONGITUDE``,
    ``Authorization-Customer``) are sent as given. A body that is not JSON raises
    :class:`~bisnap.errors.InvalidJSONError` before anything is sent.

    On a 401 whose ``responseCode`` case is ``01`` or ``03`` the token is dropped, a new one
    fetched, and the request sent once more with a new timestamp and signature and the same
    ``X-EXTERNAL-ID``. Never after ``401XX00`` (signature), never twice.
    """

    requires_request_body = True

    def __init__(
        self,
        credentials: Credentials,
        profile: GatewayProfile = MIDTRANS_SANDBOX,
        *,
        token_store: TokenStore | None = None,
        clock: Clock | None = None,
        external_id_factory: ExternalIdFactory | None = None,
        leeway: float = DEFAULT_LEEWAY,
        advisory_leeway: float | None = None,
        retry_on_invalid_token: bool = True,
    ) -> None:
        self.tokens = TokenManager(
            credentials,
            profile,
            store=token_store,
            clock=clock,
            leeway=leeway,
            advisory_leeway=advisory_leeway,
        )
        self.credentials = credentials
        self.profile = profile
        self.clock: Clock = clock or system_clock
        self.external_id_factory: ExternalIdFactory = external_id_factory or new_external_id
        self.retry_on_invalid_token = retry_on_invalid_token
        # The profile names the X-EXTERNAL-ID form its gateway accepts (SNAP's by default).
        self._external_id_form: ExternalIdForm = getattr(
            profile, "external_id_form", ExternalIdForm.SNAP
        )

    def __repr__(self) -> str:
        return f"SnapAuth(client_id={self.credentials.client_id!r}, profile={self.profile.name!r})"

    def _prepare(self, request: httpx.Request) -> tuple[bytes, Digest, str]:
        """Check the body and settle the ``X-EXTERNAL-ID`` before any I/O.

        The body digest is computed here, once: invalid JSON raises before a token request or
        the call, and a retry signs the same digest again.
        """
        body = request.content
        serialized = request.extensions.get(SERIALIZED_BODY)
        if isinstance(serialized, SerializedBody) and serialized.body == body:
            digest = serialized.digest
        else:
            digest = Digest(body_digest(body))
        given = request.headers.get("X-EXTERNAL-ID")
        if given is not None:
            return body, digest, check_external_id(given, self._external_id_form)
        external_id = self.external_id_factory()
        if not isinstance(external_id, str):
            raise RequestValidationError(
                "external_id_factory must return a str", field="X-EXTERNAL-ID"
            )
        return body, digest, check_external_id(external_id, self._external_id_form)

    @staticmethod
    def _copy(request: httpx.Request, body: bytes) -> httpx.Request:
        """A new request for the retry, so the first attempt's record stays as it was sent."""
        return httpx.Request(
            request.method,
            request.url,
            headers=request.headers.copy(),
            content=body,
            extensions=request.extensions,
        )

    def sign(
        self,
        request: httpx.Request,
        body: bytes | Digest,
        token: AccessToken,
        external_id: str,
    ) -> None:
        """Put fresh SNAP headers on ``request`` (a new timestamp each time).

        ``body`` is the request's body bytes, or their digest when already computed.
        """
        headers = transaction_headers(
            self.credentials,
            request.method,
            request.url.raw_path.decode("ascii"),
            body,
            token.value,
            profile=self.profile,
            external_id=external_id,
            timestamp=format_timestamp(self.clock(), self.profile.timestamp_style),
        )
        # Replaced rather than added to, so a repeated caller header leaves exactly one value;
        # the caller's own Content-Type (e.g. with a charset) is kept. One pass over the
        # request's headers instead of a lookup per signed header.
        kept: list[tuple[bytes, bytes]] = []
        for name, value in request.headers.raw:
            lower = name.lower()
            if lower == b"content-type":
                headers.pop("Content-Type", None)
            elif lower in _SIGNED_HEADERS:
                continue
            kept.append((name, value))
        kept += [(name.encode("ascii"), value.encode("ascii")) for name, value in headers.items()]
        request.headers = httpx.Headers(kept)

    def flow(self, request: httpx.Request) -> Flow[None]:
        """The whole exchange for one request, written once for sync and async clients: get a
        token, sign, send, and on a token rejection drop the token and send once more."""
        body, digest, external_id = self._prepare(request)
        for attempt in (1, 2):
            token = yield from self.tokens.flow()
            self.sign(request, digest, token, external_id)
            response: httpx.Response = yield Send(request)
            if attempt == 2 or not self.retry_on_invalid_token or response.status_code != 401:
                return
            yield ReadBody(response)
            if not _is_token_rejection(response):
                return
            logger.info(
                "token rejected (HTTP 401); retrying once with a new token, X-EXTERNAL-ID %s",
                external_id,
            )
            yield DiscardToken(token)
            request = self._copy(request, body)

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        request.read()
        driver = self.tokens.sync_driver(self.flow(request))
        try:
            pending = driver.next_request()
            while pending is not None:
                pending = driver.next_request((yield pending))
        finally:
            driver.close()

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        await request.aread()
        driver = self.tokens.async_driver(self.flow(request))
        try:
            pending = await driver.next_request()
            while pending is not None:
                pending = await driver.next_request((yield pending))
        finally:
            await driver.aclose()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        raise NotImplementedError("SnapAuth drives sync_auth_flow / async_auth_flow directly")
