"""The ASGI app itself, driven by ``httpx.ASGITransport`` (no sockets)."""

from __future__ import annotations

import uuid

import anyio
import httpx
import pytest

from bisnap.emulator import Emulator
from bisnap.keys import PrivateKey
from bisnap.timestamps import TimestampStyle, format_timestamp
from tests.emulator.helpers import (
    FakeClock,
    dumps,
    token_headers,
    transaction_headers,
    va_body,
)


@pytest.mark.anyio
async def test_token_create_pay_and_status_through_the_asgi_app(
    emulator: Emulator, merchant_private_key: PrivateKey, clock: FakeClock
) -> None:
    transport = httpx.ASGITransport(app=emulator.asgi_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator.test") as client:
        ts = format_timestamp(clock(), TimestampStyle.UTC_Z_MILLIS)
        token_answer = await client.post(
            "/v1.0/access-token/b2b",
            content=b'{"grant_type":"client_credentials"}',
            headers=token_headers(merchant_private_key, ts),
        )
        assert token_answer.json()["responseCode"] == "2007300"
        token = token_answer.json()["accessToken"]
        trx = uuid.uuid4().hex
        raw = dumps(va_body(trx))
        path = "/v1.0/transfer-va/create-va"
        created = await client.post(
            path,
            content=raw,
            headers=transaction_headers(path, raw, token=token, timestamp=ts, external_id=trx),
        )
        assert created.json()["responseCode"] == "2002700"
        assert created.headers["x-timestamp"]
        paid = await client.post("/_emulator/va/pay", json={"reference": trx})
        assert paid.json()["status"] == "00"
        missing = await client.post(path, content=raw)
        assert missing.status_code == 401
        assert (await client.get("/nowhere")).status_code == 404


@pytest.mark.anyio
async def test_a_delay_fault_does_not_hold_up_other_requests(emulator: Emulator) -> None:
    delayed_path = "/v1.0/transfer-va/status"
    emulator.inject_fault(delayed_path, "delay", seconds=30)
    transport = httpx.ASGITransport(app=emulator.asgi_app())
    finished: list[str] = []
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://emulator.test") as client,
        anyio.create_task_group() as group,
    ):

        async def delayed() -> None:
            await client.post(delayed_path, content=b"{}")
            finished.append("delayed")

        group.start_soon(delayed)
        while emulator.faults.pending():  # until the delayed request has taken its fault
            await anyio.sleep(0.001)
        answer = await client.post("/v1.0/transfer-va/create-va", content=b"{}")
        finished.append("other")
        assert answer.status_code == 401
        assert finished == ["other"]
        group.cancel_scope.cancel()
