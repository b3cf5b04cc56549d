"""Thread safety, secrets kept out of repr, and property tests over formats and bytes."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bisnap.emulator import Emulator, SnapFailure
from bisnap.emulator.routes import Fields
from tests.emulator.helpers import CLIENT_SECRET, Snap, code, dumps, va_body

CREATE = "/v1.0/transfer-va/create-va"


def test_concurrent_creates_are_all_recorded(snap: Snap, emulator: Emulator) -> None:
    snap.token  # noqa: B018 - fetch once before the threads share it
    ids = [uuid.uuid4().hex for _ in range(16)]

    def create(n: int) -> str:
        body = va_body(ids[n], customer_no=f"62801234{n:02d}")
        return code(snap.post(CREATE, body, external_id=ids[n]))

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(create, range(16)))
    assert codes == ["2002700"] * 16
    assert len(emulator.state.ledger.records()) == 16


def test_concurrent_identical_retries_create_one_va(snap: Snap, emulator: Emulator) -> None:
    snap.token  # noqa: B018
    trx = uuid.uuid4().hex
    raw = dumps(va_body(trx))
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: snap.post(CREATE, raw, external_id=trx), range(12)))
    assert {a.status_code for a in answers} == {200}
    assert len({a.content for a in answers}) == 1
    assert len(emulator.state.ledger.records()) == 1


def test_secrets_stay_out_of_reprs(snap: Snap, emulator: Emulator) -> None:
    token = snap.token
    trx = uuid.uuid4().hex
    snap.post(CREATE, va_body(trx), external_id=trx)
    emulator.pay_va(trx)
    assert emulator.wait_for_notifications()
    texts = [
        repr(emulator),
        repr(emulator.state.merchants),
        repr(emulator.state.tokens),
        repr(emulator.state.external_ids),
        repr(emulator.notifications),
        repr(emulator.state.payments),
    ]
    signature = emulator.notifications[0].headers["X-SIGNATURE"]
    for text in texts:
        assert CLIENT_SECRET not in text
        assert token not in text
        assert signature not in text


@given(value=st.decimals(min_value=Decimal("0"), max_value=Decimal("99999999999999.99"), places=2))
def test_two_decimal_amounts_are_read_exactly(value: Decimal) -> None:
    text = f"{value:.2f}"
    fields = Fields({"amount": {"value": text, "currency": "IDR"}})
    assert fields.amount("amount") == Decimal(text)


@settings(deadline=None)
@given(text=st.text(max_size=20))
def test_other_amount_strings_are_format_errors(text: str) -> None:
    parts = text.split(".")
    well_formed = (
        len(parts) == 2
        and parts[0].isascii()
        and parts[0].isdigit()
        and (parts[0] == "0" or not parts[0].startswith("0"))
        and len(parts[0]) <= 14
        and len(parts[1]) == 2
        and parts[1].isascii()
        and parts[1].isdigit()
    )
    fields = Fields({"amount": {"value": text, "currency": "IDR"}})
    if well_formed:
        assert fields.amount("amount") == Decimal(text)
    else:
        with pytest.raises(SnapFailure) as raised:
            fields.amount("amount")
        assert raised.value.case in ("01", "02")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    indent=st.sampled_from([None, 0, 1, 2, 4]),
    separators=st.sampled_from([(",", ":"), (", ", ": "), (" ,", " : ")]),
    ascii_only=st.booleans(),
)
def test_any_whitespace_layout_of_a_signed_body_verifies(
    snap: Snap, indent: int | None, separators: tuple[str, str], ascii_only: bool
) -> None:
    trx = uuid.uuid4().hex
    body = va_body(trx)
    body["virtualAccountName"] = "Sinta Dewi Ayu \u00e9"
    raw = json.dumps(body, indent=indent, separators=separators, ensure_ascii=ascii_only)
    assert code(snap.post(CREATE, raw.encode("utf-8"), external_id=trx)) == "2002700"
