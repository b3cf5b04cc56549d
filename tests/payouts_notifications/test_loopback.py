"""Over loopback HTTP: the emulator sends Payouts notifications to a FastAPI receiver.

The receiver keeps a merchant's view of its payouts with the ordering rule
(``moves_payout_forward``) and de-duplication; duplicated and out-of-order deliveries must
leave the same final state as clean ones.
"""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest

from bisnap.client import SnapClient
from bisnap.credentials import Credentials
from bisnap.emulator import (
    BackgroundServer,
    Emulator,
    fail_transfer,
    inject_payouts_notification_fault,
    post_topup,
    reverse_transfer,
    run_in_thread,
)
from bisnap.emulator.endpoints.payouts import set_settle_after
from bisnap.gateways import MIDTRANS_SANDBOX
from bisnap.keys import GeneratedKeyPair, load_private_key
from bisnap.notifications import (
    MemoryReplayStore,
    PayoutNotification,
    PayoutsNotificationReceiver,
    PayoutsNotificationVerifier,
    TopUpNotification,
    VerifiedPayoutsNotification,
    moves_payout_forward,
)
from tests.payouts.harness import CHANNEL_ID, CLIENT_ID, PARTNER_ID, SECRET, intrabank

from .helpers import KEY

pytestmark = pytest.mark.slow


class Merchant:
    """What the shop records: each payout's status and error code, and its top-ups."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.payouts: dict[str, str] = {}
        self.error_codes: dict[str, str] = {}
        self.topups: dict[str, Decimal] = {}
        self.handled = 0
        self.stale = 0

    def handle(self, notification: VerifiedPayoutsNotification) -> None:
        payload = notification.payload
        with self.lock:
            self.handled += 1
            if isinstance(payload, TopUpNotification):
                self.topups[payload.transaction_id] = payload.gross_amount
                return
            assert isinstance(payload, PayoutNotification)
            reference = payload.partner_reference_no or payload.reference_no
            if not moves_payout_forward(self.payouts.get(reference), payload.status):
                self.stale += 1
                return
            self.payouts[reference] = payload.status.value
            if payload.error_code is not None:
                self.error_codes[reference] = payload.error_code.value


def test_emulator_to_fastapi_receiver_over_loopback(merchant_keys: GeneratedKeyPair) -> None:
    from fastapi import FastAPI

    from bisnap.notifications.asgi import add_payouts_notification_route

    shop = Merchant()
    app = FastAPI()
    verifier = PayoutsNotificationVerifier(KEY, replay_store=MemoryReplayStore())
    add_payouts_notification_route(
        app, PayoutsNotificationReceiver(verifier, shop.handle), "/hooks/payouts"
    )
    with BackgroundServer(app) as receiver:
        emulator = Emulator(notification_retry_scale=0)
        try:
            emulator.register_merchant(
                client_id=CLIENT_ID,
                client_secret=SECRET,
                partner_id=PARTNER_ID,
                merchant_public_key=merchant_keys.public_pem,
                channel_id=CHANNEL_ID,
                balance=Decimal("10000000"),
                iris_merchant_key=KEY,
                payouts_notify_url=receiver.base_url + "/hooks/payouts",
            )
            credentials = Credentials(
                CLIENT_ID, SECRET, load_private_key(merchant_keys.private_pem), PARTNER_ID,
                CHANNEL_ID,
            )  # fmt: skip
            with (
                run_in_thread(emulator) as server,
                SnapClient(MIDTRANS_SANDBOX.with_base_url(server.base_url), credentials) as client,
            ):
                # Completed, then reversed (completed -> failed).
                client.payouts.intrabank_transfer(**intrabank("po-a", "10000.00"))
                assert emulator.wait_for_notifications(10)
                assert shop.payouts["po-a"] == "completed"
                reverse_transfer(emulator, "po-a", error_code="012")
                # Failed with an error code while still processing.
                set_settle_after(emulator, 3600)
                client.payouts.intrabank_transfer(**intrabank("po-b", "20000.00"))
                fail_transfer(emulator, "po-b", error_code="002")
                set_settle_after(emulator, 0)
                # Every notification of po-c delivered twice.
                inject_payouts_notification_fault(emulator, "duplicate", times=2)
                client.payouts.intrabank_transfer(**intrabank("po-c", "30000.00"))
                # po-d's "processed" arrives after its "completed".
                inject_payouts_notification_fault(emulator, "out_of_order")
                client.payouts.intrabank_transfer(**intrabank("po-d", "40000.00"))
                post_topup(emulator, CLIENT_ID, "500000", order_id="TOPUP-1")
                assert emulator.wait_for_notifications(10)
        finally:
            emulator.close()

    assert shop.payouts == {
        "po-a": "failed",
        "po-b": "failed",
        "po-c": "completed",
        "po-d": "completed",
    }
    assert shop.error_codes == {"po-a": "012", "po-b": "002"}
    assert list(shop.topups.values()) == [Decimal("500000.00")]
    # 2 (po-a) + 1 reversal + 2 (po-b) + 2 (po-c, duplicates not handed over) + 2 (po-d) + 1
    assert shop.handled == 10
    assert shop.stale == 1  # po-d's late "processed"
    sent = [n for n in emulator.notifications if n.payouts]
    assert len(sent) == 12  # po-c's two notifications each went twice
    assert all(n.delivered and n.attempts[-1].status == 200 for n in sent)
