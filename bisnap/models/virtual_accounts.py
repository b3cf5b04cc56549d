"""Virtual accounts (bank transfer): create, status (single- and multi-use), delete.

``partnerServiceId`` is left-padded with spaces to 8 characters (``"   70012"``) and the VA
number carries those spaces; both are kept exactly as given, never stripped.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    Field,
    PrivateAttr,
    SerializationInfo,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from bisnap.models.common import (
    Amount,
    NumberAsText,
    SnapObject,
    SnapRequest,
    SnapResponse,
    SnapTimestamp,
    is_lenient,
)
from bisnap.models.rules import limit, reference
from bisnap.models.shared import CustomerDetails, Item, StatusReason

__all__ = [
    "VA_BANKS",
    "VA_STATUS_MAX_PAGE_SIZE",
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

VA_BANKS = ("permata", "bca", "mandiri", "cimb", "bni", "bri", "danamon", "bsi", "seabank", "saqu")
"""``additionalInfo.bank`` values create-va accepts (spec §5.1.1)."""

VA_STATUS_MAX_PAGE_SIZE = 15
"""Largest ``additionalInfo.pageSize`` of a multi-use VA status (spec §5.1.3)."""


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
    """``additionalInfo.mandiri``: label/value pairs billInfo1..billInfo8 (billInfo1/2 are
    required when ``bank`` is ``mandiri``). The page says longer labels (10) and values (30)
    are truncated by the gateway, so their length is not refused here."""

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


CustomFieldValue = Annotated[str, limit(255)]
"""``customField`` values are String(255), echoed unchanged in the payment notification."""


class CreateVaAdditionalInfo(SnapObject):
    """``additionalInfo`` of create-va: ``bank`` (one of :data:`VA_BANKS`) and ``merchantId``
    are mandatory; ``bank`` = ``mandiri`` also needs ``mandiri.billInfo1`` and ``billInfo2``."""

    bank: str
    merchant_id: Annotated[str, limit(10)]
    sub_company_code: str | None = None
    free_text: list[Any] | None = None
    mandiri: MandiriBillInfo | None = None
    custom_field: dict[str, CustomFieldValue] | None = None
    customer_details: CustomerDetails | None = None
    items: list[Item] | None = None
    flags: VaFlags | None = None

    @field_validator("bank")
    @classmethod
    def _documented_bank(cls, value: str, info: ValidationInfo) -> str:
        if not is_lenient(info) and value not in VA_BANKS:
            raise ValueError(f"must be one of {', '.join(VA_BANKS)}")
        return value

    @model_validator(mode="after")
    def _mandiri_bill_info(self, info: ValidationInfo) -> CreateVaAdditionalInfo:
        if is_lenient(info) or self.bank != "mandiri":
            return self
        mandiri = self.mandiri
        if mandiri is None:
            raise ValueError("mandiri: is required when bank is mandiri (billInfo1, billInfo2)")
        for name in ("bill_info1", "bill_info2"):
            if not getattr(mandiri, name):
                raise ValueError(
                    f"mandiri.{name.replace('_i', 'I')}: is required when bank is mandiri"
                )
        return self


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


class _VaDataResponse(SnapResponse):
    """The VA answers: create-va, status and delete-va all carry ``virtualAccountData``."""

    virtual_account_data: VirtualAccountData | None = None


class CreateVaResponse(_VaDataResponse):
    """Answer to create-va; ``virtualAccountData.virtualAccountNo`` is the VA number to show."""

    additional_info: dict[str, Any] | None = None


_SNAKE_MERCHANT_ID = "merchant_id"


class VaMerchantInfo(SnapObject):
    """``additionalInfo`` of status/delete: ``merchantId`` is mandatory.

    The Get Status and Cancel pages spell it ``merchant_id``. A body parsed from the wire
    (``context={"lenient": True}``) is written back with the key it came with; a request built
    in Python sends ``merchantId``, the VA page's spelling.
    """

    merchant_id: Annotated[str, limit(10)] = Field(
        validation_alias=AliasChoices("merchantId", _SNAKE_MERCHANT_ID)
    )
    _snake_key: bool = PrivateAttr(default=False)

    @model_validator(mode="wrap")
    @classmethod
    def _remember_key(
        cls, data: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        model = handler(data)
        if (
            is_lenient(info)
            and isinstance(data, dict)
            and _SNAKE_MERCHANT_ID in data
            and "merchantId" not in data
        ):
            model._snake_key = True
        return model

    def _wire_form(self, data: dict[str, Any], info: SerializationInfo) -> dict[str, Any]:
        if self._snake_key and info.by_alias and "merchantId" in data:
            return {(_SNAKE_MERCHANT_ID if k == "merchantId" else k): v for k, v in data.items()}
        return data


def _paging_number(value: Any, info: ValidationInfo, *, minimum: int, maximum: int | None) -> Any:
    if is_lenient(info) or value is None:
        return value
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or not text.isdigit():
        raise ValueError("must be a whole number written as a string, e.g. '0'")
    number = int(text)
    if number < minimum or (maximum is not None and number > maximum):
        upper = f" and at most {maximum}" if maximum is not None else ""
        raise ValueError(f"must be at least {minimum}{upper}")
    return value


class VaStatusAdditionalInfo(VaMerchantInfo):
    """Multi-use VA status adds paging (Strings on the wire): ``page`` from 0 (default 0) and
    ``pageSize`` 1 to 15 (default 10); payments come latest first."""

    page: NumberAsText | None = None
    page_size: NumberAsText | None = None

    @field_validator("page")
    @classmethod
    def _page(cls, value: Any, info: ValidationInfo) -> Any:
        return _paging_number(value, info, minimum=0, maximum=None)

    @field_validator("page_size")
    @classmethod
    def _page_size(cls, value: Any, info: ValidationInfo) -> Any:
        return _paging_number(value, info, minimum=1, maximum=VA_STATUS_MAX_PAGE_SIZE)


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


class VaStatusResponse(_VaDataResponse):
    """Status of a single-use VA (``virtualAccountData``) or a multi-use VA
    (``additionalInfo.recurringPaymentDetail``)."""

    additional_info: VaStatusResponseInfo | None = None

    @property
    def payment_flag_status(self) -> str | None:
        data = self.virtual_account_data
        return data.payment_flag_status if data is not None else None


class DeleteVaRequest(_VaIdentity, SnapRequest):
    """``POST /v1.0/transfer-va/delete-va``; ``trxId`` is the VA's create-va ``trxId``."""

    trx_id: Annotated[str, reference(64)]
    additional_info: VaMerchantInfo | None = None


class DeleteVaResponse(_VaDataResponse):
    """Answer to delete-va."""
