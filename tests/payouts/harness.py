"""A payouts-ready emulator with typed clients on in-process transports, and a fake clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import httpx

from bisnap.client import AsyncSnapClient, SnapClient
from bisnap.credentials import Credentials
from bisnap.emulator import Emulator
from bisnap.gateways import MIDTRANS_SANDBOX
from bisnap.keys import GeneratedKeyPair
from bisnap.models.payouts import AGGREGATOR_ACCOUNT_NO
from bisnap.retry import RetryPolicy
from tests import fakes
from tests.fakes import AsyncRecorder as AsyncRecorder
from tests.fakes import Recorder as Recorder

CLIENT_ID = "PAYOUT-CLIENT"
SECRET = "payout-client-secret-0123456789"
PARTNER_ID = "G770001"
CHANNEL_ID = "95221"
PROFILE = MIDTRANS_SANDBOX.with_base_url("http://emulator.test")
START = datetime(2026, 3, 10, 9, 0, tzinfo=timezone.utc)

# Seeded in every emulator (bisnap.emulator.endpoints.payouts.SEED_*).
BCA_ACCOUNT = "1234567890"
CIMB_ACCOUNT = "8001234567"
BSI_ACCOUNT = "7001234567"
FIXED_VA = "8528123456789012"
OPEN_VA = "1234500001112222"
GOPAY_NUMBER = "081234567890"


class FakeClock(fakes.FakeClock):
    """The shared fake clock, starting at :data:`START`; it drives the emulator and the
    clients, and ``sleep`` advances it instead of waiting."""

    def __init__(self, start: datetime = START) -> None:
        super().__init__(start)


def make_emulator(
    keys: GeneratedKeyPair,
    clock: FakeClock,
    gateway: GeneratedKeyPair,
    balance: str = "100000000",
    history_limit: int | None = None,
) -> Emulator:
    emulator = Emulator(
        clock=clock,
        notification_retry_scale=0,
        gateway_private_key=gateway.private_key(),
        history_limit=history_limit,
    )
    emulator.register_merchant(
        client_id=CLIENT_ID,
        client_secret=SECRET,
        partner_id=PARTNER_ID,
        merchant_public_key=keys.public_pem,
        channel_id=CHANNEL_ID,
        balance=Decimal(balance),
    )
    return emulator


def credentials(keys: GeneratedKeyPair) -> Credentials:
    return Credentials(CLIENT_ID, SECRET, keys.private_key(), PARTNER_ID, CHANNEL_ID)


def sync_client(
    emulator: Emulator, keys: GeneratedKeyPair, clock: FakeClock
) -> tuple[SnapClient, Recorder]:
    recorder = Recorder(emulator.transport())
    client = SnapClient(
        PROFILE,
        credentials(keys),
        transport=recorder,
        clock=clock,
        sleep=clock.sleep,
        retry=RetryPolicy(max_attempts=3, random=lambda: 0.5),
    )
    client.reporting.clock = clock
    return client, recorder


def async_client(
    emulator: Emulator, keys: GeneratedKeyPair, clock: FakeClock
) -> tuple[AsyncSnapClient, AsyncRecorder]:
    recorder = AsyncRecorder(emulator.async_transport())
    client = AsyncSnapClient(
        PROFILE,
        credentials(keys),
        transport=recorder,
        clock=clock,
        sleep=clock.asleep,
        retry=RetryPolicy(max_attempts=3, random=lambda: 0.5),
    )
    client.reporting.clock = clock
    return client, recorder


def intrabank(reference: str, value: str = "10000.00", **extra: Any) -> dict[str, Any]:
    """Keyword fields of an intrabank transfer to the seeded BCA account."""
    fields: dict[str, Any] = {
        "partner_reference_no": reference,
        "amount": {"value": value, "currency": "IDR"},
        "beneficiary_account_no": BCA_ACCOUNT,
        "remark": f"payout {reference}",
        "source_account_no": AGGREGATOR_ACCOUNT_NO,
    }
    fields.update(extra)
    return fields


def interbank(reference: str, value: str = "20000.00", **extra: Any) -> dict[str, Any]:
    """Keyword fields of an interbank transfer to the seeded BSI account."""
    fields: dict[str, Any] = {
        "partner_reference_no": reference,
        "amount": {"value": value, "currency": "IDR"},
        "beneficiary_account_name": "DEWI LESTARI",
        "beneficiary_account_no": BSI_ACCOUNT,
        "beneficiary_bank_code": "4510000",
        "source_account_no": AGGREGATOR_ACCOUNT_NO,
        "additional_info": {"remark": "invoice 7"},
    }
    fields.update(extra)
    return fields


def topup(reference: str, value: str = "50000.00") -> dict[str, Any]:
    return {
        "partner_reference_no": reference,
        "customer_number": GOPAY_NUMBER,
        "customer_name": "JOKO WIDODO",
        "amount": {"value": value, "currency": "IDR"},
        "notes": "cashback_march",
        "additional_info": {"beneficiary_provider": "gopay"},
    }


def body_of(request: httpx.Request) -> Any:
    import json

    return json.loads(request.content)


def iter_ids(requests: list[httpx.Request]) -> Iterator[str]:
    for request in requests:
        yield request.headers["X-EXTERNAL-ID"]
