"""Virtual accounts (spec §5.1): create (27), status (26), delete (31); payment notification."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bisnap.emulator.endpoints._common import (
    STATUS_DESCRIPTIONS,
    cancel_pending,
    check_merchant_id,
    expiry,
    iso,
    open_payment,
    random_digits,
)
from bisnap.emulator.raw_json import raw_member
from bisnap.emulator.responses import SnapFailure, format_amount, money
from bisnap.emulator.routes import REFERENCE_PATTERN, Call, Family, Fields
from bisnap.emulator.simulation import SimulationError
from bisnap.emulator.state import Payment
from bisnap.signing import minify_json

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = ["BANKS", "is_multi_use", "pay_multi_use", "register"]

BANKS = ("permata", "bca", "mandiri", "cimb", "bni", "bri", "danamon", "bsi", "seabank", "saqu")
_BANK_NAMES = {"bca": "BCA", "bni": "BNI", "bri": "BRI", "cimb": "CIMB", "bsi": "BSI"}
_DIGITS = re.compile(r"\d+")
_PSID = re.compile(r" *\d{1,8}")
NOTIFY_PATH = "/v1.0/transfer-va/payment"
_CUSTOM_FIELD_LENGTH = 255
_CUSTOM_FIELD_SLOT = "\x00bisnap:customField\x00"  # replaced by the raw JSON the merchant sent
_MULTI_USE_FIRST_PAYMENT = timedelta(days=180)  # "6 months for first payment"
_MAX_PAGE_SIZE = 15
_DEFAULT_PAGE_SIZE = 10
_MULTI_USE_MINIMUM = Decimal("1.00")
_ENDPOINTS = Family("va")


def is_multi_use(payment: Payment) -> bool:
    """The VA was created for a merchant with multi-use VAs."""
    return bool(payment.data.get("multiUse"))


def _check_custom_field(info: Fields) -> None:
    """``customField`` values are String(255); they are echoed unchanged in the notification."""
    custom = info.obj("customField", required=False)
    if custom is None:
        return
    for key, value in custom.data.items():
        if not isinstance(value, str) or len(value) > _CUSTOM_FIELD_LENGTH:
            raise SnapFailure.bad_format(custom.name(str(key)))


def _paging(info: Fields) -> tuple[int, int]:
    """``additionalInfo.page`` (String, from 0) and ``pageSize`` (String, 1 to 15)."""
    page = _paging_number(info, "page", default=0, low=0, high=None)
    size = _paging_number(info, "pageSize", default=_DEFAULT_PAGE_SIZE, low=1, high=_MAX_PAGE_SIZE)
    return page, size


def _paging_number(info: Fields, key: str, *, default: int, low: int, high: int | None) -> int:
    raw = info.data.get(key)
    if raw is None:
        return default
    if not isinstance(raw, str) or not raw.isdigit():
        raise SnapFailure.bad_format(info.name(key))
    value = int(raw)
    if value < low or (high is not None and value > high):
        raise SnapFailure.bad_format(info.name(key))
    return value


def _va_fields(f: Fields) -> tuple[str, str, str]:
    psid = f.need_text("partnerServiceId", max_len=8)
    if len(psid) != 8 or not _PSID.fullmatch(psid):
        raise SnapFailure.bad_format("partnerServiceId")
    customer_no = f.need_text("customerNo", max_len=20, pattern=_DIGITS)
    va_no = f.need_text("virtualAccountNo", max_len=28)
    return psid, customer_no, va_no


def _va_ids(psid: str, customer_no: str, va_no: str) -> dict[str, Any]:
    """The three fields that name a VA, as every VA answer starts."""
    return {"partnerServiceId": psid, "customerNo": customer_no, "virtualAccountNo": va_no}


def _find(call: Call, trx_id: str, va_no: str) -> Payment:
    payment = call.state.find_payment(call.client_id, "va", external_id=trx_id)
    if payment is not None:
        call.emulator.refresh(payment, call.now)
    if payment is None or payment.data["virtualAccountNo"] != va_no:
        raise SnapFailure.not_found()
    return payment


@_ENDPOINTS.post("/v1.0/transfer-va/create-va", "27", "Create VA", replay=True)
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
    multi_use = bool(call.merchant is not None and call.merchant.multi_use_va)
    expires = expiry(f, "expiredDate", call.now, default=timedelta(hours=24))
    if multi_use:  # expiredDate is ignored: 6 months for the first payment, then open
        expires = call.now + _MULTI_USE_FIRST_PAYMENT
    info = f.need_obj("additionalInfo")
    bank = info.need_text("bank", choices=BANKS)
    merchant_id = info.need_text("merchantId", max_len=10)
    check_merchant_id(call, merchant_id)
    _check_custom_field(info)
    raw_custom = raw_member(
        minify_json(call.raw_body, validate=False), ("additionalInfo", "customField")
    )
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
    reference = call.state.new_reference("VA")
    open_payment(
        call,
        "va",
        reference_no=reference,
        partner_reference_no=trx_id,
        amount=amount,
        status="03",
        expires=expires,
        data={
            **_va_ids(psid, customer_no, va_no),
            "virtualAccountName": name,
            "virtualAccountEmail": email,
            "virtualAccountPhone": phone,
            "bank": bank,
            "merchantId": merchant_id,
            "additionalInfo": dict(info.data),
            "multiUse": multi_use,
            "customFieldRaw": raw_custom,
            "recurringOrders": [],
        },
        channel="bank_transfer",
        customer_email=email,
        account_no=va_no,
    )
    data = _va_ids(psid, customer_no, va_no) | {"virtualAccountName": name}
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
    if multi_use:
        del data["expiredDate"]  # absent for a multi-use VA
    return {"virtualAccountData": data}


@_ENDPOINTS.post("/v1.0/transfer-va/status", "26", "VA inquiry status")
def va_status(call: Call) -> dict[str, Any]:
    """Inquiry status of a single-use VA by ``inquiryRequestId`` (= trxId)."""
    f = call.fields
    psid, customer_no, va_no = _va_fields(f)
    inquiry_id = f.need_text("inquiryRequestId", max_len=128)
    info = f.need_obj("additionalInfo")
    merchant_id = _merchant_id(info)
    check_merchant_id(call, merchant_id)
    page, size = _paging(info)
    payment = _find(call, inquiry_id, va_no)
    if is_multi_use(payment):
        return _multi_use_status(payment, psid, customer_no, va_no, merchant_id, page, size)
    data = _va_ids(psid, customer_no, va_no) | {"inquiryRequestId": inquiry_id}
    if payment.paid_time is not None:
        data["paymentRequestId"] = payment.data.get("paymentRequestId")
    data["totalAmount"] = money(payment.amount)
    data["trxDateTime"] = iso(payment.created)
    if payment.paid_time is not None:
        data["transactionDate"] = iso(payment.paid_time)
    data["paymentFlagStatus"] = payment.status
    data["paymentFlagReason"] = {"english": STATUS_DESCRIPTIONS.get(payment.status, "")}
    return {"virtualAccountData": data, "additionalInfo": {"merchantId": merchant_id}}


@_ENDPOINTS.post("/v1.0/transfer-va/delete-va", "31", "Delete VA", replay=True)
def delete_va(call: Call) -> dict[str, Any]:
    """Cancel a pending VA (``paymentFlagStatus`` becomes ``05``)."""
    f = call.fields
    psid, customer_no, va_no = _va_fields(f)
    trx_id = f.need_text("trxId", max_len=64)
    info = f.obj("additionalInfo", required=False)
    merchant_id = _merchant_id(info) if info is not None else None
    check_merchant_id(call, merchant_id)
    payment = _find(call, trx_id, va_no)
    cancel_pending(call, payment, "VA")
    data = _va_ids(psid, customer_no, va_no) | {"trxId": trx_id}
    if merchant_id is not None:
        data["additionalInfo"] = {"merchantId": merchant_id}
    return {"virtualAccountData": data}


def _merchant_id(info: Fields) -> str:
    """``merchantId`` (the VA page) or ``merchant_id`` (the status and cancel pages' samples)."""
    key = "merchant_id" if "merchantId" not in info.data and "merchant_id" in info.data else None
    return info.need_text(key or "merchantId", max_len=10)


def _multi_use_status(
    payment: Payment,
    psid: str,
    customer_no: str,
    va_no: str,
    merchant_id: str,
    page: int,
    size: int,
) -> dict[str, Any]:
    """Status of a multi-use VA: its payments, latest first, one page (spec §5.1.3)."""
    orders = list(reversed(payment.data["recurringOrders"]))
    shown = orders[page * size : (page + 1) * size]
    return {
        "virtualAccountData": _va_ids(psid, customer_no, va_no),
        "additionalInfo": {
            "merchantId": merchant_id,
            "recurringPaymentDetail": {
                "recurringOrders": [dict(order) for order in shown],
                "paginationMetadata": {
                    "total": str(len(orders)),
                    "pageSize": str(size),
                    "page": str(page),
                },
            },
        },
    }


def pay_multi_use(
    emulator: Emulator, payment: Payment, amount: Decimal | None, now: datetime
) -> Payment:
    """One payment into a multi-use VA: record it, keep the VA open, notify the merchant."""
    emulator.refresh(payment, now)
    if payment.status != "03":
        raise SimulationError(f"VA {payment.reference_no} is not open (status {payment.status})")
    paid = payment.amount if amount is None else Decimal(amount).quantize(Decimal("0.01"))
    if paid < _MULTI_USE_MINIMUM:
        raise SimulationError("a multi-use VA payment is at least 1.00")
    orders: list[dict[str, Any]] = payment.data["recurringOrders"]
    # The first payment carries the VA's trxId; later ones trxId + "-" + a unique suffix.
    trx_id = payment.external_id
    if orders:
        trx_id = f"{trx_id}-{now.strftime('%d%m%y%H%M%S')}{random_digits(3)}{len(orders)}"
    request_id = emulator.state.new_reference("PR")
    order = {
        "totalAmount": money(paid),
        "paymentFlagReason": {"english": STATUS_DESCRIPTIONS["00"]},
        "paymentRequestId": request_id,
        "paymentFlagStatus": "00",
        "trxDateTime": iso(payment.created),
        "transactionDate": iso(now),
        "trxId": trx_id,
    }
    orders.append(order)
    payment.expires = None  # open indefinitely after the first payment
    payment.paid_time = now
    payment.paid_amount = (payment.paid_amount or Decimal("0")) + paid
    _notify(emulator, payment, trx_id, request_id, paid, now)
    return payment


@_ENDPOINTS.on_payment_change
def _on_change(emulator: Emulator, payment: Payment, previous: str, now: datetime) -> None:
    """Send the VA payment notification (spec §7.3) when a VA is paid."""
    if payment.status != "00" or previous != "03":
        return
    payment.data["paymentRequestId"] = emulator.state.new_reference("PR")
    paid = payment.paid_amount or payment.amount
    _notify(emulator, payment, payment.external_id, payment.data["paymentRequestId"], paid, now)


def _notify(
    emulator: Emulator,
    payment: Payment,
    trx_id: str,
    payment_request_id: str,
    paid: Decimal,
    now: datetime,
) -> None:
    data = payment.data
    raw_custom: bytes | None = data.get("customFieldRaw")
    body = _va_ids(data["partnerServiceId"], data["customerNo"], data["virtualAccountNo"])
    body["virtualAccountName"] = data["virtualAccountName"]
    if data.get("virtualAccountEmail"):
        body["virtualAccountEmail"] = data["virtualAccountEmail"]
    if data.get("virtualAccountPhone"):
        body["virtualAccountPhone"] = data["virtualAccountPhone"]
    body.update(
        {
            "trxId": trx_id,
            "paymentRequestId": payment_request_id,
            "paidAmount": {"value": format_amount(paid), "currency": "IDR"},
            "referenceNo": payment.reference_no,
            "additionalInfo": {
                "bank": _BANK_NAMES.get(data["bank"], data["bank"].capitalize()),
                "paymentFlagStatus": "00",
                "merchantId": data["merchantId"],
                "paidTime": iso(now),
                # The merchant's customField exactly as received (validated String(255)).
                "customField": _CUSTOM_FIELD_SLOT if raw_custom else {},
            },
        }
    )
    raw_values = {_CUSTOM_FIELD_SLOT: raw_custom} if raw_custom else None
    emulator.notify(payment.client_id, NOTIFY_PATH, body, raw_values=raw_values)


@_ENDPOINTS.on_pay
def _pay(emulator: Emulator, payment: Payment, paid: Decimal | None) -> Payment:
    """A single-use VA takes exactly its total; a multi-use one any amount, many times."""
    if is_multi_use(payment):
        return pay_multi_use(emulator, payment, paid, emulator.clock())
    return emulator.payments.settle_exact(payment, paid, "this VA accepts")


register = _ENDPOINTS.register
