"""Refusals: by the client before sending, and by the emulator as the gateway would."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest

from bisnap.client import AsyncSnapClient, SnapClient
from bisnap.emulator import Emulator
from bisnap.emulator.endpoints.payouts import payouts_book
from bisnap.errors import (
    AccountInactiveError,
    AccountNotFoundError,
    BadRequestError,
    DuplicateTransactionError,
    InsufficientFundsError,
    InvalidFieldFormatError,
    LimitExceededError,
    NotFoundError,
    RequestValidationError,
    SnapAPIError,
    TransactionNotFoundError,
)
from bisnap.external_id import ExternalIdForm
from bisnap.keys import GeneratedKeyPair
from bisnap.models.payouts import AGGREGATOR_ACCOUNT_NO, BalanceInquiryRequest, TransferRoute
from bisnap.services.core import CallOptions
from bisnap.services.payouts import BALANCE
from tests.payouts.harness import (
    CIMB_ACCOUNT,
    PROFILE,
    AsyncRecorder,
    FakeClock,
    Recorder,
    credentials,
    interbank,
    intrabank,
    topup,
)

CLIENT = "PAYOUT-CLIENT"


def _code(error: SnapAPIError) -> str:
    assert error.response_code is not None
    return error.response_code.raw


def _sent(recorder: Recorder) -> list[str]:
    return [r.url.path for r in recorder.requests if "access-token" not in r.url.path]


def test_insufficient_balance(client: SnapClient, emulator: Emulator) -> None:
    emulator.set_balance(CLIENT, "5000.00")
    with pytest.raises(InsufficientFundsError) as caught:
        client.payouts.intrabank_transfer(**intrabank("po-poor", "5000.01"))
    assert _code(caught.value) == "4031714"
    assert emulator.balance(CLIENT) == Decimal("5000.00")
    assert emulator.state.ledger.records(CLIENT) == []


def test_duplicate_reference_is_refused_and_moves_no_money(
    client: SnapClient, emulator: Emulator
) -> None:
    client.payouts.intrabank_transfer(**intrabank("po-dup"))
    with pytest.raises(DuplicateTransactionError) as caught:
        client.payouts.interbank_transfer(**interbank("po-dup"))
    assert _code(caught.value) == "4091801"
    assert emulator.balance(CLIENT) == Decimal("99990000.00")
    assert len(payouts_book(emulator).transfers) == 1


def test_a_reference_older_than_two_months_is_new_again(
    client: SnapClient, emulator: Emulator, clock: FakeClock
) -> None:
    client.payouts.intrabank_transfer(**intrabank("po-old"))
    clock.advance(58 * 24 * 3600)
    with pytest.raises(DuplicateTransactionError):
        client.payouts.intrabank_transfer(**intrabank("po-old"))
    clock.advance(4 * 24 * 3600)
    client.payouts.intrabank_transfer(**intrabank("po-old"))
    assert len(payouts_book(emulator).transfers) == 2


def test_unknown_account(client: SnapClient) -> None:
    with pytest.raises(AccountNotFoundError) as caught:
        client.payouts.account_inquiry(
            beneficiary_bank_code="014", beneficiary_account_no="5555555555"
        )
    assert _code(caught.value) == "4041611"
    with pytest.raises(AccountNotFoundError):
        client.payouts.intrabank_transfer(**intrabank("po-x", beneficiary_account_no="5555"))


@pytest.mark.parametrize(
    ("account", "code"), [("9999999909", "4031709"), ("9999999918", "4031718")]
)
def test_dormant_and_closed_accounts(client: SnapClient, account: str, code: str) -> None:
    with pytest.raises(AccountInactiveError) as caught:
        client.payouts.intrabank_transfer(**intrabank("po-in", beneficiary_account_no=account))
    assert _code(caught.value) == code


def test_unknown_ewallet_and_va(client: SnapClient) -> None:
    with pytest.raises(AccountNotFoundError):
        client.payouts.emoney_account_inquiry(
            customer_number="089999999999", additional_info={"beneficiary_provider": "gopay"}
        )
    with pytest.raises(NotFoundError) as caught:
        client.payouts.va_inquiry(
            virtual_account_no="0000111122223333",
            additional_info={"beneficiary_bank_code": "013"},
        )
    assert _code(caught.value) == "4043212"


def test_unknown_source_account(client: SnapClient) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.payouts.balance(account_no="123456")
    assert _code(caught.value) == "4001100"


def test_status_of_an_unknown_transfer(client: SnapClient) -> None:
    with pytest.raises(TransactionNotFoundError) as caught:
        client.payouts.transfer_status(original_partner_reference_no="nope", service_code="18")
    assert _code(caught.value) == "4043601"


@pytest.mark.anyio
async def test_errors_async(
    apair: tuple[AsyncSnapClient, AsyncRecorder], emulator: Emulator
) -> None:
    client, _ = apair
    emulator.set_balance(CLIENT, "100.00")
    with pytest.raises(InsufficientFundsError):
        await client.payouts.topup(**topup("t-1", "200.00"))
    emulator.set_balance(CLIENT, "1000000.00")
    await client.payouts.topup(**topup("t-1", "200.00"))
    with pytest.raises(DuplicateTransactionError):
        await client.payouts.topup(**topup("t-1", "200.00"))
    with pytest.raises(AccountNotFoundError):
        await client.payouts.account_inquiry(
            beneficiary_bank_code="008", beneficiary_account_no="404"
        )


# --- checked before sending ----------------------------------------------------------------


def test_intrabank_limits(client: SnapClient, recorder: Recorder) -> None:
    with pytest.raises(RequestValidationError, match="maximum") as caught:
        client.payouts.intrabank_transfer(**intrabank("po-big", "9999999999.01"))
    assert caught.value.field == "amount.value"
    with pytest.raises(RequestValidationError, match="minimum"):
        client.payouts.intrabank_transfer(**intrabank("po-zero", "0.99"))
    cimb = {"beneficiary_bank_code": "0220000"}
    with pytest.raises(RequestValidationError, match=r"10\.000"):
        client.payouts.intrabank_transfer(
            **intrabank("po-cimb", "9999.99", beneficiary_account_no=CIMB_ACCOUNT,
                        additional_info=cimb)
        )  # fmt: skip
    assert _sent(recorder) == []
    client.payouts.intrabank_transfer(
        **intrabank("po-cimb", "10000.00", beneficiary_account_no=CIMB_ACCOUNT,
                    additional_info=cimb)
    )  # fmt: skip


@pytest.mark.parametrize(
    ("route", "allowed", "refused"),
    [
        (TransferRoute.ONLINE, "50000000.00", "50000000.01"),
        (None, "50000000.00", "50000000.01"),
        (TransferRoute.BI_FAST, "250000000.00", "250000000.01"),
        (TransferRoute.SKN, "1000000000.00", "1000000000.01"),
        (TransferRoute.RTGS, "9999999999.00", "9999999999.01"),
    ],
)
def test_interbank_route_limits(
    client: SnapClient,
    recorder: Recorder,
    emulator: Emulator,
    route: TransferRoute | None,
    allowed: str,
    refused: str,
) -> None:
    with pytest.raises(RequestValidationError, match="route maximum"):
        client.payouts.interbank_transfer(**interbank("po-r", refused), route=route)
    assert _sent(recorder) == []
    emulator.set_balance(CLIENT, "99999999999")
    if Decimal(allowed) <= Decimal("250000000"):
        answer = client.payouts.interbank_transfer(**interbank("po-r", allowed), route=route)
        assert answer.is_success
    else:
        # Facilitator routes: the client lets it through; the emulator (BI Fast only) refuses.
        with pytest.raises(LimitExceededError) as caught:
            client.payouts.interbank_transfer(**interbank("po-r", allowed), route=route)
        assert _code(caught.value) == "4031802"


def test_external_id_must_be_numeric(client: SnapClient, recorder: Recorder) -> None:
    with pytest.raises(RequestValidationError) as caught:
        client.payouts.balance(account_no=AGGREGATOR_ACCOUNT_NO, external_id="abc-123")
    assert caught.value.field == "external_id"
    with pytest.raises(RequestValidationError):
        client.payouts.balance(account_no=AGGREGATOR_ACCOUNT_NO, external_id="1" * 37)
    assert _sent(recorder) == []
    client.payouts.balance(account_no=AGGREGATOR_ACCOUNT_NO, external_id="1" * 36)


def test_a_non_numeric_external_id_factory_is_refused(
    merchant_keys: GeneratedKeyPair, emulator: Emulator
) -> None:
    client = SnapClient(
        PROFILE,
        credentials(merchant_keys),
        transport=emulator.transport(),
        external_id_factory=lambda: "uuid-like-id",
    )
    with client, pytest.raises(RequestValidationError, match="external_id_factory"):
        client.payouts.balance(account_no=AGGREGATOR_ACCOUNT_NO)


def test_the_emulator_refuses_a_non_numeric_external_id(
    client: SnapClient, emulator: Emulator
) -> None:
    # Bypass the client check (the operation's numeric form) to see the gateway side of the rule.
    lenient = dataclasses.replace(BALANCE, external_id_form=ExternalIdForm.SNAP)
    request = BalanceInquiryRequest(account_no=AGGREGATOR_ACCOUNT_NO)
    with pytest.raises(InvalidFieldFormatError) as caught:
        client.call(lenient, request, CallOptions(external_id="abc"))
    assert _code(caught.value) == "4001101"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"beneficiary_email": "not-an-email"}, "beneficiaryEmail"),
        ({"remark": "x" * 51}, "remark"),
        ({"partner_reference_no": "r" * 65}, "partnerReferenceNo"),
        ({"source_account_no": "1" * 20}, "sourceAccountNo"),
        ({"amount": {"value": "10.005"}}, "amount.value"),
        ({"amount": {"value": "10.00", "currency": "USD"}}, "amount.currency"),
    ],
)
def test_malformed_transfer_fields(
    client: SnapClient, recorder: Recorder, fields: dict[str, Any], field: str
) -> None:
    with pytest.raises(RequestValidationError) as caught:
        client.payouts.intrabank_transfer(**intrabank("po-m", **fields))
    assert caught.value.field == field
    assert _sent(recorder) == []


def test_transfer_status_needs_a_transfer_service_code(client: SnapClient) -> None:
    with pytest.raises(RequestValidationError, match="17, 18, 33, 38"):
        client.payouts.transfer_status(original_partner_reference_no="x", service_code="11")


def test_topup_notes_characters(client: SnapClient) -> None:
    fields = topup("t-n")
    fields["notes"] = "bonus! #1"
    with pytest.raises(RequestValidationError) as caught:
        client.payouts.topup(**fields)
    assert caught.value.field == "notes"


def test_interbank_to_a_bank_without_bi_fast_goes_online_and_caps_at_50_million(
    client: SnapClient, recorder: Recorder, emulator: Emulator
) -> None:
    emulator.set_balance(CLIENT, "99999999999")
    payouts_book(emulator).bi_fast_banks.discard("451")  # the BSI beneficiary of interbank()
    assert client.payouts.interbank_transfer(**interbank("po-o1", "50000000.00")).is_success
    # The caller claims BI Fast; the gateway routes this bank online and refuses the amount.
    with pytest.raises(LimitExceededError) as caught:
        client.payouts.interbank_transfer(
            **interbank("po-o2", "50000000.01"), route=TransferRoute.BI_FAST
        )
    assert _code(caught.value) == "4031802"


def test_interbank_to_a_bi_fast_bank_takes_up_to_250_million(
    client: SnapClient, emulator: Emulator
) -> None:
    emulator.set_balance(CLIENT, "99999999999")
    answer = client.payouts.interbank_transfer(
        **interbank("po-b1", "250000000.00"), route=TransferRoute.BI_FAST
    )
    assert answer.is_success
