"""The published Midtrans notification vectors verify over the raw bytes, whatever the layout."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bisnap.errors import NotificationError
from bisnap.keys import load_private_key
from bisnap.notifications import (
    DirectDebitNotification,
    NotificationKind,
    NotificationVerifier,
)

from .helpers import vector


def _case(vector_id: str) -> dict[str, Any]:
    case: dict[str, Any] = vector(vector_id)
    return case


VERIFY = _case("midtrans-demo-notification-verification")
GENERATE = _case("midtrans-demo-notification-generation")
# Both timestamps as instants, written out by hand from the vectors' X-TIMESTAMP values.
VERIFY_AT = datetime(2024, 5, 2, 7, 43, 8, tzinfo=timezone.utc)
GENERATE_AT = datetime(2024, 3, 5, 10, 37, 16, 196000, tzinfo=timezone.utc)


def _verifier(case: dict[str, Any], at: datetime) -> NotificationVerifier:
    key = case["key"].get("public_key_pem")
    public = (
        key if key is not None else load_private_key(case["key"]["private_key_pem"]).public_key()
    )
    return NotificationVerifier(public, clock=lambda: at + timedelta(seconds=30))


def _headers(case: dict[str, Any]) -> dict[str, str]:
    return {
        "X-TIMESTAMP": case["inputs"]["timestamp"],
        "X-SIGNATURE": case["expected"]["signature"],
        "X-EXTERNAL-ID": "41312345678",
    }


def _verify(case: dict[str, Any], at: datetime, body: bytes) -> DirectDebitNotification:
    verified = _verifier(case, at).verify(
        case["inputs"]["method"], case["inputs"]["path"], body, _headers(case)
    )
    assert verified.kind is NotificationKind.DIRECT_DEBIT
    assert isinstance(verified.payload, DirectDebitNotification)
    return verified.payload


@pytest.mark.parametrize(
    ("case", "at"),
    [(VERIFY, VERIFY_AT), (GENERATE, GENERATE_AT)],
    ids=["verification", "generation"],
)
def test_published_vector_verifies_as_published(case: dict[str, Any], at: datetime) -> None:
    payload = _verify(case, at, case["inputs"]["body"].encode("utf-8"))
    assert payload.latest_transaction_status == "00"


def test_published_verification_vector_parses() -> None:
    payload = _verify(VERIFY, VERIFY_AT, VERIFY["inputs"]["body"].encode())
    assert payload.original_reference_no == "A120240430081940S9vu8gSjaRID"
    assert payload.merchant_id == "G099333790"
    assert payload.amount is not None
    assert str(payload.amount.value) == "102800.00"
    assert payload.additional_info.refund_history == []


def test_published_generation_vector_keeps_unknown_fields() -> None:
    payload = _verify(GENERATE, GENERATE_AT, GENERATE["inputs"]["body"].encode())
    info = payload.additional_info
    assert info.pay_option_details is not None
    assert info.pay_option_details[0].pay_option == "GOPAY_WALLET"
    assert info.fraud_status == "accept"
    refund = (info.refund_history or [])[0]
    assert refund.refund_amount is not None
    assert str(refund.refund_amount.value) == "12345678.00"


@pytest.mark.parametrize(
    "indent", [2, 4, "\t", " \t "], ids=["indent-2", "indent-4", "tabs", "mixed"]
)
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_pretty_printed_forms_verify(indent: int | str, newline: str) -> None:
    compact = VERIFY["inputs"]["body"]
    pretty = json.dumps(json.loads(compact), indent=indent).replace("\n", newline)
    assert pretty != compact
    _verify(VERIFY, VERIFY_AT, (newline + pretty + newline).encode())


def test_compact_form_of_the_pretty_generation_vector_verifies() -> None:
    _verify(GENERATE, GENERATE_AT, GENERATE["inputs"]["body_minified"].encode())


def _boundaries(text: str) -> list[int]:
    """Positions next to a structural character outside strings (where JSON allows spaces)."""
    positions: list[int] = []
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
            continue
        if char == '"':
            in_string = True
        if char in "{}[],:":
            positions.extend((index, index + 1))
    return sorted(set(positions))


WHITESPACE = st.text(alphabet=" \t\r\n", min_size=1, max_size=4)


@given(data=st.data())
def test_whitespace_anywhere_outside_strings_verifies(data: st.DataObject) -> None:
    text = VERIFY["inputs"]["body"]
    spots = data.draw(st.sets(st.sampled_from(_boundaries(text)), min_size=1, max_size=8))
    for spot in sorted(spots, reverse=True):
        text = text[:spot] + data.draw(WHITESPACE) + text[spot:]
    _verify(VERIFY, VERIFY_AT, text.encode())


def _string_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of the inside of every JSON string value (not keys) in compact text."""
    spans: list[tuple[int, int]] = []
    index = 0
    while (start := text.find('"', index)) != -1:
        end = text.index('"', start + 1)
        if text[end + 1 : end + 2] != ":":
            spans.append((start + 1, end))
        index = end + 1
    return spans


@given(data=st.data())
def test_any_change_inside_a_string_value_fails(data: st.DataObject) -> None:
    text = VERIFY["inputs"]["body"]
    start, end = data.draw(st.sampled_from(_string_spans(text)))
    position = data.draw(st.integers(start, end))  # end: insert before the closing quote
    replacement = data.draw(
        st.text(
            alphabet=st.characters(exclude_characters='"\\', codec="utf-8", min_codepoint=32),
            max_size=3,
        )
    )
    removed = data.draw(st.integers(0, min(2, end - position)))
    changed = text[:position] + replacement + text[position + removed :]
    if changed == text:
        return
    with pytest.raises(NotificationError) as caught:
        _verify(VERIFY, VERIFY_AT, changed.encode())
    assert caught.value.step == "signature"


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"SUCCESS"', '"SUCCESS "'),  # a space inside a value (the whitespace-stripping bug)
        ('"102800.00"', '"102800.0"'),
        ('"G099333790"', '"G09933379\\u0030"'),  # the same text, escaped differently
        ('"IDR"', '"idr"'),
    ],
)
def test_specific_changes_inside_values_fail(old: str, new: str) -> None:
    body = VERIFY["inputs"]["body"]
    assert old in body
    with pytest.raises(NotificationError) as caught:
        _verify(VERIFY, VERIFY_AT, body.replace(old, new).encode())
    assert caught.value.step == "signature"
