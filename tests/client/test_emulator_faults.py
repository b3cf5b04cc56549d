"""Fault injection: no payment is ever created twice, and an unknown outcome names the call
that settles it (in process, and over loopback HTTP through each async transport)."""

from __future__ import annotations

import httpx
import pytest

from bisnap import errors as E
from tests.client import examples
from tests.client.emulated import Emulated

pytestmark = pytest.mark.anyio

PAYMENT_PATH = "/v1.0/debit/payment-host-to-host"


def _payments(snap: Emulated, kind: str) -> int:
    return len(list(snap.emulator.state.iter_payments("fake-client", kind)))


@pytest.mark.parametrize(
    ("kind", "process"),
    [("drop", True), ("timeout", True), ("timeout", False), ("error", False)],
)
async def test_payment_fault_then_status_then_resend_creates_one_payment(
    snap: Emulated, kind: str, process: bool
) -> None:
    # Over HTTP the held answer (0.6 s) outlasts this call's 0.3 s read timeout, then the server
    # lets go.
    seconds = 0.6 if kind == "timeout" else 0.0
    snap.emulator.inject_fault(PAYMENT_PATH, kind, process=process, status=500, seconds=seconds)
    with pytest.raises(E.OutcomeUnknownError) as info:
        await snap.direct_debit.payment(
            timeout=httpx.Timeout(5.0, read=0.3), **examples.debit_payment()
        )
    error = info.value
    assert error.status_operation == "direct_debit.status"
    assert error.operation == "direct_debit.payment"
    assert error.external_id is not None
    assert _payments(snap, "debit") == (1 if process else 0)

    # The named status call settles it.
    if process:
        status = await snap.direct_debit.status(original_external_id=error.external_id)
        assert status.latest_transaction_status == "03"
    else:
        with pytest.raises(E.TransactionNotFoundError):
            await snap.direct_debit.status(original_external_id=error.external_id)

    # The explicit resend (same X-EXTERNAL-ID, same body) never makes a second payment.
    resent = await snap.resend(error)
    assert resent.is_success
    assert _payments(snap, "debit") == 1
    final = await snap.direct_debit.status(original_external_id=error.external_id)
    assert final.original_reference_no == resent.reference_no


async def test_a_resent_payment_after_success_gets_the_first_answer(snap: Emulated) -> None:
    first = await snap.direct_debit.payment(external_id="same-1", **examples.debit_payment())
    second = await snap.direct_debit.payment(external_id="same-1", **examples.debit_payment())
    assert second.reference_no == first.reference_no
    assert _payments(snap, "debit") == 1


@pytest.mark.parametrize(
    ("path", "status_operation"),
    [
        ("/v1.0/qr/qr-mpm-refund", "qris.query"),
        ("/v1.0/qr/qr-mpm-generate", "qris.query"),
        ("/v1.0/transfer-va/create-va", "virtual_accounts.status"),
    ],
)
async def test_other_unsafe_calls_name_their_status_call(
    snap: Emulated, path: str, status_operation: str
) -> None:
    qr = await snap.qris.generate(**examples.qris_generate(partner_reference_no="qr-f"))
    snap.emulator.pay_qris("qr-f")
    snap.emulator.inject_fault(path, "drop")
    with pytest.raises(E.OutcomeUnknownError) as info:
        await _unsafe_call(snap, path, qr.reference_no)
    assert info.value.status_operation == status_operation
    await snap.resend(info.value)
    if path.endswith("refund"):
        query = await snap.qris.query(original_reference_no=qr.reference_no)
        assert len(query.additional_info.refund_history) == 1
    elif path.endswith("generate"):
        assert _payments(snap, "qris") == 2
    else:
        assert _payments(snap, "va") == 1


async def _unsafe_call(snap: Emulated, path: str, qr_reference: str) -> None:
    if path.endswith("refund"):
        await snap.qris.refund(
            merchant_id=examples.MERCHANT_ID,
            original_partner_reference_no="qr-f",
            original_reference_no=qr_reference,
            refund_amount={"value": "1000.00"},
        )
    elif path.endswith("generate"):
        await snap.qris.generate(**examples.qris_generate(partner_reference_no="qr-g"))
    else:
        await snap.virtual_accounts.create(**examples.va_create())


async def test_read_only_calls_ride_out_5xx(snap: Emulated) -> None:
    payment = await snap.direct_debit.payment(**examples.debit_payment())
    snap.emulator.inject_fault("/v1.0/debit/status", "error", status=503, times=2)
    status = await snap.direct_debit.status(original_reference_no=payment.reference_no)
    assert status.latest_transaction_status == "03"
    assert len(snap.sleeps.delays) == 2


async def test_read_only_calls_ride_out_a_dropped_connection(snap: Emulated) -> None:
    payment = await snap.direct_debit.payment(**examples.debit_payment())
    snap.emulator.inject_fault("/v1.0/debit/status", "drop")
    status = await snap.direct_debit.status(original_reference_no=payment.reference_no)
    assert status.original_reference_no == payment.reference_no
    assert len(snap.sleeps.delays) == 1
