"""pytest fixtures for testing code against the emulator in-process (no sockets).

Enable in a ``conftest.py``::

    pytest_plugins = ["bisnap.emulator.pytest_plugin"]

Then::

    def test_checkout(snap_emulator):
        client = httpx.Client(base_url="http://snap.test", transport=snap_emulator.transport())
        ...  # sign requests with snap_emulator_merchant's credentials
        snap_emulator.emulator.pay_va(trx_id)
        assert snap_emulator.emulator.wait_for_notifications()

``snap_emulator`` yields a :class:`SnapEmulatorFixture`: a fresh emulator, a registered
merchant (``client_id``, ``client_secret``, ``partner_id``, ``channel_id``, ``private_pem``)
and the gateway public key for notification checks. The merchant's RSA key pair is generated
once per test session (``snap_emulator_merchant_keys``, a test-only key: override the fixture
to use your own); each emulator's gateway key is generated when first needed. Notifications are
retried without delay (``notification_retry_scale=0``) and are delivered through the
transport returned by the ``snap_emulator_notification_transport`` fixture (override it to
route them to your app; by default they are recorded and answered with HTTP 200).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import httpx
import pytest

from bisnap.emulator.core import Emulator
from bisnap.keys import GeneratedKeyPair, PublicKey, generate_key_pair

__all__ = [
    "RecordingReceiver",
    "SnapEmulatorFixture",
    "snap_emulator",
    "snap_emulator_merchant_keys",
    "snap_emulator_notification_transport",
]


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
    """What the ``snap_emulator`` fixture yields."""

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

    def transport(self) -> httpx.BaseTransport:
        """An in-process sync transport."""
        return self.emulator.transport()

    def async_transport(self) -> httpx.AsyncBaseTransport:
        """An in-process async transport."""
        return self.emulator.async_transport()


@pytest.fixture
def snap_emulator_notification_transport() -> httpx.BaseTransport:
    """Where notifications go: a recorder answering 200 (override to use your own app)."""
    return httpx.MockTransport(RecordingReceiver())


@pytest.fixture(scope="session")
def snap_emulator_merchant_keys() -> GeneratedKeyPair:
    """The test merchant's RSA key pair, generated once per session."""
    return generate_key_pair()


@pytest.fixture
def snap_emulator(
    snap_emulator_notification_transport: httpx.BaseTransport,
    snap_emulator_merchant_keys: GeneratedKeyPair,
) -> Iterator[SnapEmulatorFixture]:
    """A fresh emulator with one registered merchant (see the module docstring)."""
    keys = snap_emulator_merchant_keys
    emulator = Emulator(
        notification_transport=snap_emulator_notification_transport,
        notification_retry_scale=0,
    )
    fixture = SnapEmulatorFixture(emulator=emulator, keys=keys)
    emulator.register_merchant(
        client_id=fixture.client_id,
        client_secret=fixture.client_secret,
        partner_id=fixture.partner_id,
        merchant_public_key=keys.public_pem,
        channel_id=fixture.channel_id,
        notify_url=fixture.notify_url,
        balance=Decimal("100000000.00"),
    )
    try:
        yield fixture
    finally:
        emulator.close()
