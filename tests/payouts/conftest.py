from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bisnap.client import AsyncSnapClient, SnapClient
from bisnap.emulator import Emulator
from bisnap.keys import GeneratedKeyPair
from tests.payouts.harness import (
    AsyncRecorder,
    FakeClock,
    Recorder,
    async_client,
    make_emulator,
    sync_client,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair, clock: FakeClock
) -> Iterator[Emulator]:
    emulator = make_emulator(merchant_keys, clock, gateway_keys)
    yield emulator
    emulator.close()


@pytest.fixture
def pair(
    emulator: Emulator, merchant_keys: GeneratedKeyPair, clock: FakeClock
) -> Iterator[tuple[SnapClient, Recorder]]:
    client, recorder = sync_client(emulator, merchant_keys, clock)
    yield client, recorder
    client.close()


@pytest.fixture
def client(pair: tuple[SnapClient, Recorder]) -> SnapClient:
    return pair[0]


@pytest.fixture
def recorder(pair: tuple[SnapClient, Recorder]) -> Recorder:
    return pair[1]


@pytest.fixture
async def apair(
    emulator: Emulator, merchant_keys: GeneratedKeyPair, clock: FakeClock
) -> AsyncIterator[tuple[AsyncSnapClient, AsyncRecorder]]:
    client, recorder = async_client(emulator, merchant_keys, clock)
    yield client, recorder
    await client.aclose()
