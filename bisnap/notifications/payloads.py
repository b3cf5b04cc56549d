"""Typed payloads of the four notifications (pydantic v2), parsed from the verified bytes.

Field names are snake_case in Python and camelCase on the wire. Unknown fields are kept (Midtrans
adds fields over time, mostly under ``additionalInfo``) and are reachable through
``model_extra``. Amounts are :class:`~decimal.Decimal`. Timestamps inside the body stay the
strings Midtrans sent: formats vary, and a notification must not be refused for that.
Only the fields needed to identify a transaction are required, so a notification that omits
an optional-in-practice field is still delivered to the merchant.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic.alias_generators import to_camel

from bisnap.notifications.errors import NotificationPayloadError
from bisnap.notifications.kinds import NotificationKind

__all__ = [
    "AccountLinkingInfo",
    "AccountLinkingNotification",
    "Amount",
    "DirectDebitAdditionalInfo",
    "DirectDebitNotification",
    "NotificationPayload",
    "PaymentDetail",
    "QrisAdditionalInfo",
    "QrisDetail",
    "QrisNotification",
    "RefundHistoryItem",
    "VaPaymentAdditionalInfo",
    "VaPaymentNotification",
    "parse_payload",
    "payload_model",
]

SUCCESS_STATUS = "00"


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        alias_generator=to_camel,
        frozen=True,
        str_strip_whitespace=False,  # "  088899" keeps its padding
    )


class Amount(_Model):
    """``{"value": "10000.00", "currency": "IDR"}`` with the value as a Decimal."""

    value: Decimal = Field(allow_inf_nan=False)
    currency: str


class RefundHistoryItem(_Model):
    """One refund in ``additionalInfo.refundHistory`` (field names differ between pages)."""

    refund_no: str | None = None
    refund_status: str | None = None
    partner_refund_no: str | None = None
    partner_reference_no: str | None = None
    refund_amount: Amount | None = None
    reason: str | None = None
    refund_time: str | None = None
    refund_date: str | None = None


class PaymentDetail(_Model):
    """How the customer paid: ``payMethod`` (``gopay``) and ``payOption`` (``GOPAY_WALLET``)."""

    pay_method: str | None = None
    pay_option: str | None = None


class NotificationPayload(_Model):
    """Base class of the four typed notification bodies."""

    kind: ClassVar[NotificationKind]


class _TransactionNotification(NotificationPayload):
    original_reference_no: str
    latest_transaction_status: str
    original_partner_reference_no: str | None = None
    transaction_status_desc: str | None = None
    amount: Amount | None = None

    @property
    def is_success(self) -> bool:
        """True when ``latestTransactionStatus`` is ``00`` (paid / settled)."""
        return self.latest_transaction_status == SUCCESS_STATUS


class DirectDebitAdditionalInfo(_Model):
    """``additionalInfo`` of a direct debit notification."""

    user_payment_details: list[PaymentDetail] | None = None
    pay_option_details: list[PaymentDetail] | None = None
    refund_history: list[RefundHistoryItem] | None = None
    total_refund_amount: Amount | None = None
    fraud_status: str | None = None
    valid_up_to: str | None = None


class DirectDebitNotification(_TransactionNotification):
    """Direct debit / GoPay tokenization payment (``/v1.0/debit/notify``, service 56)."""

    kind: ClassVar[NotificationKind] = NotificationKind.DIRECT_DEBIT

    created_time: str | None = None
    finished_time: str | None = None
    original_external_id: str | None = None
    merchant_id: str | None = None
    additional_info: DirectDebitAdditionalInfo = Field(default_factory=DirectDebitAdditionalInfo)


class QrisDetail(_Model):
    """``additionalInfo.qris``: issuer, acquirer and ``ON-US`` / ``OFF-US``."""

    issuer_name: str | None = None
    acquirer_name: str | None = None
    transaction_type: str | None = None


class QrisAdditionalInfo(_Model):
    """``additionalInfo`` of a QRIS notification (``qris`` is an object or a list)."""

    refund_history: list[RefundHistoryItem] | None = None
    qris: QrisDetail | list[QrisDetail] | None = None


class QrisNotification(_TransactionNotification):
    """QRIS (MPM) payment (``/v1.0/qr/qr-mpm-notify``, service 52)."""

    kind: ClassVar[NotificationKind] = NotificationKind.QRIS_PAYMENT

    external_store_id: str | None = Field(default=None, alias="externalStoreID")
    additional_info: QrisAdditionalInfo = Field(default_factory=QrisAdditionalInfo)


class VaPaymentAdditionalInfo(_Model):
    """``additionalInfo`` of a VA payment notification."""

    bank: str | None = None
    merchant_id: str | None = None
    payment_flag_status: str | None = None
    paid_time: str | None = None
    custom_field: dict[str, str | None] | None = None


class VaPaymentNotification(NotificationPayload):
    """Bank transfer (virtual account) payment (``/v1.0/transfer-va/payment``, service 25).

    ``partner_service_id`` and ``virtual_account_no`` keep their space padding.
    """

    kind: ClassVar[NotificationKind] = NotificationKind.VA_PAYMENT

    partner_service_id: str
    customer_no: str
    virtual_account_no: str
    trx_id: str
    virtual_account_name: str | None = None
    virtual_account_email: str | None = None
    virtual_account_phone: str | None = None
    payment_request_id: str | None = None
    paid_amount: Amount | None = None
    reference_no: str | None = None
    additional_info: VaPaymentAdditionalInfo | None = None

    @property
    def is_success(self) -> bool:
        """True when ``additionalInfo.paymentFlagStatus`` is ``00``."""
        info = self.additional_info
        return info is not None and info.payment_flag_status == SUCCESS_STATUS


class AccountLinkingInfo(_Model):
    """``additionalInfo`` of an account linking notification.

    ``access_token`` is the customer token: a secret, hidden from ``repr`` and ``str``
    (read it with ``access_token.get_secret_value()``).
    """

    access_token: SecretStr
    account_status: str
    merchant_id: str | None = None
    sub_merchant_id: str | None = None
    payment_type: str | None = None
    status_message: str | None = None


class AccountLinkingNotification(NotificationPayload):
    """Account linked / unlinked (``/v1.0/registration-account/notify``, service 88)."""

    kind: ClassVar[NotificationKind] = NotificationKind.ACCOUNT_LINKING

    additional_info: AccountLinkingInfo

    @property
    def is_linked(self) -> bool:
        """True when ``accountStatus`` is ``ENABLED``."""
        return self.additional_info.account_status == "ENABLED"


_MODELS: dict[NotificationKind, type[NotificationPayload]] = {
    NotificationKind.VA_PAYMENT: VaPaymentNotification,
    NotificationKind.QRIS_PAYMENT: QrisNotification,
    NotificationKind.DIRECT_DEBIT: DirectDebitNotification,
    NotificationKind.ACCOUNT_LINKING: AccountLinkingNotification,
}


def payload_model(kind: NotificationKind) -> type[NotificationPayload]:
    """The payload model of ``kind``."""
    return _MODELS[kind]


def _location(loc: tuple[int | str, ...]) -> str | None:
    return ".".join(str(part) for part in loc) or None


def parse_payload(kind: NotificationKind, body: bytes) -> NotificationPayload:
    """Parse ``body`` (the verified bytes) into the payload model of ``kind``.

    Raises :class:`NotificationPayloadError` naming the first bad field, never its value.
    """
    try:
        return _MODELS[kind].model_validate_json(body)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        kind_of_error = first["type"]
        field = _location(tuple(first["loc"]))
        if kind_of_error == "json_invalid":
            raise NotificationPayloadError(
                "body is not valid JSON", field=None, missing=False
            ) from None
        if field is None:
            raise NotificationPayloadError(
                "body is not a JSON object", field=None, missing=False
            ) from None
        missing = kind_of_error == "missing"
        problem = "is missing" if missing else f"has an invalid format ({kind_of_error})"
        raise NotificationPayloadError(
            f"{kind.name} notification field {field} {problem}", field=field, missing=missing
        ) from None
