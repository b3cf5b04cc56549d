"""Typed payout and top-up payloads: amounts, statuses, error codes, kind detection."""

from __future__ import annotations

import contextlib
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bisnap.notifications import (
    NotificationPayloadError,
    PayoutErrorCode,
    PayoutNotification,
    PayoutStatus,
    TopUpNotification,
    parse_payouts_payload,
)

from .helpers import FAILED, PROCESSED, TOPUP


def _payout(**fields: object) -> bytes:
    body: dict[str, object] = {
        "reference_no": "R1",
        "amount": "10000",
        "status": "processed",
        "updated_at": "2024-03-15T03:40:00Z",
    }
    body.update(fields)
    return json.dumps(body).encode()


def test_the_failed_sample_parses_with_its_documented_error_code() -> None:
    payload = parse_payouts_payload(FAILED)
    assert isinstance(payload, PayoutNotification)
    assert payload.status is PayoutStatus.FAILED
    assert payload.amount == Decimal("10000.00")
    assert payload.error_code is PayoutErrorCode.INVALID_DESTINATION_ACCOUNT
    assert payload.error_code.description == "invalid destination account number"
    assert payload.error_message == "Invalid destination account number"
    assert payload.partner_reference_no is None
    assert payload.updated is not None
    assert payload.updated.isoformat() == "2018-07-23T10:23:31+00:00"


def test_a_snap_payout_carries_the_partner_reference() -> None:
    payload = parse_payouts_payload(PROCESSED)
    assert isinstance(payload, PayoutNotification)
    assert payload.partner_reference_no == "PAY-1"


def test_a_top_up_is_told_from_a_payout_by_its_body() -> None:
    payload = parse_payouts_payload(TOPUP)
    assert isinstance(payload, TopUpNotification)
    assert payload.gross_amount == Decimal("5000000.00")
    assert payload.status == "topup"
    assert payload.transaction_id == "6f1c9a52-3d4e"
    assert payload.order_id == "TOPUP-1"
    assert payload.transaction_time == "2024-03-15T03:12:28Z"
    without_status = json.loads(TOPUP)
    del without_status["status"]
    with pytest.raises(NotificationPayloadError) as caught:
        parse_payouts_payload(json.dumps(without_status).encode())
    assert caught.value.field == "status"
    assert caught.value.missing


@pytest.mark.parametrize(("text", "value"), [("10000", "10000"), ("10000.0", "10000.0"),
                                             ("10000.00", "10000.00"), ("0.5", "0.5")])  # fmt: skip
def test_amounts_in_every_documented_form(text: str, value: str) -> None:
    payload = parse_payouts_payload(_payout(amount=text))
    assert isinstance(payload, PayoutNotification)
    assert payload.amount == Decimal(value)
    assert str(payload.amount) == value


@pytest.mark.parametrize("text", ["10000.001", "1e4", "-5", "10,000", " 1", "1.", ".5", "", "NaN"])
def test_other_amount_spellings_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(NotificationPayloadError) as caught:
        parse_payouts_payload(_payout(amount=text))
    assert caught.value.field == "amount"
    assert caught.value.step == "payload"
    assert text not in str(caught.value) or not text


def test_unknown_status_error_code_and_fields_are_kept() -> None:
    payload = parse_payouts_payload(
        _payout(status="queued", error_code="099", beneficiary_name="Budi")
    )
    assert isinstance(payload, PayoutNotification)
    assert payload.status == "queued"
    assert not payload.status.is_known
    assert payload.error_code is not None
    assert payload.error_code == "099"
    assert not payload.error_code.is_known
    assert payload.error_code.description == "unknown error code"
    assert payload.model_extra == {"beneficiary_name": "Budi"}


def test_every_documented_error_code_has_a_meaning() -> None:
    codes = {code.value for code in PayoutErrorCode}
    assert codes == {f"{n:03d}" for n in range(1, 27)}
    assert PayoutErrorCode("025").description == "transfer declined"
    assert PayoutErrorCode("016").description == "merchant balance not enough"


@pytest.mark.parametrize(
    ("body", "field", "missing"),
    [
        (b'{"reference_no":"R","amount":"1","updated_at":"x"}', "status", True),
        (b'{"reference_no":"R","status":"failed","updated_at":"x"}', "amount", True),
        (b'{"reference_no":5,"amount":"1","status":"failed","updated_at":"x"}', "reference_no",
         False),
        (b'{"amount":"1","status":"failed"}', "reference_no", True),
        (b"[1,2]", None, False),
        (b"not json", None, False),
        (b'{"reference_no":"R","amount":"1","status":"failed","updated_at":"x"', None, False),
    ],
)  # fmt: skip
def test_bad_bodies_name_the_field(body: bytes, field: str | None, missing: bool) -> None:
    with pytest.raises(NotificationPayloadError) as caught:
        parse_payouts_payload(body)
    assert caught.value.field == field
    assert caught.value.missing is missing


@settings(max_examples=150, deadline=None)
@given(
    whole=st.integers(0, 10**12),
    fraction=st.one_of(st.none(), st.text("0123456789", min_size=1, max_size=2)),
    status=st.text(max_size=20),
    extra=st.dictionaries(st.from_regex(r"x_[a-z]{1,8}", fullmatch=True), st.text(max_size=10)),
)
def test_parsing_keeps_values_exactly(
    whole: int, fraction: str | None, status: str, extra: dict[str, str]
) -> None:
    amount = str(whole) if fraction is None else f"{whole}.{fraction}"
    payload = parse_payouts_payload(_payout(amount=amount, status=status, **extra))
    assert isinstance(payload, PayoutNotification)
    assert payload.amount == Decimal(amount)
    assert payload.status.value == status
    assert payload.model_extra == extra


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_parse_or_raise_a_payload_error(body: bytes) -> None:
    with contextlib.suppress(NotificationPayloadError):
        parse_payouts_payload(body)


@pytest.mark.parametrize(
    ("body", "problem"),
    [(b"{not json", "body is not valid JSON"), (b"\xff\xfe", "body is not valid JSON"),
     (b"[1, 2]", "body is not a JSON object")],
)  # fmt: skip
def test_a_body_that_is_not_a_json_object_is_refused(body: bytes, problem: str) -> None:
    with pytest.raises(NotificationPayloadError) as caught:
        parse_payouts_payload(body)
    assert caught.value.field is None
    assert not caught.value.missing
    assert problem in str(caught.value)
