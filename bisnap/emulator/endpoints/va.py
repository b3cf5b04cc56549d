"""Virtual accounts (spec §5.1): create (27), status (26), delete (31); payment notification."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bisnap.emulator.endpoints._common import (
    STATUS_DESCRIPTIONS,
    check_merchant_id,
    expiry,
    iso,
    open_payment,
    random_digits,
)
from bisnap.emulator.responses import SnapFailure, format_amount, money
from bisnap.emulator.routes import REFERENCE_PATTERN, Call, Endpoint, Fields, RouteTable
from bisnap.emulator.state import Payment

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = ["BANKS", "register"]

BANKS = ("permata", "bca", "mandiri", "cimb", "bni", "bri", "danamon", "bsi", "seabank", "saqu")
_BANK_NAMES = {"bca": "BCA", "bni": "BNI", "bri": "BRI", "cimb": "CIMB", "bsi": "BSI"}
_DIGITS = re.compile(r"\d+")
_PSID = re.compile(r" *\d{1,8}")
NOTIFY_PATH = "/v1.0/transfer-va/payment"


def _va_fields(f: Fields) -> tuple[str, str, str]:
    psid = f.need_text("partnerServiceId", max_len=8)
    if len(psid) != 8 or not _PSID.fullmatch(psid):
        raise SnapFailure.bad_format("partnerServiceId")
    customer_no = f.need_text("customerNo", max_len=20, pattern=_DIGITS)
    va_no = f.need_text("virtualAccountNo", max_len=28)
    return psid, customer_no, va_no


def _find(call: Call, trx_id: str, va_no: str) -> Payment:
    payment = call.emulator.lookup_payment(call.client_id, "va", external_id=trx_id, now=call.now)
    if payment is None or payment.data["virtualAccountNo"] != va_no:
        raise SnapFailure.not_found()
    return payment


def create_va(call: Call) -> dict[str, Any]:
    """Create a single-use VA; ``trxId`` must equal ``X-EXTERNAL-ID``."""
    f = call.fields
    psid, customer_no, va_no = _va_fields(f)
    name = f.need_text("virtualAccountName", max_len=255)
    email = f.text("virtualAccountEmail", required=False, max_len=255)
    phone = f.text("virtualAccountPhone", required=False, max_len=30)
    trx_id = f.need_text("trxId", max_len=36, pattern=REFERENCE_PATTERN)
    if trx_id != call.external_id:
        raise SnapFailure(400, "01", "Invalid Field Format trxId (must equal X-EXTERNAL-ID)")
    amount = f.need_amount("totalAmount", minimum=Decimal("1.00"))
    expires = expiry(f, "expiredDate", call.now, default=timedelta(hours=24))
    info = f.need_obj("additionalInfo")
    bank = info.need_text("bank", choices=BANKS)
    merchant_id = info.need_text("merchantId", max_len=10)
    check_merchant_id(call, merchant_id)
    if bank == "mandiri":
        mandiri = info.need_obj("mandiri")
        mandiri.need_text("billInfo1")
        mandiri.need_text("billInfo2")
    flags = info.obj("flags", required=False)
    randomize = flags is not None and flags.data.get("shouldRandomizeVaNumber") is True
    if not randomize and va_no != psid + customer_no:
        raise SnapFailure.bad_format("virtualAccountNo")
    if any(p.external_id == trx_id for p in call.state.payments_with(trx_id, call.client_id, "va")):
        raise SnapFailure.conflict("Conflict. trxId was already used")
    while randomize or call.state.va_number_pending(call.client_id, va_no):
        customer_no = random_digits(max(len(customer_no), 10))
        va_no = psid + customer_no
        randomize = False
    payment = Payment(
        kind="va",
        client_id=call.client_id,
        reference_no=call.state.new_reference("VA"),
        partner_reference_no=trx_id,
        external_id=trx_id,
        amount=amount,
        status="03",
        created=call.now,
        expires=expires,
        data={
            "partnerServiceId": psid,
            "customerNo": customer_no,
            "virtualAccountNo": va_no,
            "virtualAccountName": name,
            "virtualAccountEmail": email,
            "virtualAccountPhone": phone,
            "bank": bank,
            "merchantId": merchant_id,
            "additionalInfo": dict(info.data),
        },
    )
    open_payment(call, payment, channel="bank_transfer", customer_email=email, account_no=va_no)
    data: dict[str, Any] = {
        "partnerServiceId": psid,
        "customerNo": customer_no,
        "virtualAccountNo": va_no,
        "virtualAccountName": name,
    }
    if email is not None:
        data["virtualAccountEmail"] = email
    if phone is not None:
        data["virtualAccountPhone"] = phone
    data.update(
        {
            "trxId": trx_id,
            "totalAmount": money(amount),
            "expiredDate": iso(expires),
            "additionalInfo": dict(info.data),
        }
    )
    return {"virtualAccountData": data}


def va_status(call: Call) -> dict[str, Any]:
    """Inquiry status of a single-use VA by ``inquiryRequestId`` (= trxId)."""
    f = call.fields
    psid, customer_no, va_no = _va_fields(f)
    inquiry_id = f.need_text("inquiryRequestId", max_len=128)
    merchant_id = f.need_obj("additionalInfo").need_text("merchantId", max_len=10)
    check_merchant_id(call, merchant_id)
    payment = _find(call, inquiry_id, va_no)
    data: dict[str, Any] = {
        "partnerServiceId": psid,
        "customerNo": customer_no,
        "virtualAccountNo": va_no,
        "inquiryRequestId": inquiry_id,
    }
    if payment.paid_time is not None:
        data["paymentRequestId"] = payment.data.get("paymentRequestId")
    data["totalAmount"] = money(payment.amount)
    data["trxDateTime"] = iso(payment.created)
    if payment.paid_time is not None:
        data["transactionDate"] = iso(payment.paid_time)
    data["paymentFlagStatus"] = payment.status
    data["paymentFlagReason"] = {"english": STATUS_DESCRIPTIONS.get(payment.status, "")}
    return {"virtualAccountData": data, "additionalInfo": {"merchantId": merchant_id}}


def delete_va(call: Call) -> dict[str, Any]:
    """Cancel a pending VA (``paymentFlagStatus`` becomes ``05``)."""
    f = call.fields
    psid, customer_no, va_no = _va_fields(f)
    trx_id = f.need_text("trxId", max_len=64)
    info = f.obj("additionalInfo", required=False)
    merchant_id = info.need_text("merchantId", max_len=10) if info is not None else None
    check_merchant_id(call, merchant_id)
    payment = _find(call, trx_id, va_no)
    if payment.status != "03":
        raise SnapFailure.not_permitted(f"VA is not pending (status {payment.status})")
    call.emulator.transition(payment, "05", call.now, event="cancelled")
    data: dict[str, Any] = {
        "partnerServiceId": psid,
        "customerNo": customer_no,
        "virtualAccountNo": va_no,
        "trxId": trx_id,
    }
    if merchant_id is not None:
        data["additionalInfo"] = {"merchantId": merchant_id}
    return {"virtualAccountData": data}


def _on_change(emulator: Emulator, payment: Payment, previous: str, now: datetime) -> None:
    """Send the VA payment notification (spec §7.3) when a VA is paid."""
    if payment.status != "00" or previous != "03":
        return
    payment.data["paymentRequestId"] = emulator.state.new_reference("PR")
    data = payment.data
    body: dict[str, Any] = {
        "partnerServiceId": data["partnerServiceId"],
        "customerNo": data["customerNo"],
        "virtualAccountNo": data["virtualAccountNo"],
        "virtualAccountName": data["virtualAccountName"],
    }
    if data.get("virtualAccountEmail"):
        body["virtualAccountEmail"] = data["virtualAccountEmail"]
    if data.get("virtualAccountPhone"):
        body["virtualAccountPhone"] = data["virtualAccountPhone"]
    paid = payment.paid_amount or payment.amount
    body.update(
        {
            "trxId": payment.external_id,
            "paymentRequestId": data["paymentRequestId"],
            "paidAmount": {"value": format_amount(paid), "currency": "IDR"},
            "referenceNo": payment.reference_no,
            "additionalInfo": {
                "bank": _BANK_NAMES.get(data["bank"], data["bank"].capitalize()),
                "paymentFlagStatus": "00",
                "merchantId": data["merchantId"],
                "paidTime": iso(payment.paid_time),
                "customField": data["additionalInfo"].get("customField", {}),
            },
        }
    )
    emulator.notify(payment.client_id, NOTIFY_PATH, body)


def register(table: RouteTable) -> None:
    """Register the VA endpoints."""
    family = "va"
    table.add(
        Endpoint(
            "POST",
            "/v1.0/transfer-va/create-va",
            "27",
            create_va,
            family,
            replay=True,
            summary="Create VA",
        )
    )
    table.add(
        Endpoint(
            "POST",
            "/v1.0/transfer-va/status",
            "26",
            va_status,
            family,
            summary="VA inquiry status",
        )
    )
    table.add(
        Endpoint(
            "POST",
            "/v1.0/transfer-va/delete-va",
            "31",
            delete_va,
            family,
            replay=True,
            summary="Delete VA",
        )
    )
    table.on_payment_change("va", _on_change)
