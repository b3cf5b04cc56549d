"""Direct debit (GoPay, ShopeePay, DANA deeplink; GoPay tokenization without pre-auth):
payment, status, cancel, refund."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import AliasChoices, Field, ValidationInfo, field_validator

from bisnap.errors import RequestValidationError
from bisnap.models.common import (
    Amount,
    AmountValue,
    RequiresOneOf,
    SnapObject,
    SnapRequest,
    SnapResponse,
    SnapTimestamp,
    is_lenient,
)
from bisnap.models.references import OriginalIdentifiers, ReferenceNumbers
from bisnap.models.rules import limit, reference, refund_reference
from bisnap.models.shared import (
    CustomerDetails,
    Item,
    PayOptionSummary,
    RefundHistoryEntry,
    UrlParam,
)

__all__ = [
    "TRANS_AMOUNT_MAXIMUM",
    "TRANS_AMOUNT_MINIMUM",
    "DebitAdditionalInfo",
    "DebitCancelRequest",
    "DebitCancelResponse",
    "DebitPaymentInfo",
    "DebitPaymentRequest",
    "DebitPaymentResponse",
    "DebitRefundRequest",
    "DebitRefundResponse",
    "DebitStatusInfo",
    "DebitStatusRequest",
    "DebitStatusResponse",
    "PayOptionAdditionalInfo",
    "PayOptionDetail",
    "check_tokenization_payment",
]


TRANS_AMOUNT_MINIMUM = Decimal("1.00")
TRANS_AMOUNT_MAXIMUM = Decimal("99999999999.00")
"""``payOptionDetails[].transAmount.value`` range on the debit and tokenization pages."""


class PayOptionAdditionalInfo(SnapObject):
    """``payOptionDetails[].additionalInfo`` (GoPay tokenization)."""

    payment_option_token: str | None = Field(default=None, repr=False)
    recurring: Annotated[str, limit(1, r"^[YN]$", what="Y or N")] | None = None
    promotion_ids: list[str] | None = None


class PayOptionDetail(SnapObject):
    """``payOptionDetails[]``: ``payMethod``/``payOption`` (``GOPAY``, ``SHOPEEPAY``, ``DANA``;
    tokenization: ``GOPAY`` / ``GOPAY_WALLET``, ``PAY_LATER``) and ``transAmount``."""

    pay_method: Annotated[str, limit(64)]
    pay_option: Annotated[str, limit(64)]
    trans_amount: Amount
    additional_info: PayOptionAdditionalInfo | None = None

    check_trans_amount_range: ClassVar[bool] = True

    @field_validator("trans_amount")
    @classmethod
    def _trans_amount_range(cls, value: Amount, info: ValidationInfo) -> Amount:
        if is_lenient(info) or not cls.check_trans_amount_range:
            return value
        if not TRANS_AMOUNT_MINIMUM <= value.value <= TRANS_AMOUNT_MAXIMUM:
            raise ValueError("value must be from 1.00 to 99999999999.00")
        return value


class DebitAdditionalInfo(SnapObject):
    """``additionalInfo`` of a payment: customer, items, metadata, tokenization extras."""

    customer_details: CustomerDetails | None = None
    items: list[Item] | None = None
    metadata: dict[str, Any] | None = None
    merchant_cross_reference_id: Annotated[str, limit(64)] | None = None
    lang: Annotated[str, limit(2)] | None = None
    payment_provider_metadata: dict[str, Any] | None = None


class DebitPaymentRequest(SnapRequest):
    """``POST /v1.0/debit/payment-host-to-host``.

    ``chargeToken`` is mandatory on the wire; it defaults to ``""`` as the official SDKs send.
    For GoPay tokenization pass ``customer_token=`` and ``device_id=`` to the call and the
    binding inquiry's option token as ``payOptionDetails[0].additionalInfo.paymentOptionToken``.
    ``urlParam`` (the singular used by some SDK samples) is read as ``urlParams``.
    """

    partner_reference_no: Annotated[str, reference(64)]
    charge_token: Annotated[str, limit(40)] = Field(default="", repr=False)
    merchant_id: Annotated[str, limit(64)] | None = None
    valid_up_to: SnapTimestamp | None = None
    url_params: list[UrlParam] | None = Field(
        default=None, validation_alias=AliasChoices("urlParams", "urlParam", "url_params")
    )
    pay_option_details: list[PayOptionDetail] = Field(min_length=1)
    additional_info: DebitAdditionalInfo | None = None


def check_tokenization_payment(request: DebitPaymentRequest) -> None:
    """GoPay tokenization (a payment sent with a customer token) makes ``urlParams`` and
    every ``payOptionDetails[].additionalInfo.paymentOptionToken`` mandatory (spec §5.4.5).

    Raises RequestValidationError naming the missing field.
    """
    if not request.url_params:
        raise RequestValidationError(
            "urlParams: is required for a GoPay tokenization payment", field="urlParams"
        )
    for index, detail in enumerate(request.pay_option_details):
        info = detail.additional_info
        if info is None or not info.payment_option_token:
            field = f"payOptionDetails[{index}].additionalInfo.paymentOptionToken"
            raise RequestValidationError(
                f"{field}: is required for a GoPay tokenization payment (the binding "
                "inquiry's paymentOptions[].token)",
                field=field,
            )


class DebitPaymentInfo(SnapObject):
    """``additionalInfo`` of a payment answer. ``grossAmount`` is an object on the deeplink page
    and a plain amount on the pre-auth page; ``gross_amount`` (the tables' spelling) is read
    into the same field. :attr:`gross` gives an :class:`Amount` either way."""

    payment_type: str | None = None
    gross_amount: Amount | AmountValue | None = None
    amount: Amount | AmountValue | None = None
    currency: str | None = None
    status: str | None = None
    transaction_time: SnapTimestamp | None = None
    transaction_status: str | None = None
    fraud_status: str | None = None
    expiry_time: SnapTimestamp | None = None
    valid_up_to: SnapTimestamp | None = None
    pay_option_details: list[PayOptionSummary] | None = None
    user_payment_details: list[PayOptionSummary] | None = None

    @property
    def gross(self) -> Amount | None:
        """The gross amount whichever way it was written (grossAmount / gross_amount)."""
        value = self.gross_amount
        if value is None or isinstance(value, Amount):
            return value
        return Amount.model_validate(
            {"value": value, "currency": self.currency or "IDR"}, context={"lenient": True}
        )


class DebitPaymentResponse(ReferenceNumbers, SnapResponse):
    """Answer to a payment: send the customer to ``webRedirectUrl`` (or ``appRedirectUrl``)."""

    web_redirect_url: str | None = None
    app_redirect_url: str | None = None
    additional_info: DebitPaymentInfo | None = None


class _NamesOriginalPayment(RequiresOneOf):
    """Status and cancel name the payment by its ``originalReferenceNo`` or the
    ``X-EXTERNAL-ID`` it was sent with (at least one of them)."""

    original_reference_no: Annotated[str, limit(64)] | None = None
    original_external_id: Annotated[str, limit(36)] | None = None

    one_of = ("original_reference_no", "original_external_id")


class DebitStatusRequest(_NamesOriginalPayment):
    """``POST /v1.0/debit/status``; ``serviceCode`` is the original call's (54 payment)."""

    service_code: Annotated[str, limit(2, r"^\d{2}$", what="two digits")] = "54"


class DebitStatusInfo(SnapObject):
    """``additionalInfo`` of a status answer."""

    fraud_status: str | None = None
    valid_up_to: SnapTimestamp | None = None
    pay_option_details: list[PayOptionSummary] | None = None
    user_payment_details: list[PayOptionSummary] | None = None
    metadata: dict[str, Any] | None = None


class DebitStatusResponse(OriginalIdentifiers, SnapResponse):
    """``latestTransactionStatus``: 00 success, 03 pending, 04 refunded, 05 canceled,
    06 failed, 07 not found, 08 expired, 09 rejected."""

    service_code: str | None = None
    latest_transaction_status: str | None = None
    trans_amount: Amount | None = None
    paid_time: SnapTimestamp | None = None
    refund_history: list[RefundHistoryEntry] | None = None
    additional_info: DebitStatusInfo | None = None


class DebitCancelRequest(_NamesOriginalPayment):
    """``POST /v1.0/debit/cancel``. ``originalPartnerReferenceNo`` is mandatory (as the
    endpoint's table says, though some SDK samples omit it)."""

    original_partner_reference_no: Annotated[str, limit(64)]


class DebitCancelResponse(SnapResponse):
    """Answer to a cancel: ``cancelTime`` on success."""

    original_reference_no: str | None = None
    cancel_time: SnapTimestamp | None = None


class DebitRefundInfo(SnapObject):
    """``additionalInfo`` of a refund (GoPay Later ``paymentProviderMetadata``)."""

    payment_provider_metadata: dict[str, Any] | None = None


class DebitRefundRequest(SnapRequest):
    """``POST /v1.0/debit/refund``; without ``refundAmount`` the whole payment is refunded.
    ``partnerRefundNo`` defaults to the call's ``X-EXTERNAL-ID`` so a resend cannot refund
    twice."""

    original_external_id: Annotated[str, limit(36)] | None = None
    original_partner_reference_no: Annotated[str, limit(64)]
    original_reference_no: Annotated[str, limit(64)] | None = None
    partner_refund_no: Annotated[str, refund_reference(64)] | None = None
    refund_amount: Amount | None = None
    reason: Annotated[str, limit(256)] | None = None
    additional_info: DebitRefundInfo | None = None


class DebitRefundResponse(SnapResponse):
    """Answer to a refund."""

    original_reference_no: str | None = None
    refund_no: str | None = None
    partner_refund_no: str | None = None
    refund_amount: Amount | None = None
    refund_time: SnapTimestamp | None = None
