"""Typed SNAP clients: :class:`SnapClient` (sync) and :class:`AsyncSnapClient` (async).

Both share one core (:class:`bisnap.services.core.ClientCore`), one send / retry loop
(:func:`bisnap.call_flow.call_flow`, which does no I/O) and one set of keyword options
(:class:`ClientOptions`); they differ only in how they send and how they sleep between
retries::

    from bisnap.client import SnapClient
    from bisnap.credentials import Credentials
    from bisnap.gateways import MIDTRANS_SANDBOX

    with SnapClient(MIDTRANS_SANDBOX, Credentials.from_env()) as client:
        qr = client.qris.generate(amount={"value": "15000.00"}, merchant_id="G123")
        print(qr.qr_content)
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar, cast

import anyio
import httpx
from typing_extensions import Self, Unpack

from bisnap.auth import SnapAuth
from bisnap.call_flow import CallFlow, Outcome, call_flow, resume
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
from bisnap.services.sides import AsyncSide, PerSide, SyncSide
from bisnap.services.virtual_accounts import AsyncVirtualAccounts, VirtualAccounts
from bisnap.timestamps import Clock
from bisnap.token_stores import TokenStore
from bisnap.transport import Backend, ConnectionOptions, create_async_client, create_client

__all__ = ["AsyncSnapClient", "ClientOptions", "SnapClient"]

_Sync = TypeVar("_Sync")
_Async = TypeVar("_Async")


class ClientOptions(ConnectionOptions, total=False):
    """Keyword options of both clients, each optional (with :class:`ConnectionOptions`'s
    ``timeout``, ``limits``, ``ca_bundle``, ``allow_insecure_http``, ``allow_unverified_tls``)."""

    auth: httpx.Auth | None
    """Replaces the default :class:`bisnap.auth.SnapAuth` (token, signature, headers)."""
    token_store: TokenStore | None
    """Where the default SnapAuth keeps access tokens (default: in memory, per client)."""
    clock: Clock | None
    """The default SnapAuth's clock (X-TIMESTAMP, token expiry)."""
    device_id: str | None
    """The default ``X-DEVICE-ID`` (a call's ``device_id=`` overrides it)."""
    retry: RetryPolicy | None
    """Automatic retries of read-only calls (default: ``RetryPolicy()``)."""
    external_id_factory: Callable[[], str] | None
    """Makes each fresh X-EXTERNAL-ID (default: :func:`bisnap.new_external_id`)."""


def _connection_options(options: ClientOptions) -> ConnectionOptions:
    """The options that go on to the httpx client builder."""
    keys = ConnectionOptions.__optional_keys__
    return cast(ConnectionOptions, {key: value for key, value in options.items() if key in keys})


class _Namespace(PerSide["AsyncSnapClient", "SnapClient", _Async, _Sync]):
    """A client attribute such as ``client.qris``: the sync or the async namespace class,
    made for the client on first use."""

    def __init__(
        self, sync: Callable[[SnapClient], _Sync], async_: Callable[[AsyncSnapClient], _Async]
    ) -> None:
        self._sync = sync
        self._async = async_

    def for_async(self, instance: AsyncSnapClient) -> _Async:
        return self._async(instance)

    def for_sync(self, instance: SnapClient) -> _Sync:
        return self._sync(instance)


class _ClientBase:
    """What both clients share: their checks, core, authentication and namespaces."""

    virtual_accounts = _Namespace(VirtualAccounts, AsyncVirtualAccounts)
    qris = _Namespace(Qris, AsyncQris)
    direct_debit = _Namespace(DirectDebit, AsyncDirectDebit)
    account_linking = _Namespace(AccountLinking, AsyncAccountLinking)
    preauth = _Namespace(PreAuth, AsyncPreAuth)
    payouts = _Namespace(Payouts, AsyncPayouts)
    reporting = _Namespace(Reporting, AsyncReporting)

    def __init__(
        self, profile: GatewayProfile, credentials: Credentials, options: ClientOptions
    ) -> None:
        unknown = sorted(options.keys() - ClientOptions.__optional_keys__)
        if unknown:
            raise TypeError(
                f"{type(self).__name__}() got an unexpected keyword argument {unknown[0]!r}"
            )
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
            device_id=options.get("device_id"),
            retry=options.get("retry"),
            external_id_factory=options.get("external_id_factory"),
        )
        auth = options.get("auth")
        self._auth: httpx.Auth = (
            auth
            if auth is not None
            else SnapAuth(
                credentials,
                profile,
                token_store=options.get("token_store"),
                clock=options.get("clock"),
            )
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


class AsyncSnapClient(_ClientBase, AsyncSide):
    """Typed SNAP client whose calls are awaited (the namespaces of :class:`SnapClient`).

    ``transport`` replaces the network (an emulator's transport, ``httpx.MockTransport``);
    ``backend`` (async only): ``"httpx"`` (default) or ``"aiohttp"``
    (``pip install "bisnap[aiohttp]"``), which keeps the same TLS, timeout, pool and
    retry-safety guarantees and carries many more calls in flight per CPU; ``sleep`` is what
    waits between retries (injectable for tests); ``options``: :class:`ClientOptions`.
    """

    def __init__(
        self,
        profile: GatewayProfile,
        credentials: Credentials,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        backend: Backend = "httpx",
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(profile, credentials, options)
        self._sleep = sleep
        self._http = create_async_client(
            profile,
            auth=self._auth,
            transport=transport,
            backend=backend,
            **_connection_options(options),
        )

    async def call(
        self, operation: AnyOperation, request: SnapRequest | None, options: CallOptions
    ) -> SnapResponse:
        """Validate, send and interpret one operation (what every namespace method uses)."""
        return await self._run(
            call_flow(self._core, self._core.prepare(operation, request, options))
        )

    async def resend(self, error: OutcomeUnknownError | str) -> SnapResponse:
        """Send a call whose outcome is unknown again: same X-EXTERNAL-ID, same body bytes.

        The gateway answers a repeated payment with the original result instead of charging
        twice. Accepts the OutcomeUnknownError (or its ``external_id``) raised by this client.
        """
        return await self._run(call_flow(self._core, self._core.prepared_for(error)))

    async def _run(self, flow: CallFlow) -> SnapResponse:
        step = resume(flow, None)
        while not isinstance(step, SnapResponse):
            if isinstance(step, Retry):
                await self._sleep(step.delay)
                step = resume(flow, None)
            else:
                step = resume(flow, await self._send(step))
        return step

    async def _send(self, prepared: PreparedCall) -> Outcome:
        """One attempt: the answer, read in full, or the transport failure."""
        try:
            return await self._http.send(prepared.build(self._http))
        except httpx.TransportError as error:
            return error

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class SnapClient(_ClientBase, SyncSide):
    """Typed SNAP client whose calls block (the namespaces of :class:`AsyncSnapClient`).

    ``transport`` replaces the network (an emulator's transport, ``httpx.MockTransport``);
    ``sleep`` is what waits between retries (injectable for tests); ``options``:
    :class:`ClientOptions`.
    """

    def __init__(
        self,
        profile: GatewayProfile,
        credentials: Credentials,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        **options: Unpack[ClientOptions],
    ) -> None:
        super().__init__(profile, credentials, options)
        self._sleep = sleep
        connection = _connection_options(options)
        self._http = create_client(profile, auth=self._auth, transport=transport, **connection)

    def call(
        self, operation: AnyOperation, request: SnapRequest | None, options: CallOptions
    ) -> SnapResponse:
        """Validate, send and interpret one operation (what every namespace method uses)."""
        return self._run(call_flow(self._core, self._core.prepare(operation, request, options)))

    def resend(self, error: OutcomeUnknownError | str) -> SnapResponse:
        """Send a call whose outcome is unknown again: same X-EXTERNAL-ID, same body bytes.

        The gateway answers a repeated payment with the original result instead of charging
        twice. Accepts the OutcomeUnknownError (or its ``external_id``) raised by this client.
        """
        return self._run(call_flow(self._core, self._core.prepared_for(error)))

    def _run(self, flow: CallFlow) -> SnapResponse:
        step = resume(flow, None)
        while not isinstance(step, SnapResponse):
            if isinstance(step, Retry):
                self._sleep(step.delay)
                step = resume(flow, None)
            else:
                step = resume(flow, self._send(step))
        return step

    def _send(self, prepared: PreparedCall) -> Outcome:
        """One attempt: the answer, read in full, or the transport failure."""
        try:
            return self._http.send(prepared.build(self._http))
        except httpx.TransportError as error:
            return error

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
