"""``Emulator(history_limit=N)``: only the last N settled payments and transfers are kept;
pending ones never go; the default keeps everything."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bisnap.client import SnapClient
from bisnap.emulator import Emulator
from bisnap.emulator.endpoints.payouts import payouts_book
from bisnap.errors import ConfigurationError, TransactionNotFoundError
from bisnap.keys import GeneratedKeyPair
from tests.client import examples
from tests.client.emulated import PROFILE, new_emulator
from tests.client.fakes import credentials
from tests.payouts.harness import FakeClock, intrabank, make_emulator, sync_client


def _va(client: SnapClient, index: int) -> str:
    trx = f"trx-{index}"
    client.virtual_accounts.create(
        external_id=trx,
        **examples.va_create(
            customer_no=f"62801{index:05d}", virtual_account_no=f"   7001262801{index:05d}"
        ),
    )
    return trx


@pytest.fixture
def bounded(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair
) -> Iterator[tuple[Emulator, SnapClient]]:
    emulator = new_emulator(merchant_keys, gateway_keys, history_limit=3)
    with SnapClient(PROFILE, credentials(merchant_keys), transport=emulator.transport()) as client:
        yield emulator, client
    emulator.close()


def test_only_the_last_settled_payments_are_kept(bounded: tuple[Emulator, SnapClient]) -> None:
    emulator, client = bounded
    trxs = [_va(client, i) for i in range(6)]
    for trx in trxs[:5]:
        emulator.pay_va(trx)
    kept = {p.external_id for p in emulator.state.iter_payments("fake-client", "va")}
    assert kept == {"trx-2", "trx-3", "trx-4", "trx-5"}  # three settled + the pending one
    assert len(emulator.state.ledger.records("fake-client")) == 4
    assert not any(key[2] in ("trx-0", "trx-1") for key in emulator.state.external_ids)
    with pytest.raises(TransactionNotFoundError):
        client.virtual_accounts.status(inquiry_request_id="trx-0", **_status_fields(0))
    answer = client.virtual_accounts.status(inquiry_request_id="trx-4", **_status_fields(4))
    assert answer.virtual_account_data is not None


def _status_fields(index: int) -> dict[str, Any]:
    return {
        "partner_service_id": "   70012",
        "customer_no": f"62801{index:05d}",
        "virtual_account_no": f"   7001262801{index:05d}",
        "additional_info": {"merchantId": examples.MERCHANT_ID},
    }


def test_pending_payments_are_never_dropped(bounded: tuple[Emulator, SnapClient]) -> None:
    emulator, client = bounded
    for i in range(8):
        _va(client, i)
    assert len(list(emulator.state.iter_payments("fake-client", "va"))) == 8
    assert len(emulator.state.ledger.records("fake-client")) == 8


def test_history_is_unbounded_by_default(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair
) -> None:
    emulator = new_emulator(merchant_keys, gateway_keys)
    with SnapClient(PROFILE, credentials(merchant_keys), transport=emulator.transport()) as client:
        for i in range(6):
            emulator.pay_va(_va(client, i))
    assert len(list(emulator.state.iter_payments("fake-client", "va"))) == 6
    emulator.close()


def test_only_the_last_settled_transfers_are_kept(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair
) -> None:
    clock = FakeClock()
    emulator = make_emulator(merchant_keys, clock, gateway_keys, history_limit=2)
    client, _ = sync_client(emulator, merchant_keys, clock)
    with client:
        for i in range(5):
            client.payouts.intrabank_transfer(**intrabank(f"po-{i}"))
    book = payouts_book(emulator)
    assert [t.partner_reference_no for t in book.transfers] == ["po-3", "po-4"]
    assert set(book.by_reference) == {"po-3", "po-4"}
    records = emulator.state.ledger.records()
    assert [r.partner_reference_no for r in records] == ["po-3", "po-4"]
    emulator.close()


@pytest.mark.parametrize("bad", [-1, 1.5, True, "10"])
def test_a_bad_history_limit_is_refused(bad: object) -> None:
    with pytest.raises(ConfigurationError) as info:
        Emulator(history_limit=bad)  # type: ignore[arg-type]
    assert info.value.field == "history_limit"
