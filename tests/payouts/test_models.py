"""Payouts models: the wire form, amount rules and lenient parsing of answers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bisnap.errors import RequestValidationError
from bisnap.models.common import parse_response
from bisnap.models.payouts import (
    EmoneyAccountInquiryRequest,
    InterbankTransferRequest,
    TopupRequest,
    TransferRoute,
    TransferStatusRequest,
    TransferStatusResponse,
    VaInquiryIntrabankRequest,
    check_transfer_amount,
)

ROUTE_MAXIMUM = {
    TransferRoute.ONLINE: Decimal("50000000"),
    TransferRoute.BI_FAST: Decimal("250000000"),
    TransferRoute.SKN: Decimal("1000000000"),
    TransferRoute.RTGS: Decimal("9999999999"),
}

cents = st.integers(min_value=0, max_value=2 * 10**12).map(lambda n: Decimal(n) / 100)


@given(value=cents, route=st.sampled_from(list(TransferRoute)))
def test_interbank_amount_rule(value: Decimal, route: TransferRoute) -> None:
    if Decimal(1) <= value <= ROUTE_MAXIMUM[route]:
        check_transfer_amount(value, interbank=True, route=route)
        return
    with pytest.raises(RequestValidationError) as caught:
        check_transfer_amount(value, interbank=True, route=route)
    assert caught.value.field == "amount.value"


@given(value=cents, cimb=st.booleans())
def test_intrabank_amount_rule(value: Decimal, cimb: bool) -> None:
    minimum = Decimal(10000) if cimb else Decimal(1)
    code = "0220001" if cimb else "0140001"
    if minimum <= value <= Decimal("9999999999"):
        check_transfer_amount(value, interbank=False, bank_code=code)
        return
    with pytest.raises(RequestValidationError):
        check_transfer_amount(value, interbank=False, bank_code=code)


def test_interbank_request_wire_form() -> None:
    request = InterbankTransferRequest(
        partner_reference_no="ref-1",
        amount={"value": 10000},  # type: ignore[arg-type]
        beneficiary_account_name="A",
        beneficiary_account_no="1",
        beneficiary_bank_code="0080000",
        source_account_no="0000000000",
        transaction_date="2026-03-10T16:00:00+07:00",  # type: ignore[arg-type]
        originator_infos=[{"originatorCustomerName": "PT X"}],  # type: ignore[list-item]
    )
    assert request.to_wire() == {
        "partnerReferenceNo": "ref-1",
        "amount": {"value": "10000.00", "currency": "IDR"},
        "beneficiaryAccountNo": "1",
        "sourceAccountNo": "0000000000",
        "transactionDate": "2026-03-10T16:00:00+07:00",
        "beneficiaryAccountName": "A",
        "beneficiaryBankCode": "0080000",
        "originatorInfos": [{"originatorCustomerName": "PT X"}],
    }


def test_emoney_inquiry_defaults_to_the_nominal_amount() -> None:
    request = EmoneyAccountInquiryRequest(
        customer_number="0812",
        additional_info={"beneficiaryProvider": "gopay"},  # type: ignore[arg-type]
    )
    assert request.to_wire()["amount"] == {"value": "1.00", "currency": "IDR"}


def test_status_service_code_may_be_an_int() -> None:
    request = TransferStatusRequest(original_partner_reference_no="r", service_code=38)  # type: ignore[arg-type]
    assert request.to_wire() == {"originalPartnerReferenceNo": "r", "serviceCode": "38"}


@pytest.mark.parametrize(
    ("status", "final", "success"),
    [("00", True, True), ("03", False, False), ("01", False, False), ("06", True, False)],
)
def test_status_answer(status: str, final: bool, success: bool) -> None:
    answer = parse_response(
        TransferStatusResponse,
        {
            "responseCode": "2003600",
            "responseMessage": "Successful",
            "originalPartnerReferenceNo": "r",
            "serviceCode": "17",
            "transactionDate": "2026-03-10T16:00:00",
            "latestTransactionStatus": status,
            "somethingNew": {"kept": True},
        },
    )
    assert answer.is_final is final
    assert answer.succeeded is success
    assert answer.extra_fields() == {"somethingNew": {"kept": True}}


def test_emoney_provider_list_is_gopay_only() -> None:
    for model in (EmoneyAccountInquiryRequest,):
        with pytest.raises(ValidationError):
            model(customer_number="0812", additional_info={"beneficiaryProvider": "ovo"})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "ok"),
    [("0130000", True), ("022", True), ("0020123", True), ("014", False), ("008", False)],
)
def test_va_intrabank_serves_permata_cimb_and_bri_only(code: str, ok: bool) -> None:
    fields = {
        "virtual_account_no": "8528123456789012",
        "additional_info": {"beneficiaryBankCode": code},
    }
    if ok:
        VaInquiryIntrabankRequest.model_validate(fields)
    else:
        with pytest.raises(ValidationError):
            VaInquiryIntrabankRequest.model_validate(fields)


def test_topup_notes_are_at_most_50() -> None:
    base = {
        "partner_reference_no": "ref/with spaces 1",  # no Core API character set on Payouts
        "customer_number": "08123450000",
        "customer_name": "Gopay Simulator A",
        "amount": {"value": "10000.00"},
        "additional_info": {"beneficiaryProvider": "gopay"},
    }
    TopupRequest.model_validate({**base, "notes": "n" * 50})
    with pytest.raises(ValidationError):
        TopupRequest.model_validate({**base, "notes": "n" * 51})
    with pytest.raises(ValidationError):
        TopupRequest.model_validate({**base, "notes": "ok", "customer_number": "+62 812"})
