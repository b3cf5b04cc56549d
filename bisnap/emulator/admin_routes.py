"""The admin API's routes as data: what ``GET /_emulator/`` lists and the docs describe.

Each route names its method and path, what it does, and an example request (JSON body or
query string) and answer. A test calls every route with its example and checks the answer
has the documented shape, so this list cannot drift from :mod:`bisnap.emulator.admin`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bisnap.emulator.endpoints import FAMILIES

__all__ = ["ADMIN_ROUTES", "AdminRoute", "admin_index"]

_PAYMENT = {
    "kind": "va",
    "clientId": "G-CLIENT",
    "referenceNo": "VA0000000175A00972",
    "partnerReferenceNo": "inv-1001",
    "externalId": "inv-1001",
    "amount": "10000.00",
    "status": "00",
    "refunded": "0.00",
}


@dataclass(frozen=True)
class AdminRoute:
    """One admin route: ``request`` is the JSON body (or ``query`` the query string)."""

    method: str
    path: str
    summary: str
    request: dict[str, Any] | None = None
    query: str | None = None
    response: Any = None

    def as_json(self) -> dict[str, Any]:
        """The route as ``GET /_emulator/`` lists it."""
        entry: dict[str, Any] = {"method": self.method, "path": self.path, "summary": self.summary}
        if self.request is not None:
            entry["request"] = self.request
        if self.query is not None:
            entry["query"] = self.query
        entry["response"] = self.response
        return entry


ADMIN_ROUTES: tuple[AdminRoute, ...] = (
    AdminRoute(
        "GET",
        "/_emulator/",
        "This list: every admin route with an example request and answer.",
        response={"routes": ["..."]},
    ),
    AdminRoute(
        "GET",
        "/_emulator/health",
        "Liveness, and the endpoint families served.",
        response={"status": "ok", "families": list(FAMILIES)},
    ),
    AdminRoute(
        "GET",
        "/_emulator/gateway-public-key",
        "The PEM public key that verifies the emulator's notifications.",
        response={"publicKey": "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n"},
    ),
    AdminRoute(
        "POST",
        "/_emulator/merchants",
        "Register a merchant. channelId, notifyUrl, balance, merchantId, paymentHandle, "
        "irisMerchantKey and payoutsNotifyUrl (Payouts notifications) are optional.",
        request={
            "clientId": "G-CLIENT",
            "clientSecret": "s3cret",
            "partnerId": "G123",
            "publicKey": "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n",
            "channelId": "12345",
            "notifyUrl": "http://127.0.0.1:9000/api/snap",
            "balance": "1000000",
            "irisMerchantKey": "IRIS-merchant-0123456789abcdef",
            "payoutsNotifyUrl": "http://127.0.0.1:9000/payouts",
        },
        response={"clientId": "G-CLIENT", "partnerId": "G123"},
    ),
    AdminRoute(
        "POST",
        "/_emulator/va/pay",
        "Pay a virtual account, by trxId or VA number (amount: for open-amount VAs).",
        request={"reference": "inv-1001", "amount": "10000.00"},
        response=_PAYMENT,
    ),
    AdminRoute(
        "POST",
        "/_emulator/qris/pay",
        "Pay a QRIS code, by partnerReferenceNo or referenceNo (amount: for an open QR).",
        request={"reference": "qr-1001"},
        response=_PAYMENT | {"kind": "qris"},
    ),
    AdminRoute(
        "POST",
        "/_emulator/debit/pay",
        "Approve a direct-debit payment, by partnerReferenceNo or referenceNo.",
        request={"reference": "order-1001"},
        response=_PAYMENT | {"kind": "debit"},
    ),
    AdminRoute(
        "GET",
        "/_emulator/pay/{reference}",
        "The webRedirectUrl page a customer opens: approves the debit payment.",
        response=_PAYMENT | {"kind": "debit"},
    ),
    AdminRoute(
        "POST",
        "/_emulator/expire",
        "Expire any pending payment.",
        request={"reference": "inv-1001"},
        response=_PAYMENT | {"status": "08"},
    ),
    AdminRoute(
        "POST",
        "/_emulator/fail",
        "Fail any pending payment.",
        request={"reference": "inv-1001"},
        response=_PAYMENT | {"status": "06"},
    ),
    AdminRoute(
        "GET",
        "/_emulator/payments/{reference}",
        "A payment's current state.",
        response=_PAYMENT,
    ),
    AdminRoute(
        "GET",
        "/_emulator/balance",
        "A merchant's payouts balance.",
        query="clientId=G-CLIENT",
        response={"clientId": "G-CLIENT", "balance": "1000000.00"},
    ),
    AdminRoute(
        "POST",
        "/_emulator/balance",
        "Set a merchant's payouts balance.",
        request={"clientId": "G-CLIENT", "value": "500000"},
        response={"clientId": "G-CLIENT", "balance": "500000.00"},
    ),
    AdminRoute(
        "POST",
        "/_emulator/faults",
        "Inject a fault on a SNAP path ('*': every path). kind: delay, error, timeout or "
        "drop; seconds, status (5xx), times (null: until cleared) and process are optional.",
        request={"path": "/v1.0/debit/payment-host-to-host", "kind": "drop", "times": 1},
        response={"path": "/v1.0/debit/payment-host-to-host", "kind": "drop", "times": 1},
    ),
    AdminRoute(
        "DELETE",
        "/_emulator/faults",
        "Clear every fault, or one path's with ?path=.",
        query="path=/v1.0/debit/payment-host-to-host",
        response={"cleared": True},
    ),
    AdminRoute(
        "GET",
        "/_emulator/notifications",
        "Every notification sent, with its delivery attempts.",
        response=[
            {
                "url": "http://127.0.0.1:9000/api/snap/v1.0/transfer-va/payment",
                "path": "/v1.0/transfer-va/payment",
                "body": {"virtualAccountNo": "   700126280123456", "trxId": "inv-1001"},
                "attempts": [{"status": 200, "error": None}],
                "delivered": True,
                "gaveUp": False,
                "payouts": False,
            }
        ],
    ),
    AdminRoute(
        "POST",
        "/_emulator/notifications/flush",
        "Attempt every queued delivery now; true when none is left waiting.",
        response={"flushed": True},
    ),
    AdminRoute(
        "GET",
        "/_emulator/ledger",
        "The ledger: every transaction and its events (?clientId= for one merchant).",
        query="clientId=G-CLIENT",
        response=[
            {
                "clientId": "G-CLIENT",
                "referenceNo": "VA0000000175A00972",
                "partnerReferenceNo": "inv-1001",
                "type": "PAYMENT",
                "channel": "bank_transfer",
                "status": "SETTLEMENT",
                "amount": "10000.00",
                "events": ["created", "paid"],
            }
        ],
    ),
)


_TRANSFER = {"referenceNo": "PO0000000001", "partnerReferenceNo": "1001", "status": "06"}

ADMIN_ROUTES += (
    AdminRoute(
        "POST",
        "/_emulator/payouts/fail",
        "Fail a pending payout transfer, by partnerReferenceNo (errorCode: the Iris error code "
        "in the notification, default 004); the money returns to the balance.",
        request={"reference": "1001", "errorCode": "002"},
        response=_TRANSFER,
    ),
    AdminRoute(
        "POST",
        "/_emulator/payouts/reverse",
        "Reverse a completed payout transfer (completed, then failed), by partnerReferenceNo.",
        request={"reference": "1002"},
        response=_TRANSFER | {"partnerReferenceNo": "1002", "referenceNo": "PO0000000002"},
    ),
    AdminRoute(
        "POST",
        "/_emulator/payouts/topup",
        "Credit a merchant's payouts balance and send the top-up notification (orderId optional).",
        request={"clientId": "G-CLIENT", "amount": "250000.00"},
        response={"clientId": "G-CLIENT", "balance": "1250000.00", "notified": True},
    ),
    AdminRoute(
        "POST",
        "/_emulator/payouts/notification-faults",
        "Make the next Payouts notifications arrive twice (duplicate) or each after the one "
        "that follows it (out_of_order).",
        request={"kind": "duplicate", "times": 1},
        response={"kind": "duplicate", "times": 1},
    ),
    AdminRoute(
        "POST",
        "/_emulator/payouts/release-held",
        "Send the Payouts notifications an out_of_order fault is holding back.",
        response={"released": 0},
    ),
    AdminRoute(
        "GET",
        "/_emulator/payouts/notifications",
        "Every Payouts notification sent, with its delivery attempts.",
        response=[
            {
                "url": "http://127.0.0.1:9000/payouts",
                "path": "/payouts",
                "body": {"reference_no": "PO0000000001", "status": "failed"},
                "attempts": [{"status": 200, "error": None}],
                "delivered": True,
                "gaveUp": False,
                "payouts": True,
            }
        ],
    ),
)


def admin_index() -> dict[str, Any]:
    """The answer to ``GET /_emulator/``."""
    return {"routes": [route.as_json() for route in ADMIN_ROUTES]}
