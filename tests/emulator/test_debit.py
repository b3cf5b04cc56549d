"""Direct debit (spec §5.3, §5.5) and its notification (spec §7.3)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from bisnap.emulator import Emulator
from tests.emulator.helpers import FakeClock, Receiver, Snap, code, debit_body

PAY = "/v1.0/debit/payment-host-to-host"
STATUS = "/v1.0/debit/status"
CANCEL = "/v1.0/debit/cancel"
REFUND = "/v1.0/debit/refund"


def pay(snap: Snap, method: str = "GOPAY", amount: str = "15000.00") -> dict[str, Any]:
    response = snap.post(PAY, debit_body(uuid.uuid4().hex, amount, method))
    assert code(response) == "2005400", response.text
    body: dict[str, Any] = response.json()
    return body


def status(snap: Snap, reference: str) -> dict[str, Any]:
    response = snap.post(STATUS, {"originalReferenceNo": reference, "serviceCode": "54"})
    assert code(response) == "2005500", response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("method", ["GOPAY", "SHOPEEPAY", "DANA"])
def test_payment_answers_the_spec_shape(snap: Snap, method: str) -> None:
    body = pay(snap, method)
    assert body["referenceNo"]
    assert body["webRedirectUrl"].startswith("http")
    assert body["additionalInfo"]["paymentType"] == method
    assert body["additionalInfo"]["grossAmount"] == {"value": "15000.00", "currency": "IDR"}


@pytest.mark.parametrize(
    ("remove", "named"),
    [
        ("partnerReferenceNo", "partnerReferenceNo"),
        ("chargeToken", "chargeToken"),
        ("payOptionDetails", "payOptionDetails"),
    ],
)
def test_missing_mandatory_field(snap: Snap, remove: str, named: str) -> None:
    body = debit_body("order-1")
    del body[remove]
    assert snap.post(PAY, body).json() == {
        "responseCode": "4005402",
        "responseMessage": f"Invalid Mandatory Field {named}",
    }


@pytest.mark.parametrize("amount", ["0.99", "100000000000.00", "15000"])
def test_amount_bounds_and_format(snap: Snap, amount: str) -> None:
    response = snap.post(PAY, debit_body("order-2", amount))
    assert response.json() == {
        "responseCode": "4005401",
        "responseMessage": "Invalid Field Format payOptionDetails[0].transAmount.value",
    }


def test_unknown_pay_method(snap: Snap) -> None:
    response = snap.post(PAY, debit_body("order-3", method="OVO"))
    assert code(response) == "4005401"


def test_identical_retry_returns_the_same_payment(snap: Snap, emulator: Emulator) -> None:
    body = debit_body("order-4")
    first = snap.post(PAY, body, external_id="ext-4")
    second = snap.post(PAY, body, external_id="ext-4")
    assert second.json()["referenceNo"] == first.json()["referenceNo"]
    assert len(list(emulator.state.iter_payments(kind="debit"))) == 1


def test_status_lifecycle_and_notification(
    snap: Snap, emulator: Emulator, receiver: Receiver
) -> None:
    payment = pay(snap)
    assert status(snap, payment["referenceNo"])["latestTransactionStatus"] == "03"
    emulator.pay_debit(payment["referenceNo"])
    settled = status(snap, payment["referenceNo"])
    assert settled["latestTransactionStatus"] == "00"
    assert settled["paidTime"]
    assert settled["transAmount"] == {"value": "15000.00", "currency": "IDR"}
    assert emulator.wait_for_notifications()
    [body] = receiver.bodies("/v1.0/debit/notify")
    assert body["latestTransactionStatus"] == "00"
    assert body["originalReferenceNo"] == payment["referenceNo"]
    assert body["additionalInfo"]["userPaymentDetails"] == [
        {"payMethod": "gopay", "payOption": "GOPAY"}
    ]


def test_status_by_external_id(snap: Snap) -> None:
    snap.post(PAY, debit_body("order-5"), external_id="ext-5")
    response = snap.post(STATUS, {"originalExternalId": "ext-5", "serviceCode": "54"})
    assert response.json()["originalExternalId"] == "ext-5"


def test_status_needs_an_identifier_and_service_code(snap: Snap) -> None:
    assert code(snap.post(STATUS, {"serviceCode": "54"})) == "4005502"
    assert code(snap.post(STATUS, {"originalReferenceNo": "x"})) == "4005502"


def test_status_of_unknown_payment(snap: Snap) -> None:
    response = snap.post(STATUS, {"originalReferenceNo": "nope", "serviceCode": "54"})
    assert response.status_code == 404


def test_cancel_pending_payment(snap: Snap, emulator: Emulator) -> None:
    payment = pay(snap)
    body = {
        "originalReferenceNo": payment["referenceNo"],
        "originalPartnerReferenceNo": payment["partnerReferenceNo"],
    }
    cancelled = snap.post(CANCEL, body)
    assert code(cancelled) == "2005700"
    assert cancelled.json()["cancelTime"]
    assert status(snap, payment["referenceNo"])["latestTransactionStatus"] == "05"
    again = snap.post(CANCEL, body)
    assert again.status_code == 403
    assert code(again) == "4035715"


def test_cancel_needs_partner_reference(snap: Snap) -> None:
    payment = pay(snap)
    response = snap.post(CANCEL, {"originalReferenceNo": payment["referenceNo"]})
    assert response.json()["responseMessage"] == (
        "Invalid Mandatory Field originalPartnerReferenceNo"
    )


def _refund(snap: Snap, payment: dict[str, Any], amount: str | None, no: str) -> Any:
    body: dict[str, Any] = {
        "originalReferenceNo": payment["referenceNo"],
        "originalPartnerReferenceNo": payment["partnerReferenceNo"],
        "partnerRefundNo": no,
        "reason": "some-reason",
    }
    if amount is not None:
        body["refundAmount"] = {"value": amount, "currency": "IDR"}
    return snap.post(REFUND, body)


def test_refund_only_after_settlement(snap: Snap, emulator: Emulator) -> None:
    payment = pay(snap)
    assert code(_refund(snap, payment, None, "rf-1")) == "4035815"
    emulator.pay_debit(payment["referenceNo"])
    partial = _refund(snap, payment, "5000.00", "rf-2")
    assert code(partial) == "2005800"
    assert partial.json()["partnerRefundNo"] == "rf-2"
    assert partial.json()["refundNo"]
    assert code(_refund(snap, payment, "5000.00", "rf-2")) == "4095801"
    assert code(_refund(snap, payment, "10000.01", "rf-3")) == "4035802"
    after = status(snap, payment["referenceNo"])
    assert after["latestTransactionStatus"] == "04"
    assert after["refundHistory"][0]["refundAmount"]["value"] == "5000.00"


def test_refund_number_characters(snap: Snap, emulator: Emulator) -> None:
    payment = pay(snap)
    emulator.pay_debit(payment["referenceNo"])
    assert code(_refund(snap, payment, None, "bad~no")) == "4005801"


def test_expiry_after_valid_up_to(snap: Snap, emulator: Emulator, clock: FakeClock) -> None:
    payment = pay(snap)
    clock.advance(15 * 60)
    snap._token = None
    assert status(snap, payment["referenceNo"])["latestTransactionStatus"] == "08"


def test_web_redirect_url_approves_the_payment(snap: Snap, emulator: Emulator) -> None:
    payment = pay(snap)
    path = payment["webRedirectUrl"].split("127.0.0.1", 1)[1]
    assert snap.client.get(path).json()["status"] == "00"
    assert status(snap, payment["referenceNo"])["latestTransactionStatus"] == "00"


def test_ledger_tracks_refunds(snap: Snap, emulator: Emulator) -> None:
    payment = pay(snap)
    emulator.pay_debit(payment["referenceNo"])
    _refund(snap, payment, "1000.00", "rf-9")
    record = emulator.state.ledger.get("G-CLIENT-1", payment["referenceNo"])
    assert record is not None
    assert record.status == "REFUND"
    assert record.channel == "gopay"
    assert record.refunded == 1000
