"""The emulator's payouts and reporting endpoints, driven by plain signed HTTP (no bisnap
client), checked against the spec's codes and shapes."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bisnap.emulator import Emulator
from bisnap.keys import GeneratedKeyPair
from tests.emulator.helpers import (
    CHANNEL_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    PARTNER_ID,
    FakeClock,
    Snap,
    code,
)

TRANSFER = "/v1.0/transfer-intrabank"


@pytest.fixture
def snap(merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair) -> Iterator[Snap]:
    clock = FakeClock()
    emulator = Emulator(clock=clock, gateway_private_key=gateway_keys.private_pem)
    emulator.register_merchant(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        partner_id=PARTNER_ID,
        merchant_public_key=merchant_keys.public_pem,
        channel_id=CHANNEL_ID,
        balance=Decimal("1000000.00"),
    )
    with httpx.Client(base_url="http://emulator.test", transport=emulator.transport()) as http:
        yield Snap(http, merchant_keys.private_key(), clock)
    emulator.close()


def transfer_body(reference: str, value: str = "10000.00") -> dict[str, Any]:
    return {
        "partnerReferenceNo": reference,
        "amount": {"value": value, "currency": "IDR"},
        "beneficiaryAccountNo": "1234567890",
        "beneficiaryEmail": "budi@example.com",
        "remark": "remark",
        "sourceAccountNo": "0000000000",
        "transactionDate": "2026-03-15T10:35:00+07:00",
    }


def test_transfer_and_status_shapes(snap: Snap) -> None:
    created = snap.post(TRANSFER, transfer_body("r-1"), external_id="1001")
    assert created.status_code == 200
    body = created.json()
    assert body["responseCode"] == "2001700"
    assert body["amount"] == {"value": "10000.00", "currency": "IDR"}
    status = snap.post(
        "/v1.0/transfer/status",
        {"originalPartnerReferenceNo": "r-1", "serviceCode": "17"},
        external_id="1002",
    ).json()
    assert status["responseCode"] == "2003600"
    assert status["originalReferenceNo"] == body["referenceNo"]
    assert status["serviceCode"] == "17"
    assert status["latestTransactionStatus"] == "00"
    assert status["transactionDate"]


def test_payout_external_id_must_be_numeric(snap: Snap) -> None:
    answer = snap.post(TRANSFER, transfer_body("r-2"), external_id="abc-1")
    assert answer.status_code == 400
    assert code(answer) == "4001701"


def test_same_external_id_and_body_replays_the_transfer(snap: Snap) -> None:
    first = snap.post(TRANSFER, transfer_body("r-3"), external_id="2001")
    again = snap.post(TRANSFER, transfer_body("r-3"), external_id="2001")
    assert again.content == first.content
    fresh = snap.post(TRANSFER, transfer_body("r-3"), external_id="2002")
    assert fresh.status_code == 409
    assert code(fresh) == "4091701"
    balance = snap.post(
        "/v1.0/balance-inquiry", {"accountNo": "0000000000"}, external_id="2003"
    ).json()
    assert balance["accountInfos"][0]["amount"]["value"] == "990000.00"


@pytest.mark.parametrize(
    ("change", "status", "expected"),
    [
        ({"amount": {"value": "2000000.00", "currency": "IDR"}}, 403, "4031714"),
        ({"beneficiaryAccountNo": "42"}, 404, "4041711"),
        ({"amount": {"value": "0.50", "currency": "IDR"}}, 400, "4001702"),
        ({"sourceAccountNo": "123"}, 400, "4001700"),
        ({"beneficiaryEmail": "nope"}, 400, "4001701"),
        ({"remark": None}, 400, "4001702"),
    ],
)
def test_transfer_refusals(snap: Snap, change: dict[str, Any], status: int, expected: str) -> None:
    body = {k: v for k, v in {**transfer_body("r-4"), **change}.items() if v is not None}
    answer = snap.post(TRANSFER, body, external_id="3001")
    assert answer.status_code == status
    assert code(answer) == expected


def test_history_accepts_the_documented_sample_shape(snap: Snap) -> None:
    for n in range(3):
        snap.post(TRANSFER, transfer_body(f"h-{n}"), external_id=f"400{n}")
        snap.clock.advance(10)
    sample = {
        "pageSize": "2",
        "pageNumber": "1",
        "additionalInfo": {
            "types": ["PAYMENT", "TOP_UP", "WITHDRAWAL", "DISBURSEMENT"],
            "disbursement": {"statuses": ["COMPLETED"]},
            "sortOrder": "DESC",
        },
    }
    answer = snap.post("/v1.0/transaction-history-list", sample)
    assert answer.status_code == 200
    body = answer.json()
    assert body["responseCode"] == "2001200"
    (entry,) = body["detailData"]
    assert entry["additionalInfo"]["partnerReferenceNo"] == "h-0"
    assert entry["type"] == "SEND_MONEY"
    assert entry["additionalInfo"]["type"] == "DISBURSEMENT"
    assert entry["additionalInfo"]["fee"] == {"value": "0.00", "currency": "IDR"}
    assert entry["additionalInfo"]["customerEmail"] == "budi@example.com"
    bad = snap.post("/v1.0/transaction-history-list", {"pageSize": 51})
    assert code(bad) == "4001201"
