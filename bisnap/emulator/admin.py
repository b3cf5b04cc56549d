"""The admin API under ``/_emulator/``: simulation controls over HTTP.

Every route answers JSON (the public key: PEM text); errors are ``{"error": "..."}`` with 400
(bad input, named in the message, or a state that does not allow the action) or 404 (unknown
route). Every input is checked before it is used: amounts are finite decimals below 10^15,
``seconds`` 0 to 3600, ``status`` 100 to 599, ``times`` 1 to 1,000,000 or null, ``process`` a
boolean, texts strings; a body that is not a JSON object, or nests too deeply, is refused.

==========================================  ====================================================
``GET  /_emulator/``                        every route with an example request and answer
``GET  /_emulator/health``                  ``{"status": "ok", "families": [...]}``
``GET  /_emulator/gateway-public-key``      PEM of the key that signs notifications
``POST /_emulator/merchants``               register: ``clientId``, ``clientSecret``,
                                            ``partnerId``, ``publicKey`` (PEM), optional
                                            ``channelId``, ``notifyUrl``, ``balance``,
                                            ``merchantId``, ``paymentHandle``,
                                            ``irisMerchantKey``, ``payoutsNotifyUrl``
``POST /_emulator/va/pay``                  ``{"reference": trxId|VA number, "amount"?: "..."}``
``POST /_emulator/qris/pay``                ``{"reference": ..., "amount"?: "..."}``
``POST /_emulator/debit/pay``               ``{"reference": ...}``
``GET  /_emulator/pay/{reference}``         the ``webRedirectUrl`` page: approves a debit
``POST /_emulator/expire``                  ``{"reference": ...}`` (any payment)
``POST /_emulator/fail``                    ``{"reference": ...}`` (any payment)
``GET  /_emulator/payments/{reference}``    a payment's current state
``GET|POST /_emulator/balance``             ``?clientId=`` / ``{"clientId":, "value": "..."}``
``POST /_emulator/faults``                  ``{"path", "kind", "seconds"?, "status"?,
                                            "times"?, "process"?}``
``DELETE /_emulator/faults``                clear (``?path=`` for one path)
``GET  /_emulator/notifications``           every notification and its attempts
``POST /_emulator/notifications/flush``     attempt every queued delivery now
``GET  /_emulator/ledger``                  the ledger (``?clientId=``)
``POST /_emulator/payouts/fail``            ``{"reference": partnerReferenceNo,
                                            "errorCode"?: "002"}`` (a pending transfer)
``POST /_emulator/payouts/reverse``         ``{"reference", "errorCode"?}``: completed → failed
``POST /_emulator/payouts/topup``           ``{"clientId", "amount", "orderId"?}``
``POST /_emulator/payouts/notification-faults``  ``{"kind": "duplicate"|"out_of_order",
                                            "times"?: 1}``
``POST /_emulator/payouts/release-held``    send notifications held by ``out_of_order``
``GET  /_emulator/payouts/notifications``   the Payouts notifications and their attempts
==========================================  ====================================================
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote

from bisnap.emulator.admin_routes import admin_index
from bisnap.emulator.admission import decimal_amount, load_json
from bisnap.emulator.endpoints.payouts import fail_transfer, reverse_transfer
from bisnap.emulator.endpoints.payouts import notifications as payouts_notify
from bisnap.emulator.notifications import Notification
from bisnap.emulator.responses import EmulatorResponse, dump_json, format_amount
from bisnap.emulator.state import Payment
from bisnap.errors import BisnapError, InvalidInputError

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = ["ADMIN_PREFIX", "handle_admin"]

ADMIN_PREFIX = "/_emulator/"
_MAX_FAULT_SECONDS = 3600.0


class _AdminError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _json(status: int, value: Any) -> EmulatorResponse:
    return EmulatorResponse(status, {"Content-Type": "application/json"}, dump_json(value))


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


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise _AdminError(400, f"{key} is required (a non-empty string)")
    return value


def _optional_text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise _AdminError(400, f"{key} must be a string")
    return value


def _decimal(value: Any, key: str) -> Decimal:
    try:
        return decimal_amount(value, key)
    except InvalidInputError as exc:
        raise _AdminError(400, exc.message) from None


def _number(body: dict[str, Any], key: str, default: float, *, high: float) -> float:
    value = body.get(key, default)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 <= value <= high  # also refuses NaN
    ):
        raise _AdminError(400, f"{key} must be a number of seconds from 0 to {high:g}")
    return float(value)


def _integer(body: dict[str, Any], key: str, default: int, *, low: int, high: int) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _AdminError(400, f"{key} must be a whole number from {low} to {high}")
    return value


def _flag(body: dict[str, Any], key: str) -> bool:
    value = body.get(key, False)
    if not isinstance(value, bool):
        raise _AdminError(400, f"{key} must be true or false")
    return value


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


def _payouts(emulator: Emulator, method: str, name: str, data: dict[str, Any]) -> Any:
    if (method, name) == ("GET", "notifications"):
        return [_notification_view(n) for n in payouts_notify.payouts_notifications(emulator)]
    if method == "POST" and name in ("fail", "reverse"):
        control = fail_transfer if name == "fail" else reverse_transfer
        transfer = control(
            emulator,
            _text(data, "reference"),
            error_code=_optional_text(data, "errorCode") or "004",
        )
        return {
            "referenceNo": transfer.reference_no,
            "partnerReferenceNo": transfer.partner_reference_no,
            "status": transfer.status,
        }
    if (method, name) == ("POST", "topup"):
        client_id = _text(data, "clientId")
        notification = payouts_notify.post_topup(
            emulator,
            client_id,
            _decimal(data.get("amount"), "amount"),
            order_id=_optional_text(data, "orderId"),
        )
        return {
            "clientId": client_id,
            "balance": format_amount(emulator.balance(client_id)),
            "notified": notification is not None,
        }
    if (method, name) == ("POST", "notification-faults"):
        kind = _text(data, "kind")
        times = _integer(data, "times", 1, low=1, high=1_000_000)
        payouts_notify.inject_payouts_notification_fault(emulator, kind, times=times)
        return {"kind": kind, "times": times}
    if (method, name) == ("POST", "release-held"):
        return {"released": payouts_notify.release_held_payouts_notifications(emulator)}
    raise _AdminError(
        404, f"no admin route {method} {ADMIN_PREFIX}payouts/{name} (GET {ADMIN_PREFIX} lists them)"
    )


def handle_admin(emulator: Emulator, method: str, path: str, body: bytes) -> EmulatorResponse:
    """Answer one admin request (``path`` starts with ``/_emulator/`` and may carry a query)."""
    route, _, query_text = path.partition("?")
    query = dict(parse_qsl(query_text))
    try:
        data: dict[str, Any] = {}
        if body:
            parsed = load_json(body)
            if not isinstance(parsed, dict):
                raise _AdminError(400, "the body must be a JSON object")
            data = parsed
        return _json(200, _dispatch(emulator, method.upper(), route, query, data))
    except _AdminError as exc:
        return _json(exc.status, {"error": str(exc)})
    except (ValueError, TypeError) as exc:
        return _json(400, {"error": str(exc)})
    except BisnapError as exc:
        return _json(400, {"error": str(exc)})


def _dispatch(
    emulator: Emulator, method: str, route: str, query: dict[str, str], data: dict[str, Any]
) -> Any:
    name = route[len(ADMIN_PREFIX) :]
    if (method, name) == ("GET", ""):
        return admin_index()
    if (method, name) == ("GET", "health"):
        return {"status": "ok", "families": list(emulator.families)}
    if (method, name) == ("GET", "gateway-public-key"):
        return {"publicKey": emulator.gateway_public_key.to_pem().decode("ascii")}
    if (method, name) == ("POST", "merchants"):
        merchant = emulator.register_merchant(
            client_id=_text(data, "clientId"),
            client_secret=_text(data, "clientSecret"),
            partner_id=_text(data, "partnerId"),
            merchant_public_key=_text(data, "publicKey"),
            channel_id=_optional_text(data, "channelId"),
            notify_url=_optional_text(data, "notifyUrl"),
            balance=_decimal(data.get("balance", "0"), "balance"),
            merchant_id=_optional_text(data, "merchantId"),
            payment_handle=_optional_text(data, "paymentHandle"),
            iris_merchant_key=_optional_text(data, "irisMerchantKey"),
            payouts_notify_url=_optional_text(data, "payoutsNotifyUrl"),
        )
        return {"clientId": merchant.client_id, "partnerId": merchant.partner_id}
    if method == "POST" and name in ("va/pay", "qris/pay", "debit/pay", "expire", "fail"):
        reference = _text(data, "reference")
        if name == "va/pay":
            amount = _decimal(data["amount"], "amount") if "amount" in data else None
            payment = emulator.pay_va(reference, amount=amount)
        elif name == "qris/pay":
            amount = _decimal(data["amount"], "amount") if "amount" in data else None
            payment = emulator.pay_qris(reference, amount=amount)
        elif name == "debit/pay":
            payment = emulator.pay_debit(reference)
        elif name == "expire":
            payment = emulator.expire(reference)
        else:
            payment = emulator.fail(reference)
        return _payment_view(payment)
    if method == "GET" and name.startswith("pay/"):
        return _payment_view(emulator.pay_debit(unquote(name[len("pay/") :])))
    if method == "GET" and name.startswith("payments/"):
        return _payment_view(emulator.payment(unquote(name[len("payments/") :])))
    if name == "balance" and method == "GET":
        client_id = query.get("clientId", "")
        return {"clientId": client_id, "balance": format_amount(emulator.balance(client_id))}
    if name == "balance" and method == "POST":
        client_id = _text(data, "clientId")
        emulator.set_balance(client_id, _decimal(data.get("value"), "value"))
        return {"clientId": client_id, "balance": format_amount(emulator.balance(client_id))}
    if name == "faults" and method == "POST":
        fault = emulator.inject_fault(
            _text(data, "path"),
            _text(data, "kind"),
            seconds=_number(data, "seconds", 0.0, high=_MAX_FAULT_SECONDS),
            status=_integer(data, "status", 500, low=100, high=599),
            times=None  # null: until cleared
            if "times" in data and data["times"] is None
            else _integer(data, "times", 1, low=1, high=1_000_000),
            process=_flag(data, "process"),
        )
        return {"path": fault.path, "kind": fault.kind, "times": fault.times}
    if name == "faults" and method == "DELETE":
        emulator.clear_faults(query.get("path"))
        return {"cleared": True}
    if (method, name) == ("GET", "notifications"):
        return [_notification_view(n) for n in emulator.notifications]
    if name.startswith("payouts/"):
        return _payouts(emulator, method, name[len("payouts/") :], data)
    if (method, name) == ("POST", "notifications/flush"):
        return {"flushed": emulator.flush_notifications()}
    if (method, name) == ("GET", "ledger"):
        with emulator.lock:
            records = emulator.state.ledger.records(query.get("clientId"))
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
                for r in records
            ]
    raise _AdminError(404, f"no admin route {method} {route} (GET {ADMIN_PREFIX} lists them)")
