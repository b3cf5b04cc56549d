"""B2B access tokens: the exchange, and a cache that refreshes one at a time.

The exchange (spec §3.1) is ``POST /v1.0/access-token/b2b`` signed with the merchant's private
key. :class:`TokenManager` keeps one token per (base URL, client id) in a
:class:`~bisnap.token_stores.TokenStore` and refreshes it before it expires, like botocore's
``RefreshableCredentials``:

* before the *advisory* window (default 120 s before expiry) the cached token is used as is;
* in the advisory window one caller refreshes while every other caller keeps using the
  still-valid token; a failed advisory refresh is logged and the old token is kept;
* in the *mandatory* window (``leeway``, default 60 s before expiry), or with no token, callers
  wait for a single refresh: one thread (sync) or one coroutine (async) exchanges, the others
  find its token when they get the lock. A store with a distributed lock (Redis) extends this
  to several processes.

The exchange is written as a generator that yields the :class:`httpx.Request` to send and
receives the response, so :class:`bisnap.auth.SnapAuth` can send it through the very client
(and transport) it is attached to. (A connection failure during an advisory refresh therefore
fails the caller's request like any other connection failure on that client would.)

The thread locks and the async locks are separate: one process mixing threads and coroutines on
the same credential may make one exchange per kind.
"""

from __future__ import annotations

import asyncio
import enum
import json
import threading
import weakref
from collections.abc import AsyncGenerator, Generator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

import anyio
import httpx

from bisnap.credentials import Credentials
from bisnap.errors import (
    ConfigurationError,
    ProtocolError,
    ResponseCode,
    SnapAPIError,
    error_for_response,
)
from bisnap.gateways import MIDTRANS_SANDBOX, GatewayProfile
from bisnap.headers import token_request_body, token_request_headers
from bisnap.timestamps import Clock, format_timestamp, system_clock
from bisnap.transport import logger

if TYPE_CHECKING:
    from bisnap.token_stores import TokenStore

__all__ = [
    "DEFAULT_LEEWAY",
    "AccessToken",
    "TokenKey",
    "TokenManager",
    "afetch_token",
    "aget_token",
    "build_token_request",
    "fetch_token",
    "get_token",
    "parse_token_response",
]


DEFAULT_LEEWAY = 60.0
"""Seconds before expiry from which a token is no longer used (the mandatory window)."""
DEFAULT_LIFETIME = 900
"""The lifetime assumed when a successful answer has no ``expiresIn`` (Midtrans: 900 s)."""


@dataclass(frozen=True)
class AccessToken:
    """A B2B access token. ``value`` is never shown by ``repr`` or ``str``."""

    value: str = field(repr=False)
    token_type: str
    expires_at: datetime
    obtained_at: datetime

    @property
    def lifetime(self) -> float:
        """Seconds between obtaining the token and its expiry."""
        return (self.expires_at - self.obtained_at).total_seconds()

    def expires_in(self, now: datetime) -> float:
        """Seconds left at ``now`` (negative once expired)."""
        return (self.expires_at - now).total_seconds()

    def authorization(self) -> str:
        """The ``Authorization`` header value."""
        return f"Bearer {self.value}"

    def __str__(self) -> str:
        return repr(self)


class TokenKey(NamedTuple):
    """What a token is cached under: tokens are shared by everything with the same key."""

    base_url: str
    client_id: str


# --- the exchange ------------------------------------------------------------------------------


def build_token_request(
    credentials: Credentials,
    profile: GatewayProfile = MIDTRANS_SANDBOX,
    *,
    now: datetime | None = None,
    clock: Clock | None = None,
) -> httpx.Request:
    """The signed B2B token request (``now`` or the clock's current time as ``X-TIMESTAMP``)."""
    moment = now if now is not None else (clock or system_clock)()
    headers = token_request_headers(
        credentials,
        profile=profile,
        timestamp=format_timestamp(moment, profile.timestamp_style),
    )
    headers["Accept"] = "application/json"
    return httpx.Request(
        "POST", profile.token_url, headers=headers, content=token_request_body(profile)
    )


def parse_token_response(
    status_code: int, content: bytes, *, requested_at: datetime
) -> AccessToken:
    """The token in a token-endpoint answer, or the typed error it carries.

    ``requested_at`` is when the request was made: the token is counted from then, so its
    deadline is never later than the gateway's. A non-success answer raises the
    :class:`~bisnap.errors.SnapAPIError` subclass for its status and ``responseCode``; an answer
    that is not SNAP JSON raises :class:`~bisnap.errors.ProtocolError`.
    """
    try:
        body: Any = json.loads(content.decode("utf-8")) if content else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        body = None
    if not isinstance(body, dict):
        if status_code >= 400:
            raise error_for_response(status_code, None)
        raise ProtocolError(
            f"the token endpoint answered HTTP {status_code} without a JSON object",
            http_status=status_code,
        )
    raw_code = body.get("responseCode")
    code = ResponseCode.parse(raw_code) if isinstance(raw_code, str) else None
    if not 200 <= status_code < 300 or code is None or not code.is_success:
        raise error_for_response(status_code, body)
    value = body.get("accessToken")
    if not isinstance(value, str) or not value.strip():
        raise ProtocolError(
            "the token endpoint answered success without an accessToken", http_status=status_code
        )
    token_type = body.get("tokenType")
    lifetime = _expires_in(body.get("expiresIn"), status_code)
    return AccessToken(
        value=value.strip(),
        token_type=token_type if isinstance(token_type, str) and token_type else "Bearer",
        expires_at=requested_at + timedelta(seconds=lifetime),
        obtained_at=requested_at,
    )


def _expires_in(raw: object, status_code: int) -> int:
    if raw is None:
        return DEFAULT_LIFETIME
    # expiresIn is documented as a string ("900"); a number is accepted too.
    if isinstance(raw, bool):
        raw = None
    elif isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int) or raw <= 0:
        raise ProtocolError(
            "the token endpoint answered an expiresIn that is not a positive number of seconds",
            http_status=status_code,
        )
    return raw


def fetch_token(
    client: httpx.Client,
    credentials: Credentials,
    profile: GatewayProfile = MIDTRANS_SANDBOX,
    *,
    clock: Clock | None = None,
) -> AccessToken:
    """One token exchange over ``client`` (no cache): what ``bisnap token`` runs."""
    requested_at = (clock or system_clock)()
    response = client.send(build_token_request(credentials, profile, now=requested_at))
    try:
        response.read()
    finally:
        response.close()
    return parse_token_response(response.status_code, response.content, requested_at=requested_at)


async def afetch_token(
    client: httpx.AsyncClient,
    credentials: Credentials,
    profile: GatewayProfile = MIDTRANS_SANDBOX,
    *,
    clock: Clock | None = None,
) -> AccessToken:
    """One token exchange over an :class:`httpx.AsyncClient` (no cache)."""
    requested_at = (clock or system_clock)()
    response = await client.send(build_token_request(credentials, profile, now=requested_at))
    try:
        await response.aread()
    finally:
        await response.aclose()
    return parse_token_response(response.status_code, response.content, requested_at=requested_at)


# --- in-process locks, shared by every manager using the same store and key -------------------


class _Locks:
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
_REGISTRY: weakref.WeakKeyDictionary[object, dict[TokenKey, _Locks]] = weakref.WeakKeyDictionary()


def _locks_for(store: object, key: TokenKey, fallback: dict[TokenKey, _Locks]) -> _Locks:
    with _REGISTRY_GUARD:
        try:
            table = _REGISTRY.setdefault(store, {})
        except TypeError:  # a store that cannot be weakly referenced: per-manager locks
            table = fallback
        locks = table.get(key)
        if locks is None:
            locks = table[key] = _Locks()
        return locks


# --- the cache ---------------------------------------------------------------------------------


class _State(enum.Enum):
    FRESH = "fresh"
    ADVISORY = "advisory"
    MANDATORY = "mandatory"


class TokenManager:
    """One credential's token: cached in a store, refreshed once when it nears expiry.

    ``leeway`` (seconds, default 60) is the mandatory window before expiry in which callers wait
    for a refresh; ``advisory_leeway`` (default twice ``leeway``) is the earlier window in which
    one caller refreshes and the others go on with the current token. For short-lived tokens
    both windows shrink (at most a quarter and a half of the token's lifetime) so a token is
    always used for a while. ``clock`` is injectable; ``store`` defaults to a new
    :class:`~bisnap.token_stores.MemoryTokenStore`.
    """

    def __init__(
        self,
        credentials: Credentials,
        profile: GatewayProfile = MIDTRANS_SANDBOX,
        *,
        store: TokenStore | None = None,
        clock: Clock | None = None,
        leeway: float = DEFAULT_LEEWAY,
        advisory_leeway: float | None = None,
    ) -> None:
        from bisnap.token_stores import MemoryTokenStore

        if not isinstance(credentials, Credentials):
            raise ConfigurationError(
                "credentials must be a bisnap Credentials", field="credentials"
            )
        if not isinstance(profile, GatewayProfile):
            raise ConfigurationError("profile must be a GatewayProfile", field="profile")
        advisory = 2 * leeway if advisory_leeway is None else advisory_leeway
        if leeway < 0 or advisory < leeway:
            raise ConfigurationError(
                "leeway must be >= 0 and advisory_leeway >= leeway", field="leeway"
            )
        self.credentials = credentials
        self.profile = profile
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        self.clock: Clock = clock or system_clock
        self.leeway = float(leeway)
        self.advisory_leeway = float(advisory)
        self.key = TokenKey(profile.base_url, credentials.client_id)
        self._own_locks: dict[TokenKey, _Locks] = {}
        self.exchanges = 0
        """How many token exchanges this manager has made (a diagnostic)."""

    def __repr__(self) -> str:
        return f"TokenManager(base_url={self.key.base_url!r}, client_id={self.key.client_id!r})"

    # -- windows --

    def _state(self, token: AccessToken | None) -> _State:
        if token is None:
            return _State.MANDATORY
        lifetime = max(token.lifetime, 0.0)
        left = token.expires_in(self.clock())
        if left <= min(self.leeway, lifetime / 4):
            return _State.MANDATORY
        if left <= min(self.advisory_leeway, lifetime / 2):
            return _State.ADVISORY
        return _State.FRESH

    def usable(self, token: AccessToken | None) -> bool:
        """Whether ``token`` may still be sent (it is outside the mandatory window)."""
        return self._state(token) is not _State.MANDATORY

    def cached(self) -> AccessToken | None:
        """The stored token if it may still be sent, without any exchange."""
        token = self.store.get(self.key)
        return token if self.usable(token) else None

    def _locks(self) -> _Locks:
        return _locks_for(self.store, self.key, self._own_locks)

    # -- the exchange, as a request/response generator --

    def _start_exchange(self) -> tuple[httpx.Request, datetime]:
        requested_at = self.clock()
        return build_token_request(self.credentials, self.profile, now=requested_at), requested_at

    def _finish_exchange(self, response: httpx.Response, requested_at: datetime) -> AccessToken:
        self.exchanges += 1
        token = parse_token_response(
            response.status_code, response.content, requested_at=requested_at
        )
        logger.info(
            "access token obtained for client %s at %s (expires in %d s)",
            self.key.client_id,
            self.key.base_url,
            int(token.lifetime),
        )
        return token

    def token_flow(self) -> Generator[httpx.Request, httpx.Response, AccessToken]:
        """Yield token requests to send (none when the cache serves); return a usable token."""
        current = self.store.get(self.key)
        state = self._state(current)
        if state is _State.FRESH and current is not None:
            return current
        locks = self._locks()
        if state is _State.ADVISORY and current is not None:
            if not locks.thread.acquire(blocking=False):
                return current  # someone else is refreshing; this token is still good
            try:
                with self.store.lock(self.key, blocking=False) as held:
                    latest = self.store.get(self.key)
                    if not held or latest is None:
                        return current
                    if self._state(latest) is _State.FRESH or latest != current:
                        return latest
                    request, requested_at = self._start_exchange()
                    response = yield request
                    response.read()
                    try:
                        token = self._finish_exchange(response, requested_at)
                    except (SnapAPIError, ProtocolError) as exc:
                        logger.warning(
                            "early token refresh failed (%s); the current token is kept",
                            type(exc).__name__,
                        )
                        return current
                    self.store.set(self.key, token)
                    return token
            finally:
                locks.thread.release()
        with locks.thread:
            latest = self.store.get(self.key)
            if latest is not None and self.usable(latest):
                return latest
            with self.store.lock(self.key, blocking=True) as held:
                if not held:
                    logger.warning("token store lock not obtained in time; exchanging")
                latest = self.store.get(self.key)
                if latest is not None and self.usable(latest):
                    return latest
                request, requested_at = self._start_exchange()
                response = yield request
                response.read()
                token = self._finish_exchange(response, requested_at)
                self.store.set(self.key, token)
                return token

    async def atoken_flow(
        self, result: list[AccessToken]
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Async :meth:`token_flow`: yields token requests; appends the usable token to
        ``result`` (an async generator cannot return a value)."""
        current = await self.store.aget(self.key)
        state = self._state(current)
        if state is _State.FRESH and current is not None:
            result.append(current)
            return
        lock = self._locks().for_current_loop()
        if state is _State.ADVISORY and current is not None:
            try:
                lock.acquire_nowait()
            except anyio.WouldBlock:
                result.append(current)
                return
            try:
                async with self.store.alock(self.key, blocking=False) as held:
                    latest = await self.store.aget(self.key)
                    if not held or latest is None:
                        result.append(current)
                        return
                    if self._state(latest) is _State.FRESH or latest != current:
                        result.append(latest)
                        return
                    request, requested_at = self._start_exchange()
                    response = yield request
                    await response.aread()
                    try:
                        token = self._finish_exchange(response, requested_at)
                    except (SnapAPIError, ProtocolError) as exc:
                        logger.warning(
                            "early token refresh failed (%s); the current token is kept",
                            type(exc).__name__,
                        )
                        result.append(current)
                        return
                    await self.store.aset(self.key, token)
                    result.append(token)
                    return
            finally:
                lock.release()
        async with lock:
            latest = await self.store.aget(self.key)
            if latest is not None and self.usable(latest):
                result.append(latest)
                return
            async with self.store.alock(self.key, blocking=True) as held:
                if not held:
                    logger.warning("token store lock not obtained in time; exchanging")
                latest = await self.store.aget(self.key)
                if latest is not None and self.usable(latest):
                    result.append(latest)
                    return
                request, requested_at = self._start_exchange()
                response = yield request
                await response.aread()
                token = self._finish_exchange(response, requested_at)
                await self.store.aset(self.key, token)
                result.append(token)

    # -- invalidation --

    def invalidate(self, token: AccessToken) -> None:
        """Forget ``token`` (rejected by the gateway) unless a newer one has replaced it."""
        self.store.discard(self.key, token)

    async def ainvalidate(self, token: AccessToken) -> None:
        """Async :meth:`invalidate`."""
        await self.store.adiscard(self.key, token)

    # -- standalone use over a client --

    def get_token(self, client: httpx.Client) -> AccessToken:
        """A usable token, exchanging over ``client`` only when the cache cannot serve."""
        flow = self.token_flow()
        try:
            request = next(flow)
            while True:
                response = client.send(request)
                try:
                    response.read()
                finally:
                    response.close()
                request = flow.send(response)
        except StopIteration as done:
            token: AccessToken = done.value
            return token
        finally:
            flow.close()

    async def aget_token(self, client: httpx.AsyncClient) -> AccessToken:
        """Async :meth:`get_token` over an :class:`httpx.AsyncClient`."""
        result: list[AccessToken] = []
        flow = self.atoken_flow(result)
        try:
            try:
                request = await flow.__anext__()
                while True:
                    response = await client.send(request)
                    try:
                        await response.aread()
                    finally:
                        await response.aclose()
                    request = await flow.asend(response)
            except StopAsyncIteration:
                pass
        finally:
            await flow.aclose()
        return result[0]


_DEFAULT_MANAGERS_GUARD = threading.Lock()
_DEFAULT_STORE: TokenStore | None = None


def _default_store() -> TokenStore:
    global _DEFAULT_STORE
    with _DEFAULT_MANAGERS_GUARD:
        if _DEFAULT_STORE is None:
            from bisnap.token_stores import MemoryTokenStore

            _DEFAULT_STORE = MemoryTokenStore()
        return _DEFAULT_STORE


def get_token(
    client: httpx.Client,
    credentials: Credentials,
    profile: GatewayProfile = MIDTRANS_SANDBOX,
    *,
    store: TokenStore | None = None,
    clock: Clock | None = None,
    leeway: float = DEFAULT_LEEWAY,
) -> AccessToken:
    """A cached token for ``credentials`` (exchanging over ``client`` when needed).

    Without ``store`` a process-wide in-memory store is used, so repeated calls share a token.
    """
    manager = TokenManager(
        credentials, profile, store=store or _default_store(), clock=clock, leeway=leeway
    )
    return manager.get_token(client)


async def aget_token(
    client: httpx.AsyncClient,
    credentials: Credentials,
    profile: GatewayProfile = MIDTRANS_SANDBOX,
    *,
    store: TokenStore | None = None,
    clock: Clock | None = None,
    leeway: float = DEFAULT_LEEWAY,
) -> AccessToken:
    """Async :func:`get_token`."""
    manager = TokenManager(
        credentials, profile, store=store or _default_store(), clock=clock, leeway=leeway
    )
    return await manager.aget_token(client)
