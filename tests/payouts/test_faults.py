"""An unreliable gateway never makes a payout happen twice."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bisnap.client import AsyncSnapClient, SnapClient
from bisnap.emulator import Emulator
from bisnap.emulator.endpoints.payouts import payouts_book
from bisnap.errors import DuplicateTransactionError, OutcomeUnknownError, TransportError
from bisnap.models.payouts import AGGREGATOR_ACCOUNT_NO, IntrabankTransferResponse
from tests.payouts.harness import AsyncRecorder, Recorder, intrabank, topup

CLIENT = "PAYOUT-CLIENT"
TRANSFER = "/v1.0/transfer-intrabank"


@pytest.mark.parametrize(
    ("kind", "process", "created"),
    [("timeout", True, 1), ("timeout", False, 0), ("drop", True, 1), ("error", False, 0)],
)
def test_an_unknown_outcome_is_never_resent(
    client: SnapClient,
    emulator: Emulator,
    recorder: Recorder,
    kind: str,
    process: bool,
    created: int,
) -> None:
    emulator.inject_fault(TRANSFER, kind, process=process)
    with pytest.raises(OutcomeUnknownError) as caught:
        client.payouts.intrabank_transfer(**intrabank("po-f"))
    error = caught.value
    assert error.status_operation == "payouts.transfer_status"
    assert error.operation == "payouts.intrabank_transfer"
    assert len(recorder.calls(TRANSFER)) == 1
    assert len(payouts_book(emulator).transfers) == created
    assert emulator.balance(CLIENT) == Decimal("100000000.00") - created * Decimal("10000.00")


def test_resend_after_a_processed_timeout_returns_the_original_transfer(
    client: SnapClient, emulator: Emulator, recorder: Recorder
) -> None:
    emulator.inject_fault(TRANSFER, "timeout", process=True)
    with pytest.raises(OutcomeUnknownError) as caught:
        client.payouts.intrabank_transfer(**intrabank("po-r"))
    again = client.resend(caught.value)
    assert isinstance(again, IntrabankTransferResponse)
    transfers = payouts_book(emulator).transfers
    assert len(transfers) == 1
    assert again.reference_no == transfers[0].reference_no
    first, second = recorder.calls(TRANSFER)
    assert first.content == second.content
    assert first.headers["X-EXTERNAL-ID"] == second.headers["X-EXTERNAL-ID"]
    assert emulator.balance(CLIENT) == Decimal("99990000.00")


def test_a_new_request_for_the_same_reference_is_a_duplicate(
    client: SnapClient, emulator: Emulator
) -> None:
    emulator.inject_fault(TRANSFER, "drop")
    with pytest.raises(OutcomeUnknownError):
        client.payouts.intrabank_transfer(**intrabank("po-d"))
    status = client.payouts.transfer_status(original_partner_reference_no="po-d", service_code="17")
    assert status.latest_transaction_status == "00"
    with pytest.raises(DuplicateTransactionError):
        client.payouts.intrabank_transfer(**intrabank("po-d"))
    assert len(payouts_book(emulator).transfers) == 1


def test_read_only_inquiries_are_retried(
    client: SnapClient, emulator: Emulator, recorder: Recorder
) -> None:
    emulator.inject_fault("/v1.0/balance-inquiry", "error", times=2)
    answer = client.payouts.balance(account_no=AGGREGATOR_ACCOUNT_NO)
    assert answer.is_success
    assert len(recorder.calls("/v1.0/balance-inquiry")) == 3


def test_read_only_inquiries_give_up(client: SnapClient, emulator: Emulator) -> None:
    emulator.inject_fault("/v1.0/transfer/status", "timeout", times=None)
    with pytest.raises(TransportError) as caught:
        client.payouts.transfer_status(original_partner_reference_no="x", service_code="17")
    assert not isinstance(caught.value, OutcomeUnknownError)


@pytest.mark.anyio
async def test_async_topup_timeout(
    apair: tuple[AsyncSnapClient, AsyncRecorder], emulator: Emulator
) -> None:
    client, recorder = apair
    emulator.inject_fault("/v1.0/emoney/topup", "timeout", process=True)
    with pytest.raises(OutcomeUnknownError) as caught:
        await client.payouts.topup(**topup("t-f"))
    assert caught.value.status_operation == "payouts.transfer_status"
    assert len(recorder.calls("/v1.0/emoney/topup")) == 1
    await client.resend(caught.value)
    assert len(payouts_book(emulator).transfers) == 1
    assert emulator.balance(CLIENT) == Decimal("99950000.00")
