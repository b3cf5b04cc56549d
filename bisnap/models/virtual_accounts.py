"""Virtual accounts (bank transfer): create, status (single- and multi-use), delete.

``partnerServiceId`` is left-padded with spaces to 8 characters (``"   70012"``) and the VA
number carries those spaces; both are kept exactly as given, never stripped.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasChoices, Field, field_validator

from bisnap.models.common import (
    Amount,
    NumberAsText,
    SnapObject,
    SnapRequest,
    SnapResponse,
    SnapTimestamp,
    is_lenient,
    limit,
    reference,
)
from bisnap.models.shared import CustomerDetails, Item, StatusReason

__all__ = [
    "CreateVaAdditionalInfo",
    "CreateVaRequest",
    "CreateVaResponse",
    "DeleteVaRequest",
    "DeleteVaResponse",
    "FreeText",
    "MandiriBillInfo",
    "PaginationMetadata",
    "RecurringOrder",
    "RecurringPaymentDetail",
    "VaFlags",
    "VaMerchantInfo",
    "VaStatusAdditionalInfo",
    "VaStatusRequest",
    "VaStatusResponse",
    "VirtualAccountData",
    "pad_partner_service_id",
]

_PSID_LENGTH = 8


def pad_partner_service_id(value: str | int) -> str:
    """``70012`` -> ``"   70012"``: the bank company code left-padded with spaces to 8."""
    text = str(value).strip()
    if not text.isdigit() or len(text) > _PSID_LENGTH:
        raise ValueError(f"{text[:16]!r} is not a bank company code of 1 to 8 digits")
    return text.rjust(_PSID_LENGTH)


def _check_psid(value: Any, lenient: bool) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if lenient or not isinstance(value, str):
        return value
    if (
        len(value) != _PSID_LENGTH
        or not value.strip().isdigit()
        or value != value.strip().rjust(_PSID_LENGTH)
    ):
        raise ValueError(
            "must be 8 characters: digits left-padded with spaces, e.g. '   70012' "
            "(see pad_partner_service_id)"
        )
    return value


def _digits_or_spaces(value: Any, lenient: bool, max_length: int) -> Any:
    # A documented sample sends customerNo as a JSON number; read it as the string it is.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if lenient or not isinstance(value, str):
        return value
    if len(value) > max_length:
        raise ValueError(f"is {len(value)} characters long; at most {max_length} allowed")
    if not value.strip().isdigit():
        raise ValueError("must be digits (a VA number may start with the padding spaces)")
    return value


class _VaIdentity(SnapObject):
    """The three fields that identify a VA, with the space padding preserved."""

    partner_service_id: str
    customer_no: str
    virtual_account_no: str

    @field_validator("partner_service_id", mode="before")
    @classmethod
    def _psid(cls, value: Any, info: Any) -> Any:
        return _check_psid(value, is_lenient(info))

    @field_validator("customer_no", mode="before")
    @classmethod
    def _customer(cls, value: Any, info: Any) -> Any:
        return _digits_or_spaces(value, is_lenient(info), 20)

    @field_validator("virtual_account_no", mode="before")
    @classmethod
    def _va(cls, value: Any, info: Any) -> Any:
        return _digits_or_spaces(value, is_lenient(info), 28)


class FreeText(SnapObject):
    """BCA ``freeText`` / ``freeTexts`` entry."""

    english: str | None = None
    indonesia: str | None = None


class MandiriBillInfo(SnapObject):
    """``additionalInfo.mandiri``: label/value pairs billInfo1..billInfo8."""

    bill_info1: str | None = None
    bill_info2: str | None = None
    bill_info3: str | None = None
    bill_info4: str | None = None
    bill_info5: str | None = None
    bill_info6: str | None = None
    bill_info7: str | None = None
    bill_info8: str | None = None


class VaFlags(SnapObject):
    """``additionalInfo.flags``: ``shouldRandomizeVaNumber``."""

    should_randomize_va_number: bool | None = None


class CreateVaAdditionalInfo(SnapObject):
    """``additionalInfo`` of create-va: ``bank`` and ``merchantId`` are mandatory."""

    bank: str
    merchant_id: Annotated[str, limit(10)]
    sub_company_code: str | None = None
    free_text: list[Any] | None = None
    mandiri: MandiriBillInfo | None = None
    custom_field: dict[str, str] | None = None
    customer_details: CustomerDetails | None = None
    items: list[Item] | None = None
    flags: VaFlags | None = None


class CreateVaRequest(_VaIdentity, SnapRequest):
    """``POST /v1.0/transfer-va/create-va``. ``trxId`` is also the ``X-EXTERNAL-ID``."""

    virtual_account_name: Annotated[str, limit(255)]
    virtual_account_email: Annotated[str, limit(255)] | None = None
    virtual_account_phone: Annotated[str, limit(30)] | None = None
    trx_id: Annotated[str, reference(36)] | None = None
    total_amount: Amount
    expired_date: SnapTimestamp | None = None
    additional_info: CreateVaAdditionalInfo

    @field_validator("virtual_account_no")
    @classmethod
    def _starts_with_psid(cls, value: str, info: Any) -> str:
        psid = info.data.get("partner_service_id")
        if not is_lenient(info) and isinstance(psid, str) and not value.startswith(psid):
            raise ValueError(
                "must start with partnerServiceId, spaces included (partnerServiceId + customerNo)"
            )
        return value


class VirtualAccountData(SnapObject):
    """``virtualAccountData`` in VA answers; ``virtualAccountNo`` is the source of truth."""

    partner_service_id: NumberAsText | None = None
    customer_no: NumberAsText | None = None
    virtual_account_no: NumberAsText | None = None
    virtual_account_name: str | None = None
    virtual_account_email: str | None = None
    virtual_account_phone: str | None = None
    trx_id: str | None = None
    inquiry_request_id: str | None = None
    payment_request_id: str | None = None
    total_amount: Amount | None = None
    paid_amount: Amount | None = None
    expired_date: SnapTimestamp | None = None
    trx_date_time: SnapTimestamp | None = None
    transaction_date: SnapTimestamp | None = None
    payment_flag_status: str | None = None
    payment_flag_reason: StatusReason | None = None
    additional_info: dict[str, Any] | None = None


class CreateVaResponse(SnapResponse):
    """Answer to create-va; ``virtualAccountData.virtualAccountNo`` is the VA number to show."""

    virtual_account_data: VirtualAccountData | None = None
    additional_info: dict[str, Any] | None = None


class VaMerchantInfo(SnapObject):
    """``additionalInfo`` of status/delete: ``merchantId`` (``merchant_id`` accepted too)."""

    merchant_id: Annotated[str, limit(10)] | None = Field(
        default=None, validation_alias=AliasChoices("merchantId", "merchant_id")
    )


class VaStatusAdditionalInfo(VaMerchantInfo):
    """Multi-use VA status adds paging: ``page`` (from 0) and ``pageSize`` (1 to 15)."""

    page: NumberAsText | None = None
    page_size: NumberAsText | None = None


class VaStatusRequest(_VaIdentity, SnapRequest):
    """``POST /v1.0/transfer-va/status``; ``inquiryRequestId`` is the create-va ``trxId``."""

    inquiry_request_id: Annotated[str, limit(128)]
    payment_request_id: Annotated[str, limit(128)] | None = None
    additional_info: VaStatusAdditionalInfo


class PaginationMetadata(SnapObject):
    """Paging of a multi-use VA status (the gateway sends strings)."""

    total: str | int | None = None
    page_size: str | int | None = None
    page: str | int | None = None


class RecurringOrder(SnapObject):
    """One payment into a multi-use VA."""

    trx_id: str | None = None
    payment_request_id: str | None = None
    total_amount: Amount | None = None
    payment_flag_status: str | None = None
    payment_flag_reason: StatusReason | None = None
    trx_date_time: SnapTimestamp | None = None
    transaction_date: SnapTimestamp | None = None


class RecurringPaymentDetail(SnapObject):
    """Payments into a multi-use VA, latest first, and their paging."""

    recurring_orders: list[RecurringOrder] | None = None
    pagination_metadata: PaginationMetadata | None = None


class VaStatusResponseInfo(SnapObject):
    """``additionalInfo`` of a VA status answer."""

    merchant_id: str | None = None
    recurring_payment_detail: RecurringPaymentDetail | None = None


class VaStatusResponse(SnapResponse):
    """Status of a single-use VA (``virtualAccountData``) or a multi-use VA
    (``additionalInfo.recurringPaymentDetail``)."""

    virtual_account_data: VirtualAccountData | None = None
    additional_info: VaStatusResponseInfo | None = None

    @property
    def payment_flag_status(self) -> str | None:
        data = self.virtual_account_data
        return data.payment_flag_status if data is not None else None


class DeleteVaRequest(_VaIdentity, SnapRequest):
    """``POST /v1.0/transfer-va/delete-va``; ``trxId`` is the VA's create-va ``trxId``."""

    trx_id: Annotated[str, reference(64)]
    additional_info: VaMerchantInfo | None = None


class DeleteVaResponse(SnapResponse):
    """Answer to delete-va."""

    virtual_account_data: VirtualAccountData | None = None
