"""VA rules the pages set and the emulator now follows: customField String(255) echoed as
received, multi-use VAs (create, several payments, paged status), paging limits, the status
and cancel pages' ``merchant_id`` spelling."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import pytest

from bisnap.emulator import Emulator, SimulationError
from tests.emulator.helpers import MERCHANT_ID, PSID, Receiver, Snap, code, va_body, va_status_body

CREATE = "/v1.0/transfer-va/create-va"
STATUS = "/v1.0/transfer-va/status"
DELETE = "/v1.0/transfer-va/delete-va"


def _create(snap: Snap, trx: str, custom: Any = None) -> Any:
    body = va_body(trx)
    if custom is not None:
        body["additionalInfo"]["customField"] = custom
    return snap.post(CREATE, body, external_id=trx)


@pytest.mark.parametrize(
    ("custom", "named"),
    [
        ({"1": 1e-7}, "additionalInfo.customField.1"),
        ({"2": 12}, "additionalInfo.customField.2"),
        ({"1": "x" * 256}, "additionalInfo.customField.1"),
        ({"3": None}, "additionalInfo.customField.3"),
    ],
)
def test_custom_field_values_are_strings_of_at_most_255(
    snap: Snap, custom: dict[str, Any], named: str
) -> None:
    response = _create(snap, uuid.uuid4().hex, custom)
    assert response.status_code == 400
    assert code(response) == "4002701"
    assert response.json()["responseMessage"] == f"Invalid Field Format {named}"


def test_custom_field_is_echoed_exactly_in_the_notification(
    snap: Snap, emulator: Emulator, receiver: Receiver
) -> None:
    custom = {"1": "1e-7", "2": 'caf\u00e9 "quoted" / 0.10', "3": "x" * 255}
    trx = uuid.uuid4().hex
    assert code(_create(snap, trx, custom)) == "2002700"
    emulator.pay_va(trx)
    assert emulator.wait_for_notifications()
    [request] = receiver.requests
    assert json.loads(request.content)["additionalInfo"]["customField"] == custom
    # The values' text is written as the merchant sent it (no float reformatting).
    assert b'"1":"1e-7"' in request.content


@pytest.mark.parametrize(
    ("paging", "named"),
    [
        ({"pageSize": "16"}, "pageSize"),
        ({"pageSize": "0"}, "pageSize"),
        ({"page": "-1"}, "page"),
        ({"pageSize": 2}, "pageSize"),
        ({"page": "first"}, "page"),
    ],
)
def test_status_paging_limits(snap: Snap, paging: dict[str, Any], named: str) -> None:
    trx = uuid.uuid4().hex
    _create(snap, trx)
    body = va_status_body(trx)
    body["additionalInfo"].update(paging)
    response = snap.post(STATUS, body)
    assert response.status_code == 400
    assert response.json()["responseMessage"] == f"Invalid Field Format additionalInfo.{named}"


def test_status_and_delete_accept_the_pages_merchant_id_spelling(snap: Snap) -> None:
    trx = uuid.uuid4().hex
    _create(snap, trx)
    body = va_status_body(trx)
    body["additionalInfo"] = {"merchant_id": MERCHANT_ID}
    assert code(snap.post(STATUS, body)) == "2002600"
    deleted = snap.post(
        DELETE,
        {
            "partnerServiceId": PSID,
            "customerNo": "6280123456",
            "virtualAccountNo": PSID + "6280123456",
            "trxId": trx,
            "additionalInfo": {"merchant_id": MERCHANT_ID},
        },
    )
    assert code(deleted) == "2003100"


def test_status_without_merchant_id_is_refused(snap: Snap) -> None:
    trx = uuid.uuid4().hex
    _create(snap, trx)
    body = va_status_body(trx)
    body["additionalInfo"] = {}
    response = snap.post(STATUS, body)
    assert code(response) == "4002602"


def test_multi_use_va_over_http(snap: Snap, emulator: Emulator, receiver: Receiver) -> None:
    emulator.merchant(snap_client_id(emulator)).multi_use_va = True
    trx = "midtrans-testing-001"
    created = _create(snap, trx)
    assert code(created) == "2002700"
    assert "expiredDate" not in created.json()["virtualAccountData"]
    for amount in ("150000.00", "5000.00", "1.00", "20.00"):
        emulator.pay_va(trx, amount=Decimal(amount))
    body = va_status_body(trx)
    body["additionalInfo"].update({"page": "1", "pageSize": "2"})
    answer = snap.post(STATUS, body).json()
    assert answer["responseCode"] == "2002600"
    assert answer["virtualAccountData"] == {
        "partnerServiceId": PSID,
        "customerNo": "6280123456",
        "virtualAccountNo": PSID + "6280123456",
    }
    detail = answer["additionalInfo"]["recurringPaymentDetail"]
    assert detail["paginationMetadata"] == {"total": "4", "pageSize": "2", "page": "1"}
    orders = detail["recurringOrders"]
    assert [o["totalAmount"]["value"] for o in orders] == ["5000.00", "150000.00"]
    assert orders[-1]["trxId"] == trx
    assert orders[0]["trxId"].startswith(trx + "-")
    assert {o["paymentFlagStatus"] for o in orders} == {"00"}
    assert set(orders[0]) == {
        "totalAmount",
        "paymentFlagReason",
        "paymentRequestId",
        "paymentFlagStatus",
        "trxDateTime",
        "transactionDate",
        "trxId",
    }
    assert emulator.wait_for_notifications()
    assert len(receiver.requests) == 4


def test_multi_use_payment_below_one_rupiah_is_refused(snap: Snap, emulator: Emulator) -> None:
    emulator.merchant(snap_client_id(emulator)).multi_use_va = True
    trx = uuid.uuid4().hex
    _create(snap, trx)
    with pytest.raises(SimulationError):
        emulator.pay_va(trx, amount=Decimal("0.50"))


def snap_client_id(emulator: Emulator) -> str:
    [client_id] = list(emulator.state.merchants)
    return client_id


def test_regression_custom_field_is_echoed_byte_for_byte(
    snap: Snap, emulator: Emulator, receiver: Receiver
) -> None:
    trx = uuid.uuid4().hex
    body = json.dumps(va_body(trx), separators=(",", ":")).encode()
    sent = rb'{"1":"caf\u00e9 \"q\"","2":"a\/b","3":"1e-7"}'
    body = body.replace(b'{"1":"custom-field-1"}', sent.replace(b"{", b"{ ", 1))  # whitespace too
    assert code(snap.post(CREATE, body, external_id=trx)) == "2002700"
    emulator.pay_va(trx)
    assert emulator.wait_for_notifications()
    [request] = receiver.requests
    assert b'"customField":' + sent + b"}" in request.content
    assert json.loads(request.content)["additionalInfo"]["customField"] == {
        "1": 'caf\u00e9 "q"',
        "2": "a/b",
        "3": "1e-7",
    }


def test_without_custom_field_the_notification_has_an_empty_one(
    snap: Snap, emulator: Emulator, receiver: Receiver
) -> None:
    trx = uuid.uuid4().hex
    body = va_body(trx)
    del body["additionalInfo"]["customField"]
    assert code(snap.post(CREATE, body, external_id=trx)) == "2002700"
    emulator.pay_va(trx)
    assert emulator.wait_for_notifications()
    assert json.loads(receiver.requests[0].content)["additionalInfo"]["customField"] == {}
