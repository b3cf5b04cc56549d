"""The emulator state's payment indexes answer exactly what a scan of every payment would."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bisnap.emulator import Emulator
from bisnap.emulator.state import EmulatorState, Payment
from tests.emulator.helpers import PSID, FakeClock, Snap, code, va_body

CREATE = "/v1.0/transfer-va/create-va"
DELETE = "/v1.0/transfer-va/delete-va"
CREATED = datetime(2026, 3, 15, 3, 35, tzinfo=timezone.utc)
KINDS = ("va", "qris", "debit")
CLIENTS = ("c1", "c2")
IDS = ("r1", "r2", "p1", "p2", "x1", "VA1", "VA2")
STATUSES = ("03", "00", "05", "08", "01")


def _payment(client: str, kind: str, ref: str, partner: str, external: str, va: str) -> Payment:
    return Payment(
        kind=kind,
        client_id=client,
        reference_no=ref,
        partner_reference_no=partner,
        external_id=external,
        amount=Decimal("10.00"),
        status="03",
        created=CREATED,
        data={"virtualAccountNo": va} if kind == "va" else {},
    )


# The reference model: the plain scans over every payment that the indexes replace.
def _scan_find(
    payments: list[Payment], client: str, kind: str | None, partner: str, external: str
) -> Payment | None:
    for p in payments:
        if p.client_id != client or (kind is not None and p.kind != kind):
            continue
        if partner and p.partner_reference_no == partner:
            return p
        if not partner and external and p.external_id == external:
            return p
    return None


def _scan_pending(payments: list[Payment], client: str, va: str) -> bool:
    return any(
        p.client_id == client and p.kind == "va" and p.status == "03"
        for p in payments
        if p.data.get("virtualAccountNo") == va
    )


def _scan_resolve(
    payments: list[Payment], ref: str, client: str | None, kind: str | None
) -> Payment | None:
    for p in payments:
        if client not in (None, p.client_id) or kind not in (None, p.kind):
            continue
        if ref in (
            p.reference_no,
            p.partner_reference_no,
            p.external_id,
            p.data.get("virtualAccountNo"),
        ):
            return p
    return None


_adds = st.tuples(
    st.sampled_from(CLIENTS),
    st.sampled_from(KINDS),
    st.sampled_from(IDS),
    st.sampled_from(IDS),
    st.sampled_from(("VA1", "VA2")),
)
_steps = st.lists(
    st.one_of(
        st.tuples(st.just("add"), _adds),
        st.tuples(st.just("status"), st.tuples(st.integers(0, 50), st.sampled_from(STATUSES))),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(steps=_steps)
def test_indexes_agree_with_a_full_scan(steps: list[tuple[str, Any]]) -> None:
    state = EmulatorState()
    stored: list[Payment] = []
    for number, (action, args) in enumerate(steps):
        if action == "add":
            client, kind, partner, external, va = args
            payment = _payment(client, kind, f"REF{number}", partner, external, va)
            state.add_payment(payment)
            stored.append(payment)
        elif stored:
            index, status = args
            state.set_status(stored[index % len(stored)], status)
    for client in CLIENTS:
        for kind in (None, *KINDS):
            assert list(state.iter_payments(client, kind)) == [
                p for p in stored if p.client_id == client and kind in (None, p.kind)
            ]
            for value in IDS:
                expected = _scan_find(stored, client, kind, value, "")
                assert state.find_payment(client, kind, partner_reference_no=value) is expected
                expected = _scan_find(stored, client, kind, "", value)
                assert state.find_payment(client, kind, external_id=value) is expected
        for va in ("VA1", "VA2"):
            assert state.va_number_pending(client, va) is _scan_pending(stored, client, va)
    for client_or_none in (None, *CLIENTS):
        for kind in (None, *KINDS):
            for value in (*IDS, *(f"REF{n}" for n in range(len(steps)))):
                found = next(iter(state.payments_with(value, client_or_none, kind)), None)
                assert found is _scan_resolve(stored, value, client_or_none, kind)


def test_payments_mapping_is_read_only() -> None:
    state = EmulatorState()
    payment = state.add_payment(_payment("c1", "va", "R1", "P1", "P1", "VA1"))
    assert state.payments[("c1", "R1")] is payment
    with pytest.raises(TypeError):
        state.payments[("c1", "R2")] = payment  # type: ignore[index]


def test_a_replaced_payment_leaves_the_indexes() -> None:
    state = EmulatorState()
    old = state.add_payment(_payment("c1", "va", "R1", "P1", "P1", "VA1"))
    new = state.add_payment(_payment("c1", "va", "R1", "P2", "P2", "VA2"))
    assert list(state.iter_payments("c1")) == [new]
    assert state.find_payment("c1", partner_reference_no="P1") is None
    assert state.find_payment("c1", partner_reference_no="P2") is new
    assert not state.va_number_pending("c1", "VA1")
    assert state.va_number_pending("c1", "VA2")
    assert old.status == "03"


def _create(snap: Snap, trx: str | None = None) -> str:
    trx = trx or uuid.uuid4().hex
    response = snap.post(CREATE, va_body(trx), external_id=trx)
    assert code(response) == "2002700", response.text
    number: str = response.json()["virtualAccountData"]["virtualAccountNo"]
    return number


def _finish(how: str, snap: Snap, emulator: Emulator, trx: str) -> None:
    if how == "pay":
        emulator.pay_va(trx)
    elif how == "expire":
        emulator.expire(trx)
    else:
        body = {
            "partnerServiceId": PSID,
            "customerNo": "6280123456",
            "virtualAccountNo": PSID + "6280123456",
            "trxId": trx,
        }
        assert code(snap.post(DELETE, body)) == "2003100"


@pytest.mark.parametrize("how", ["pay", "expire", "delete"])
def test_a_va_number_is_free_again_once_its_va_is_finished(
    snap: Snap, emulator: Emulator, how: str
) -> None:
    wanted = PSID + "6280123456"
    trx = uuid.uuid4().hex
    assert _create(snap, trx) == wanted
    assert _create(snap) != wanted  # still pending: another number is handed out
    _finish(how, snap, emulator, trx)
    assert _create(snap) == wanted
    assert _create(snap) != wanted


def test_a_reused_trx_id_conflicts_among_many_payments(snap: Snap, clock: FakeClock) -> None:
    first = uuid.uuid4().hex
    _create(snap, first)
    for _ in range(20):
        _create(snap)
    clock.advance(2 * 86400)  # past the X-EXTERNAL-ID window: only the trxId check is left
    snap._token = None
    response = snap.post(CREATE, va_body(first), external_id=first)
    assert response.status_code == 409
    assert code(response) == "4092700"
