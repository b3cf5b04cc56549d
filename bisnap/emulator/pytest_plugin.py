"""pytest fixtures for testing code against the emulator in-process (no sockets).

Installing bisnap registers this plugin with pytest (a ``pytest11`` entry point): the
fixtures are available in every test without a ``pytest_plugins`` line::

    def test_checkout(snap_emulator):
        client = snap_emulator.client()  # a SnapClient signed with the merchant's credentials
        client.virtual_accounts.create(...)
        snap_emulator.emulator.pay_va(trx_id)
        assert snap_emulator.emulator.wait_for_notifications()

``snap_emulator`` yields a :class:`~bisnap.emulator.testing.SnapEmulatorFixture`: a fresh
emulator, a registered merchant (``client_id``, ``client_secret``, ``partner_id``,
``channel_id``, ``private_pem``, ``credentials``), the gateway public key for notification
checks, and ``client()`` / ``async_client()``. The merchant's RSA key pair is generated once per
test session (``snap_emulator_merchant_keys``, a test-only key: override the fixture to use your
own); each emulator's gateway key is generated when first needed.
Notifications are retried without delay (``notification_retry_scale=0``) and are delivered
through the transport returned by the ``snap_emulator_notification_transport`` fixture
(override it to route them to your app; by default a
:class:`~bisnap.emulator.testing.RecordingReceiver` records them and answers HTTP 200).
Import the helper classes from :mod:`bisnap.emulator.testing`.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from bisnap.emulator.testing import RecordingReceiver, SnapEmulatorFixture
from bisnap.keys import GeneratedKeyPair

__all__ = [
    "RecordingReceiver",
    "SnapEmulatorFixture",
    "snap_emulator",
    "snap_emulator_merchant_keys",
    "snap_emulator_notification_transport",
]


@pytest.fixture
def snap_emulator_notification_transport() -> httpx.BaseTransport:
    """Where notifications go: a recorder answering 200 (override to use your own app)."""
    return httpx.MockTransport(RecordingReceiver())


@pytest.fixture(scope="session")
def snap_emulator_merchant_keys() -> GeneratedKeyPair:
    """The test merchant's RSA key pair, generated once per session."""
    from bisnap.keys import generate_key_pair

    return generate_key_pair()


@pytest.fixture
def snap_emulator(
    snap_emulator_notification_transport: httpx.BaseTransport,
    snap_emulator_merchant_keys: GeneratedKeyPair,
) -> Iterator[SnapEmulatorFixture]:
    """A fresh emulator with one registered merchant (see the module docstring)."""
    from bisnap.emulator.core import Emulator

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
