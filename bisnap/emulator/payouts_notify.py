"""Payouts notifications from the emulator: signed with the merchant's Iris Merchant Key.

A merchant registered with ``iris_merchant_key`` and ``payouts_notify_url`` receives a POST
(``Content-Type: application/json``, ``Iris-Signature``) each time one of its transfers moves
(``processed`` when accepted, then ``completed`` or ``failed``; ``failed`` again when a
completed transfer is reversed) and for each top-up posted with :func:`post_topup`.

Faults (:func:`inject_payouts_notification_fault`) let a merchant test its idempotency:
``duplicate`` sends the next notification twice; ``out_of_order`` holds the next notification
back and sends it right after the one that follows it (or on
:func:`release_held_payouts_notifications`). Delivery and retries are the emulator's notifier:
any 2xx counts as received.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bisnap.emulator.notifications import Notification
from bisnap.emulator.responses import dump_json, format_amount
from bisnap.errors import ConfigurationError, InvalidInputError
from bisnap.keys import IrisMerchantKey, load_iris_merchant_key
from bisnap.signing.iris import iris_signature

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = [
    "PAYOUTS_NOTIFICATION_FAULTS",
    "check_payouts_notification_settings",
    "inject_payouts_notification_fault",
    "payout_notification_body",
    "payouts_notifications",
    "post_topup",
    "release_held_payouts_notifications",
    "send_payouts_notification",
]

PAYOUTS_NOTIFICATION_FAULTS = ("duplicate", "out_of_order")
_FAMILY = "payouts-notifications"


@dataclass
class _FaultState:
    pending: dict[str, int] = field(default_factory=dict)
    held: list[Notification] = field(default_factory=list)


def check_payouts_notification_settings(
    iris_merchant_key: IrisMerchantKey | str | None, payouts_notify_url: str | None
) -> IrisMerchantKey | None:
    """The loaded key; a URL needs a key, and must be an absolute http(s) URL."""
    key = None if iris_merchant_key is None else load_iris_merchant_key(iris_merchant_key)
    if payouts_notify_url is None:
        return key
    parts = urlsplit(payouts_notify_url) if isinstance(payouts_notify_url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            "payouts_notify_url must be an http(s) URL", field="payouts_notify_url"
        )
    if key is None:
        raise ConfigurationError(
            "payouts_notify_url needs iris_merchant_key to sign the notifications",
            field="iris_merchant_key",
        )
    return key


def _faults(emulator: Emulator) -> _FaultState:
    family = emulator.state.family(_FAMILY)
    state = family.get("faults")
    if not isinstance(state, _FaultState):
        state = family["faults"] = _FaultState()
    return state


def inject_payouts_notification_fault(emulator: Emulator, kind: str, *, times: int = 1) -> None:
    """Make the next ``times`` Payouts notifications arrive twice (``duplicate``) or each
    after the one that follows it (``out_of_order``)."""
    from bisnap.emulator.core import SimulationError

    if kind not in PAYOUTS_NOTIFICATION_FAULTS:
        raise SimulationError(f"kind is one of {', '.join(PAYOUTS_NOTIFICATION_FAULTS)}")
    if isinstance(times, bool) or not isinstance(times, int) or times < 1:
        raise SimulationError("times must be a positive int")
    with emulator.lock:
        state = _faults(emulator)
        state.pending[kind] = state.pending.get(kind, 0) + times


def _take(state: _FaultState, kind: str) -> bool:
    left = state.pending.get(kind, 0)
    if left:
        state.pending[kind] = left - 1
    return bool(left)


def _submit(emulator: Emulator, notification: Notification, state: _FaultState) -> None:
    emulator.queue_notification(notification)
    if _take(state, "duplicate"):
        emulator.queue_notification(dataclasses.replace(notification, attempts=[]))


def release_held_payouts_notifications(emulator: Emulator) -> int:
    """Send the notifications an ``out_of_order`` fault is holding back; returns how many."""
    with emulator.lock:
        state = _faults(emulator)
        held, state.held = state.held, []
        for notification in held:
            _submit(emulator, notification, state)
        return len(held)


def send_payouts_notification(
    emulator: Emulator, client_id: str, body: dict[str, Any]
) -> Notification | None:
    """Sign ``body`` with the merchant's Iris Merchant Key and queue it (None: not configured)."""
    with emulator.lock:
        merchant = emulator.merchant(client_id)
        url, key = merchant.payouts_notify_url, merchant.iris_merchant_key
        if url is None or key is None:
            return None
        raw = dump_json(body)
        signature = iris_signature(key, raw)
        notification = Notification(
            client_id=client_id,
            url=url,
            path=urlsplit(url).path or "/",
            headers={"Content-Type": "application/json", "Iris-Signature": signature},
            body=raw,
            payouts=True,
        )
        state = _faults(emulator)
        if _take(state, "out_of_order"):
            state.held.append(notification)
            return notification
        _submit(emulator, notification, state)
        held, state.held = state.held, []
        for late in held:
            _submit(emulator, late, state)
        return notification


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def payout_notification_body(
    *,
    reference_no: str,
    partner_reference_no: str,
    amount: Decimal,
    status: str,
    now: datetime,
    error_code: str | None = None,
) -> dict[str, Any]:
    """A payout notification body as Midtrans sends it (all values strings)."""
    body: dict[str, Any] = {
        "reference_no": reference_no,
        "amount": format_amount(amount),
        "status": status,
        "updated_at": _utc(now),
        "partner_reference_no": partner_reference_no,
    }
    if error_code is not None:
        from bisnap.notifications.payouts_payloads import PayoutErrorCode

        meaning = PayoutErrorCode(_check_error_code(error_code)).description
        body["error_code"] = error_code
        body["error_message"] = meaning[:1].upper() + meaning[1:]
    return body


def post_topup(
    emulator: Emulator,
    client_id: str,
    amount: Decimal | str | int,
    *,
    order_id: str | None = None,
) -> Notification | None:
    """Credit the merchant's Payouts balance and send the top-up notification."""
    from bisnap.emulator.core import SimulationError

    try:
        value = Decimal(amount).quantize(Decimal("0.01"))
    except (ArithmeticError, ValueError, TypeError):
        raise SimulationError("amount must be a decimal amount") from None
    if not value > 0:
        raise SimulationError("a top-up amount must be positive")
    with emulator.lock:
        merchant = emulator.merchant(client_id)
        merchant.balance += value
        now = emulator.clock()
        body = {
            "transaction_id": str(uuid.uuid4()),
            "order_id": order_id or f"TOPUP-{emulator.state.new_reference('TU')}",
            "gross_amount": format_amount(value),
            "status": "topup",
            "transaction_time": _utc(now),
        }
        return send_payouts_notification(emulator, client_id, body)


def payouts_notifications(emulator: Emulator) -> list[Notification]:
    """Every Payouts notification queued so far (with its delivery attempts), oldest first."""
    return [n for n in emulator.notifications if n.payouts]


def _check_error_code(error_code: str) -> str:
    if not (isinstance(error_code, str) and len(error_code) == 3 and error_code.isdigit()):
        raise InvalidInputError("error_code is three digits, e.g. '002'")
    return error_code
