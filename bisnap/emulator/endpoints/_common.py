"""Helpers shared by the Core API endpoint families."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from bisnap.emulator.responses import SnapFailure
from bisnap.emulator.routes import Call, Fields
from bisnap.emulator.state import Payment
from bisnap.timestamps import format_timestamp

__all__ = [
    "STATUS_DESCRIPTIONS",
    "check_merchant_id",
    "expiry",
    "find_original",
    "iso",
    "open_payment",
    "random_digits",
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
