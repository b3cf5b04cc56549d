"""Notification delivery (spec §7): signature, routing, retry policy, non-blocking."""

from __future__ import annotations

import ssl
import threading
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bisnap.emulator import Emulator
from bisnap.emulator.notifications import LINKING_RETRY_DELAYS, PAYMENT_RETRY_DELAYS
from bisnap.keys import GeneratedKeyPair
from bisnap.signing import asymmetric_string_to_sign, verify_rsa
from bisnap.transport import shared_ssl_context
from tests.emulator.helpers import CLIENT_ID, FakeClock, Receiver, Snap, code, va_body


def make(
    merchant_keys: GeneratedKeyPair,
    gateway_keys: GeneratedKeyPair,
    transport: httpx.BaseTransport,
    *,
    scale: float = 0,
    notify_url: str | None = "http://merchant.test/hooks",
    signed_path: str = "request",
) -> Emulator:
    emulator = Emulator(
        clock=FakeClock(),
        gateway_private_key=gateway_keys.private_pem,
        notification_transport=transport,
        notification_retry_scale=scale,
        notification_signed_path=signed_path,  # type: ignore[arg-type]
    )
    emulator.register_merchant(
        client_id=CLIENT_ID,
        client_secret="s",
        partner_id="P1",
        merchant_public_key=merchant_keys.public_pem,
        notify_url=notify_url,
        balance=Decimal(0),
    )
    return emulator


def create_and_pay(emulator: Emulator, merchant_keys: GeneratedKeyPair) -> None:
    client = httpx.Client(base_url="http://e", transport=emulator.transport())
    clock = emulator.clock
    assert isinstance(clock, FakeClock)
    snap = Snap(client, merchant_keys.private_key(), clock, secret="s", partner_id="P1")
    trx = uuid.uuid4().hex
    assert code(snap.post("/v1.0/transfer-va/create-va", va_body(trx), external_id=trx)) == (
        "2002700"
    )
    client.close()
    emulator.pay_va(trx)


@pytest.fixture
def cleanup() -> Iterator[list[Emulator]]:
    made: list[Emulator] = []
    yield made
    for emulator in made:
        emulator.close()


def test_documented_retry_schedule() -> None:
    assert [d / 60 for d in PAYMENT_RETRY_DELAYS] == [2, 10, 30, 90, 210]
    assert [round(d * 1000) for d in LINKING_RETRY_DELAYS] == [20, 40, 80]


def test_retries_until_http_200(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair, cleanup: list[Emulator]
) -> None:
    receiver = Receiver(statuses=[500, 201, 404])
    emulator = make(merchant_keys, gateway_keys, httpx.MockTransport(receiver))
    cleanup.append(emulator)
    create_and_pay(emulator, merchant_keys)
    assert emulator.wait_for_notifications()
    [notification] = emulator.notifications
    assert [a.status for a in notification.attempts] == [500, 201, 404, 200]
    assert notification.delivered
    assert len({r.headers["X-SIGNATURE"] for r in receiver.requests}) == 1


def test_gives_up_after_five_retries(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair, cleanup: list[Emulator]
) -> None:
    receiver = Receiver(statuses=[503] * 10)
    emulator = make(merchant_keys, gateway_keys, httpx.MockTransport(receiver))
    cleanup.append(emulator)
    create_and_pay(emulator, merchant_keys)
    assert emulator.wait_for_notifications()
    [notification] = emulator.notifications
    assert len(notification.attempts) == 6
    assert notification.gave_up
    assert not notification.delivered


def test_connection_errors_are_retried(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair, cleanup: list[Emulator]
) -> None:
    calls: list[int] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200)

    emulator = make(merchant_keys, gateway_keys, httpx.MockTransport(flaky))
    cleanup.append(emulator)
    create_and_pay(emulator, merchant_keys)
    assert emulator.wait_for_notifications()
    [notification] = emulator.notifications
    assert [a.error for a in notification.attempts] == ["ConnectError", None]
    assert notification.delivered


def test_retry_waits_for_the_schedule_until_flushed(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair, cleanup: list[Emulator]
) -> None:
    receiver = Receiver(statuses=[500])
    emulator = make(merchant_keys, gateway_keys, httpx.MockTransport(receiver), scale=1.0)
    cleanup.append(emulator)
    create_and_pay(emulator, merchant_keys)
    [notification] = emulator.notifications
    for _ in range(500):
        if notification.attempts:
            break
        time.sleep(0.01)
    assert [a.status for a in notification.attempts] == [500]
    assert not emulator.wait_for_notifications(timeout=0.2)
    assert len(notification.attempts) == 1
    assert emulator.flush_notifications()
    assert [a.status for a in notification.attempts] == [500, 200]


def test_delivery_does_not_block_the_request(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair, cleanup: list[Emulator]
) -> None:
    release = threading.Event()

    def slow(request: httpx.Request) -> httpx.Response:
        release.wait(10)
        return httpx.Response(200)

    emulator = make(merchant_keys, gateway_keys, httpx.MockTransport(slow))
    cleanup.append(emulator)
    create_and_pay(emulator, merchant_keys)  # returns while the receiver is still blocked
    [notification] = emulator.notifications
    assert not notification.finished
    release.set()
    assert emulator.wait_for_notifications()
    assert notification.delivered


def test_signed_path_can_be_the_snap_relative_path(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair, cleanup: list[Emulator]
) -> None:
    receiver = Receiver()
    emulator = make(
        merchant_keys, gateway_keys, httpx.MockTransport(receiver), signed_path="relative"
    )
    cleanup.append(emulator)
    create_and_pay(emulator, merchant_keys)
    assert emulator.wait_for_notifications()
    [request] = receiver.requests
    assert request.url.path == "/hooks/v1.0/transfer-va/payment"
    string_to_sign = asymmetric_string_to_sign(
        "POST", "/v1.0/transfer-va/payment", request.content, request.headers["X-TIMESTAMP"]
    )
    verify_rsa(gateway_keys.public_key(), string_to_sign, request.headers["X-SIGNATURE"])


def test_no_notify_url_means_no_notification(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair, cleanup: list[Emulator]
) -> None:
    receiver = Receiver()
    emulator = make(merchant_keys, gateway_keys, httpx.MockTransport(receiver), notify_url=None)
    cleanup.append(emulator)
    create_and_pay(emulator, merchant_keys)
    assert emulator.notifications == []


def test_linking_notifications_accept_any_2xx(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair, cleanup: list[Emulator]
) -> None:
    receiver = Receiver(statuses=[204])
    emulator = make(merchant_keys, gateway_keys, httpx.MockTransport(receiver))
    cleanup.append(emulator)
    with emulator.lock:
        notification = emulator.notify(
            CLIENT_ID, "/v1.0/registration-account/notify", {}, linking=True
        )
    assert notification is not None
    assert emulator.wait_for_notifications()
    assert [a.status for a in notification.attempts] == [204]


def test_the_notifier_shares_the_clients_tls_context(
    merchant_keys: GeneratedKeyPair,
    gateway_keys: GeneratedKeyPair,
    cleanup: list[Emulator],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Building a verifying context reads the whole trust store; each emulator's notifier used
    # to build its own on its first notification.
    shared_ssl_context()
    built: list[object] = []
    create = ssl.create_default_context

    def counting(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        built.append(args)
        return create(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counting)
    for _ in range(2):
        emulator = Emulator(clock=FakeClock(), gateway_private_key=gateway_keys.private_pem)
        cleanup.append(emulator)
        emulator.register_merchant(
            client_id=CLIENT_ID,
            client_secret="s",
            partner_id="P1",
            merchant_public_key=merchant_keys.public_pem,
            notify_url="http://127.0.0.1:9/hooks",  # nothing listens: the sending is not checked
            balance=Decimal(0),
        )
        create_and_pay(emulator, merchant_keys)
        assert len(emulator.notifications) == 1
    assert built == []
