"""Every payouts operation against the emulator, sync and async."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from bisnap.client import AsyncSnapClient, SnapClient
from bisnap.emulator import Emulator
from bisnap.emulator.endpoints.payouts import add_virtual_account, payouts_book
from bisnap.models.payouts import AGGREGATOR_ACCOUNT_NO, IntrabankTransferRequest
from tests.payouts.harness import (
    BCA_ACCOUNT,
    FIXED_VA,
    GOPAY_NUMBER,
    OPEN_VA,
    AsyncRecorder,
    Recorder,
    body_of,
    interbank,
    intrabank,
    topup,
)

NUMERIC_ID = re.compile(r"[0-9]{1,36}")


def test_balance_reports_the_merchant_balance(client: SnapClient, emulator: Emulator) -> None:
    emulator.set_balance("PAYOUT-CLIENT", "1234567.89")
    answer = client.payouts.balance(account_no=AGGREGATOR_ACCOUNT_NO)
    assert answer.response_code == "2001100"
    assert answer.account_infos is not None
    amount = answer.account_infos[0].amount
    assert amount is not None
    assert amount.value == Decimal("1234567.89")


def test_account_inquiry_names_the_holder(client: SnapClient) -> None:
    answer = client.payouts.account_inquiry(
        beneficiary_bank_code="0140397", beneficiary_account_no=BCA_ACCOUNT
    )
    assert answer.response_code == "2001600"
    assert answer.beneficiary_account_name == "BUDI SANTOSO"
    assert answer.beneficiary_account_no == BCA_ACCOUNT
    assert answer.reference_no


def test_intrabank_transfer_debits_once_and_sends_the_documented_body(
    client: SnapClient, emulator: Emulator, recorder: Recorder
) -> None:
    answer = client.payouts.intrabank_transfer(**intrabank("po-100", "25000.00"))
    assert answer.response_code == "2001700"
    assert answer.partner_reference_no == "po-100"
    assert answer.reference_no
    assert emulator.balance("PAYOUT-CLIENT") == Decimal("99975000.00")
    sent = recorder.calls("/v1.0/transfer-intrabank")[0]
    assert NUMERIC_ID.fullmatch(sent.headers["X-EXTERNAL-ID"])
    body = body_of(sent)
    assert list(body) == [
        "partnerReferenceNo",
        "amount",
        "beneficiaryAccountNo",
        "sourceAccountNo",
        "transactionDate",
        "remark",
    ]
    assert body["amount"] == {"value": "25000.00", "currency": "IDR"}
    assert body["transactionDate"].endswith("+07:00")


def test_intrabank_transfer_accepts_a_typed_request(client: SnapClient) -> None:
    request = IntrabankTransferRequest.model_validate(intrabank("po-typed"))
    answer = client.payouts.intrabank_transfer(request)
    assert answer.partner_reference_no == "po-typed"


def test_interbank_transfer(client: SnapClient, emulator: Emulator) -> None:
    answer = client.payouts.interbank_transfer(**interbank("po-200", "30000.00"))
    assert answer.response_code == "2001800"
    assert answer.beneficiary_bank_code == "4510000"
    assert emulator.balance("PAYOUT-CLIENT") == Decimal("99970000.00")


def test_va_inquiry_then_payment(client: SnapClient, emulator: Emulator) -> None:
    bank = {"beneficiary_bank_code": "013"}
    found = client.payouts.va_inquiry(virtual_account_no=FIXED_VA, additional_info=bank)
    data = found.virtual_account_data
    assert data is not None
    assert data.virtual_account_name == "TOKO MAJU JAYA"
    assert data.total_amount is not None
    assert data.total_amount.value == Decimal("150000.00")
    assert data.inquiry_request_id
    paid = client.payouts.va_payment(
        partner_reference_no="po-va-1",
        inquiry_request_id=data.inquiry_request_id,
        virtual_account_no=FIXED_VA,
        source_account_no=AGGREGATOR_ACCOUNT_NO,
        paid_amount={"value": "150000.00", "currency": "IDR"},
        additional_info=bank,
    )
    assert paid.response_code == "2003300"
    assert paid.virtual_account_data is not None
    assert paid.virtual_account_data.partner_reference_no == "po-va-1"
    assert emulator.balance("PAYOUT-CLIENT") == Decimal("99850000.00")


def test_va_payment_placeholders_are_sent(client: SnapClient, recorder: Recorder) -> None:
    client.payouts.va_payment(
        partner_reference_no="po-va-2",
        virtual_account_no=OPEN_VA,
        source_account_no=AGGREGATOR_ACCOUNT_NO,
        paid_amount={"value": "20000.00"},
        additional_info={"beneficiary_bank_code": "002"},
    )
    body = body_of(recorder.calls("/v1.0/transfer-va/payment-intrabank")[0])
    assert body["partnerServiceId"] == "00000000"
    assert body["customerNo"] == "00000000"


def test_transfer_status_reports_the_transfer(client: SnapClient) -> None:
    created = client.payouts.intrabank_transfer(**intrabank("po-300"))
    status = client.payouts.transfer_status(
        original_partner_reference_no="po-300", service_code="17"
    )
    assert status.response_code == "2003600"
    assert status.original_reference_no == created.reference_no
    assert status.latest_transaction_status == "00"
    assert status.is_final
    assert status.succeeded
    assert status.amount is not None
    assert status.amount.value == Decimal("10000.00")


def test_emoney_inquiry_sends_the_nominal_amount(client: SnapClient, recorder: Recorder) -> None:
    answer = client.payouts.emoney_account_inquiry(
        customer_number=GOPAY_NUMBER, additional_info={"beneficiary_provider": "gopay"}
    )
    assert answer.customer_name == "JOKO WIDODO"
    body = body_of(recorder.calls("/v1.0/emoney/account-inquiry")[0])
    assert body["amount"] == {"value": "1.00", "currency": "IDR"}


def test_topup(client: SnapClient, emulator: Emulator) -> None:
    answer = client.payouts.topup(**topup("po-tu-1", "75000.00"))
    assert answer.response_code == "2003800"
    assert answer.partner_reference_no == "po-tu-1"
    assert emulator.balance("PAYOUT-CLIENT") == Decimal("99925000.00")
    status = client.payouts.transfer_status(
        original_partner_reference_no="po-tu-1", service_code="38"
    )
    assert status.succeeded


def test_each_transfer_opens_a_disbursement_ledger_record(
    client: SnapClient, emulator: Emulator
) -> None:
    client.payouts.intrabank_transfer(**intrabank("po-l1"))
    client.payouts.interbank_transfer(**interbank("po-l2"))
    client.payouts.topup(**topup("po-l3"))
    records = emulator.state.ledger.records("PAYOUT-CLIENT")
    assert [(r.partner_reference_no, r.type) for r in records] == [
        ("po-l1", "DISBURSEMENT"),
        ("po-l2", "DISBURSEMENT"),
        ("po-l3", "DISBURSEMENT"),
    ]
    assert len(payouts_book(emulator).transfers) == 3


@pytest.mark.anyio
async def test_every_operation_async(
    apair: tuple[AsyncSnapClient, AsyncRecorder], emulator: Emulator
) -> None:
    client, recorder = apair
    add_virtual_account(emulator, "022", "7770001112223334", "CIMB BILL", "5000.00")
    balance = await client.payouts.balance(account_no=AGGREGATOR_ACCOUNT_NO)
    assert balance.account_infos is not None
    holder = await client.payouts.account_inquiry(
        beneficiary_bank_code="014", beneficiary_account_no=BCA_ACCOUNT
    )
    assert holder.beneficiary_account_name == "BUDI SANTOSO"
    intra = await client.payouts.intrabank_transfer(**intrabank("a-1"))
    inter = await client.payouts.interbank_transfer(**interbank("a-2"))
    bank = {"beneficiary_bank_code": "022"}
    found = await client.payouts.va_inquiry(
        virtual_account_no="7770001112223334", additional_info=bank
    )
    assert found.virtual_account_data is not None
    await client.payouts.va_payment(
        partner_reference_no="a-3",
        inquiry_request_id=found.virtual_account_data.inquiry_request_id,
        virtual_account_no="7770001112223334",
        source_account_no=AGGREGATOR_ACCOUNT_NO,
        paid_amount={"value": "5000.00"},
        additional_info=bank,
    )
    wallet = await client.payouts.emoney_account_inquiry(
        customer_number=GOPAY_NUMBER, additional_info={"beneficiary_provider": "gopay"}
    )
    assert wallet.customer_name == "JOKO WIDODO"
    await client.payouts.topup(**topup("a-4"))
    status = await client.payouts.transfer_status(
        original_partner_reference_no="a-2", service_code="18"
    )
    assert status.original_reference_no == inter.reference_no
    assert intra.reference_no != inter.reference_no
    assert emulator.balance("PAYOUT-CLIENT") == Decimal("99915000.00")
    ids = [
        r.headers["X-EXTERNAL-ID"] for r in recorder.requests if "access-token" not in r.url.path
    ]
    assert len(ids) == 9
    assert all(NUMERIC_ID.fullmatch(i) for i in ids)
