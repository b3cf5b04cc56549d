"""GoPay tokenization pre-auth: authorize, query, capture, void, refund.

The tables put ``originalExternalId`` under ``additionalInfo``; the published samples put it
under ``additionalData``. Requests accept both (``additional_info`` is what the docs' tables
specify and what to prefer) and :attr:`original_external_id` reads whichever is set.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field, field_validator

from bisnap.models.common import (
    Amount,
    AmountValue,
    SnapObject,
    SnapRequest,
    SnapResponse,
    SnapTimestamp,
)
from bisnap.models.direct_debit import PayOptionDetail
from bisnap.models.references import OriginalReferences, ReferenceNumbers
from bisnap.models.rules import limit, reference, refund_reference
from bisnap.models.shared import CustomerDetails, Item, PayOptionSummary, RefundHistoryEntry

__all__ = [
    "AuthorizeInfo",
    "AuthorizePayOptionDetail",
    "AuthorizeRequest",
    "AuthorizeResponse",
    "AuthorizeResultInfo",
    "CaptureRequest",
    "CaptureResponse",
    "OriginalExternalIdInfo",
    "PreAuthQueryInfo",
    "PreAuthQueryRequest",
    "PreAuthQueryResponse",
    "PreAuthRefundRequest",
    "PreAuthRefundResponse",
    "VoidRequest",
    "VoidResponse",
]


class OriginalExternalIdInfo(SnapObject):
    """``{"originalExternalId": ...}``: the X-EXTERNAL-ID of the original authorization."""

    original_external_id: Annotated[str, limit(36)] | None = None


class _RefersToAuthorization(SnapRequest):
    """Requests that name an earlier authorization."""

    additional_info: OriginalExternalIdInfo | None = None
    additional_data: OriginalExternalIdInfo | None = None
    original_reference_no: Annotated[str, limit(64)] | None = None
    original_partner_reference_no: Annotated[str, limit(64)]

    @property
    def original_external_id(self) -> str | None:
        """``originalExternalId`` from ``additionalInfo`` or, failing that, ``additionalData``."""
        for holder in (self.additional_info, self.additional_data):
            if holder is not None and holder.original_external_id:
                return holder.original_external_id
        return None


class AuthorizePayOptionDetail(PayOptionDetail):
    """``additionalInfo.payOptionDetails[]`` of an authorization: ``payOption``
    (``GOPAY_WALLET``, ``GOPAY_WALLET_POCKET``) is conditional, so it may be left out; the
    auth-payment page sets no 1.00-99999999999.00 range on ``transAmount``."""

    pay_option: Annotated[str, limit(64)] | None = None  # type: ignore[assignment]

    check_trans_amount_range: ClassVar[bool] = False


class AuthorizeInfo(SnapObject):
    """``additionalInfo`` of an authorization (mandatory: it carries ``payOptionDetails``)."""

    merchant_cross_reference_id: Annotated[str, limit(64)] | None = None
    pay_option_details: list[AuthorizePayOptionDetail] = Field(min_length=1)

    @field_validator("pay_option_details", mode="before")
    @classmethod
    def _accept_debit_details(cls, value: Any) -> Any:
        # A PayOptionDetail built for a debit payment is accepted as it is on the wire.
        if isinstance(value, list):
            return [
                item.model_dump(by_alias=True, exclude_unset=True)
                if isinstance(item, PayOptionDetail)
                and not isinstance(item, AuthorizePayOptionDetail)
                else item
                for item in value
            ]
        return value

    customer_details: CustomerDetails | None = None
    valid_up_to: SnapTimestamp | None = None


class AuthorizeRequest(SnapRequest):
    """``POST /v1.0/auth/payment``: reserve the amount (needs ``customer_token=`` and
    ``device_id=``). Only no-PIN transactions are supported by the gateway."""

    partner_reference_no: Annotated[str, reference(64)]
    merchant_id: Annotated[str, limit(64)]
    amount: Amount | None = None
    title: Annotated[str, limit(256)]
    items: list[Item] | None = None
    additional_info: AuthorizeInfo


class AuthorizeResultInfo(SnapObject):
    """``additionalInfo`` of an authorization answer (``grossAmount`` may be a plain amount)."""

    amount: Amount | AmountValue | None = None
    gross_amount: Amount | AmountValue | None = None
    currency: str | None = None
    payment_type: str | None = None
    transaction_time: SnapTimestamp | None = None
    transaction_status: str | None = None
    fraud_status: str | None = None
    pay_option_details: list[PayOptionSummary] | None = None
    valid_up_to: SnapTimestamp | None = None


class AuthorizeResponse(ReferenceNumbers, SnapResponse):
    """Answer to an authorization."""

    paid_time: SnapTimestamp | None = None
    additional_info: AuthorizeResultInfo | None = None


class PreAuthQueryRequest(_RefersToAuthorization):
    """``POST /v1.0/auth/query``."""


class PreAuthQueryInfo(SnapObject):
    """``additionalInfo`` of a pre-auth query answer."""

    fraud_status: str | None = None
    valid_up_to: SnapTimestamp | None = None
    pay_option_details: Any = None
    refund_history: list[RefundHistoryEntry] | RefundHistoryEntry | None = None
    metadata: dict[str, Any] | None = None


class PreAuthQueryResponse(OriginalReferences, SnapResponse):
    """``latestTransactionStatus``: 00 captured, 01 authorized, 04 refunded, 05 canceled
    (voided), 06 failed, 07 not found, 08 expired, 09 rejected."""

    paid_time: SnapTimestamp | None = None
    latest_transaction_status: str | None = None
    amount: Amount | None = None
    additional_info: PreAuthQueryInfo | None = None


class CaptureRequest(_RefersToAuthorization):
    """``POST /v1.0/auth/capture`` (full capture only). ``partnerCaptureNo`` defaults to the
    call's ``X-EXTERNAL-ID``."""

    merchant_id: Annotated[str, limit(64)]
    partner_capture_no: Annotated[str, reference(64)] | None = None
    capture_amount: Amount | None = None
    title: Annotated[str, limit(256)]


class CaptureResponse(OriginalReferences, SnapResponse):
    """Answer to a capture."""

    capture_no: str | None = None
    partner_capture_no: str | None = None
    capture_amount: Amount | None = None
    capture_time: SnapTimestamp | None = None


class VoidRequest(_RefersToAuthorization):
    """``POST /v1.0/auth/void``: release an authorization. ``partnerVoidNo`` defaults to the
    call's ``X-EXTERNAL-ID``."""

    merchant_id: Annotated[str, limit(64)]
    partner_void_no: Annotated[str, reference(64)] | None = None
    reason: Annotated[str, limit(256)] | None = None


class VoidResponse(OriginalReferences, SnapResponse):
    """Answer to a void."""

    void_no: str | None = None
    partner_void_no: str | None = None
    void_amount: Amount | None = None
    void_time: SnapTimestamp | None = None


class PreAuthRefundRequest(_RefersToAuthorization):
    """``POST /v1.0/auth/refund``. ``partnerRefundNo`` defaults to the call's X-EXTERNAL-ID."""

    partner_refund_no: Annotated[str, refund_reference(64)] | None = None
    refund_amount: Amount | None = None
    reason: Annotated[str, limit(256)] | None = None


class PreAuthRefundResponse(SnapResponse):
    """Answer to a pre-auth refund."""

    original_reference_no: str | None = None
    partner_refund_no: str | None = None
    refund_no: str | None = None
    refund_time: SnapTimestamp | None = None
    refund_amount: Amount | None = None
