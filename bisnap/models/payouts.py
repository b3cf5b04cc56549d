"""Payouts (spec §5.7): balance, account inquiries, transfers, VA payment, e-wallet top-up.

The Midtrans pages were captured only in part (spec §10 item 23). Every field marked
``# ASPI`` below is taken from the ASPI SNAP definition of the same service code, not from a
Midtrans page; responses keep any field they do not declare, so a field we guessed wrong is
still readable (``response.extra_fields()``).

Amount rules (spec §5.7, "Bank Transfer"): intrabank 1 to 9.999.999.999 (CIMB from 10.000);
interbank from 1 up to the route's maximum (:class:`TransferRoute`). They are checked before
anything is sent by :func:`check_transfer_amount`.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationInfo, field_validator

from bisnap.errors import RequestValidationError
from bisnap.models.common import (
    Amount,
    NumberAsText,
    SnapObject,
    SnapRequest,
    SnapResponse,
    SnapTimestamp,
    is_lenient,
)
from bisnap.models.references import OriginalReferences, ReferenceNumbers
from bisnap.models.rules import limit
from bisnap.timestamps import JAKARTA, TimestampStyle, format_timestamp

__all__ = [
    "AGGREGATOR_ACCOUNT_NO",
    "EMONEY_PROVIDERS",
    "FINAL_TRANSFER_STATUSES",
    "INTRABANK_BANK_CODES",
    "INTRABANK_MAXIMUM",
    "INTRABANK_MINIMUM",
    "INTRABANK_MINIMUM_CIMB",
    "TRANSFER_SERVICE_CODES",
    "VA_INTRABANK_BANK_CODES",
    "AccountInfo",
    "BalanceInquiryRequest",
    "BalanceInquiryResponse",
    "BeneficiaryBankInfo",
    "EmoneyAccountInquiryRequest",
    "EmoneyAccountInquiryResponse",
    "EmoneyProviderInfo",
    "ExternalAccountInquiryRequest",
    "ExternalAccountInquiryResponse",
    "InterbankAdditionalInfo",
    "InterbankTransferRequest",
    "InterbankTransferResponse",
    "IntrabankAdditionalInfo",
    "IntrabankTransferRequest",
    "IntrabankTransferResponse",
    "OriginatorInfo",
    "TopupAdditionalInfo",
    "TopupRequest",
    "TopupResponse",
    "TransferRoute",
    "TransferStatusRequest",
    "TransferStatusResponse",
    "TransferVaData",
    "VaInquiryIntrabankRequest",
    "VaInquiryIntrabankResponse",
    "VaPaymentIntrabankRequest",
    "VaPaymentIntrabankResponse",
    "check_transfer_amount",
]

AGGREGATOR_ACCOUNT_NO = "0000000000"
"""``accountNo`` / ``sourceAccountNo`` of an aggregator merchant (facilitators use the bank
account id shown in the dashboard)."""

INTRABANK_MINIMUM = Decimal("1.00")
INTRABANK_MINIMUM_CIMB = Decimal("10000.00")
INTRABANK_MAXIMUM = Decimal("9999999999.00")
INTRABANK_BANK_CODES: dict[str, str] = {
    "014": "BCA",
    "002": "BRI",
    "009": "BNI",
    "008": "Mandiri",
    "022": "CIMB",
    "011": "Danamon",
    "013": "Permata",
    "542": "Jago",
}
"""BI bank codes (first 3 digits of a bank code) of the intrabank beneficiary banks."""
_CIMB = "022"

TRANSFER_SERVICE_CODES: dict[str, str] = {
    "17": "payouts.intrabank_transfer",
    "18": "payouts.interbank_transfer",
    "33": "payouts.va_payment",
    "38": "payouts.topup",
}
"""Service codes a transfer-status inquiry can look up (``serviceCode`` of the original)."""

FINAL_TRANSFER_STATUSES = frozenset({"00", "04", "05", "06", "07", "08", "09"})
"""``latestTransactionStatus`` values that will not change any more (01/02/03 still may)."""

_BANK_CODE = r"^\d{3,8}$"
_DIGITS = r"^\d+$"
_EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
_NOTES = r"^[A-Za-z0-9 _]+$"


class TransferRoute(enum.Enum):
    """Interbank routes and their maximum amount per transfer (spec §5.7)."""

    ONLINE = "online"
    BI_FAST = "bi_fast"
    SKN = "skn"
    RTGS = "rtgs"

    @property
    def maximum(self) -> Decimal:
        return _ROUTE_MAXIMUM[self]


_ROUTE_MAXIMUM = {
    TransferRoute.ONLINE: Decimal("50000000.00"),
    TransferRoute.BI_FAST: Decimal("250000000.00"),
    TransferRoute.SKN: Decimal("1000000000.00"),
    TransferRoute.RTGS: Decimal("9999999999.00"),
}


def _idr(value: Decimal) -> str:
    return f"{value:,.0f}".replace(",", ".")


def check_transfer_amount(
    value: Decimal,
    *,
    interbank: bool,
    route: TransferRoute | None = None,
    bank_code: str | None = None,
    field: str = "amount.value",
) -> None:
    """Raise RequestValidationError when ``value`` is outside the documented limits.

    Intrabank: 1 to 9.999.999.999, CIMB (``bank_code`` starting ``022``) from 10.000.
    Interbank: from 1 up to the route's maximum. The gateway picks BI Fast when the
    beneficiary bank takes it and Online Transfer otherwise (spec §5.7); no list of BI Fast
    banks is published, so without ``route`` the Online Transfer maximum (50.000.000), which
    every bank honours, applies. Pass ``route=TransferRoute.BI_FAST`` for a bank that takes
    BI Fast (up to 250.000.000), or the SKN / RTGS route to send more.
    """
    minimum = INTRABANK_MINIMUM
    if interbank:
        chosen = route or TransferRoute.ONLINE
        maximum = chosen.maximum
        hint = (
            ""
            if route is not None
            else " (Online Transfer, the automatic route for a bank without BI Fast; pass "
            "route=TransferRoute.BI_FAST for a bank that takes BI Fast)"
        )
        what = f"the {chosen.name} route maximum{hint}"
    else:
        maximum = INTRABANK_MAXIMUM
        what = "the intrabank maximum"
        if bank_code is not None and bank_code.startswith(_CIMB):
            minimum = INTRABANK_MINIMUM_CIMB
    if value < minimum:
        raise RequestValidationError(
            f"{field}: {value} is below the minimum transfer amount of {_idr(minimum)} IDR",
            field=field,
        )
    if value > maximum:
        raise RequestValidationError(
            f"{field}: {value} exceeds {what} of {_idr(maximum)} IDR", field=field
        )


def _now_jakarta() -> SnapTimestamp:
    return SnapTimestamp(format_timestamp(datetime.now(JAKARTA), TimestampStyle.JAKARTA))


BankCode = Annotated[str, limit(8, _BANK_CODE, what="3 to 8 digits (BI bank + branch code)")]
# The Payouts pages give partnerReferenceNo no character set (the Core API pages' letters,
# digits and - _ ~ . rule is theirs); following the ASPI SNAP definition, String(64) only.
PartnerReferenceNo = Annotated[str, limit(64)]
# ASPI SNAP: customerNumber is the customer's phone number, digits only (62...).
CustomerNumber = Annotated[str, limit(20, _DIGITS, what="digits")]

VA_INTRABANK_BANK_CODES: dict[str, str] = {"013": "Permata", "022": "CIMB", "002": "BRI"}
"""Banks whose VAs Inquiry / Payment to VA from Intra Bank serve (addendum B)."""

EMONEY_PROVIDERS = ("gopay",)
"""``beneficiaryProvider`` values of the e-money provider list (addendum B: GoPay only)."""
AccountNo = Annotated[str, limit(34)]
SourceAccountNo = Annotated[str, limit(19)]
Email = Annotated[str, limit(50, _EMAIL, what="a valid email address")]


# --- balance inquiry (11) ----------------------------------------------------------------------


class BalanceInquiryRequest(SnapRequest):
    """``POST /v1.0/balance-inquiry``; ``accountNo`` is ``0000000000`` for aggregators."""

    account_no: Annotated[str, limit(32)]
    additional_info: dict[str, Any] | None = None  # ASPI


class AccountInfo(SnapObject):
    """One ``accountInfos[]`` entry."""

    balance_type: str | None = None  # payin, iris, unified (newest Midtrans page)
    amount: Amount | None = None
    # ASPI (not on the Midtrans page):
    float_amount: Amount | None = None
    hold_amount: Amount | None = None
    available_balance: Amount | None = None
    ledger_balance: Amount | None = None
    current_multilateral_limit: Amount | None = None
    registration_status_code: str | None = None
    status: str | None = None


class BalanceInquiryResponse(SnapResponse):
    account_infos: list[AccountInfo] | None = None
    # ASPI:
    reference_no: str | None = None
    partner_reference_no: str | None = None
    account_no: str | None = None
    name: str | None = None
    additional_info: dict[str, Any] | None = None


# --- external account inquiry (16) -------------------------------------------------------------


class ExternalAccountInquiryRequest(SnapRequest):
    """``POST /v1.0/account-inquiry-external``: who owns a bank account."""

    beneficiary_bank_code: BankCode
    beneficiary_account_no: Annotated[str, limit(20)]
    additional_info: dict[str, Any] | None = None  # ASPI


class ExternalAccountInquiryResponse(SnapResponse):
    reference_no: str | None = None
    beneficiary_account_name: str | None = None
    beneficiary_account_no: str | None = None
    beneficiary_bank_code: str | None = None
    # ASPI (the Midtrans table was cut after beneficiaryBankCode):
    partner_reference_no: str | None = None
    beneficiary_bank_name: str | None = None
    currency: str | None = None
    additional_info: dict[str, Any] | None = None


# --- transfers (17, 18) ------------------------------------------------------------------------


class OriginatorInfo(SnapObject):
    """ASPI ``originatorInfos[]`` (one Midtrans interbank page version starts ``originato…``)."""

    originator_customer_no: str | None = None
    originator_customer_name: str | None = None
    originator_bank_code: str | None = None


class IntrabankAdditionalInfo(SnapObject):
    """Shown (mandatory) on an older Midtrans intrabank page only; optional here."""

    beneficiary_account_name: Annotated[str, limit(100)] | None = None
    beneficiary_bank_code: BankCode | None = None


class _TransferBase(SnapRequest):
    partner_reference_no: PartnerReferenceNo
    amount: Amount
    beneficiary_account_no: AccountNo
    beneficiary_email: Email | None = None
    source_account_no: SourceAccountNo
    transaction_date: SnapTimestamp = Field(default_factory=_now_jakarta)
    """Defaults to now (Jakarta time, no milliseconds)."""


class IntrabankTransferRequest(_TransferBase):
    """``POST /v1.0/transfer-intrabank`` (BCA, BRI, BNI, Mandiri, CIMB, Danamon, Permata,
    Jago beneficiaries)."""

    remark: Annotated[str, limit(50)]
    additional_info: IntrabankAdditionalInfo | None = None


class InterbankAdditionalInfo(SnapObject):
    remark: Annotated[str, limit(50)] | None = None


class InterbankTransferRequest(_TransferBase):
    """``POST /v1.0/transfer-interbank`` (any other bank; the gateway picks the route)."""

    beneficiary_account_name: Annotated[str, limit(100)]
    beneficiary_bank_code: BankCode
    originator_infos: list[OriginatorInfo] | None = None  # ASPI
    additional_info: InterbankAdditionalInfo | None = None


class _TransferResponse(ReferenceNumbers, SnapResponse):
    """What both transfer answers start with (whole bodies from ASPI: the Midtrans response
    tables could not be read)."""

    amount: Amount | None = None
    beneficiary_account_no: str | None = None


class IntrabankTransferResponse(_TransferResponse):
    currency: str | None = None
    customer_reference: str | None = None
    source_account: str | None = None
    transaction_date: SnapTimestamp | None = None
    originator_infos: list[OriginatorInfo] | None = None
    additional_info: dict[str, Any] | None = None


class InterbankTransferResponse(_TransferResponse):
    beneficiary_bank_code: str | None = None
    source_account_no: str | None = None
    trace_no: str | None = None
    transaction_date: SnapTimestamp | None = None
    originator_infos: list[OriginatorInfo] | None = None
    additional_info: dict[str, Any] | None = None


# --- VA inquiry / payment, intrabank (32, 33) --------------------------------------------------

_PLACEHOLDER = "00000000"


class BeneficiaryBankInfo(SnapObject):
    """``additionalInfo.beneficiaryBankCode`` of the VA calls: a Permata (013), CIMB (022) or
    BRI (002) bank code."""

    beneficiary_bank_code: BankCode

    @field_validator("beneficiary_bank_code")
    @classmethod
    def _va_bank(cls, value: str, info: ValidationInfo) -> str:
        if not is_lenient(info) and value[:3] not in VA_INTRABANK_BANK_CODES:
            raise ValueError("VA payments serve only Permata (013), CIMB (022) and BRI (002) VAs")
        return value


class VaInquiryIntrabankRequest(SnapRequest):
    """``POST /v1.0/transfer-va/inquiry-intrabank``. ``partnerServiceId`` and ``customerNo``
    are placeholders the gateway ignores (``00000000`` by default)."""

    partner_service_id: Annotated[str, limit(8)] = _PLACEHOLDER
    customer_no: Annotated[str, limit(20)] = _PLACEHOLDER
    virtual_account_no: Annotated[str, limit(28)]
    additional_info: BeneficiaryBankInfo


class VaPaymentIntrabankRequest(SnapRequest):
    """``POST /v1.0/transfer-va/payment-intrabank``; ``inquiryRequestId`` links a preceding
    :meth:`~bisnap.services.payouts.Payouts.va_inquiry`."""

    partner_reference_no: PartnerReferenceNo
    inquiry_request_id: Annotated[str, limit(128)] | None = None
    partner_service_id: Annotated[str, limit(8)] = _PLACEHOLDER
    customer_no: Annotated[str, limit(20)] = _PLACEHOLDER
    virtual_account_no: Annotated[str, limit(28)]
    source_account_no: SourceAccountNo
    paid_amount: Amount
    additional_info: BeneficiaryBankInfo


class TransferVaData(SnapObject):
    """``virtualAccountData`` of VA inquiry / payment answers."""

    inquiry_request_id: str | None = None
    partner_service_id: NumberAsText | None = None
    customer_no: NumberAsText | None = None
    virtual_account_no: NumberAsText | None = None
    # ASPI (the Midtrans table was cut after virtualAccountNo):
    virtual_account_name: str | None = None
    virtual_account_email: str | None = None
    virtual_account_phone: str | None = None
    source_account_no: str | None = None
    source_account_type: str | None = None
    total_amount: Amount | None = None
    fee_amount: Amount | None = None
    virtual_account_trx_type: str | None = None
    bill_details: list[dict[str, Any]] | None = None
    free_texts: list[dict[str, Any]] | None = None
    partner_reference_no: str | None = None
    payment_request_id: str | None = None
    paid_amount: Amount | None = None
    trx_date_time: SnapTimestamp | None = None
    reference_no: str | None = None
    journal_num: str | None = None
    payment_type: str | None = None
    flag_advise: str | None = None
    additional_info: dict[str, Any] | None = None


class _TransferVaResponse(SnapResponse):
    """The VA inquiry and the VA payment answer with the same object."""

    virtual_account_data: TransferVaData | None = None
    additional_info: dict[str, Any] | None = None  # ASPI


class VaInquiryIntrabankResponse(_TransferVaResponse):
    """Answer to a VA inquiry: the VA's name and bill (``virtualAccountData``)."""


class VaPaymentIntrabankResponse(_TransferVaResponse):
    """Answer to a VA payment (whole body from ASPI: the Midtrans response table could not be
    read)."""


# --- transfer status (36) ----------------------------------------------------------------------


class TransferStatusRequest(SnapRequest):
    """``POST /v1.0/transfer/status``: ``serviceCode`` is the original call's (17, 18, 33,
    38). Only transfers up to two months old can be looked up."""

    original_partner_reference_no: Annotated[str, limit(64)]
    service_code: str
    # ASPI (optional there; Midtrans documents only the two fields above):
    original_reference_no: Annotated[str, limit(64)] | None = None
    original_external_id: Annotated[str, limit(36)] | None = None
    additional_info: dict[str, Any] | None = None

    @field_validator("service_code", mode="before")
    @classmethod
    def _known_service(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            value = f"{value:02d}"
        if isinstance(value, str) and value not in TRANSFER_SERVICE_CODES:
            known = ", ".join(TRANSFER_SERVICE_CODES)
            raise ValueError(f"must be the service code of a transfer ({known})")
        return value


class TransferStatusResponse(OriginalReferences, SnapResponse):
    service_code: str | None = None
    amount: Amount | None = None
    transaction_date: SnapTimestamp | None = None
    # ASPI (the Midtrans table was cut after transactionDate):
    latest_transaction_status: str | None = None
    transaction_status_desc: str | None = None
    original_external_id: str | None = None
    beneficiary_account_no: str | None = None
    beneficiary_bank_code: str | None = None
    currency: str | None = None
    previous_response_code: str | None = None
    reference_number: str | None = None
    source_account_no: str | None = None
    transaction_id: str | None = None
    additional_info: dict[str, Any] | None = None

    @property
    def is_final(self) -> bool:
        """The transfer's status will not change any more (success, failure, ...)."""
        return self.latest_transaction_status in FINAL_TRANSFER_STATUSES

    @property
    def succeeded(self) -> bool:
        """``latestTransactionStatus`` is ``00``: the money arrived."""
        return self.latest_transaction_status == "00"


# --- e-wallet top-up (37, 38) ------------------------------------------------------------------


def _emoney_provider(value: str, info: ValidationInfo) -> str:
    if not is_lenient(info) and value not in EMONEY_PROVIDERS:
        raise ValueError(f"must be one of the e-money providers: {', '.join(EMONEY_PROVIDERS)}")
    return value


EmoneyProvider = Annotated[str, limit(40), AfterValidator(_emoney_provider)]


class EmoneyProviderInfo(SnapObject):
    beneficiary_provider: EmoneyProvider


class EmoneyAccountInquiryRequest(SnapRequest):
    """``POST /v1.0/emoney/account-inquiry``. ``amount`` must be sent but is not used; it
    defaults to the documented ``1.00``."""

    customer_number: CustomerNumber
    amount: Amount = Field(default_factory=lambda: Amount(value=Decimal("1.00")))
    additional_info: EmoneyProviderInfo


class EmoneyAccountInquiryResponse(SnapResponse):
    reference_no: str | None = None
    customer_name: str | None = None
    # ASPI (the Midtrans table was cut after customerName):
    partner_reference_no: str | None = None
    customer_number: str | None = None
    customer_monthly_in_limit: str | None = None
    min_amount: Amount | None = None
    max_amount: Amount | None = None
    amount: Amount | None = None
    fee_amount: Amount | None = None
    fee_type: str | None = None
    session_id: str | None = None
    additional_info: dict[str, Any] | None = None


class TopupAdditionalInfo(SnapObject):
    beneficiary_email: Email | None = None
    beneficiary_provider: EmoneyProvider


class TopupRequest(SnapRequest):
    """``POST /v1.0/emoney/topup``. ``notes``: letters, digits, spaces and ``_``; one page
    version allows 100 characters, another 50: at most 50, which both accept."""

    partner_reference_no: PartnerReferenceNo
    customer_number: CustomerNumber
    customer_name: Annotated[str, limit(100)]
    amount: Amount
    notes: Annotated[str, limit(50, _NOTES, what="letters, digits, spaces and _")]
    additional_info: TopupAdditionalInfo


class TopupResponse(ReferenceNumbers, SnapResponse):
    """Whole body from ASPI (the Midtrans response table could not be read)."""

    session_id: str | None = None
    customer_number: str | None = None
    amount: Amount | None = None
    additional_info: dict[str, Any] | None = None
