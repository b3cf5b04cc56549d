"""Helpers shared by the Core API endpoint families."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from bisnap.emulator.responses import SnapFailure
from bisnap.emulator.routes import Call, Fields
from bisnap.emulator.state import Payment, Refund
from bisnap.timestamps import format_timestamp

__all__ = [
    "STATUS_DESCRIPTIONS",
    "add_refund",
    "check_merchant_id",
    "expiry",
    "find_original",
    "iso",
    "new_refund_amount",
    "open_payment",
    "partner_refund_no",
    "random_digits",
    "refund_amount",
]

STATUS_DESCRIPTIONS = {
    "00": "settlement",
    "01": "authorize",
    "03": "pending",
    "04": "refund",
    "05": "cancel",
    "06": "failure",
    "08": "expire",
    "09": "deny",
}
"""``transactionStatusDesc`` / ``paymentFlagReason.english`` for each status code."""

_REFUND_NO_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def iso(moment: datetime | None) -> str | None:
    """``2024-03-15T10:35:00+07:00`` (None stays None)."""
    return None if moment is None else format_timestamp(moment)


def random_digits(length: int) -> str:
    """``length`` random decimal digits."""
    return "".join(secrets.choice("0123456789") for _ in range(length))


def check_merchant_id(call: Call, value: str | None) -> None:
    """When the merchant registered a MID, a ``merchantId`` in a body must be it."""
    expected = call.merchant.merchant_id if call.merchant else None
    if value is not None and expected is not None and value != expected:
        raise SnapFailure(404, "08", "Merchant does not exist or status abnormal")


def expiry(
    fields: Fields,
    key: str,
    now: datetime,
    *,
    default: timedelta,
    minimum: timedelta = timedelta(seconds=20),
    maximum: timedelta = timedelta(days=180),
) -> datetime:
    """An optional expiry timestamp, defaulted, within ``minimum``..``maximum`` from now."""
    moment = fields.timestamp(key)
    if moment is None:
        return now + default
    if not minimum <= moment - now <= maximum:
        raise SnapFailure.bad_format(fields.name(key))
    return moment


def find_original(
    call: Call,
    kind: str,
    *,
    reference_no: str | None,
    external_id: str | None,
    partner_reference_no: str | None = None,
    mandatory_hint: str = "originalReferenceNo",
) -> Payment:
    """The original payment by ``referenceNo`` > ``partnerReferenceNo`` > X-EXTERNAL-ID.

    None of them given → ``400xx02`` naming ``mandatory_hint``; nothing found → ``404xx01``.
    """
    if not (reference_no or external_id or partner_reference_no):
        raise SnapFailure.missing(mandatory_hint)
    payment = call.emulator.lookup_payment(
        call.client_id,
        kind,
        reference_no=reference_no,
        partner_reference_no=partner_reference_no,
        external_id=external_id,
        now=call.now,
    )
    if payment is None:
        raise SnapFailure.not_found()
    return payment


def open_payment(call: Call, payment: Payment, *, channel: str, **extra: object) -> Payment:
    """Store a new payment and open its ledger record (``PAYMENT``, status from the payment)."""
    call.state.add_payment(payment)
    call.state.ledger.open(
        client_id=payment.client_id,
        reference_no=payment.reference_no,
        partner_reference_no=payment.partner_reference_no,
        external_id=payment.external_id,
        type="PAYMENT",
        channel=channel,
        status={"03": "PENDING", "01": "AUTHORIZE", "00": "SETTLEMENT"}[payment.status],
        amount=payment.amount,
        time=payment.created,
        **extra,
    )
    return payment


def refund_amount(fields: Fields, payment: Payment, key: str = "refundAmount") -> Decimal:
    """The requested refund amount (absent: the whole refundable rest)."""
    amount = fields.amount(key, required=False, minimum=Decimal("0.01"))
    return payment.refundable if amount is None else amount


def partner_refund_no(fields: Fields) -> str:
    """The mandatory ``partnerRefundNo``: letters, digits, ``-`` and ``_`` only."""
    refund_no = fields.need_text("partnerRefundNo", max_len=64)
    if not set(refund_no) <= _REFUND_NO_CHARS:
        raise SnapFailure.bad_format("partnerRefundNo")
    return refund_no


def new_refund_amount(
    fields: Fields,
    payment: Payment,
    refund_no: str,
    *,
    not_settled: SnapFailure,
    over_limit: SnapFailure | None = None,
) -> Decimal:
    """The amount of a new refund ``refund_no`` of ``payment``, after the checks in order.

    A repeated ``partnerRefundNo`` → ``409xx01``; a payment not settled (``00``/``04``) →
    ``not_settled``; an amount above what is left → ``over_limit`` (default ``403xx02``).
    """
    if any(r.partner_refund_no == refund_no for r in payment.refunds):
        raise SnapFailure.duplicate()
    if payment.status not in ("00", "04"):
        raise not_settled
    amount = refund_amount(fields, payment)
    if amount <= 0 or amount > payment.refundable:
        raise over_limit or SnapFailure(403, "02", "Exceeds Transaction Amount Limit")
    return amount


def add_refund(
    call: Call, payment: Payment, *, refund_no: str, amount: Decimal, reason: str | None
) -> Refund:
    """Record a refund of ``amount`` on ``payment`` and move it to ``04`` (refunded)."""
    entry = Refund(
        refund_no=call.state.new_reference("RF"),
        partner_refund_no=refund_no,
        amount=amount,
        time=call.now,
        reason=reason,
        external_id=call.external_id,
    )
    payment.refunds.append(entry)
    call.emulator.transition(
        payment, "04", call.now, event="refunded", amount=amount, refundNo=entry.refund_no
    )
    return entry
