"""Typed SNAP clients: :class:`SnapClient` (sync) and :class:`AsyncSnapClient` (async).

Both share one core (:class:`bisnap.services.core.ClientCore`) and differ only in how they send
and how they sleep between retries; ``SnapClient`` is generated from ``AsyncSnapClient`` by
``scripts/unasync.py``::

    from bisnap.client import SnapClient
    from bisnap.credentials import Credentials
    from bisnap.gateways import MIDTRANS_SANDBOX

    with SnapClient(MIDTRANS_SANDBOX, Credentials.from_env()) as client:
        qr = client.qris.generate(amount={"value": "15000.00"}, merchant_id="G123")
        print(qr.qr_content)
"""

from __future__ import annotations

import os
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import anyio
import httpx
from typing_extensions import Self

from bisnap.auth import SnapAuth
from bisnap.credentials import Credentials
from bisnap.errors import ConfigurationError, OutcomeUnknownError
from bisnap.gateways import GatewayProfile, profile_from_env
from bisnap.models.common import SnapRequest, SnapResponse
from bisnap.retry import RetryPolicy
from bisnap.services.account_linking import AccountLinking, AsyncAccountLinking
from bisnap.services.core import CallOptions, ClientCore, PreparedCall, Retry
from bisnap.services.direct_debit import AsyncDirectDebit, DirectDebit
from bisnap.services.operation import AnyOperation
from bisnap.services.payouts import AsyncPayouts, Payouts
from bisnap.services.preauth import AsyncPreAuth, PreAuth
from bisnap.services.qris import AsyncQris, Qris
from bisnap.services.reporting import AsyncReporting, Reporting
from bisnap.services.virtual_accounts import AsyncVirtualAccounts, VirtualAccounts
from bisnap.timestamps import Clock
from bisnap.token_stores import TokenStore
from bisnap.transport import Backend, create_async_client, create_client

__all__ = ["AsyncSnapClient", "SnapClient"]


class _ClientBase:
    """Configuration shared by both clients."""

    def __init__(
        self,
        profile: GatewayProfile,
        credentials: Credentials,
        *,
        auth: httpx.Auth | None,
        token_store: TokenStore | None,
        clock: Clock | None,
        device_id: str | None,
        retry: RetryPolicy | None,
        external_id_factory: Callable[[], str] | None,
    ) -> None:
        if not isinstance(profile, GatewayProfile):
            raise ConfigurationError(
                "the first argument is the gateway profile (e.g. MIDTRANS_SANDBOX), "
                f"not a {type(profile).__name__}",
                field="profile",
            )
        if not isinstance(credentials, Credentials):
            raise ConfigurationError(
                f"the second argument is the Credentials, not a {type(credentials).__name__}",
                field="credentials",
            )
        self.profile = profile
        self.credentials = credentials
        self._core = ClientCore(
            profile,
            credentials,
            device_id=device_id,
            retry=retry,
            external_id_factory=external_id_factory,
        )
        self._auth: httpx.Auth = (
            auth
            if auth is not None
            else SnapAuth(credentials, profile, token_store=token_store, clock=clock)
        )

    @property
    def core(self) -> ClientCore:
        """The shared validation / interpretation core (for service namespaces)."""
        return self._core

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **options: Any) -> Self:
        """A client from ``BISNAP_*`` environment variables (see ``Credentials.from_env`` and
        ``profile_from_env``); ``options`` as for the constructor."""
        return cls(profile_from_env(environ), Credentials.from_env(environ), **options)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(profile={self.profile.name!r}, client_id=" + (
            f"{self.credentials.client_id!r})"
        )


async def _anyio_sleep(delay: float) -> None:
    await anyio.sleep(delay)


class AsyncSnapClient(_ClientBase):
    """Typed SNAP client (the async one is awaited, the sync one blocks; same namespaces).

    ``transport`` replaces the network (an emulator's transport, ``httpx.MockTransport``);
    ``backend`` (async only): ``"httpx"`` (default) or ``"aiohttp"``
    (``pip install "bisnap[aiohttp]"``), which keeps the same TLS, timeout, pool and
    retry-safety guarantees and carries many more calls in flight per CPU;
    ``timeout`` defaults to 10 s connect / 30 s otherwise and can never be unlimited;
    ``limits`` caps the connection pool (a connection count or an :class:`httpx.Limits`;
    default 20 connections, all kept alive; 100 on aiohttp);
    ``ca_bundle`` adds a CA (TLS verification cannot be turned off: a ``transport`` that does
    not verify is refused unless ``allow_unverified_tls=True``, for tests);
    plain ``http://`` is refused except to loopback unless ``allow_insecure_http=True``;
    ``device_id`` is the default ``X-DEVICE-ID``; ``retry`` governs automatic retries of
    read-only calls; ``sleep`` is what waits between them (injectable for tests). ``auth``
    replaces the default :class:`bisnap.auth.SnapAuth`.
    """

    def __init__(
        self,
        profile: GatewayProfile,
        credentials: Credentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        backend: Backend = "httpx",  # async only
        timeout: httpx.Timeout | float | None = None,
        limits: httpx.Limits | int | None = None,
        ca_bundle: str | os.PathLike[str] | ssl.SSLContext | None = None,
        auth: httpx.Auth | None = None,
        token_store: TokenStore | None = None,
        clock: Clock | None = None,
        device_id: str | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = _anyio_sleep,
        external_id_factory: Callable[[], str] | None = None,
        allow_insecure_http: bool = False,
        allow_unverified_tls: bool = False,
    ) -> None:
        super().__init__(
            profile,
            credentials,
            auth=auth,
            token_store=token_store,
            clock=clock,
            device_id=device_id,
            retry=retry,
            external_id_factory=external_id_factory,
        )
        self._sleep = sleep
        self._http = create_async_client(
            profile,
            auth=self._auth,
            ca_bundle=ca_bundle,
            timeout=timeout,
            limits=limits,
            transport=transport,
            backend=backend,  # async only
            allow_insecure_http=allow_insecure_http,
            allow_unverified_tls=allow_unverified_tls,
        )
        self.virtual_accounts = AsyncVirtualAccounts(self)
        self.qris = AsyncQris(self)
        self.direct_debit = AsyncDirectDebit(self)
        self.account_linking = AsyncAccountLinking(self)
        self.preauth = AsyncPreAuth(self)
        # --- further namespaces attach here (payouts, reporting) ---
        self.payouts = AsyncPayouts(self)
        self.reporting = AsyncReporting(self)

    async def call(
        self, operation: AnyOperation, request: SnapRequest | None, options: CallOptions
    ) -> SnapResponse:
        """Validate, send and interpret one operation (what every namespace method uses)."""
        prepared = self._core.prepare(operation, request, options)
        return await self._send(prepared)

    async def resend(self, error: OutcomeUnknownError | str) -> SnapResponse:
        """Send a call whose outcome is unknown again: same X-EXTERNAL-ID, same body bytes.

        The gateway answers a repeated payment with the original result instead of charging
        twice. Accepts the OutcomeUnknownError (or its ``external_id``) raised by this client.
        """
        return await self._send(self._core.prepared_for(error))

    async def _send(self, prepared: PreparedCall) -> SnapResponse:
        attempt = 1
        while True:
            try:
                response = await self._http.send(prepared.build(self._http))
                try:
                    await response.aread()
                finally:
                    await response.aclose()
            except httpx.TransportError as exc:
                decision: SnapResponse | Retry = self._core.on_transport_error(
                    prepared, exc, attempt
                )
            else:
                decision = self._core.on_response(prepared, response, attempt)
            if isinstance(decision, Retry):
                await self._sleep(decision.delay)
                prepared = self._core.next_attempt(prepared)
                attempt += 1
                continue
            self._core.settled(prepared)
            return decision

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncSnapClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


# --- generated by scripts/unasync.py from the Async classes above: do not edit ---


class SnapClient(_ClientBase):
    """Typed SNAP client (the async one is awaited, the sync one blocks; same namespaces).

    ``transport`` replaces the network (an emulator's transport, ``httpx.MockTransport``);
    ``backend`` (async only): ``"httpx"`` (default) or ``"aiohttp"``
    (``pip install "bisnap[aiohttp]"``), which keeps the same TLS, timeout, pool and
    retry-safety guarantees and carries many more calls in flight per CPU;
    ``timeout`` defaults to 10 s connect / 30 s otherwise and can never be unlimited;
    ``limits`` caps the connection pool (a connection count or an :class:`httpx.Limits`;
    default 20 connections, all kept alive; 100 on aiohttp);
    ``ca_bundle`` adds a CA (TLS verification cannot be turned off: a ``transport`` that does
    not verify is refused unless ``allow_unverified_tls=True``, for tests);
    plain ``http://`` is refused except to loopback unless ``allow_insecure_http=True``;
    ``device_id`` is the default ``X-DEVICE-ID``; ``retry`` governs automatic retries of
    read-only calls; ``sleep`` is what waits between them (injectable for tests). ``auth``
    replaces the default :class:`bisnap.auth.SnapAuth`.
    """

    def __init__(
        self,
        profile: GatewayProfile,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | float | None = None,
        limits: httpx.Limits | int | None = None,
        ca_bundle: str | os.PathLike[str] | ssl.SSLContext | None = None,
        auth: httpx.Auth | None = None,
        token_store: TokenStore | None = None,
        clock: Clock | None = None,
        device_id: str | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        external_id_factory: Callable[[], str] | None = None,
        allow_insecure_http: bool = False,
        allow_unverified_tls: bool = False,
    ) -> None:
        super().__init__(
            profile,
            credentials,
            auth=auth,
            token_store=token_store,
            clock=clock,
            device_id=device_id,
            retry=retry,
            external_id_factory=external_id_factory,
        )
        self._sleep = sleep
        self._http = create_client(
            profile,
            auth=self._auth,
            ca_bundle=ca_bundle,
            timeout=timeout,
            limits=limits,
            transport=transport,
            allow_insecure_http=allow_insecure_http,
            allow_unverified_tls=allow_unverified_tls,
        )
        self.virtual_accounts = VirtualAccounts(self)
        self.qris = Qris(self)
        self.direct_debit = DirectDebit(self)
        self.account_linking = AccountLinking(self)
        self.preauth = PreAuth(self)
        # --- further namespaces attach here (payouts, reporting) ---
        self.payouts = Payouts(self)
        self.reporting = Reporting(self)

    def call(
        self, operation: AnyOperation, request: SnapRequest | None, options: CallOptions
    ) -> SnapResponse:
        """Validate, send and interpret one operation (what every namespace method uses)."""
        prepared = self._core.prepare(operation, request, options)
        return self._send(prepared)

    def resend(self, error: OutcomeUnknownError | str) -> SnapResponse:
        """Send a call whose outcome is unknown again: same X-EXTERNAL-ID, same body bytes.

        The gateway answers a repeated payment with the original result instead of charging
        twice. Accepts the OutcomeUnknownError (or its ``external_id``) raised by this client.
        """
        return self._send(self._core.prepared_for(error))

    def _send(self, prepared: PreparedCall) -> SnapResponse:
        attempt = 1
        while True:
            try:
                response = self._http.send(prepared.build(self._http))
                try:
                    response.read()
                finally:
                    response.close()
            except httpx.TransportError as exc:
                decision: SnapResponse | Retry = self._core.on_transport_error(
                    prepared, exc, attempt
                )
            else:
                decision = self._core.on_response(prepared, response, attempt)
            if isinstance(decision, Retry):
                self._sleep(decision.delay)
                prepared = self._core.next_attempt(prepared)
                attempt += 1
                continue
            self._core.settled(prepared)
            return decision

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SnapClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --- end of generated code ---
