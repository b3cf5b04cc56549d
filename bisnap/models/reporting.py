"""Reporting (spec §5.6): transaction history list (service 12) and detail (13).

Date range rules (transaction-history-list page): ``fromDateTime`` defaults to three months
ago and may start no earlier than the first day of the month six months back (now
2024-02-23 → 2023-08-01T00:00:00+07:00); ``toDateTime`` defaults to now. ``pageSize`` is 1 to
50 (default 10), ``pageNumber`` counts from 0.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    SerializationInfo,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bisnap.errors import RequestValidationError
from bisnap.models.common import (
    Amount,
    SnapModel,
    SnapObject,
    SnapRequest,
    SnapResponse,
    SnapTimestamp,
    is_lenient,
)
from bisnap.models.references import ReferenceNumbers
from bisnap.models.rules import limit
from bisnap.timestamps import JAKARTA

__all__ = [
    "HISTORY_MAX_PAGE_SIZE",
    "HistoryAdditionalInfo",
    "HistoryDetailInfo",
    "HistoryDetailReference",
    "HistoryDetailRequest",
    "HistoryDetailResponse",
    "HistoryDisbursement",
    "HistoryEntry",
    "HistoryEntryInfo",
    "HistoryListRequest",
    "HistoryListResponse",
    "HistoryPayment",
    "HistoryRefund",
    "HistoryWithdrawal",
    "StatusFilter",
    "check_history_range",
    "earliest_history_start",
]

HISTORY_MAX_PAGE_SIZE = 50

HistoryType = Literal["PAYMENT", "TOP_UP", "WITHDRAWAL", "DISBURSEMENT"]


def earliest_history_start(now: datetime) -> datetime:
    """The earliest allowed ``fromDateTime``: midnight (Jakarta) on the first day of the month
    six months before ``now``'s month."""
    local = now.astimezone(JAKARTA)
    month_index = local.year * 12 + (local.month - 1) - 6
    return datetime(month_index // 12, month_index % 12 + 1, 1, tzinfo=JAKARTA)


def check_history_range(
    from_date_time: datetime | None, to_date_time: datetime | None, now: datetime
) -> None:
    """Raise RequestValidationError when the range breaks the documented rules."""
    earliest = earliest_history_start(now)
    if from_date_time is not None and from_date_time < earliest:
        raise RequestValidationError(
            f"fromDateTime: history reaches back only to {earliest.isoformat()} "
            "(the first day of the month six months ago)",
            field="fromDateTime",
        )
    if to_date_time is not None and to_date_time < earliest:
        raise RequestValidationError(
            f"toDateTime: history reaches back only to {earliest.isoformat()}",
            field="toDateTime",
        )
    if from_date_time is not None and to_date_time is not None and from_date_time > to_date_time:
        raise RequestValidationError(
            "fromDateTime: must not be after toDateTime", field="fromDateTime"
        )


class StatusFilter(SnapObject):
    """``additionalInfo.{payment,topUp,withdrawal,disbursement}``: Midtrans statuses wanted
    (``statuses`` is optional, as on the page)."""

    statuses: list[str] | None = None


def _page_number_in(value: Any, info: ValidationInfo) -> Any:
    """``pageSize``/``pageNumber``: the table types them int, the page's sample sends
    ``"10"``/``"2"``. A caller may give either and a number is sent; a body parsed from the
    wire keeps what it had."""
    if is_lenient(info):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


PageNumber = Annotated[int | str, BeforeValidator(_page_number_in)]


class HistoryAdditionalInfo(SnapObject):
    """Filters of the history list."""

    types: list[HistoryType] | None = None
    payment: StatusFilter | None = None
    top_up: StatusFilter | None = None
    withdrawal: StatusFilter | None = None
    disbursement: StatusFilter | None = None
    sort_order: Literal["ASC", "DESC"] | None = None


class HistoryListRequest(SnapRequest):
    """``POST /v1.0/transaction-history-list``. ``pageSize``/``pageNumber`` are sent as JSON
    numbers (the table types them int); the page sample's strings ``"10"``/``"2"`` are
    accepted and sent as numbers."""

    partner_reference_no: Annotated[str, limit(64)] | None = None
    from_date_time: SnapTimestamp | None = None
    to_date_time: SnapTimestamp | None = None
    page_size: PageNumber | None = None
    page_number: PageNumber | None = None
    additional_info: HistoryAdditionalInfo | None = None

    @field_validator("page_size", "page_number")
    @classmethod
    def _paging(cls, value: Any, info: ValidationInfo) -> Any:
        if is_lenient(info) or value is None:
            return value
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError("must be a whole number")
        low, high = (1, HISTORY_MAX_PAGE_SIZE) if info.field_name == "page_size" else (0, None)
        if value < low or (high is not None and value > high):
            upper = f" and at most {high}" if high is not None else ""
            raise ValueError(f"must be at least {low}{upper}")
        return value

    @model_validator(mode="after")
    def _ordered(self) -> HistoryListRequest:
        start, end = self.from_date_time, self.to_date_time
        if start is not None and end is not None and start.to_datetime() > end.to_datetime():
            raise ValueError("fromDateTime must not be after toDateTime")
        return self


class HistoryEntryInfo(ReferenceNumbers, SnapObject):
    """``detailData[].additionalInfo``: the Midtrans view of one transaction."""

    status: str | None = None
    type: str | None = None
    channel: str | None = None
    customer_email: str | None = None
    account_no: str | None = None
    fee: Amount | None = None


class _TransactionSummary(SnapModel):
    """The BI-SNAP view of one transaction, shared by a list entry and the detail answer."""

    date_time: SnapTimestamp | None = None
    amount: Amount | None = None
    remark: str | None = None
    status: str | None = None
    type: str | None = None


class HistoryEntry(_TransactionSummary, SnapObject):
    """One ``detailData[]`` entry: BI-SNAP ``status``/``type`` plus the Midtrans details."""

    additional_info: HistoryEntryInfo | None = None

    @property
    def reference_no(self) -> str | None:
        """``additionalInfo.referenceNo`` (what history detail needs)."""
        return self._references.reference_no

    @property
    def partner_reference_no(self) -> str | None:
        return self._references.partner_reference_no

    @property
    def _references(self) -> ReferenceNumbers:
        """``additionalInfo``'s reference numbers (both None when it is absent)."""
        return self.additional_info or ReferenceNumbers()


class HistoryListResponse(SnapResponse):
    """One page; ``detail_data`` is empty when the answer had none (a 401 carries none, and
    re-serializing does not invent one)."""

    detail_data: list[HistoryEntry] = Field(default_factory=list)

    def _wire_form(self, data: dict[str, Any], info: SerializationInfo) -> dict[str, Any]:
        if "detail_data" not in self.model_fields_set:
            data.pop("detailData", None)
        return data


class HistoryDetailReference(SnapObject):
    reference_no: Annotated[str, limit(64)]


class HistoryDetailRequest(SnapRequest):
    """``POST /v1.0/transaction-history-detail``: one transaction by both references."""

    original_partner_reference_no: Annotated[str, limit(64)]
    additional_info: HistoryDetailReference


class HistoryRefund(SnapObject):
    id: str | None = None
    amount: Amount | None = None
    reason: str | None = None
    created_time: SnapTimestamp | None = None
    bank_confirmed_time: SnapTimestamp | None = None
    cancelled_time: SnapTimestamp | None = None


class HistoryPayment(SnapObject):
    """``additionalInfo.payment``: the common fields typed; channel-specific ones (card,
    cstore, VA, QRIS, GoPay...) are kept as extra fields."""

    expiry_time: SnapTimestamp | None = None
    source: str | None = None
    provider_reference_id: str | None = None
    approval_code: str | None = None
    virtual_account_number: str | None = None
    refunds: list[HistoryRefund] | None = None
    customer: dict[str, Any] | None = None
    items: list[dict[str, Any]] | None = None


class HistoryWithdrawal(SnapObject):
    bank_name: str | None = None
    bank_code: str | None = None
    account_no: str | None = None
    account_name: str | None = None
    requested_time: SnapTimestamp | None = None
    success_time: SnapTimestamp | None = None
    failed_time: SnapTimestamp | None = None
    cancelled_time: SnapTimestamp | None = None


class HistoryDisbursement(SnapObject):
    source_bank_code: str | None = None
    source_account_no: str | None = None
    beneficiary_email: str | None = None
    beneficiary_name: str | None = None
    beneficiary_bank_code: str | None = None
    beneficiary_bank_name: str | None = None
    beneficiary_account_no: str | None = None
    creator_email: str | None = None
    creator_name: str | None = None
    approver_email: str | None = None
    approver_name: str | None = None
    requested_time: SnapTimestamp | None = None
    approved_time: SnapTimestamp | None = None
    rejected_time: SnapTimestamp | None = None
    processed_time: SnapTimestamp | None = None
    completed_time: SnapTimestamp | None = None
    failed_time: SnapTimestamp | None = None
    failure_message: str | None = None
    failure_code: str | None = None


class HistoryDetailInfo(SnapObject):
    status: str | None = None
    type: str | None = None
    updated_time: SnapTimestamp | None = None
    channel: str | None = None
    customer_email: str | None = None
    account_no: str | None = None
    payment: HistoryPayment | None = None
    withdrawal: HistoryWithdrawal | None = None
    disbursement: HistoryDisbursement | None = None
    fee: Amount | None = None


# Bases are listed last-on-the-wire first: referenceNo, partnerReferenceNo, then the summary.
class HistoryDetailResponse(_TransactionSummary, ReferenceNumbers, SnapResponse):
    """One transaction: its references, the BI-SNAP summary and the Midtrans details."""

    additional_info: HistoryDetailInfo | None = None
