"""The emulator over real loopback HTTP (uvicorn), notifications to a real local receiver."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx
import pytest

from bisnap.emulator import BackgroundServer, Emulator, run_in_thread
from bisnap.keys import GeneratedKeyPair
from bisnap.signing import asymmetric_string_to_sign, verify_rsa
from tests.emulator.helpers import Snap, code, va_body

Scope = MutableMapping[str, Any]


class ReceiverApp:
    """A tiny merchant endpoint: records each notification and answers 200."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.arrived = threading.Event()

    async def __call__(
        self,
        scope: Scope,
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[[MutableMapping[str, Any]], Awaitable[None]],
    ) -> None:
        assert scope["type"] == "http"
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.received.append((scope["path"], headers, body))
        self.arrived.set()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b'{"responseCode":"2002500"}'})


@pytest.mark.slow
def test_full_va_flow_over_loopback_http(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair
) -> None:
    receiver = ReceiverApp()
    with BackgroundServer(receiver) as merchant_site:
        emulator = Emulator(gateway_private_key=gateway_keys.private_pem)
        emulator.register_merchant(
            client_id="LOOP",
            client_secret="loop-secret",
            partner_id="G-LOOP",
            merchant_public_key=merchant_keys.public_pem,
            notify_url=merchant_site.base_url + "/snap",
        )
        try:
            with (
                run_in_thread(emulator) as server,
                httpx.Client(base_url=server.base_url, timeout=10) as client,
            ):
                assert server.base_url.startswith("http://127.0.0.1:")
                snap = Snap(
                    client,
                    merchant_keys.private_key(),
                    emulator.clock,  # type: ignore[arg-type]
                    client_id="LOOP",
                    secret="loop-secret",
                    partner_id="G-LOOP",
                )
                trx = uuid.uuid4().hex
                created = snap.post("/v1.0/transfer-va/create-va", va_body(trx), external_id=trx)
                assert code(created) == "2002700"
                paid = client.post("/_emulator/va/pay", json={"reference": trx})
                assert paid.json()["status"] == "00"
                assert receiver.arrived.wait(10)
                path, headers, body = receiver.received[0]
                assert path == "/snap/v1.0/transfer-va/payment"
                verify_rsa(
                    gateway_keys.public_key(),
                    asymmetric_string_to_sign("POST", path, body, headers["x-timestamp"]),
                    headers["x-signature"],
                )
                assert json.loads(body)["trxId"] == trx
                emulator.inject_fault("/v1.0/transfer-va/create-va", "drop")
                trx2 = uuid.uuid4().hex
                with pytest.raises(httpx.RemoteProtocolError):
                    snap.post("/v1.0/transfer-va/create-va", va_body(trx2), external_id=trx2)
                assert len(emulator.state.ledger.records()) == 2
        finally:
            emulator.close()


@pytest.mark.slow
def test_timeout_fault_over_http_holds_then_answers_504(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair
) -> None:
    emulator = Emulator(gateway_private_key=gateway_keys.private_pem)
    try:
        with run_in_thread(emulator) as server:
            path = "/v1.0/transfer-va/status"
            emulator.inject_fault(path, "timeout", seconds=0.2)
            with httpx.Client(base_url=server.base_url, timeout=10) as client:
                held = client.post(path, content=b"{}")
            assert held.status_code == 504
            assert held.json()["responseCode"] == "5042600"
            emulator.inject_fault(path, "timeout", seconds=1.0)
            with (
                httpx.Client(base_url=server.base_url, timeout=0.1) as impatient,
                pytest.raises(httpx.ReadTimeout),
            ):
                impatient.post(path, content=b"{}")
            emulator.inject_fault(path, "error", status=503)
            with httpx.Client(base_url=server.base_url, timeout=10) as client:
                assert client.post(path, content=b"{}").json()["responseCode"] == "5032600"
    finally:
        emulator.close()
