"""The ``snap`` fixture: one emulator driven by a sync or an async client, in process or over
loopback HTTP through each async transport (every param)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bisnap.keys import GeneratedKeyPair
from tests.client.emulated import MODES, Emulated, new_emulator
from tests.fakes import SharedLoopback


@pytest.fixture(scope="session")
def loopback() -> Iterator[SharedLoopback]:
    """One loopback HTTP server for the session; each test's emulator is served in turn."""
    server = SharedLoopback()
    yield server
    server.stop()


@pytest.fixture(params=MODES)
async def snap(
    request: pytest.FixtureRequest,
    merchant_keys: GeneratedKeyPair,
    gateway_keys: GeneratedKeyPair,
    loopback: SharedLoopback,
) -> AsyncIterator[Emulated]:
    emulator = new_emulator(merchant_keys, gateway_keys)
    emulated = Emulated(request.param, emulator, merchant_keys, loopback)
    yield emulated
    await emulated.close()
    emulator.close()
