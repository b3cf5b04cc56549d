"""QRIS (MPM): generate, query, cancel, refund."""

from __future__ import annotations

from typing import Annotated, Any

from bisnap.models.common import (
    Amount,
    RequiresOneOf,
    SnapObject,
    SnapRequest,
    SnapResponse,
    SnapTimestamp,
)
from bisnap.models.references import OriginalIdentifiers, OriginalReferences, ReferenceNumbers
from bisnap.models.rules import limit, reference, refund_reference
from bisnap.models.shared import RefundHistoryEntry

__all__ = [
    "QrisCancelRequest",
    "QrisCancelResponse",
    "QrisGenerateInfo",
    "QrisGenerateRequest",
    "QrisGenerateResponse",
    "QrisQueryInfo",
    "QrisQueryRequest",
    "QrisQueryResponse",
    "QrisRefundRequest",
    "QrisRefundResponse",
]


class QrisGenerateInfo(SnapObject):
    """``additionalInfo`` of generate: ``acquirer`` is ``gopay`` (default) or ``airpay shopee``."""

    acquirer: str | None = None


class QrisGenerateRequest(SnapRequest):
    """``POST /v1.0/qr/qr-mpm-generate``; ``partnerReferenceNo`` is also ``X-EXTERNAL-ID``."""

    partner_reference_no: Annotated[str, reference(36)] | None = None
    amount: Amount | None = None  # optional on the page (an open-amount QR)
    merchant_id: Annotated[str, limit(64)] | None = None
    validity_period: SnapTimestamp | None = None
    additional_info: QrisGenerateInfo | None = None


class QrisGenerateResponse(ReferenceNumbers, SnapResponse):
    """Answer to generate: ``qrContent`` (the QR string), ``qrUrl``, ``qrImage`` (base64)."""

    qr_content: str | None = None
    qr_url: str | None = None
    qr_image: str | None = None
    additional_info: QrisGenerateInfo | None = None


class _NamesOriginalQrisPayment(RequiresOneOf):
    """Query and cancel need one of the three original identifiers (their fields differ in
    order and length, so each declares them)."""

    one_of = ("original_reference_no", "original_partner_reference_no", "original_external_id")


class QrisQueryRequest(_NamesOriginalQrisPayment):
    """``POST /v1.0/qr/qr-mpm-query``: one of the three original identifiers is needed."""

    original_reference_no: Annotated[str, limit(64)] | None = None
    original_partner_reference_no: Annotated[str, limit(36)] | None = None
    original_external_id: Annotated[str, limit(36)] | None = None
    merchant_id: Annotated[str, limit(64)] | None = None
    service_code: Annotated[str, limit(2, r"^\d{2}$", what="two digits")] = "47"


class QrisQueryInfo(SnapObject):
    """``additionalInfo`` of a query answer: the refund history."""

    refund_history: list[RefundHistoryEntry] | None = None


class QrisQueryResponse(OriginalReferences, SnapResponse):
    """Answer to a query: ``latestTransactionStatus`` 00 paid, 03 pending, 05 canceled..."""

    original_external_id: str | None = None
    service_code: str | None = None
    latest_transaction_status: str | None = None
    transaction_status_desc: str | None = None
    paid_time: SnapTimestamp | None = None
    amount: Amount | None = None
    terminal_id: str | None = None
    additional_info: QrisQueryInfo | None = None


class QrisCancelRequest(_NamesOriginalQrisPayment):
    """``POST /v1.0/qr/qr-mpm-cancel``; ``merchantId`` and ``reason`` are mandatory."""

    original_partner_reference_no: Annotated[str, limit(64)] | None = None
    original_reference_no: Annotated[str, limit(64)] | None = None
    original_external_id: Annotated[str, limit(36)] | None = None
    merchant_id: Annotated[str, limit(64)]
    sub_merchant_id: Annotated[str, limit(32)] | None = None
    external_store_id: Annotated[str, limit(64)] | None = None
    reason: Annotated[str, limit(256)]
    amount: Amount | None = None
    additional_info: dict[str, Any] | None = None


class QrisCancelResponse(OriginalIdentifiers, SnapResponse):
    """Answer to a cancel."""

    cancel_time: SnapTimestamp | None = None
    transaction_date: SnapTimestamp | None = None
    additional_info: dict[str, Any] | None = None


class QrisRefundRequest(SnapRequest):
    """``POST /v1.0/qr/qr-mpm-refund``; ``partnerRefundNo`` is also ``X-EXTERNAL-ID``.

    Without ``refundAmount`` the whole payment is refunded.
    """

    merchant_id: Annotated[str, limit(64)]
    sub_merchant_id: Annotated[str, limit(32)] | None = None
    external_store_id: Annotated[str, limit(64)] | None = None
    original_partner_reference_no: Annotated[str, limit(64)]
    original_reference_no: Annotated[str, limit(64)] | None = None
    original_external_id: Annotated[str, limit(32)] | None = None  # String(32) on the refund page
    partner_refund_no: Annotated[str, refund_reference(64)] | None = None
    refund_amount: Amount | None = None
    reason: Annotated[str, limit(256)] | None = None
    additional_info: dict[str, Any] | None = None


class QrisRefundResponse(OriginalIdentifiers, SnapResponse):
    """Answer to a refund."""

    reference_no: str | None = None
    partner_refund_no: str | None = None
    refund_amount: Amount | None = None
    refund_time: SnapTimestamp | None = None
    additional_info: dict[str, Any] | None = None
