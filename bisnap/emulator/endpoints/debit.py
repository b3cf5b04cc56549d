"""Direct debit (spec §5.3, §5.4.5, §5.5): payment (54), status (55), cancel (57), refund (58).

One payment endpoint serves both flows: deeplink (GoPay / ShopeePay / DANA) and, when an
``Authorization-Customer`` header is sent, GoPay Tokenization (which then needs
``X-DEVICE-ID``, ``urlParams`` and the binding's ``paymentOptionToken``). A payment stays
pending (``03``) until the customer approves it: :meth:`Emulator.pay_debit` or a GET of its
``webRedirectUrl``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from bisnap.emulator.endpoints import _common
from bisnap.emulator.responses import SnapFailure, money
from bisnap.emulator.routes import REFERENCE_PATTERN, Call, CustomerToken, Family, Fields
from bisnap.emulator.state import Binding, Payment

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = ["register"]

NOTIFY_PATH = "/v1.0/debit/notify"
_MAX_VALIDITY = {
    "GOPAY": timedelta(days=180),
    "SHOPEEPAY": timedelta(days=5),
    "DANA": timedelta(days=1),
}
_DEEPLINK_METHODS = ("GOPAY", "SHOPEEPAY", "DANA")
_TOKENIZATION_OPTIONS = ("GOPAY_WALLET", "PAY_LATER")
_MIN = Decimal("1.00")
_MAX = Decimal("99999999999.00")
_ENDPOINTS = Family("debit")


def _url_params(f: Fields, *, required: bool) -> None:
    params = f.objects("urlParams", required=required)
    for param in params or []:
        param.need_text("url", max_len=512)
        param.need_text("type", max_len=32, choices=("PAY_RETURN",))
        param.need_text("isDeeplink", max_len=1, choices=("Y", "N"))


def _pay_options(call: Call, binding: Binding | None) -> tuple[str, str, Decimal]:
    options = call.fields.objects("payOptionDetails")
    assert options is not None
    if binding is not None and len(options) != 1:
        raise SnapFailure.bad_format("payOptionDetails")
    total = Decimal("0")
    method = option = ""
    for detail in options:
        if binding is None:
            method = detail.need_text("payMethod", max_len=64, choices=_DEEPLINK_METHODS)
            option = detail.need_text("payOption", max_len=64, choices=_DEEPLINK_METHODS)
        else:
            method = detail.need_text("payMethod", max_len=64, choices=("GOPAY",))
            option = detail.need_text("payOption", max_len=64, choices=_TOKENIZATION_OPTIONS)
            extra = detail.need_obj("additionalInfo")
            token = extra.need_text("paymentOptionToken")
            if binding.option_tokens.get(option) != token:
                raise SnapFailure.bad_format(extra.name("paymentOptionToken"))
        total += detail.need_amount("transAmount", minimum=_MIN, maximum=_MAX)
    if total > _MAX:
        raise SnapFailure(403, "02", "Exceeds Transaction Amount Limit")
    return method, option, total


@_ENDPOINTS.post(
    "/v1.0/debit/payment-host-to-host",
    "54",
    "Direct debit payment (deeplink, GoPay Tokenization)",
    replay=True,
    customer_token=CustomerToken.OPTIONAL,
)
def payment(call: Call) -> dict[str, Any]:
    """Create a direct-debit payment (pending until the customer approves it)."""
    f = call.fields
    binding = call.binding
    if binding is not None and not call.header("X-DEVICE-ID"):
        raise SnapFailure.missing("X-DEVICE-ID")
    partner_ref = f.need_text("partnerReferenceNo", max_len=64, pattern=REFERENCE_PATTERN)
    f.text("chargeToken", allow_empty=True)
    _common.check_merchant_id(call, f.text("merchantId", required=False, max_len=64))
    _url_params(f, required=binding is not None)
    method, option, amount = _pay_options(call, binding)
    expires = _common.expiry(
        f, "validUpTo", call.now, default=timedelta(minutes=15), maximum=_MAX_VALIDITY[method]
    )
    if binding is not None:
        balance = binding.wallet_balance if option == "GOPAY_WALLET" else binding.paylater_balance
        if balance < amount:
            raise SnapFailure.insufficient_funds()
    reference = call.state.new_reference("DD")
    info = f.obj("additionalInfo", required=False)
    email = None
    if info is not None:
        details = info.obj("customerDetails", required=False)
        email = details.text("email", required=False) if details is not None else None
    _common.open_payment(
        call,
        "debit",
        reference_no=reference,
        partner_reference_no=partner_ref,
        amount=amount,
        status="03",
        expires=expires,
        data={"payMethod": method, "payOption": option, "binding": binding},
        channel=method.lower(),
        customer_email=email,
    )
    redirect = f"{call.emulator.public_base_url}/_emulator/pay/{reference}"
    extra: dict[str, Any] = {
        "paymentType": method,
        "grossAmount": money(amount),
        "transactionTime": _common.iso(call.now),
        "validUpTo": _common.iso(expires),
    }
    if binding is not None:
        extra.update(
            {
                "amount": money(amount)["value"],
                "currency": "IDR",
                "status": "PENDING",
                "transactionStatus": "03",
                "userPaymentDetails": [{"payMethod": "gopay", "payOption": option}],
            }
        )
    return {
        "referenceNo": reference,
        "partnerReferenceNo": partner_ref,
        "webRedirectUrl": redirect,
        "appRedirectUrl": redirect if binding is not None else "",
        "additionalInfo": extra,
    }


def _user_payment(record: Payment) -> list[dict[str, str]]:
    if record.data["binding"] is not None:
        return [{"payMethod": "gopay", "payOption": record.data["payOption"]}]
    return [{"payMethod": record.data["payMethod"].lower(), "payOption": record.data["payOption"]}]


_STATUS = (
    "originalPartnerReferenceNo",
    "originalReferenceNo",
    "originalExternalId",
    "serviceCode",
    "latestTransactionStatus",
    "transAmount",
    "paidTime",
)
_NOTIFICATION = (
    "createdTime",
    "latestTransactionStatus",
    "originalReferenceNo",
    "finishedTime",
    "originalPartnerReferenceNo",
    "originalExternalId",
    "amount",
    "transactionStatusDesc",
)
_REFUND_HISTORY = (
    "refundNo",
    "partnerReferenceNo",
    "refundAmount",
    "refundStatus",
    "refundDate",
    "reason",
)


@_ENDPOINTS.post("/v1.0/debit/status", "55", "Direct debit status")
def status(call: Call) -> dict[str, Any]:
    """Status of a direct-debit payment."""
    f = call.fields
    reference = f.text("originalReferenceNo", required=False, max_len=64)
    external_id = f.text("originalExternalId", required=False, max_len=36)
    service = f.need_text("serviceCode", max_len=2)
    if service not in ("54", "58"):
        raise SnapFailure.bad_format("serviceCode")
    record = _common.find_original(call, "debit", reference_no=reference, external_id=external_id)
    body = {"responseMessage": _common.PROCESSED} | _common.payment_view(
        record, _STATUS, serviceCode=service
    )
    if record.refunds:
        body["refundHistory"] = _common.refund_history(record, _REFUND_HISTORY)
    body["additionalInfo"] = {
        "fraudStatus": "accept",
        "validUpTo": _common.iso(record.expires),
        "userPaymentDetails": _user_payment(record),
    }
    return body


def _original(call: Call) -> Payment:
    return _common.original_payment(
        call,
        "debit",
        external_id=lambda f: f.text("originalExternalId", required=False, max_len=36),
    )


@_ENDPOINTS.post("/v1.0/debit/cancel", "57", "Direct debit cancel", replay=True)
def cancel(call: Call) -> dict[str, Any]:
    """Cancel a pending direct-debit payment."""
    record = _original(call)
    _common.cancel_pending(call, record, "payment")
    return {
        "responseMessage": _common.PROCESSED,
        "originalReferenceNo": record.reference_no,
        "cancelTime": _common.iso(call.now),
    }


refund = _ENDPOINTS.post("/v1.0/debit/refund", "58", "Direct debit refund", replay=True)(
    _common.refund_handler(
        _original,
        refund_no=_common.partner_refund_no,
        not_settled="payment is not settled",
        answer=("originalReferenceNo", "refundNo", "partnerRefundNo", "refundAmount", "refundTime"),
    )
)
"""Refund a settled direct-debit payment, fully or partly (to the bound wallet, if any)."""


@_ENDPOINTS.on_payment_change
def _on_change(emulator: Emulator, record: Payment, previous: str, now: datetime) -> None:
    """Send the debit notification (spec §7.3) on every state change."""
    body = _common.payment_view(record, _NOTIFICATION)
    info: dict[str, Any] = {}
    if record.status != "03":
        info["userPaymentDetails"] = _user_payment(record)
    if record.refunds:
        info["refundHistory"] = _common.refund_history(record, _REFUND_HISTORY)
        info["totalRefundAmount"] = money(record.refunded)
    body["additionalInfo"] = info
    emulator.notify(record.client_id, NOTIFY_PATH, body)


register = _ENDPOINTS.register
