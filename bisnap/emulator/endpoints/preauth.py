"""GoPay Tokenization pre-auth (spec §5.4.6, §5.5): auth payment (63), query (64),
capture (65), void (67), refund (69).

An auth payment is authorised at once (no-PIN, status ``01``) and holds the amount on the
customer's wallet; capture (full only) settles it (``00``), void releases it (``05``), expiry
(default 7 days) releases it too (``08``). Midtrans documents no pre-auth notification, so none
is sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bisnap.emulator.endpoints._common import (
    PROCESSED,
    check_merchant_id,
    expiry,
    iso,
    open_payment,
    original_payment,
    payment_view,
    refund_handler,
    refund_history,
)
from bisnap.emulator.responses import SnapFailure, money
from bisnap.emulator.routes import REFERENCE_PATTERN, Call, CustomerToken, Family, Fields
from bisnap.emulator.state import Binding, Payment

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = ["register"]

_OPTIONS = ("GOPAY_WALLET", "GOPAY_WALLET_POCKET")
_QUERY = (
    "originalReferenceNo",
    "originalPartnerReferenceNo",
    "paidTime",
    "latestTransactionStatus",
    "transactionStatusDesc",
    "amount",
)
_REFUND_HISTORY = (
    "partnerReferenceNo",
    "refundAmount",
    "refundDate",
    "refundNo",
    "reason",
    "refundStatus",
)
_ENDPOINTS = Family("preauth")


def _original_external_id(f: Fields) -> str | None:
    # The tables say additionalInfo.originalExternalId; every sample says additionalData.
    for key in ("additionalInfo", "additionalData"):
        extra = f.obj(key, required=False)
        if extra is not None:
            value = extra.text("originalExternalId", required=False, max_len=36)
            if value is not None:
                return value
    return None


def _original(call: Call) -> Payment:
    return original_payment(
        call, "preauth", external_id=_original_external_id, by_partner_reference=True
    )


def _binding(record: Payment) -> Binding:
    binding = record.data["binding"]
    assert isinstance(binding, Binding)
    return binding


@_ENDPOINTS.post(
    "/v1.0/auth/payment",
    "63",
    "Pre-auth payment",
    replay=True,
    customer_token=CustomerToken.REQUIRED,
    device_id=True,
)
def auth_payment(call: Call) -> dict[str, Any]:
    """Authorise (hold) an amount on the customer's GoPay wallet."""
    f = call.fields
    binding = call.binding
    assert binding is not None
    partner_ref = f.need_text("partnerReferenceNo", max_len=64, pattern=REFERENCE_PATTERN)
    check_merchant_id(call, f.need_text("merchantId", max_len=64))
    f.need_text("title", max_len=256)
    declared = f.amount("amount", required=False, minimum=Decimal("1.00"))
    info = f.need_obj("additionalInfo")
    options = info.objects("payOptionDetails")
    assert options is not None
    if len(options) != 1:
        raise SnapFailure.bad_format(info.name("payOptionDetails"))
    detail = options[0]
    detail.need_text("payMethod", choices=("GOPAY",))
    option = detail.text("payOption", required=False, choices=_OPTIONS) or "GOPAY_WALLET"
    amount = detail.need_amount("transAmount", minimum=Decimal("1.00"))
    if declared is not None and declared != amount:
        raise SnapFailure(404, "13", "Invalid Amount")
    extra = detail.obj("additionalInfo", required=False)
    token = extra.text("paymentOptionToken", required=False) if extra is not None else None
    if token is not None and token != binding.option_tokens.get("GOPAY_WALLET"):
        assert extra is not None
        raise SnapFailure.bad_format(extra.name("paymentOptionToken"))
    expires = expiry(info, "validUpTo", call.now, default=timedelta(days=7))
    if binding.wallet_balance < amount:
        raise SnapFailure.insufficient_funds()
    binding.wallet_balance -= amount
    reference = call.state.new_reference("PA")
    record = open_payment(
        call,
        "preauth",
        reference_no=reference,
        partner_reference_no=partner_ref,
        amount=amount,
        status="01",
        expires=expires,
        data={"binding": binding, "payOption": option},
        channel="gopay",
    )
    return {
        "responseMessage": PROCESSED,
        "referenceNo": record.reference_no,
        "partnerReferenceNo": partner_ref,
        "paidTime": iso(call.now),
        "additionalInfo": {
            "amount": money(amount),
            "transactionTime": iso(call.now),
            "transactionStatus": "01",
            "fraudStatus": "accept",
            "payOptionDetails": [{"payMethod": "GOPAY", "payOption": option}],
            "validUpTo": iso(expires),
        },
    }


@_ENDPOINTS.post("/v1.0/auth/query", "64", "Pre-auth query")
def query(call: Call) -> dict[str, Any]:
    """The pre-auth's current status."""
    record = _original(call)
    body = payment_view(record, _QUERY)
    body.update(
        {
            "additionalInfo": {
                "fraudStatus": "accept",
                "validUpTo": iso(record.expires),
                "payOptionDetails": {"payMethod": "GOPAY", "payOption": record.data["payOption"]},
                "refundHistory": refund_history(record, _REFUND_HISTORY),
            },
        }
    )
    return body


@_ENDPOINTS.post("/v1.0/auth/capture", "65", "Pre-auth capture", replay=True)
def capture(call: Call) -> dict[str, Any]:
    """Capture an authorised pre-auth in full."""
    f = call.fields
    check_merchant_id(call, f.need_text("merchantId", max_len=64))
    capture_no = f.need_text("partnerCaptureNo", max_len=64)
    f.need_text("title", max_len=256)
    amount = f.amount("captureAmount", required=False)
    record = _original(call)
    if record.status != "01":
        raise SnapFailure.not_permitted(f"pre-auth is not authorised (status {record.status})")
    if amount is not None and amount != record.amount:
        raise SnapFailure.not_permitted("only full capture is supported")
    record.paid_amount = record.amount
    record.data["captureNo"] = call.state.new_reference("CP")
    call.emulator.payments.transition(
        record, "00", call.now, event="captured", amount=record.amount
    )
    return {
        "originalReferenceNo": record.reference_no,
        "originalPartnerReferenceNo": record.partner_reference_no,
        "captureNo": record.data["captureNo"],
        "partnerCaptureNo": capture_no,
        "captureAmount": money(record.amount),
        "captureTime": iso(call.now),
    }


@_ENDPOINTS.post("/v1.0/auth/void", "67", "Pre-auth void", replay=True)
def void(call: Call) -> dict[str, Any]:
    """Void (release) an authorised pre-auth."""
    f = call.fields
    check_merchant_id(call, f.need_text("merchantId", max_len=64))
    void_no = f.need_text("partnerVoidNo", max_len=64)
    f.text("reason", required=False, max_len=256)
    record = _original(call)
    if record.status != "01":
        raise SnapFailure.not_permitted(f"pre-auth is not authorised (status {record.status})")
    _binding(record).wallet_balance += record.amount
    call.emulator.payments.transition(record, "05", call.now, event="voided", amount=record.amount)
    return {
        "responseMessage": PROCESSED,
        "originalReferenceNo": record.reference_no,
        "originalPartnerReferenceNo": record.partner_reference_no,
        "voidNo": call.state.new_reference("VD"),
        "partnerVoidNo": void_no,
        "voidAmount": money(record.amount),
        "voidTime": iso(call.now),
    }


refund = _ENDPOINTS.post("/v1.0/auth/refund", "69", "Pre-auth refund", replay=True)(
    refund_handler(
        _original,
        refund_no=lambda f: f.need_text("partnerRefundNo", max_len=64),
        not_settled="pre-auth is not captured",
        answer=("originalReferenceNo", "partnerRefundNo", "refundNo", "refundTime", "refundAmount"),
    )
)
"""Refund a captured pre-auth, fully or partly (back to the wallet)."""


@_ENDPOINTS.on_payment_change
def _release_on_expiry(emulator: Emulator, record: Payment, previous: str, now: datetime) -> None:
    if previous == "01" and record.status == "08":
        _binding(record).wallet_balance += record.amount


register = _ENDPOINTS.register
