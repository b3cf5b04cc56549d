"""Typed payloads of the four notifications (pydantic v2), parsed from the verified bytes.

Field names are snake_case in Python and camelCase on the wire. Unknown fields are kept (Midtrans
adds fields over time, mostly under ``additionalInfo``) and are reachable through
``model_extra``. Amounts are :class:`~decimal.Decimal`. Timestamps inside the body stay the
strings Midtrans sent: formats vary, and a notification must not be refused for that.

A notification whose route, headers, timestamp and signature verified is never refused for
its payload shape: strictness belongs to the signature. Every field is optional;
:attr:`NotificationPayload.missing_fields` lists the documented mandatory fields the body
lacks, and :attr:`NotificationPayload.invalid_fields` the values that could not be typed
(they are left out of the typed fields; :meth:`NotificationPayload.to_wire` and the verified
``body`` still carry them).
"""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    SecretStr,
    ValidationError,
)
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
    "PayOptionFields",
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
        populate_by_name=True,
        frozen=True,
        str_strip_whitespace=False,  # "  088899" keeps its padding
    )

    def to_wire(self) -> dict[str, Any]:
        """The body as Midtrans sent it (camelCase keys, only the fields it had)."""
        dumped = self.model_dump(mode="json", by_alias=True, exclude_unset=True)
        assert isinstance(dumped, dict)
        return dumped


def _reveal(value: SecretStr) -> str:
    return value.get_secret_value()


CustomerToken = Annotated[SecretStr, PlainSerializer(_reveal, return_type=str, when_used="json")]
"""A customer token: hidden from ``repr``/``str`` (and so from logs), written in full by
:meth:`_Model.to_wire` so a notification round-trips."""


def _amount_text(value: Decimal) -> str:
    return format(value, "f")


AmountValue = Annotated[Decimal, PlainSerializer(_amount_text, return_type=str, when_used="json")]


class Amount(_Model):
    """``{"value": "10000.00", "currency": "IDR"}`` with the value as a Decimal."""

    value: AmountValue = Field(allow_inf_nan=False)
    currency: str | None = None


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


class PayOptionFields(BaseModel):
    """``payMethod`` (``gopay``) and ``payOption`` (``GOPAY_WALLET``): how the customer paid.

    The same object stands in notifications (:class:`PaymentDetail`) and in SNAP answers
    (:class:`bisnap.models.shared.PayOptionSummary`); this class only declares the two fields,
    each user's base brings its configuration (frozen here, checked on assignment there).
    """

    pay_method: str | None = None
    pay_option: str | None = None


class PaymentDetail(PayOptionFields, _Model):
    """How the customer paid: ``payMethod`` (``gopay``) and ``payOption`` (``GOPAY_WALLET``)."""


class NotificationPayload(_Model):
    """Base class of the four typed notification bodies.

    ``mandatory`` lists the wire paths the notification page marks mandatory;
    :attr:`missing_fields` says which of them this body lacks.
    """

    kind: ClassVar[NotificationKind]
    mandatory: ClassVar[tuple[str, ...]] = ()

    _invalid: dict[str, Any] = PrivateAttr(default_factory=dict)
    _raw: dict[str, Any] = PrivateAttr(default_factory=dict)

    @property
    def missing_fields(self) -> tuple[str, ...]:
        """Documented mandatory fields (wire paths) absent from the body, e.g.
        ``("partnerServiceId", "customerNo")``."""
        return tuple(path for path in self.mandatory if not _has_path(self._raw, path))

    @property
    def invalid_fields(self) -> dict[str, Any]:
        """Values that could not be read into their typed field, by wire path (as sent)."""
        return dict(self._invalid)

    @property
    def is_success(self) -> bool:
        """True when the payment status is ``00`` (paid / settled): ``latestTransactionStatus``,
        or ``additionalInfo.paymentFlagStatus`` for a VA payment. Always False for a
        notification that carries no payment status."""
        return self._payment_status() == SUCCESS_STATUS

    def _payment_status(self) -> str | None:
        return None

    def to_wire(self) -> dict[str, Any]:
        """The body as received, values that could not be typed included."""
        if self._raw:
            return copy.deepcopy(self._raw)
        return super().to_wire()


def _has_path(data: Any, path: str) -> bool:
    for part in path.split("."):
        if not isinstance(data, dict) or data.get(part) is None:
            return False
        data = data[part]
    return True


class _TransactionNotification(NotificationPayload):
    original_reference_no: str | None = None
    latest_transaction_status: str | None = None
    original_partner_reference_no: str | None = None
    transaction_status_desc: str | None = None
    amount: Amount | None = None

    def _payment_status(self) -> str | None:
        return self.latest_transaction_status


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
    mandatory = ("latestTransactionStatus", "originalReferenceNo", "additionalInfo")

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
    mandatory = ("originalReferenceNo", "latestTransactionStatus", "additionalInfo")

    external_store_id: str | None = Field(default=None, alias="externalStoreID")
    additional_info: QrisAdditionalInfo = Field(default_factory=QrisAdditionalInfo)


class VaPaymentAdditionalInfo(_Model):
    """``additionalInfo`` of a VA payment notification."""

    bank: str | None = None
    merchant_id: str | None = None
    payment_flag_status: str | None = None
    paid_time: str | None = None
    custom_field: dict[str, Any] | None = None


class VaPaymentNotification(NotificationPayload):
    """Bank transfer (virtual account) payment (``/v1.0/transfer-va/payment``, service 25).

    ``partner_service_id`` and ``virtual_account_no`` keep their space padding.
    """

    kind: ClassVar[NotificationKind] = NotificationKind.VA_PAYMENT
    mandatory = (
        "partnerServiceId",
        "customerNo",
        "virtualAccountNo",
        "trxId",
        "additionalInfo.bank",
        "additionalInfo.merchantId",
        "additionalInfo.paymentFlagStatus",
        "additionalInfo.paidTime",
        "additionalInfo.customField",
    )

    partner_service_id: str | None = None
    customer_no: str | None = None
    virtual_account_no: str | None = None
    trx_id: str | None = None
    virtual_account_name: str | None = None
    virtual_account_email: str | None = None
    virtual_account_phone: str | None = None
    payment_request_id: str | None = None
    paid_amount: Amount | None = None
    reference_no: str | None = None
    additional_info: VaPaymentAdditionalInfo | None = None

    def _payment_status(self) -> str | None:
        info = self.additional_info
        return info.payment_flag_status if info is not None else None


class AccountLinkingInfo(_Model):
    """``additionalInfo`` of an account linking notification.

    ``access_token`` is the customer token: a secret, hidden from ``repr`` and ``str``
    (read it with ``access_token.get_secret_value()``).
    """

    access_token: CustomerToken | None = None
    account_status: str | None = None
    merchant_id: str | None = None
    sub_merchant_id: str | None = None
    payment_type: str | None = None
    status_message: str | None = None


class AccountLinkingNotification(NotificationPayload):
    """Account linked / unlinked (``/v1.0/registration-account/notify``, service 88)."""

    kind: ClassVar[NotificationKind] = NotificationKind.ACCOUNT_LINKING
    mandatory = (
        "additionalInfo.accessToken",
        "additionalInfo.merchantId",
        "additionalInfo.subMerchantId",
        "additionalInfo.paymentType",
        "additionalInfo.accountStatus",
        "additionalInfo.statusMessage",
    )

    additional_info: AccountLinkingInfo = Field(default_factory=AccountLinkingInfo)

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


def _location(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc)


_MAX_PASSES = 64


def _pop_path(data: Any, loc: tuple[int | str, ...]) -> tuple[bool, Any]:
    """Remove the value at ``loc`` from nested dicts/lists; (found, value)."""
    for part in loc[:-1]:
        if not _holds(data, part):
            return False, None
        data = data[part]
    if not loc or not _holds(data, loc[-1]):
        return False, None
    return True, data.pop(loc[-1])


def _holds(data: Any, part: int | str) -> bool:
    """``data[part]`` exists (a dict key or a list index)."""
    if isinstance(data, dict):
        return isinstance(part, str) and part in data
    if isinstance(data, list):
        return isinstance(part, int) and 0 <= part < len(data)
    return False


def decode_json_object(body: bytes | str) -> dict[str, Any]:
    """The JSON object of a notification body, numbers with a fraction as Decimal; anything else
    (not UTF-8, not JSON, not an object) raises :class:`NotificationPayloadError`."""
    try:
        data = json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        raise NotificationPayloadError(
            "body is not valid JSON", field=None, missing=False
        ) from None
    if not isinstance(data, dict):
        raise NotificationPayloadError("body is not a JSON object", field=None, missing=False)
    return data


def parse_payload(kind: NotificationKind, body: bytes) -> NotificationPayload:
    """Parse ``body`` (the verified bytes) into the payload model of ``kind``, leniently.

    Every field is optional and unknown fields are kept; a value that cannot be typed (an
    amount that is not a number, an object where a string belongs) is left out of the typed
    fields and listed in :attr:`NotificationPayload.invalid_fields`. Only a body that is not a
    JSON object raises :class:`NotificationPayloadError`: there is nothing to type.
    """
    model = _MODELS[kind]
    raw = decode_json_object(body)
    data = copy.deepcopy(raw)
    invalid: dict[str, Any] = {}
    for _ in range(_MAX_PASSES):
        try:
            payload = model.model_validate(data)
        except ValidationError as exc:
            removed = False
            for error in exc.errors(include_url=False, include_input=False):
                loc = tuple(error["loc"])
                # A union reports each alternative: the wire path ends before the type names.
                while loc and loc[-1] not in _path_keys(data, loc):
                    loc = loc[:-1]
                found, value = _pop_path(data, loc)
                if found:
                    invalid[_location(loc)] = value
                    removed = True
            if not removed:
                break
            continue
        original = json.loads(body)
        payload._invalid = _outermost(invalid, original)
        payload._raw = original
        return payload
    payload = model.model_construct()
    payload._invalid = {"": raw}
    payload._raw = json.loads(body)
    return payload


def _outermost(invalid: dict[str, Any], original: dict[str, Any]) -> dict[str, Any]:
    """Keep the outermost removed paths, each with the value as it was sent."""
    kept: dict[str, Any] = {}
    for path in sorted(invalid, key=lambda p: p.count(".")):
        if any(path.startswith(parent + ".") for parent in kept):
            continue
        found, value = _pop_path(copy.deepcopy(original), _wire_loc(path))
        kept[path] = value if found else invalid[path]
    return kept


def _wire_loc(path: str) -> tuple[int | str, ...]:
    return tuple(int(part) if part.isdigit() else part for part in path.split("."))


def _path_keys(data: Any, loc: tuple[int | str, ...]) -> set[int | str]:
    """The keys available at the parent of ``loc`` (to trim type names from a union loc)."""
    for part in loc[:-1]:
        if not _holds(data, part):
            return set()
        data = data[part]
    if isinstance(data, dict):
        return set(data)
    if isinstance(data, list):
        return set(range(len(data)))
    return set()
