"""Fixtures: an in-process emulator with one merchant and a capturing notification receiver."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import httpx
import pytest

from bisnap.emulator import Emulator
from bisnap.keys import GeneratedKeyPair, PrivateKey, PublicKey
from tests.emulator.helpers import (
    CHANNEL_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    NOTIFY_PREFIX,
    PARTNER_ID,
    FakeClock,
    Receiver,
    Snap,
)


@pytest.fixture(scope="session")
def gateway_private_key(gateway_keys: GeneratedKeyPair) -> PrivateKey:
    return gateway_keys.private_key()


@pytest.fixture(scope="session")
def merchant_private_key(merchant_keys: GeneratedKeyPair) -> PrivateKey:
    return merchant_keys.private_key()


@pytest.fixture(scope="session")
def merchant_public_key(merchant_keys: GeneratedKeyPair) -> PublicKey:
    return merchant_keys.public_key()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def receiver() -> Receiver:
    return Receiver()


@pytest.fixture
def emulator(
    clock: FakeClock,
    receiver: Receiver,
    merchant_public_key: PublicKey,
    gateway_private_key: PrivateKey,
) -> Iterator[Emulator]:
    emu = Emulator(
        clock=clock,
        gateway_private_key=gateway_private_key,
        notification_transport=httpx.MockTransport(receiver),
        notification_retry_scale=0,
    )
    emu.register_merchant(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        partner_id=PARTNER_ID,
        merchant_public_key=merchant_public_key,
        channel_id=CHANNEL_ID,
        notify_url=NOTIFY_PREFIX,
        balance=Decimal("5000000.00"),
    )
    yield emu
    emu.close()


@pytest.fixture
def http(emulator: Emulator) -> Iterator[httpx.Client]:
    with httpx.Client(base_url="http://emulator.test", transport=emulator.transport()) as client:
        yield client


@pytest.fixture
def snap(http: httpx.Client, merchant_private_key: PrivateKey, clock: FakeClock) -> Snap:
    return Snap(http, merchant_private_key, clock)
