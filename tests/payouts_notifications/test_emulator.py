"""The emulator's Payouts notifications: signed, sent as transfers move, controls and faults.

Signatures are checked with ``hashlib`` (body + key), not with bisnap's own signer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bisnap.client import SnapClient
from bisnap.emulator import (
    Emulator,
    SimulationError,
    fail_transfer,
    inject_payouts_notification_fault,
    payouts_notifications,
    post_topup,
    release_held_payouts_notifications,
    reverse_transfer,
)
from bisnap.emulator.admin import handle_admin
from bisnap.emulator.endpoints.payouts import set_settle_after
from bisnap.errors import ConfigurationError
from bisnap.keys import GeneratedKeyPair
from tests.payouts.harness import (
    CHANNEL_ID,
    CLIENT_ID,
    PARTNER_ID,
    SECRET,
    FakeClock,
    intrabank,
    sync_client,
)

from .helpers import KEY, sign

URL = "http://shop.test/hooks/payouts"


class Inbox(httpx.BaseTransport):
    """The merchant's Payouts URL: records each POST and answers ``status``."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.status = 200
        self.fail_first = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if len(self.requests) <= self.fail_first:
            return httpx.Response(500)
        return httpx.Response(self.status, json={"ok": True})

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    def statuses(self) -> list[str]:
        return [b["status"] for b in self.bodies()]


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(merchant_keys: GeneratedKeyPair, clock: FakeClock, inbox: Inbox) -> Iterator[Emulator]:
    emulator = Emulator(clock=clock, notification_transport=inbox, notification_retry_scale=0)
    emulator.register_merchant(
        client_id=CLIENT_ID,
        client_secret=SECRET,
        partner_id=PARTNER_ID,
        merchant_public_key=merchant_keys.public_pem,
        channel_id=CHANNEL_ID,
        balance=Decimal("1000000"),
        iris_merchant_key=KEY,
        payouts_notify_url=URL,
    )
    yield emulator
    emulator.close()


@pytest.fixture
def client(
    emulator: Emulator, merchant_keys: GeneratedKeyPair, clock: FakeClock
) -> Iterator[SnapClient]:
    client, _ = sync_client(emulator, merchant_keys, clock)
    yield client
    client.close()


def _settled(emulator: Emulator) -> None:
    assert emulator.wait_for_notifications(10)


def test_a_transfer_sends_processed_then_completed_signed(
    emulator: Emulator, client: SnapClient, inbox: Inbox
) -> None:
    answer = client.payouts.intrabank_transfer(**intrabank("po-1", "25000.00"))
    _settled(emulator)
    assert inbox.statuses() == ["processed", "completed"]
    for request in inbox.requests:
        assert str(request.url) == URL
        assert request.method == "POST"
        assert request.headers["content-type"] == "application/json"
        assert request.headers["iris-signature"] == sign(request.content)
        assert "x-timestamp" not in request.headers
    body = inbox.bodies()[1]
    assert body == {
        "reference_no": answer.reference_no,
        "amount": "25000.00",
        "status": "completed",
        "updated_at": "2026-03-10T09:00:00Z",
        "partner_reference_no": "po-1",
    }
    log = payouts_notifications(emulator)
    assert [n.delivered for n in log] == [True, True]
    assert all(n.payouts for n in log)


def test_a_slow_transfer_completes_on_a_later_call(
    emulator: Emulator, client: SnapClient, inbox: Inbox, clock: FakeClock
) -> None:
    set_settle_after(emulator, 60)
    client.payouts.intrabank_transfer(**intrabank("po-2"))
    _settled(emulator)
    assert inbox.statuses() == ["processed"]
    clock.advance(61)
    client.payouts.transfer_status(original_partner_reference_no="po-2", service_code="17")
    _settled(emulator)
    assert inbox.statuses() == ["processed", "completed"]


def test_a_failed_transfer_carries_its_error_code(
    emulator: Emulator, client: SnapClient, inbox: Inbox
) -> None:
    set_settle_after(emulator, 60)
    client.payouts.intrabank_transfer(**intrabank("po-3", "40000.00"))
    assert emulator.balance(CLIENT_ID) == Decimal("960000.00")
    fail_transfer(emulator, "po-3", error_code="002")
    _settled(emulator)
    failed = inbox.bodies()[-1]
    assert failed["status"] == "failed"
    assert failed["error_code"] == "002"
    assert failed["error_message"] == "Invalid destination account number"
    assert emulator.balance(CLIENT_ID) == Decimal("1000000.00")


def test_a_completed_transfer_can_be_reversed(
    emulator: Emulator, client: SnapClient, inbox: Inbox
) -> None:
    client.payouts.intrabank_transfer(**intrabank("po-4", "30000.00"))
    reverse_transfer(emulator, "po-4", error_code="012")
    _settled(emulator)
    assert inbox.statuses() == ["processed", "completed", "failed"]
    assert inbox.bodies()[-1]["error_code"] == "012"
    assert emulator.balance(CLIENT_ID) == Decimal("1000000.00")
    status = client.payouts.transfer_status(original_partner_reference_no="po-4", service_code="17")
    assert status.latest_transaction_status == "06"
    with pytest.raises(SimulationError, match="not completed"):
        reverse_transfer(emulator, "po-4")
    with pytest.raises(SimulationError, match="no transfer"):
        reverse_transfer(emulator, "po-unknown")


def test_a_top_up_credits_the_balance_and_notifies(emulator: Emulator, inbox: Inbox) -> None:
    post_topup(emulator, CLIENT_ID, "5000000", order_id="TOPUP-9")
    _settled(emulator)
    (body,) = inbox.bodies()
    assert body["status"] == "topup"
    assert body["gross_amount"] == "5000000.00"
    assert body["order_id"] == "TOPUP-9"
    assert set(body) == {"transaction_id", "order_id", "gross_amount", "status",
                         "transaction_time"}  # fmt: skip
    assert inbox.requests[0].headers["iris-signature"] == sign(inbox.requests[0].content)
    assert emulator.balance(CLIENT_ID) == Decimal("6000000.00")
    for bad in ("0", "-1", "abc"):
        with pytest.raises(SimulationError):
            post_topup(emulator, CLIENT_ID, bad)


def test_duplicate_and_out_of_order_faults(
    emulator: Emulator, client: SnapClient, inbox: Inbox
) -> None:
    inject_payouts_notification_fault(emulator, "out_of_order")
    client.payouts.intrabank_transfer(**intrabank("po-5"))
    _settled(emulator)
    assert inbox.statuses() == ["completed", "processed"]
    inject_payouts_notification_fault(emulator, "duplicate")
    post_topup(emulator, CLIENT_ID, "1000")
    _settled(emulator)
    assert inbox.requests[-1].content == inbox.requests[-2].content
    assert len(inbox.requests) == 4
    inject_payouts_notification_fault(emulator, "out_of_order")
    post_topup(emulator, CLIENT_ID, "2000")
    assert release_held_payouts_notifications(emulator) == 1
    _settled(emulator)
    assert len(inbox.requests) == 5
    with pytest.raises(SimulationError):
        inject_payouts_notification_fault(emulator, "lost")
    with pytest.raises(SimulationError):
        inject_payouts_notification_fault(emulator, "duplicate", times=0)


def test_an_unanswered_notification_is_retried(emulator: Emulator, inbox: Inbox) -> None:
    inbox.fail_first = 2
    inbox.status = 204  # any 2xx is received
    post_topup(emulator, CLIENT_ID, "1000")
    _settled(emulator)
    (notification,) = payouts_notifications(emulator)
    assert [a.status for a in notification.attempts] == [500, 500, 204]
    assert notification.delivered


def test_no_url_sends_nothing_and_a_url_needs_a_key(
    merchant_keys: GeneratedKeyPair, inbox: Inbox
) -> None:
    with Emulator(notification_transport=inbox, notification_retry_scale=0) as emulator:
        register: dict[str, Any] = {
            "client_id": "C2",
            "client_secret": SECRET,
            "partner_id": "P2",
            "merchant_public_key": merchant_keys.public_pem,
        }
        emulator.register_merchant(**register, iris_merchant_key=KEY)
        assert post_topup(emulator, "C2", "1000") is None
        with pytest.raises(ConfigurationError, match="iris_merchant_key") as caught:
            emulator.register_merchant(**register, payouts_notify_url=URL)
        assert caught.value.field == "iris_merchant_key"
        with pytest.raises(ConfigurationError) as caught:
            emulator.register_merchant(
                **register, iris_merchant_key=KEY, payouts_notify_url="ftp://x/y"
            )
        assert caught.value.field == "payouts_notify_url"
        merchant = emulator.register_merchant(**register, iris_merchant_key=KEY)
        assert KEY not in repr(merchant)
    assert inbox.requests == []


def _admin(emulator: Emulator, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    raw = b"" if body is None else json.dumps(body).encode()
    response = handle_admin(emulator, method, "/_emulator/" + path, raw)
    return response.status, json.loads(response.body)


def test_admin_routes(
    emulator: Emulator, client: SnapClient, inbox: Inbox, merchant_keys: GeneratedKeyPair
) -> None:
    set_settle_after(emulator, 60)
    client.payouts.intrabank_transfer(**intrabank("po-6"))
    status, answer = _admin(emulator, "POST", "payouts/fail", {"reference": "po-6",
                                                               "errorCode": "009"})  # fmt: skip
    assert (status, answer["status"]) == (200, "06")
    status, answer = _admin(emulator, "POST", "payouts/topup", {"clientId": CLIENT_ID,
                                                                "amount": "250"})  # fmt: skip
    assert status == 200
    assert answer["notified"] is True
    status, _ = _admin(emulator, "POST", "payouts/notification-faults", {"kind": "duplicate"})
    assert status == 200
    status, answer = _admin(emulator, "POST", "payouts/notification-faults", {"kind": "x"})
    assert status == 400
    assert "duplicate" in answer["error"]
    status, answer = _admin(emulator, "POST", "payouts/reverse", {"reference": "po-6"})
    assert status == 400
    assert "not completed" in answer["error"]
    status, answer = _admin(emulator, "POST", "payouts/release-held")
    assert answer == {"released": 0}
    _settled(emulator)
    status, log = _admin(emulator, "GET", "payouts/notifications")
    assert status == 200
    assert [n["body"]["status"] for n in log] == ["processed", "failed", "topup"]
    assert log[1]["body"]["error_code"] == "009"
    assert all(n["payouts"] and n["delivered"] for n in log)
    status, everything = _admin(emulator, "GET", "notifications")
    assert len(everything) == 3
    status, _ = _admin(emulator, "GET", "payouts/nothing")
    assert status == 404
    status, _ = _admin(
        emulator,
        "POST",
        "merchants",
        {
            "clientId": "C3",
            "clientSecret": "s3",
            "partnerId": "P3",
            "publicKey": merchant_keys.public_pem.decode(),
            "irisMerchantKey": KEY,
            "payoutsNotifyUrl": URL,
        },
    )
    assert status == 200
    assert emulator.merchant("C3").payouts_notify_url == URL
