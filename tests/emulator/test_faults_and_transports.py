"""Fault injection through the in-process transports (sync and async), and the admin API."""

from __future__ import annotations

import uuid
from decimal import Decimal

import httpx
import pytest

from bisnap.emulator import Emulator, SimulationError
from bisnap.keys import GeneratedKeyPair
from bisnap.timestamps import format_timestamp
from tests.emulator.helpers import (
    CLIENT_ID,
    FakeClock,
    Snap,
    code,
    dumps,
    qris_body,
    token_headers,
    transaction_headers,
    va_body,
    va_status_body,
)

CREATE = "/v1.0/transfer-va/create-va"


def test_error_fault_answers_5xx_without_processing(snap: Snap, emulator: Emulator) -> None:
    emulator.inject_fault(CREATE, "error")
    trx = uuid.uuid4().hex
    failed = snap.post(CREATE, va_body(trx), external_id=trx)
    assert failed.status_code == 500
    assert code(failed) == "5002701"
    assert emulator.state.ledger.records() == []
    assert code(snap.post(CREATE, va_body(trx), external_id=trx)) == "2002700"


def test_error_fault_with_another_status(snap: Snap, emulator: Emulator) -> None:
    emulator.inject_fault(CREATE, "error", status=504, times=2)
    trx = uuid.uuid4().hex
    assert code(snap.post(CREATE, va_body(trx), external_id=trx)) == "5042700"
    assert code(snap.post(CREATE, va_body(trx), external_id=trx)) == "5042700"
    assert code(snap.post(CREATE, va_body(trx), external_id=trx)) == "2002700"


def test_timeout_fault_raises_read_timeout_without_processing(
    snap: Snap, emulator: Emulator
) -> None:
    emulator.inject_fault(CREATE, "timeout")
    trx = uuid.uuid4().hex
    with pytest.raises(httpx.ReadTimeout):
        snap.post(CREATE, va_body(trx), external_id=trx)
    assert emulator.state.ledger.records() == []


def test_timeout_after_processing_leaves_the_outcome_to_a_status_call(
    snap: Snap, emulator: Emulator
) -> None:
    emulator.inject_fault(CREATE, "timeout", process=True)
    trx = uuid.uuid4().hex
    with pytest.raises(httpx.ReadTimeout):
        snap.post(CREATE, va_body(trx), external_id=trx)
    status = snap.post("/v1.0/transfer-va/status", va_status_body(trx))
    assert status.json()["virtualAccountData"]["paymentFlagStatus"] == "03"


def test_drop_fault_processes_then_drops(snap: Snap, emulator: Emulator) -> None:
    emulator.inject_fault(CREATE, "drop")
    trx = uuid.uuid4().hex
    raw = dumps(va_body(trx))
    with pytest.raises(httpx.RemoteProtocolError):
        snap.post(CREATE, raw, external_id=trx)
    assert len(emulator.state.ledger.records()) == 1
    # the client's identical retry gets the original answer, not a duplicate VA
    assert code(snap.post(CREATE, raw, external_id=trx)) == "2002700"
    assert len(emulator.state.ledger.records()) == 1


def test_delay_fault_still_answers(snap: Snap, emulator: Emulator) -> None:
    emulator.inject_fault("*", "delay", seconds=0.01)
    trx = uuid.uuid4().hex
    assert code(snap.post(CREATE, va_body(trx), external_id=trx)) == "2002700"
    assert emulator.faults.pending() == []


def test_fault_for_an_unknown_path_is_refused(emulator: Emulator) -> None:
    with pytest.raises(SimulationError):
        emulator.inject_fault("/v1.0/nothing", "error")
    with pytest.raises(ValueError, match="kind"):
        emulator.inject_fault(CREATE, "explode")


def test_faults_until_cleared(snap: Snap, emulator: Emulator) -> None:
    emulator.inject_fault(CREATE, "error", times=None)
    for _ in range(3):
        trx = uuid.uuid4().hex
        assert snap.post(CREATE, va_body(trx), external_id=trx).status_code == 500
    emulator.clear_faults()
    trx = uuid.uuid4().hex
    assert code(snap.post(CREATE, va_body(trx), external_id=trx)) == "2002700"


@pytest.mark.anyio
async def test_async_transport_full_flow_and_faults(
    emulator: Emulator, merchant_keys: GeneratedKeyPair, clock: FakeClock
) -> None:
    async with httpx.AsyncClient(
        base_url="http://emulator.test", transport=emulator.async_transport()
    ) as client:
        ts = format_timestamp(clock())
        token_response = await client.post(
            "/v1.0/access-token/b2b",
            content=b'{"grantType":"client_credentials"}',
            headers=token_headers(merchant_keys.private_key(), ts),
        )
        token = token_response.json()["accessToken"]
        ref = uuid.uuid4().hex
        raw = dumps(qris_body(ref))
        path = "/v1.0/qr/qr-mpm-generate"

        def headers() -> dict[str, str]:
            return transaction_headers(path, raw, token=token, timestamp=ts, external_id=ref)

        emulator.inject_fault(path, "drop")
        with pytest.raises(httpx.RemoteProtocolError):
            await client.post(path, content=raw, headers=headers())
        replay = await client.post(path, content=raw, headers=headers())
        assert replay.json()["responseCode"] == "2004700"
        emulator.inject_fault(path, "timeout")
        with pytest.raises(httpx.ReadTimeout):
            await client.post(path, content=raw, headers=headers())
        health = await client.get("/_emulator/health")
        assert "qris" in health.json()["families"]


def test_admin_api_controls(snap: Snap, emulator: Emulator, http: httpx.Client) -> None:
    trx = uuid.uuid4().hex
    snap.post(CREATE, va_body(trx), external_id=trx)
    paid = http.post("/_emulator/va/pay", json={"reference": trx})
    assert paid.status_code == 200
    assert paid.json()["status"] == "00"
    again = http.post("/_emulator/va/pay", json={"reference": trx})
    assert again.status_code == 400
    assert "not pending" in again.json()["error"]
    assert (
        http.post("/_emulator/balance", json={"clientId": CLIENT_ID, "value": "123.4"}).json()[
            "balance"
        ]
        == "123.40"
    )
    assert emulator.balance(CLIENT_ID) == Decimal("123.40")
    fault = http.post("/_emulator/faults", json={"path": CREATE, "kind": "error"})
    assert fault.json()["kind"] == "error"
    assert http.delete("/_emulator/faults").json() == {"cleared": True}
    assert emulator.faults.pending() == []
    ledger = http.get("/_emulator/ledger", params={"clientId": CLIENT_ID}).json()
    assert ledger[0]["status"] == "SETTLEMENT"
    assert emulator.wait_for_notifications()
    notes = http.get("/_emulator/notifications").json()
    assert notes[0]["path"] == "/v1.0/transfer-va/payment"
    assert notes[0]["delivered"] is True
    pem = http.get("/_emulator/gateway-public-key").json()["publicKey"]
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    assert http.get("/_emulator/nothing").status_code == 404
    assert http.post("/_emulator/expire", json={}).status_code == 400


def test_admin_registers_a_merchant(http: httpx.Client, merchant_keys: GeneratedKeyPair) -> None:
    response = http.post(
        "/_emulator/merchants",
        json={
            "clientId": "NEW",
            "clientSecret": "secret",
            "partnerId": "G-NEW",
            "publicKey": merchant_keys.public_pem.decode(),
        },
    )
    assert response.json() == {"clientId": "NEW", "partnerId": "G-NEW"}
    broken = http.post(
        "/_emulator/merchants",
        json={"clientId": "X", "clientSecret": "s", "partnerId": "P", "publicKey": "nonsense"},
    )
    assert broken.status_code == 400
