"""Typed clients wired to the in-process emulator, sync and async behind one interface."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from bisnap.client import AsyncSnapClient, SnapClient
from bisnap.emulator import Emulator, RunningEmulator, run_in_thread
from bisnap.gateways import GatewayProfile
from bisnap.keys import GeneratedKeyPair
from bisnap.transport import Backend
from tests.client.examples import MERCHANT_ID, PAYMENT_HANDLE
from tests.client.fakes import CLIENT_SECRET, Sleeps, credentials, loaded_private_key
from tests.fakes import SharedLoopback

PROFILE = GatewayProfile(
    name="emulator", base_url="http://emulator.test", app_base_url="http://emulator-app.test"
)


def new_emulator(
    keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair, history_limit: int | None = None
) -> Emulator:
    emulator = Emulator(
        notification_retry_scale=0,
        gateway_private_key=loaded_private_key(gateway_keys.private_pem),
        history_limit=history_limit,
    )
    emulator.register_merchant(
        client_id="fake-client",
        client_secret=CLIENT_SECRET,
        partner_id="G123",
        merchant_public_key=keys.public_pem,
        channel_id="12345",
        merchant_id=MERCHANT_ID,
        payment_handle=PAYMENT_HANDLE,
    )
    return emulator


class _Namespace:
    def __init__(self, namespace: object) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._namespace, name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            return await result if inspect.isawaitable(result) else result

        return call


MODES = ("sync", "async", "async-httpx-http", "async-aiohttp-http")
"""How the client reaches the emulator: in process (sync, async), or over loopback HTTP with
each async transport (httpx's own pool, aiohttp)."""

# Over HTTP an injected timeout holds the answer back; the client gives up after this long.
LOOPBACK_TIMEOUT = httpx.Timeout(connect=5.0, read=1.0, write=5.0, pool=5.0)


class Emulated:
    """The same awaitable surface over a SnapClient or an AsyncSnapClient."""

    def __init__(
        self,
        mode: str,
        emulator: Emulator,
        keys: GeneratedKeyPair,
        loopback: SharedLoopback | None = None,
    ) -> None:
        self.mode = mode
        self.emulator = emulator
        self.sleeps = Sleeps()
        self.server: RunningEmulator | None = None
        self.client: SnapClient | AsyncSnapClient
        if mode == "sync":
            self.client = SnapClient(
                PROFILE, credentials(keys), transport=emulator.transport(), sleep=self.sleeps
            )
        elif mode == "async":
            self.client = AsyncSnapClient(
                PROFILE,
                credentials(keys),
                transport=emulator.async_transport(),
                sleep=self.sleeps.asleep,
            )
        else:
            backend: Backend = "aiohttp" if "aiohttp" in mode else "httpx"
            if loopback is None:
                self.server = run_in_thread(emulator)
                base_url = self.server.base_url
            else:
                base_url = loopback.serve(emulator)
            profile = GatewayProfile(name="loopback", base_url=base_url, app_base_url=base_url)
            self.client = AsyncSnapClient(
                profile,
                credentials(keys),
                backend=backend,
                timeout=LOOPBACK_TIMEOUT,
                sleep=self.sleeps.asleep,
            )

    def __getattr__(self, name: str) -> Any:
        return _Namespace(getattr(self.client, name))

    async def resend(self, error: Any) -> Any:
        result = self.client.resend(error)
        return await result if inspect.isawaitable(result) else result

    async def close(self) -> None:
        if isinstance(self.client, SnapClient):
            self.client.close()
        else:
            await self.client.aclose()
        if self.server is not None:
            self.server.stop()

    def open_auth_url(self, url: str) -> dict[str, str]:
        """What the customer's browser does: GET the URL; return the redirect's query."""
        with httpx.Client(transport=self.emulator.transport()) as browser:
            answer = browser.get(url)
        assert answer.status_code == 302, answer.text
        return dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
