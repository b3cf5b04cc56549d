"""Virtual accounts (spec §5.1) and the VA payment notification (spec §7.3)."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from bisnap.emulator import Emulator, SimulationError
from bisnap.keys import GeneratedKeyPair
from bisnap.signing import asymmetric_string_to_sign, verify_rsa
from bisnap.timestamps import parse_timestamp
from tests.emulator.helpers import (
    PARTNER_ID,
    PSID,
    FakeClock,
    Receiver,
    Snap,
    code,
    va_body,
    va_status_body,
)

CREATE = "/v1.0/transfer-va/create-va"
STATUS = "/v1.0/transfer-va/status"
DELETE = "/v1.0/transfer-va/delete-va"


def create(snap: Snap, body: dict[str, Any] | None = None, trx: str | None = None) -> Any:
    trx = trx or uuid.uuid4().hex
    return snap.post(CREATE, body or va_body(trx), external_id=trx)


def status(snap: Snap, trx: str) -> dict[str, Any]:
    response = snap.post(STATUS, va_status_body(trx))
    assert code(response) == "2002600", response.text
    data: dict[str, Any] = response.json()["virtualAccountData"]
    return data


def test_create_va_answers_the_spec_shape(snap: Snap, clock: FakeClock) -> None:
    trx = "midtrans-testing-001"
    response = create(snap, trx=trx)
    assert response.status_code == 200
    body = response.json()
    assert body["responseCode"] == "2002700"
    data = body["virtualAccountData"]
    assert data["partnerServiceId"] == PSID
    assert data["virtualAccountNo"] == PSID + "6280123456"
    assert data["trxId"] == trx
    assert data["totalAmount"] == {"value": "10000.00", "currency": "IDR"}
    assert data["additionalInfo"]["bank"] == "bca"
    assert parse_timestamp(data["expiredDate"]) == clock() + timedelta(hours=24)


def test_trx_id_must_equal_external_id(snap: Snap) -> None:
    response = snap.post(CREATE, va_body("trx-a"), external_id="trx-b")
    assert response.status_code == 400
    assert code(response) == "4002701"
    assert "trxId" in response.json()["responseMessage"]


@pytest.mark.parametrize(
    ("path", "named"),
    [
        (("partnerServiceId",), "partnerServiceId"),
        (("customerNo",), "customerNo"),
        (("virtualAccountNo",), "virtualAccountNo"),
        (("virtualAccountName",), "virtualAccountName"),
        (("trxId",), "trxId"),
        (("totalAmount",), "totalAmount"),
        (("totalAmount", "value"), "totalAmount.value"),
        (("additionalInfo",), "additionalInfo"),
        (("additionalInfo", "bank"), "additionalInfo.bank"),
        (("additionalInfo", "merchantId"), "additionalInfo.merchantId"),
    ],
)
def test_missing_mandatory_field_is_named(snap: Snap, path: tuple[str, ...], named: str) -> None:
    trx = uuid.uuid4().hex
    body = va_body(trx)
    target = body
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    response = create(snap, body, trx)
    assert response.json() == {
        "responseCode": "4002702",
        "responseMessage": f"Invalid Mandatory Field {named}",
    }


@pytest.mark.parametrize(
    ("value", "currency", "named"),
    [
        ("10000", "IDR", "totalAmount.value"),
        ("10000.0", "IDR", "totalAmount.value"),
        ("10000.000", "IDR", "totalAmount.value"),
        ("1e4", "IDR", "totalAmount.value"),
        (10000, "IDR", "totalAmount.value"),
        ("-5.00", "IDR", "totalAmount.value"),
        ("0.00", "IDR", "totalAmount.value"),
        ("10000.00", "USD", "totalAmount.currency"),
    ],
)
def test_amount_format(snap: Snap, value: object, currency: str, named: str) -> None:
    trx = uuid.uuid4().hex
    body = va_body(trx)
    body["totalAmount"] = {"value": value, "currency": currency}
    assert create(snap, body, trx).json() == {
        "responseCode": "4002701",
        "responseMessage": f"Invalid Field Format {named}",
    }


def test_unknown_bank_is_a_format_error(snap: Snap) -> None:
    trx = uuid.uuid4().hex
    response = create(snap, va_body(trx, bank="nobank"), trx)
    assert response.json()["responseMessage"] == "Invalid Field Format additionalInfo.bank"


def test_mandiri_needs_bill_info(snap: Snap) -> None:
    trx = uuid.uuid4().hex
    response = create(snap, va_body(trx, bank="mandiri"), trx)
    assert response.json() == {
        "responseCode": "4002702",
        "responseMessage": "Invalid Mandatory Field additionalInfo.mandiri",
    }
    body = va_body(trx, bank="mandiri")
    body["additionalInfo"]["mandiri"] = {"billInfo1": "bank_name", "billInfo2": "mandiri"}
    assert code(create(snap, body, trx)) == "2002700"


def test_va_number_must_be_service_id_plus_customer_no(snap: Snap) -> None:
    trx = uuid.uuid4().hex
    body = va_body(trx)
    body["virtualAccountNo"] = PSID + "999"
    assert create(snap, body, trx).json()["responseMessage"] == (
        "Invalid Field Format virtualAccountNo"
    )


def test_partner_service_id_is_space_padded_to_eight(snap: Snap) -> None:
    trx = uuid.uuid4().hex
    body = va_body(trx)
    body["partnerServiceId"] = "70012"
    body["virtualAccountNo"] = "70012" + body["customerNo"]
    assert code(create(snap, body, trx)) == "4002701"


def test_randomised_va_number(snap: Snap) -> None:
    trx = uuid.uuid4().hex
    body = va_body(trx, customer_no="0000000000")
    body["additionalInfo"]["flags"] = {"shouldRandomizeVaNumber": True}
    data = create(snap, body, trx).json()["virtualAccountData"]
    assert data["customerNo"] != "0000000000"
    assert data["virtualAccountNo"] == PSID + data["customerNo"]


def test_a_va_number_in_use_is_not_handed_out_twice(snap: Snap) -> None:
    first = create(snap).json()["virtualAccountData"]["virtualAccountNo"]
    second = create(snap).json()["virtualAccountData"]["virtualAccountNo"]
    assert first != second


def test_trx_id_is_unique_beyond_one_day(snap: Snap, clock: FakeClock) -> None:
    trx = uuid.uuid4().hex
    assert code(create(snap, trx=trx)) == "2002700"
    clock.advance(2 * 86400)
    snap._token = None
    response = create(snap, trx=trx)
    assert response.status_code == 409
    assert code(response) == "4092700"


def test_status_pending_then_paid(snap: Snap, emulator: Emulator, clock: FakeClock) -> None:
    trx = uuid.uuid4().hex
    create(snap, trx=trx)
    pending = status(snap, trx)
    assert pending["paymentFlagStatus"] == "03"
    assert "paymentRequestId" not in pending
    clock.advance(60)
    emulator.pay_va(trx)
    paid = status(snap, trx)
    assert paid["paymentFlagStatus"] == "00"
    assert paid["paymentFlagReason"] == {"english": "settlement"}
    assert paid["paymentRequestId"]
    assert parse_timestamp(paid["transactionDate"]) == clock()
    assert paid["totalAmount"] == {"value": "10000.00", "currency": "IDR"}


def test_status_of_unknown_va_is_not_found(snap: Snap) -> None:
    response = snap.post(STATUS, va_status_body("nope"))
    assert response.status_code == 404
    assert code(response) == "4042601"


def test_payment_notification_is_signed_by_the_gateway(
    snap: Snap, emulator: Emulator, receiver: Receiver, gateway_keys: GeneratedKeyPair
) -> None:
    trx = uuid.uuid4().hex
    create(snap, trx=trx)
    emulator.pay_va(trx)
    assert emulator.wait_for_notifications()
    [request] = receiver.requests
    assert request.method == "POST"
    assert str(request.url) == "http://merchant.test/hooks/v1.0/transfer-va/payment"
    assert request.headers["X-PARTNER-ID"] == PARTNER_ID
    assert request.headers["X-EXTERNAL-ID"].isdigit()
    assert request.headers["Content-Type"] == "application/json"
    assert "Authorization" not in request.headers
    string_to_sign = asymmetric_string_to_sign(
        "POST", request.url.path, request.content, request.headers["X-TIMESTAMP"]
    )
    verify_rsa(gateway_keys.public_key(), string_to_sign, request.headers["X-SIGNATURE"])
    assert len(base64.b64decode(request.headers["X-SIGNATURE"])) == 256
    body = json.loads(request.content)
    assert body["trxId"] == trx
    assert body["virtualAccountNo"] == PSID + "6280123456"
    assert body["paidAmount"] == {"value": "10000.00", "currency": "IDR"}
    assert body["additionalInfo"]["paymentFlagStatus"] == "00"
    assert body["additionalInfo"]["bank"] == "BCA"
    assert body["additionalInfo"]["customField"] == {"1": "custom-field-1"}


def test_delete_pending_va(snap: Snap, emulator: Emulator) -> None:
    trx = uuid.uuid4().hex
    create(snap, trx=trx)
    body = {
        "partnerServiceId": PSID,
        "customerNo": "6280123456",
        "virtualAccountNo": PSID + "6280123456",
        "trxId": trx,
        "additionalInfo": {"merchantId": "G059876677"},
    }
    deleted = snap.post(DELETE, body)
    assert code(deleted) == "2003100"
    assert deleted.json()["virtualAccountData"]["trxId"] == trx
    assert status(snap, trx)["paymentFlagStatus"] == "05"
    again = snap.post(DELETE, body)
    assert again.status_code == 403
    assert code(again) == "4033115"
    with pytest.raises(SimulationError):
        emulator.pay_va(trx)


def test_paid_va_cannot_be_deleted(snap: Snap, emulator: Emulator) -> None:
    trx = uuid.uuid4().hex
    create(snap, trx=trx)
    emulator.pay_va(trx)
    body = {
        "partnerServiceId": PSID,
        "customerNo": "6280123456",
        "virtualAccountNo": PSID + "6280123456",
        "trxId": trx,
    }
    assert code(snap.post(DELETE, body)) == "4033115"


def test_va_expires_at_expired_date(snap: Snap, emulator: Emulator, clock: FakeClock) -> None:
    trx = uuid.uuid4().hex
    body = va_body(trx)
    body["expiredDate"] = (clock() + timedelta(hours=1)).isoformat()
    create(snap, body, trx)
    clock.advance(3601)
    snap._token = None
    assert status(snap, trx)["paymentFlagStatus"] == "08"
    with pytest.raises(SimulationError):
        emulator.pay_va(trx)


def test_expiry_in_the_past_is_refused(snap: Snap, clock: FakeClock) -> None:
    trx = uuid.uuid4().hex
    body = va_body(trx)
    body["expiredDate"] = (clock() - timedelta(hours=1)).isoformat()
    assert create(snap, body, trx).json()["responseMessage"] == ("Invalid Field Format expiredDate")


def test_expire_control(snap: Snap, emulator: Emulator) -> None:
    trx = uuid.uuid4().hex
    create(snap, trx=trx)
    emulator.expire(trx)
    assert status(snap, trx)["paymentFlagStatus"] == "08"


def test_ledger_records_the_va(snap: Snap, emulator: Emulator) -> None:
    trx = uuid.uuid4().hex
    create(snap, trx=trx)
    emulator.pay_va(trx)
    [record] = emulator.state.ledger.records()
    assert (record.type, record.channel, record.status) == (
        "PAYMENT",
        "bank_transfer",
        "SETTLEMENT",
    )
    assert [e.kind for e in record.events] == ["created", "paid"]


def test_a_closed_amount_va_refuses_another_amount(snap: Snap, emulator: Emulator) -> None:
    trx = uuid.uuid4().hex
    create(snap, trx=trx)
    with pytest.raises(SimulationError, match=r"exactly 10000\.00"):
        emulator.pay_va(trx, amount=Decimal("9000"))
    assert emulator.pay_va(trx, amount=Decimal("10000.00")).status == "00"
