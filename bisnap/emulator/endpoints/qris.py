"""QRIS MPM (spec §5.2, §5.5): generate (47), query (51), cancel (77), refund (78); notify."""

from __future__ import annotations

import base64
import zlib
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bisnap.emulator.endpoints._common import (
    PROCESSED,
    cancel_pending,
    check_merchant_id,
    expiry,
    find_original,
    iso,
    open_payment,
    partner_refund_no,
    payment_view,
    refund_answer,
    refund_history,
    refund_payment,
)
from bisnap.emulator.responses import SnapFailure
from bisnap.emulator.routes import REFERENCE_PATTERN, Call, Family
from bisnap.emulator.simulation import SimulationError
from bisnap.emulator.state import Payment
from bisnap.timestamps import JAKARTA

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = ["register"]

NOTIFY_PATH = "/v1.0/qr/qr-mpm-notify"
_NOTIFICATION = (
    "originalReferenceNo",
    "originalPartnerReferenceNo",
    "latestTransactionStatus",
    "transactionStatusDesc",
    "amount",
)
_REFUND_ANSWER = (
    "originalPartnerReferenceNo",
    "originalReferenceNo",
    "originalExternalId",
    "referenceNo",
    "partnerRefundNo",
    "refundAmount",
    "refundTime",
)
_ACQUIRERS = ("gopay", "airpay shopee")
_ENDPOINTS = Family("qris")


def _png_placeholder(text: str) -> str:
    """A tiny valid greyscale PNG (base64) standing in for the QR image of ``text``."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
        )

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    pixel = bytes([0, len(text) % 256])
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixel))
        + chunk(b"IEND", b"")
    )
    return base64.b64encode(png).decode("ascii")


def _qr_content(reference: str, amount: Decimal | None) -> str:
    """An EMVCo-shaped MPM payload (not scannable by real apps); no amount tag when open."""

    def tlv(tag: str, value: str) -> str:
        return f"{tag}{len(value):02d}{value}"

    value = f"{amount:.2f}" if amount is not None else ""
    payload = (
        tlv("00", "01")
        + tlv("01", "12")
        + tlv("26", tlv("00", "ID.CO.BISNAP.EMULATOR") + tlv("01", reference))
        + tlv("52", "5999")
        + tlv("53", "360")
        + (tlv("54", value) if value else "")
        + tlv("58", "ID")
        + tlv("59", "BISNAP EMULATOR")
        + tlv("60", "JAKARTA")
        + "6304"
    )
    return payload + f"{zlib.crc32(payload.encode()) & 0xFFFF:04X}"


@_ENDPOINTS.post("/v1.0/qr/qr-mpm-generate", "47", "QRIS generate", replay=True)
def generate(call: Call) -> dict[str, Any]:
    """Generate a dynamic QR; ``partnerReferenceNo`` must equal ``X-EXTERNAL-ID``."""
    f = call.fields
    partner_ref = f.text(
        "partnerReferenceNo", required=False, max_len=36, pattern=REFERENCE_PATTERN
    )
    if partner_ref is not None and partner_ref != call.external_id:
        raise SnapFailure(
            400, "01", "Invalid Field Format partnerReferenceNo (must equal X-EXTERNAL-ID)"
        )
    partner_ref = partner_ref or call.external_id
    # amount is optional on the page: without it the QR is open, the customer enters it.
    amount = f.amount("amount", required=False, minimum=Decimal("1.00"))
    merchant_id = f.text("merchantId", required=False, max_len=64)
    check_merchant_id(call, merchant_id)
    expires = expiry(f, "validityPeriod", call.now, default=timedelta(minutes=15))
    info = f.obj("additionalInfo", required=False)
    acquirer = "gopay"
    if info is not None:
        acquirer = info.text("acquirer", required=False, choices=_ACQUIRERS) or acquirer
    if any(
        p.partner_reference_no == partner_ref
        for p in call.state.payments_with(partner_ref, call.client_id, "qris")
    ):
        raise SnapFailure(409, "00", "Cannot use same X-EXTERNAL-ID")
    reference = call.state.new_reference("QR")
    content = _qr_content(reference, amount)
    open_payment(
        call,
        "qris",
        reference_no=reference,
        partner_reference_no=partner_ref,
        amount=amount if amount is not None else Decimal("0.00"),
        status="03",
        expires=expires,
        data={
            "merchantId": merchant_id,
            "acquirer": acquirer,
            "qrContent": content,
            "openAmount": amount is None,
        },
        channel="qris",
    )
    return {
        "responseMessage": PROCESSED,
        "referenceNo": reference,
        "partnerReferenceNo": partner_ref,
        "qrContent": content,
        "qrUrl": f"{call.emulator.public_base_url}/_emulator/payments/{reference}",
        "qrImage": _png_placeholder(content),
        "additionalInfo": {"acquirer": acquirer},
    }


_REFUND_HISTORY = (
    "reason",
    "refundNo",
    "partnerReferenceNo",
    "refundDate",
    "refundStatus",
    "refundAmount",
)


def _original(
    call: Call, reference: str | None, partner_ref: str | None, external_id: str | None
) -> Payment:
    return find_original(
        call,
        "qris",
        reference_no=reference,
        partner_reference_no=partner_ref,
        external_id=external_id,
    )


@_ENDPOINTS.post("/v1.0/qr/qr-mpm-query", "51", "QRIS query")
def query(call: Call) -> dict[str, Any]:
    """Query a QRIS payment by ``originalReferenceNo`` > ``originalPartnerReferenceNo`` > id."""
    f = call.fields
    reference = f.text("originalReferenceNo", required=False, max_len=64)
    partner_ref = f.text("originalPartnerReferenceNo", required=False, max_len=36)
    external_id = f.text("originalExternalId", required=False, max_len=36)
    check_merchant_id(call, f.text("merchantId", required=False, max_len=64))
    service = f.need_text("serviceCode", max_len=2)
    if service not in ("47", "77", "78"):
        raise SnapFailure.bad_format("serviceCode")
    payment = _original(call, reference, partner_ref, external_id)
    # The answer echoes the identifier the payment was found by.
    found_by = ["originalReferenceNo"]
    if partner_ref and not reference:
        found_by.append("originalPartnerReferenceNo")
    if external_id and not reference and not partner_ref:
        found_by.append("originalExternalId")
    status = ("latestTransactionStatus", "transactionStatusDesc", "amount", "paidTime")
    keys = (*found_by, "serviceCode", *status)
    body = {"responseMessage": PROCESSED} | payment_view(payment, keys, serviceCode=service)
    body["additionalInfo"] = {"refundHistory": refund_history(payment, _REFUND_HISTORY)}
    return body


@_ENDPOINTS.post("/v1.0/qr/qr-mpm-cancel", "77", "QRIS cancel", replay=True)
def cancel(call: Call) -> dict[str, Any]:
    """Cancel a pending QRIS payment (``latestTransactionStatus`` becomes ``05``)."""
    f = call.fields
    partner_ref = f.text("originalPartnerReferenceNo", required=False, max_len=64)
    reference = f.text("originalReferenceNo", required=False, max_len=64)
    external_id = f.text("originalExternalId", required=False, max_len=36)
    check_merchant_id(call, f.need_text("merchantId", max_len=64))
    f.need_text("reason", max_len=256)
    amount = f.amount("amount", required=False)
    payment = _original(call, reference, partner_ref, external_id)
    if amount is not None and amount != payment.amount:
        raise SnapFailure(404, "13", "Invalid Amount")
    cancel_pending(call, payment, "QRIS")
    return {
        "responseMessage": PROCESSED,
        "originalPartnerReferenceNo": payment.partner_reference_no,
        "originalReferenceNo": payment.reference_no,
        "originalExternalId": payment.external_id,
        "cancelTime": iso(call.now),
        "transactionDate": payment.created.astimezone(JAKARTA).strftime("%Y%m%d%H%M%S"),
    }


@_ENDPOINTS.post("/v1.0/qr/qr-mpm-refund", "78", "QRIS refund", replay=True)
def refund(call: Call) -> dict[str, Any]:
    """Refund a paid QRIS payment, fully or partly; ``partnerRefundNo`` = ``X-EXTERNAL-ID``."""
    f = call.fields
    check_merchant_id(call, f.need_text("merchantId", max_len=64))
    partner_ref = f.need_text("originalPartnerReferenceNo", max_len=64)
    reference = f.text("originalReferenceNo", required=False, max_len=64)
    external_id = f.text("originalExternalId", required=False, max_len=32)
    refund_no = partner_refund_no(f)
    if refund_no != call.external_id:
        raise SnapFailure(
            400, "01", "Invalid Field Format partnerRefundNo (must equal X-EXTERNAL-ID)"
        )
    reason = f.text("reason", required=False, max_len=256)
    payment = _original(call, reference, partner_ref, external_id)
    if payment.partner_reference_no != partner_ref:
        raise SnapFailure.not_found()
    entry = refund_payment(
        call,
        payment,
        refund_no,
        reason,
        not_settled=SnapFailure.invalid_status(),
        over_limit=SnapFailure(404, "13", "Invalid amount or user balance exceeded."),
    )
    return refund_answer(call, payment, entry, _REFUND_ANSWER)


@_ENDPOINTS.on_payment_change
def _on_change(emulator: Emulator, payment: Payment, previous: str, now: datetime) -> None:
    """Send the QRIS notification (spec §7.3) on every state change."""
    body = payment_view(payment, _NOTIFICATION)
    info: dict[str, Any] = {}
    if payment.refunds:
        info["refundHistory"] = refund_history(payment, _REFUND_HISTORY)
    if payment.status in ("00", "04"):
        acquirer = payment.data["acquirer"]
        info["qris"] = {
            "issuerName": acquirer,
            "acquirerName": acquirer,
            "transactionType": "ON-US",
        }
    body["additionalInfo"] = info
    emulator.notify(payment.client_id, NOTIFY_PATH, body)


@_ENDPOINTS.on_pay
def _pay(emulator: Emulator, payment: Payment, paid: Decimal | None) -> Payment:
    """A QR without an amount takes what the customer entered; one with an amount exactly it."""
    if payment.data.get("openAmount"):
        if paid is None:
            raise SimulationError("this QR has no amount: pass the amount paid")
        return emulator.payments.settle(payment, paid)
    return emulator.payments.settle_exact(payment, paid, "this QR takes")


register = _ENDPOINTS.register
