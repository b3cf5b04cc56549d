"""Test helpers behind the ``snap_emulator`` pytest fixture, importable from any ``conftest.py``.

They live apart from :mod:`bisnap.emulator.pytest_plugin` so that importing them never makes
pytest warn that the plugin module was imported before it could be rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from bisnap.credentials import Credentials
from bisnap.keys import GeneratedKeyPair, PublicKey

if TYPE_CHECKING:
    from bisnap.client import AsyncSnapClient, SnapClient
    from bisnap.emulator.core import Emulator

__all__ = ["RecordingReceiver", "SnapEmulatorFixture"]


@dataclass
class RecordingReceiver:
    """Records notification requests and answers each with HTTP 200."""

    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return httpx.Response(200, json={"responseMessage": "Successful"})


@dataclass(frozen=True)
class SnapEmulatorFixture:
    """What the ``snap_emulator`` fixture yields: an emulator and one registered merchant."""

    emulator: Emulator
    keys: GeneratedKeyPair = field(repr=False)
    client_id: str = "EMULATOR-CLIENT"
    client_secret: str = field(default="emulator-client-secret-0123456789", repr=False)
    partner_id: str = "G000000001"
    channel_id: str = "12345"
    notify_url: str = "http://merchant.test"

    @property
    def private_pem(self) -> bytes:
        """The merchant's private key (PKCS#8 PEM) for signing access-token requests."""
        return self.keys.private_pem

    @property
    def gateway_public_key(self) -> PublicKey:
        """Verifies the emulator's notifications."""
        return self.emulator.gateway_public_key

    @property
    def credentials(self) -> Credentials:
        """The registered merchant's credentials (with the gateway public key)."""
        return Credentials(
            self.client_id,
            self.client_secret,
            self.keys.private_pem,
            self.partner_id,
            self.channel_id,
            self.gateway_public_key,
        )

    def transport(self) -> httpx.BaseTransport:
        """An in-process sync transport."""
        return self.emulator.transport()

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An in-process async transport."""
        return self.emulator.async_transport()

    def client(self, **options: Any) -> SnapClient:
        """A :class:`~bisnap.client.SnapClient` for the merchant, served in-process."""
        from bisnap.client import SnapClient
        from bisnap.gateways import MIDTRANS_SANDBOX

        return SnapClient(MIDTRANS_SANDBOX, self.credentials, transport=self.transport(), **options)

    def async_client(self, **options: Any) -> AsyncSnapClient:
        """An :class:`~bisnap.client.AsyncSnapClient` for the merchant, served in-process."""
        from bisnap.client import AsyncSnapClient
        from bisnap.gateways import MIDTRANS_SANDBOX

        return AsyncSnapClient(
            MIDTRANS_SANDBOX, self.credentials, transport=self.async_transport(), **options
        )
