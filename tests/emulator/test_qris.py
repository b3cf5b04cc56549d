"""QRIS MPM (spec §5.2, §5.5) and its notification (spec §7.3)."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from bisnap.emulator import Emulator, SimulationError
from tests.emulator.helpers import MERCHANT_ID, FakeClock, Receiver, Snap, code, qris_body

GENERATE = "/v1.0/qr/qr-mpm-generate"
QUERY = "/v1.0/qr/qr-mpm-query"
CANCEL = "/v1.0/qr/qr-mpm-cancel"
REFUND = "/v1.0/qr/qr-mpm-refund"


def generate(snap: Snap, amount: str = "25000.00") -> dict[str, Any]:
    ref = uuid.uuid4().hex
    response = snap.post(GENERATE, qris_body(ref, amount), external_id=ref)
    assert code(response) == "2004700", response.text
    body: dict[str, Any] = response.json()
    return body


def query(snap: Snap, **ids: str) -> dict[str, Any]:
    response = snap.post(QUERY, {**ids, "merchantId": MERCHANT_ID, "serviceCode": "47"})
    assert code(response) == "2005100", response.text
    body: dict[str, Any] = response.json()
    return body


def refund_body(qr: dict[str, Any], refund_no: str, amount: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "merchantId": MERCHANT_ID,
        "originalPartnerReferenceNo": qr["partnerReferenceNo"],
        "originalReferenceNo": qr["referenceNo"],
        "partnerRefundNo": refund_no,
        "reason": "Customer complain",
    }
    if amount is not None:
        body["refundAmount"] = {"value": amount, "currency": "IDR"}
    return body


def refund(snap: Snap, qr: dict[str, Any], amount: str | None = None) -> Any:
    refund_no = uuid.uuid4().hex
    return snap.post(REFUND, refund_body(qr, refund_no, amount), external_id=refund_no)


def test_generate_answers_the_spec_shape(snap: Snap) -> None:
    qr = generate(snap)
    assert qr["responseMessage"] == "Request has been processed successfully"
    assert qr["referenceNo"]
    assert qr["qrContent"].startswith("000201")
    assert qr["qrUrl"].startswith("http")
    assert base64.b64decode(qr["qrImage"]).startswith(b"\x89PNG")
    assert qr["additionalInfo"] == {"acquirer": "gopay"}


def test_partner_reference_must_equal_external_id(snap: Snap) -> None:
    response = snap.post(GENERATE, qris_body("ref-a"), external_id="ref-b")
    assert code(response) == "4004701"
    assert "partnerReferenceNo" in response.json()["responseMessage"]


def test_amount_is_formatted(snap: Snap) -> None:
    ref = uuid.uuid4().hex
    body = qris_body(ref)
    body["amount"]["value"] = "25000"
    response = snap.post(GENERATE, body, external_id=ref)
    assert response.json()["responseMessage"] == "Invalid Field Format amount.value"
    del body["amount"]["value"]
    assert code(snap.post(GENERATE, body, external_id=ref)) == "4004702"


def test_a_qr_without_amount_is_open_and_paid_with_the_amount_entered(
    snap: Snap, emulator: Emulator
) -> None:
    # amount is optional on the generate page (spec §5.2).
    ref = uuid.uuid4().hex
    body = qris_body(ref)
    del body["amount"]
    response = snap.post(GENERATE, body, external_id=ref)
    assert code(response) == "2004700"
    assert "5406" not in response.json()["qrContent"]  # no amount tag in an open QR
    with pytest.raises(SimulationError):
        emulator.pay_qris(ref)
    paid = emulator.pay_qris(ref, amount=Decimal("12500.00"))
    assert paid.paid_amount == Decimal("12500.00")
    assert paid.status == "00"


def test_a_qr_with_amount_takes_exactly_that_amount(snap: Snap, emulator: Emulator) -> None:
    ref = uuid.uuid4().hex
    snap.post(GENERATE, qris_body(ref), external_id=ref)
    with pytest.raises(SimulationError):
        emulator.pay_qris(ref, amount=Decimal("1.00"))
    assert emulator.pay_qris(ref, amount=Decimal("25000.00")).status == "00"


@pytest.mark.parametrize("seconds", [10, 181 * 86400])
def test_validity_period_bounds(snap: Snap, clock: FakeClock, seconds: int) -> None:
    ref = uuid.uuid4().hex
    body = qris_body(ref)
    body["validityPeriod"] = (clock() + timedelta(seconds=seconds)).isoformat()
    response = snap.post(GENERATE, body, external_id=ref)
    assert response.json()["responseMessage"] == "Invalid Field Format validityPeriod"


def test_query_by_each_identifier(snap: Snap) -> None:
    qr = generate(snap)
    by_ref = query(snap, originalReferenceNo=qr["referenceNo"])
    assert by_ref["latestTransactionStatus"] == "03"
    assert by_ref["serviceCode"] == "47"
    by_partner = query(snap, originalPartnerReferenceNo=qr["partnerReferenceNo"])
    assert by_partner["originalReferenceNo"] == qr["referenceNo"]
    assert by_partner["originalPartnerReferenceNo"] == qr["partnerReferenceNo"]
    by_external = query(snap, originalExternalId=qr["partnerReferenceNo"])
    assert by_external["originalExternalId"] == qr["partnerReferenceNo"]


def test_query_needs_an_identifier(snap: Snap) -> None:
    response = snap.post(QUERY, {"serviceCode": "47"})
    assert code(response) == "4005102"


def test_pay_then_query_and_notification(
    snap: Snap, emulator: Emulator, receiver: Receiver
) -> None:
    qr = generate(snap)
    emulator.pay_qris(qr["referenceNo"])
    paid = query(snap, originalReferenceNo=qr["referenceNo"])
    assert paid["latestTransactionStatus"] == "00"
    assert paid["paidTime"]
    assert paid["amount"] == {"value": "25000.00", "currency": "IDR"}
    assert emulator.wait_for_notifications()
    [body] = receiver.bodies("/v1.0/qr/qr-mpm-notify")
    assert body["originalReferenceNo"] == qr["referenceNo"]
    assert body["latestTransactionStatus"] == "00"
    assert body["additionalInfo"]["qris"]["transactionType"] == "ON-US"


def test_partial_then_full_refund(snap: Snap, emulator: Emulator) -> None:
    qr = generate(snap)
    emulator.pay_qris(qr["referenceNo"])
    first = refund(snap, qr, "10000.00")
    assert code(first) == "2007800"
    assert first.json()["refundAmount"] == {"value": "10000.00", "currency": "IDR"}
    assert first.json()["partnerRefundNo"]
    rest = refund(snap, qr)
    assert rest.json()["refundAmount"] == {"value": "15000.00", "currency": "IDR"}
    after = query(snap, originalReferenceNo=qr["referenceNo"])
    assert after["latestTransactionStatus"] == "04"
    assert len(after["additionalInfo"]["refundHistory"]) == 2
    over = refund(snap, qr, "1.00")
    assert over.status_code == 404
    assert code(over) == "4047813"


def test_refund_more_than_paid(snap: Snap, emulator: Emulator) -> None:
    qr = generate(snap)
    emulator.pay_qris(qr["referenceNo"])
    assert code(refund(snap, qr, "25000.01")) == "4047813"


def test_refund_of_unpaid_qris_is_an_invalid_status(snap: Snap) -> None:
    qr = generate(snap)
    response = refund(snap, qr)
    assert response.status_code == 404
    assert code(response) == "4047800"


def test_refund_number_must_equal_external_id(snap: Snap, emulator: Emulator) -> None:
    qr = generate(snap)
    emulator.pay_qris(qr["referenceNo"])
    response = snap.post(REFUND, refund_body(qr, "refund-1", None), external_id="other")
    assert code(response) == "4007801"
    assert "partnerRefundNo" in response.json()["responseMessage"]


def test_refund_number_reused_is_a_duplicate(
    snap: Snap, emulator: Emulator, clock: FakeClock
) -> None:
    qr = generate(snap)
    emulator.pay_qris(qr["referenceNo"])
    body = refund_body(qr, "refund-dup", "100.00")
    assert code(snap.post(REFUND, body, external_id="refund-dup")) == "2007800"
    clock.advance(86400)
    snap._token = None
    again = snap.post(REFUND, body, external_id="refund-dup")
    assert again.status_code == 409
    assert code(again) == "4097801"


def test_refund_needs_merchant_id(snap: Snap, emulator: Emulator) -> None:
    qr = generate(snap)
    emulator.pay_qris(qr["referenceNo"])
    body = refund_body(qr, "r-1", None)
    del body["merchantId"]
    assert snap.post(REFUND, body, external_id="r-1").json() == {
        "responseCode": "4007802",
        "responseMessage": "Invalid Mandatory Field merchantId",
    }


def test_cancel_pending_only(snap: Snap, emulator: Emulator) -> None:
    qr = generate(snap)
    body = {
        "originalReferenceNo": qr["referenceNo"],
        "merchantId": MERCHANT_ID,
        "reason": "cancel reason",
    }
    cancelled = snap.post(CANCEL, body)
    assert code(cancelled) == "2007700"
    assert cancelled.json()["cancelTime"]
    assert query(snap, originalReferenceNo=qr["referenceNo"])["latestTransactionStatus"] == "05"
    assert code(snap.post(CANCEL, body)) == "4037715"
    with pytest.raises(SimulationError):
        emulator.pay_qris(qr["referenceNo"])


def test_cancel_needs_a_reason(snap: Snap) -> None:
    qr = generate(snap)
    response = snap.post(CANCEL, {"originalReferenceNo": qr["referenceNo"], "merchantId": "M"})
    assert response.json()["responseMessage"] == "Invalid Mandatory Field reason"


def test_qris_expires_after_fifteen_minutes(
    snap: Snap, emulator: Emulator, clock: FakeClock
) -> None:
    qr = generate(snap)
    clock.advance(15 * 60)
    snap._token = None
    assert query(snap, originalReferenceNo=qr["referenceNo"])["latestTransactionStatus"] == "08"


def test_fail_control(snap: Snap, emulator: Emulator, receiver: Receiver) -> None:
    qr = generate(snap)
    emulator.fail(qr["partnerReferenceNo"])
    assert query(snap, originalReferenceNo=qr["referenceNo"])["latestTransactionStatus"] == "06"
    assert emulator.wait_for_notifications()
    assert receiver.bodies("/v1.0/qr/qr-mpm-notify")[-1]["latestTransactionStatus"] == "06"
