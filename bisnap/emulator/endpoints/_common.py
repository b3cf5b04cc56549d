"""Helpers shared by the Core API endpoint families."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bisnap.emulator.responses import SnapFailure, money
from bisnap.emulator.routes import Call, Fields, Handler
from bisnap.emulator.state import Binding, Payment, Refund
from bisnap.timestamps import format_timestamp

__all__ = [
    "PROCESSED",
    "STATUS_DESCRIPTIONS",
    "add_refund",
    "cancel_pending",
    "check_merchant_id",
    "expiry",
    "find_original",
    "iso",
    "new_refund_amount",
    "open_payment",
    "ordered",
    "original_payment",
    "partner_refund_no",
    "payment_view",
    "random_digits",
    "refund_amount",
    "refund_answer",
    "refund_handler",
    "refund_history",
    "refund_payment",
]

PROCESSED = "Request has been processed successfully"
"""The ``responseMessage`` of the Core API's successful answers."""

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

_ONCE_HAPPENED = frozenset({"paidTime", "finishedTime"})
_REFUND_NO_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def iso(moment: datetime | None) -> str | None:
    """``2024-03-15T10:35:00+07:00`` (None stays None)."""
    return None if moment is None else format_timestamp(moment)


def random_digits(length: int) -> str:
    """``length`` random decimal digits."""
    return "".join(secrets.choice("0123456789") for _ in range(length))


def ordered(values: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """``values`` as a dict in the order of ``keys`` (each page documents its own order)."""
    return {key: values[key] for key in keys}


def payment_view(payment: Payment, keys: Iterable[str], **more: Any) -> dict[str, Any]:
    """``keys`` of ``payment``'s state (or of ``more``), in their order.

    ``paidTime`` and ``finishedTime`` appear only once the payment was paid / finished.
    """
    values = {
        "originalReferenceNo": payment.reference_no,
        "originalPartnerReferenceNo": payment.partner_reference_no,
        "originalExternalId": payment.external_id,
        "createdTime": iso(payment.created),
        "latestTransactionStatus": payment.status,
        "transactionStatusDesc": STATUS_DESCRIPTIONS.get(payment.status, ""),
        "amount": money(payment.amount),
        "transAmount": money(payment.amount),
        "paidTime": iso(payment.paid_time),
        "finishedTime": iso(payment.finished_time),
        **more,
    }
    return {
        key: values[key] for key in keys if values[key] is not None or key not in _ONCE_HAPPENED
    }


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
    payment = call.state.find_payment(
        call.client_id,
        kind,
        reference_no=reference_no,
        partner_reference_no=partner_reference_no,
        external_id=external_id,
    )
    if payment is None:
        raise SnapFailure.not_found()
    return call.emulator.refresh(payment, call.now)


def original_payment(
    call: Call,
    kind: str,
    *,
    external_id: Callable[[Fields], str | None],
    by_partner_reference: bool = False,
) -> Payment:
    """The payment that ``originalPartnerReferenceNo`` (mandatory) names.

    It is looked up by ``originalReferenceNo`` > (``by_partner_reference``)
    ``originalPartnerReferenceNo`` > the original external id that ``external_id`` reads;
    one whose ``partnerReferenceNo`` differs is not found (``404xx01``).
    """
    f = call.fields
    partner_ref = f.need_text("originalPartnerReferenceNo", max_len=64)
    payment = find_original(
        call,
        kind,
        reference_no=f.text("originalReferenceNo", required=False, max_len=64),
        partner_reference_no=partner_ref if by_partner_reference else None,
        external_id=external_id(f),
    )
    if payment.partner_reference_no != partner_ref:
        raise SnapFailure.not_found()
    return payment


def cancel_pending(call: Call, payment: Payment, what: str) -> None:
    """Cancel a pending (``03``) payment (``05``); any other status → ``403xx15``."""
    if payment.status != "03":
        raise SnapFailure.not_permitted(f"{what} is not pending (status {payment.status})")
    call.emulator.payments.transition(payment, "05", call.now, event="cancelled")


def open_payment(
    call: Call,
    kind: str,
    *,
    reference_no: str,
    partner_reference_no: str,
    amount: Decimal,
    status: str,
    expires: datetime,
    data: dict[str, Any],
    channel: str,
    **extra: object,
) -> Payment:
    """Store the payment this call makes; open its ledger record (``PAYMENT``, its status)."""
    payment = Payment(
        kind=kind,
        client_id=call.client_id,
        reference_no=reference_no,
        partner_reference_no=partner_reference_no,
        external_id=call.external_id,
        amount=amount,
        status=status,
        created=call.now,
        expires=expires,
        data=data,
    )
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


def refund_payment(
    call: Call,
    payment: Payment,
    refund_no: str,
    reason: str | None,
    *,
    not_settled: SnapFailure,
    over_limit: SnapFailure | None = None,
) -> Refund:
    """Refund ``payment`` after :func:`new_refund_amount`'s checks.

    A payment taken from a bound wallet gets the amount back on that wallet.
    """
    amount = new_refund_amount(
        call.fields, payment, refund_no, not_settled=not_settled, over_limit=over_limit
    )
    binding = payment.data.get("binding")
    if isinstance(binding, Binding):
        binding.wallet_balance += amount
    return add_refund(call, payment, refund_no=refund_no, amount=amount, reason=reason)


def refund_answer(
    call: Call, payment: Payment, entry: Refund, keys: Iterable[str]
) -> dict[str, Any]:
    """The answer to a refund: ``responseMessage``, then ``keys`` in their order."""
    values = {
        "originalPartnerReferenceNo": payment.partner_reference_no,
        "originalReferenceNo": payment.reference_no,
        "originalExternalId": payment.external_id,
        "refundNo": entry.refund_no,
        "referenceNo": entry.refund_no,
        "partnerRefundNo": entry.partner_refund_no,
        "refundAmount": money(entry.amount),
        "refundTime": iso(call.now),
    }
    return {"responseMessage": PROCESSED, **ordered(values, keys)}


def refund_handler(
    find: Callable[[Call], Payment],
    *,
    refund_no: Callable[[Fields], str],
    not_settled: str,
    answer: tuple[str, ...],
) -> Handler:
    """A refund endpoint: ``refund_no`` reads the number, ``find`` the original payment.

    A payment not settled is refused with ``403xx15`` ``{not_settled} (status ..)``; the
    answer holds ``answer``'s keys (see :func:`refund_answer`).
    """

    def refund(call: Call) -> dict[str, Any]:
        number = refund_no(call.fields)
        reason = call.fields.text("reason", required=False, max_len=256)
        payment = find(call)
        refused = SnapFailure.not_permitted(f"{not_settled} (status {payment.status})")
        entry = refund_payment(call, payment, number, reason, not_settled=refused)
        return refund_answer(call, payment, entry, answer)

    return refund


def refund_history(payment: Payment, keys: Iterable[str]) -> list[dict[str, Any]]:
    """``refundHistory``: each refund of ``payment`` with ``keys`` in their order."""
    keys = tuple(keys)
    return [
        ordered(
            {
                "refundNo": r.refund_no,
                "partnerReferenceNo": r.partner_refund_no,
                "refundAmount": money(r.amount),
                "refundStatus": "00",
                "refundDate": iso(r.time),
                "reason": r.reason,
            },
            keys,
        )
        for r in payment.refunds
    ]


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
    call.emulator.payments.transition(
        payment, "04", call.now, event="refunded", amount=amount, refundNo=entry.refund_no
    )
    return entry
