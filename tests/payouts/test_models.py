"""Payouts models: the wire form, amount rules and lenient parsing of answers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bisnap.errors import RequestValidationError
from bisnap.models.common import parse_response
from bisnap.models.payouts import (
    EmoneyAccountInquiryRequest,
    InterbankTransferRequest,
    TransferRoute,
    TransferStatusRequest,
    TransferStatusResponse,
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
        additional_info={"beneficiaryProvider": "dana"},  # type: ignore[arg-type]
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
