"""B2B access tokens cached per credential and refreshed one at a time.

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

from collections.abc import AsyncGenerator, Generator
from datetime import datetime
from typing import TypeVar

import httpx

from bisnap.credentials import Credentials
from bisnap.errors import ConfigurationError, ProtocolError, SnapAPIError
from bisnap.gateways import MIDTRANS_SANDBOX, GatewayProfile
from bisnap.log import logger
from bisnap.timestamps import Clock, system_clock
from bisnap.tokens.exchange import build_token_request, parse_token_response
from bisnap.tokens.flow import (
    READ_TOKEN,
    RELEASE_LOCKS,
    AsyncDriver,
    Flow,
    LocalLock,
    ReadBody,
    Send,
    StoreLock,
    SyncDriver,
    WriteToken,
)
from bisnap.tokens.locks import RefreshLocks, locks_for
from bisnap.tokens.refresh import Freshness, freshness
from bisnap.tokens.stores import MemoryTokenStore, TokenStore
from bisnap.tokens.types import DEFAULT_LEEWAY, AccessToken, TokenKey

__all__ = ["TokenManager", "aget_token", "get_token"]

T = TypeVar("T")


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
        self._own_locks: dict[TokenKey, RefreshLocks] = {}
        self.exchanges = 0
        """How many token exchanges this manager has made (a diagnostic)."""

    def __repr__(self) -> str:
        return f"TokenManager(base_url={self.key.base_url!r}, client_id={self.key.client_id!r})"

    # -- windows --

    def freshness(self, token: AccessToken | None) -> Freshness:
        """Where ``token`` stands now relative to this manager's refresh windows."""
        return freshness(
            token, self.clock(), leeway=self.leeway, advisory_leeway=self.advisory_leeway
        )

    def usable(self, token: AccessToken | None) -> bool:
        """Whether ``token`` may still be sent (it is outside the mandatory window)."""
        return self.freshness(token) is not Freshness.MANDATORY

    def cached(self) -> AccessToken | None:
        """The stored token if it may still be sent, without any exchange."""
        token = self.store.get(self.key)
        return token if self.usable(token) else None

    # -- the flow: written once, run by the sync and async drivers --

    def flow(self) -> Flow[AccessToken]:
        """The token flow: yields effects (see :mod:`bisnap.tokens.flow`); returns a usable
        token with every lock released."""
        current: AccessToken | None = yield READ_TOKEN
        state = self.freshness(current)
        if state is Freshness.FRESH and current is not None:
            return current
        if state is Freshness.ADVISORY and current is not None:
            token = yield from self._refresh_early(current)
        else:
            token = yield from self._refresh_now()
        yield RELEASE_LOCKS
        return token

    def _refresh_early(self, current: AccessToken) -> Flow[AccessToken]:
        """Advisory window: one caller refreshes; a busy lock or a failure keeps ``current``."""
        if not (yield LocalLock(blocking=False)):
            return current  # someone else is refreshing; this token is still good
        if not (yield StoreLock(blocking=False)):
            return current
        latest: AccessToken | None = yield READ_TOKEN
        if latest is None:
            return current
        if self.freshness(latest) is Freshness.FRESH or latest != current:
            return latest
        try:
            return (yield from self._exchange())
        except (SnapAPIError, ProtocolError) as exc:
            logger.warning(
                "early token refresh failed (%s); the current token is kept",
                type(exc).__name__,
            )
            return current

    def _refresh_now(self) -> Flow[AccessToken]:
        """Mandatory window or no token: every caller waits for one exchange."""
        yield LocalLock(blocking=True)
        latest: AccessToken | None = yield READ_TOKEN
        if latest is not None and self.usable(latest):
            return latest
        if not (yield StoreLock(blocking=True)):
            logger.warning("token store lock not obtained in time; exchanging")
        latest = yield READ_TOKEN
        if latest is not None and self.usable(latest):
            return latest
        return (yield from self._exchange())

    def _exchange(self) -> Flow[AccessToken]:
        requested_at = self.clock()
        response: httpx.Response = yield Send(
            build_token_request(self.credentials, self.profile, now=requested_at)
        )
        yield ReadBody(response)
        token = self._parse(response, requested_at)
        yield WriteToken(token)
        return token

    def _parse(self, response: httpx.Response, requested_at: datetime) -> AccessToken:
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

    def sync_driver(self, flow: Flow[T]) -> SyncDriver[T]:
        """A driver running ``flow`` (this manager's or one built on it) with blocking I/O."""
        return SyncDriver(flow, self.store, self.key, self._locks())

    def async_driver(self, flow: Flow[T]) -> AsyncDriver[T]:
        """A driver running ``flow`` with async I/O (call inside the event loop)."""
        return AsyncDriver(flow, self.store, self.key, self._locks())

    def _locks(self) -> RefreshLocks:
        return locks_for(self.store, self.key, self._own_locks)

    # -- the flow as an httpx-style request/response generator --

    def token_flow(self) -> Generator[httpx.Request, httpx.Response, AccessToken]:
        """Yield token requests to send (none when the cache serves); return a usable token."""
        driver = self.sync_driver(self.flow())
        try:
            request = driver.next_request()
            while request is not None:
                request = driver.next_request((yield request))
        finally:
            driver.close()
        assert driver.result is not None
        return driver.result

    async def atoken_flow(
        self, result: list[AccessToken]
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Async :meth:`token_flow`: yields token requests; appends the usable token to
        ``result`` (an async generator cannot return a value). Prefer :meth:`async_driver`."""
        driver = self.async_driver(self.flow())
        try:
            request = await driver.next_request()
            while request is not None:
                request = await driver.next_request((yield request))
        finally:
            await driver.aclose()
        assert driver.result is not None
        result.append(driver.result)

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
        driver = self.sync_driver(self.flow())
        try:
            request = driver.next_request()
            while request is not None:
                request = driver.next_request(client.send(request))
        finally:
            driver.close()
        assert driver.result is not None
        return driver.result

    async def aget_token(self, client: httpx.AsyncClient) -> AccessToken:
        """Async :meth:`get_token` over an :class:`httpx.AsyncClient`."""
        driver = self.async_driver(self.flow())
        try:
            request = await driver.next_request()
            while request is not None:
                request = await driver.next_request(await client.send(request))
        finally:
            await driver.aclose()
        assert driver.result is not None
        return driver.result


# What get_token / aget_token use without ``store``: one in-memory store for the process.
_DEFAULT_STORE: TokenStore = MemoryTokenStore()


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
        credentials, profile, store=store or _DEFAULT_STORE, clock=clock, leeway=leeway
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
        credentials, profile, store=store or _DEFAULT_STORE, clock=clock, leeway=leeway
    )
    return await manager.aget_token(client)
