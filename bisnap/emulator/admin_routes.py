"""The admin API's routes: what each does, an example of it, and the code that answers it.

Each route names its method and path, what it does, and an example request (JSON body or
query string) and answer, beside the function that answers it. ``GET /_emulator/`` lists
them and the docs describe them from this one table; a test calls every route with its
example and checks the answer has the documented shape.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from bisnap.emulator.admin_input import AdminCall
from bisnap.emulator.endpoints import FAMILIES
from bisnap.emulator.endpoints.payouts import Transfer, fail_transfer, reverse_transfer
from bisnap.emulator.endpoints.payouts import notifications as payouts_notify
from bisnap.emulator.notifications import Notification
from bisnap.emulator.responses import format_amount
from bisnap.emulator.state import Payment

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = ["ADMIN_PREFIX", "ADMIN_ROUTES", "AdminHandler", "AdminRoute", "admin_index"]

ADMIN_PREFIX = "/_emulator/"
_MAX_FAULT_SECONDS = 3600.0

AdminHandler = Callable[["Emulator", AdminCall], Any]
"""Answers one admin request with a JSON-able value."""


@dataclass(frozen=True)
class AdminRoute:
    """One admin route: ``request`` is the JSON body (or ``query`` the query string).

    A path ending in ``{reference}`` serves every path below its fixed part.
    """

    method: str
    path: str
    summary: str
    request: dict[str, Any] | None = None
    query: str | None = None
    response: Any = None
    handler: AdminHandler | None = field(default=None, repr=False, compare=False)

    def as_json(self) -> dict[str, Any]:
        """The route as ``GET /_emulator/`` lists it."""
        entry: dict[str, Any] = {"method": self.method, "path": self.path, "summary": self.summary}
        if self.request is not None:
            entry["request"] = self.request
        if self.query is not None:
            entry["query"] = self.query
        entry["response"] = self.response
        return entry

    def reference(self, method: str, path: str) -> str | None:
        """The ``{reference}`` in ``path`` (``""`` for a fixed path) when this route serves
        ``method path``, else None."""
        if method != self.method:
            return None
        fixed, variable, _ = self.path.partition("{")
        if not variable:
            return "" if path == self.path else None
        return unquote(path[len(fixed) :]) if path.startswith(fixed) else None


_routes: list[AdminRoute] = []


def _route(
    method: str,
    name: str,
    summary: str,
    *,
    request: dict[str, Any] | None = None,
    query: str | None = None,
    response: Any = None,
) -> Callable[[AdminHandler], AdminHandler]:
    """Declare the route ``method /_emulator/<name>`` answered by the decorated function."""

    def add(handler: AdminHandler) -> AdminHandler:
        route = AdminRoute(method, ADMIN_PREFIX + name, summary, request, query, response, handler)
        _routes.append(route)
        return handler

    return add


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

_TRANSFER = {"referenceNo": "PO0000000001", "partnerReferenceNo": "1001", "status": "06"}


def _payment_view(payment: Payment) -> dict[str, Any]:
    return {
        "kind": payment.kind,
        "clientId": payment.client_id,
        "referenceNo": payment.reference_no,
        "partnerReferenceNo": payment.partner_reference_no,
        "externalId": payment.external_id,
        "amount": format_amount(payment.amount),
        "status": payment.status,
        "refunded": format_amount(payment.refunded),
    }


def _notification_view(n: Notification) -> dict[str, Any]:
    return {
        "url": n.url,
        "path": n.path,
        "body": json.loads(n.body),
        "attempts": [{"status": a.status, "error": a.error} for a in n.attempts],
        "delivered": n.delivered,
        "gaveUp": n.gave_up,
        "payouts": n.payouts,
    }


def _balance_view(emulator: Emulator, client_id: str) -> dict[str, Any]:
    return {"clientId": client_id, "balance": format_amount(emulator.balance(client_id))}


@_route(
    "GET",
    "",
    "This list: every admin route with an example request and answer.",
    response={"routes": ["..."]},
)
def _index(emulator: Emulator, call: AdminCall) -> Any:
    return admin_index()


@_route(
    "GET",
    "health",
    "Liveness, and the endpoint families served.",
    response={"status": "ok", "families": list(FAMILIES)},
)
def _health(emulator: Emulator, call: AdminCall) -> Any:
    return {"status": "ok", "families": list(emulator.families)}


@_route(
    "GET",
    "gateway-public-key",
    "The PEM public key that verifies the emulator's notifications.",
    response={"publicKey": "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n"},
)
def _gateway_public_key(emulator: Emulator, call: AdminCall) -> Any:
    return {"publicKey": emulator.gateway_public_key.to_pem().decode("ascii")}


@_route(
    "POST",
    "merchants",
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
)
def _register_merchant(emulator: Emulator, call: AdminCall) -> Any:
    merchant = emulator.register_merchant(
        client_id=call.text("clientId"),
        client_secret=call.text("clientSecret"),
        partner_id=call.text("partnerId"),
        merchant_public_key=call.text("publicKey"),
        channel_id=call.optional_text("channelId"),
        notify_url=call.optional_text("notifyUrl"),
        balance=call.amount("balance", "0"),
        merchant_id=call.optional_text("merchantId"),
        payment_handle=call.optional_text("paymentHandle"),
        iris_merchant_key=call.optional_text("irisMerchantKey"),
        payouts_notify_url=call.optional_text("payoutsNotifyUrl"),
    )
    return {"clientId": merchant.client_id, "partnerId": merchant.partner_id}


@_route(
    "POST",
    "va/pay",
    "Pay a virtual account, by trxId or VA number (amount: for open-amount VAs).",
    request={"reference": "inv-1001", "amount": "10000.00"},
    response=_PAYMENT,
)
def _pay_va(emulator: Emulator, call: AdminCall) -> Any:
    reference = call.text("reference")
    return _payment_view(emulator.pay_va(reference, amount=call.optional_amount("amount")))


@_route(
    "POST",
    "qris/pay",
    "Pay a QRIS code, by partnerReferenceNo or referenceNo (amount: for an open QR).",
    request={"reference": "qr-1001"},
    response=_PAYMENT | {"kind": "qris"},
)
def _pay_qris(emulator: Emulator, call: AdminCall) -> Any:
    reference = call.text("reference")
    return _payment_view(emulator.pay_qris(reference, amount=call.optional_amount("amount")))


@_route(
    "POST",
    "debit/pay",
    "Approve a direct-debit payment, by partnerReferenceNo or referenceNo.",
    request={"reference": "order-1001"},
    response=_PAYMENT | {"kind": "debit"},
)
def _pay_debit(emulator: Emulator, call: AdminCall) -> Any:
    return _payment_view(emulator.pay_debit(call.text("reference")))


@_route(
    "GET",
    "pay/{reference}",
    "The webRedirectUrl page a customer opens: approves the debit payment.",
    response=_PAYMENT | {"kind": "debit"},
)
def _debit_page(emulator: Emulator, call: AdminCall) -> Any:
    return _payment_view(emulator.pay_debit(call.reference))


@_route(
    "POST",
    "expire",
    "Expire any pending payment.",
    request={"reference": "inv-1001"},
    response=_PAYMENT | {"status": "08"},
)
def _expire(emulator: Emulator, call: AdminCall) -> Any:
    return _payment_view(emulator.expire(call.text("reference")))


@_route(
    "POST",
    "fail",
    "Fail any pending payment.",
    request={"reference": "inv-1001"},
    response=_PAYMENT | {"status": "06"},
)
def _fail(emulator: Emulator, call: AdminCall) -> Any:
    return _payment_view(emulator.fail(call.text("reference")))


@_route("GET", "payments/{reference}", "A payment's current state.", response=_PAYMENT)
def _payment(emulator: Emulator, call: AdminCall) -> Any:
    return _payment_view(emulator.payment(call.reference))


@_route(
    "GET",
    "balance",
    "A merchant's payouts balance.",
    query="clientId=G-CLIENT",
    response={"clientId": "G-CLIENT", "balance": "1000000.00"},
)
def _balance(emulator: Emulator, call: AdminCall) -> Any:
    return _balance_view(emulator, call.query.get("clientId", ""))


@_route(
    "POST",
    "balance",
    "Set a merchant's payouts balance.",
    request={"clientId": "G-CLIENT", "value": "500000"},
    response={"clientId": "G-CLIENT", "balance": "500000.00"},
)
def _set_balance(emulator: Emulator, call: AdminCall) -> Any:
    client_id = call.text("clientId")
    emulator.set_balance(client_id, call.amount("value"))
    return _balance_view(emulator, client_id)


@_route(
    "POST",
    "faults",
    "Inject a fault on a SNAP path ('*': every path). kind: delay, error, timeout or "
    "drop; seconds, status (5xx), times (null: until cleared) and process are optional.",
    request={"path": "/v1.0/debit/payment-host-to-host", "kind": "drop", "times": 1},
    response={"path": "/v1.0/debit/payment-host-to-host", "kind": "drop", "times": 1},
)
def _inject_fault(emulator: Emulator, call: AdminCall) -> Any:
    fault = emulator.inject_fault(
        call.text("path"),
        call.text("kind"),
        seconds=call.seconds("seconds", 0.0, high=_MAX_FAULT_SECONDS),
        status=call.integer("status", 500, low=100, high=599),
        times=None  # null: until cleared
        if "times" in call.data and call.data["times"] is None
        else call.integer("times", 1, low=1, high=1_000_000),
        process=call.flag("process"),
    )
    return {"path": fault.path, "kind": fault.kind, "times": fault.times}


@_route(
    "DELETE",
    "faults",
    "Clear every fault, or one path's with ?path=.",
    query="path=/v1.0/debit/payment-host-to-host",
    response={"cleared": True},
)
def _clear_faults(emulator: Emulator, call: AdminCall) -> Any:
    emulator.clear_faults(call.query.get("path"))
    return {"cleared": True}


@_route(
    "GET",
    "notifications",
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
)
def _notifications(emulator: Emulator, call: AdminCall) -> Any:
    return [_notification_view(n) for n in emulator.notifications]


@_route(
    "POST",
    "notifications/flush",
    "Attempt every queued delivery now; true when none is left waiting.",
    response={"flushed": True},
)
def _flush_notifications(emulator: Emulator, call: AdminCall) -> Any:
    return {"flushed": emulator.flush_notifications()}


@_route(
    "GET",
    "ledger",
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
)
def _ledger(emulator: Emulator, call: AdminCall) -> Any:
    with emulator.lock:
        return [
            {
                "clientId": r.client_id,
                "referenceNo": r.reference_no,
                "partnerReferenceNo": r.partner_reference_no,
                "type": r.type,
                "channel": r.channel,
                "status": r.status,
                "amount": format_amount(r.amount),
                "events": [e.kind for e in r.events],
            }
            for r in emulator.state.ledger.records(call.query.get("clientId"))
        ]


@_route(
    "POST",
    "payouts/fail",
    "Fail a pending payout transfer, by partnerReferenceNo (errorCode: the Iris error code "
    "in the notification, default 004); the money returns to the balance.",
    request={"reference": "1001", "errorCode": "002"},
    response=_TRANSFER,
)
def _fail_transfer(emulator: Emulator, call: AdminCall) -> Any:
    return _transfer_view(fail_transfer(emulator, call.text("reference"), error_code=_code(call)))


@_route(
    "POST",
    "payouts/reverse",
    "Reverse a completed payout transfer (completed, then failed), by partnerReferenceNo.",
    request={"reference": "1002"},
    response=_TRANSFER | {"partnerReferenceNo": "1002", "referenceNo": "PO0000000002"},
)
def _reverse_transfer(emulator: Emulator, call: AdminCall) -> Any:
    transfer = reverse_transfer(emulator, call.text("reference"), error_code=_code(call))
    return _transfer_view(transfer)


def _code(call: AdminCall) -> str:
    return call.optional_text("errorCode") or "004"


def _transfer_view(transfer: Transfer) -> dict[str, Any]:
    return {
        "referenceNo": transfer.reference_no,
        "partnerReferenceNo": transfer.partner_reference_no,
        "status": transfer.status,
    }


@_route(
    "POST",
    "payouts/topup",
    "Credit a merchant's payouts balance and send the top-up notification (orderId optional).",
    request={"clientId": "G-CLIENT", "amount": "250000.00"},
    response={"clientId": "G-CLIENT", "balance": "1250000.00", "notified": True},
)
def _topup(emulator: Emulator, call: AdminCall) -> Any:
    client_id = call.text("clientId")
    notification = payouts_notify.post_topup(
        emulator, client_id, call.amount("amount"), order_id=call.optional_text("orderId")
    )
    return _balance_view(emulator, client_id) | {"notified": notification is not None}


@_route(
    "POST",
    "payouts/notification-faults",
    "Make the next Payouts notifications arrive twice (duplicate) or each after the one "
    "that follows it (out_of_order).",
    request={"kind": "duplicate", "times": 1},
    response={"kind": "duplicate", "times": 1},
)
def _payouts_notification_fault(emulator: Emulator, call: AdminCall) -> Any:
    kind = call.text("kind")
    times = call.integer("times", 1, low=1, high=1_000_000)
    payouts_notify.inject_payouts_notification_fault(emulator, kind, times=times)
    return {"kind": kind, "times": times}


@_route(
    "POST",
    "payouts/release-held",
    "Send the Payouts notifications an out_of_order fault is holding back.",
    response={"released": 0},
)
def _release_held(emulator: Emulator, call: AdminCall) -> Any:
    return {"released": payouts_notify.release_held_payouts_notifications(emulator)}


@_route(
    "GET",
    "payouts/notifications",
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
)
def _payouts_notifications(emulator: Emulator, call: AdminCall) -> Any:
    return [_notification_view(n) for n in payouts_notify.payouts_notifications(emulator)]


ADMIN_ROUTES: tuple[AdminRoute, ...] = tuple(_routes)


def admin_index() -> dict[str, Any]:
    """The answer to ``GET /_emulator/``."""
    return {"routes": [route.as_json() for route in ADMIN_ROUTES]}
