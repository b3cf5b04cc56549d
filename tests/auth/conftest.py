"""Fixtures for the access-token and signed-request tests."""

from __future__ import annotations

import pytest

from bisnap.credentials import Credentials
from bisnap.gateways import MIDTRANS_SANDBOX, GatewayProfile
from bisnap.keys import ClientSecret, GeneratedKeyPair
from tests.auth.fakes import FakeClock, FakeGateway

CLIENT_ID = "G1234325-SNAP"
CLIENT_SECRET = "fdppqbF5wq7vVegyvsV1CROMv646nJ7A"


@pytest.fixture
def credentials(merchant_keys: GeneratedKeyPair) -> Credentials:
    return Credentials(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        private_key=merchant_keys.private_key(),
        partner_id="G812345678",
        channel_id="12345",
    )


@pytest.fixture
def gateway(merchant_keys: GeneratedKeyPair) -> FakeGateway:
    return FakeGateway(
        client_id=CLIENT_ID,
        client_public_key=merchant_keys.public_key(),
        client_secret=ClientSecret(CLIENT_SECRET),
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def profile() -> GatewayProfile:
    return MIDTRANS_SANDBOX
