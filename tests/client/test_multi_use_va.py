"""The client's multi-use VA path against the emulator, sync and async (spec §5.1.3).

A merchant with multi-use VAs creates one VA, the customer pays it several times, and the
status pages through ``additionalInfo.recurringPaymentDetail`` latest first.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from bisnap import errors as E
from bisnap.emulator import SimulationError
from bisnap.keys import GeneratedKeyPair
from bisnap.models.virtual_accounts import VaStatusResponse
from tests.client import examples
from tests.client.emulated import Emulated, new_emulator

pytestmark = pytest.mark.anyio

IDENTITY = {
    "partner_service_id": "   70012",
    "customer_no": "6280123456",
    "virtual_account_no": "   700126280123456",
}


@pytest.fixture(params=["sync", "async"])
async def multi(
    request: pytest.FixtureRequest,
    merchant_keys: GeneratedKeyPair,
    gateway_keys: GeneratedKeyPair,
) -> AsyncIterator[Emulated]:
    emulator = new_emulator(merchant_keys, gateway_keys)
    merchant = emulator.merchant("fake-client")
    merchant.multi_use_va = True
    emulated = Emulated(request.param, emulator, merchant_keys)
    yield emulated
    await emulated.close()
    emulator.close()


async def _status(
    snap: Emulated, page: str | None = None, size: str | None = None
) -> VaStatusResponse:
    info = {"merchantId": examples.MERCHANT_ID}
    if page is not None:
        info["page"] = page
    if size is not None:
        info["pageSize"] = size
    response = await snap.virtual_accounts.status(
        **IDENTITY, inquiry_request_id="multi-1", additional_info=info
    )
    assert isinstance(response, VaStatusResponse)
    return response


async def test_multi_use_va_takes_several_payments_and_pages_them(multi: Emulated) -> None:
    created = await multi.virtual_accounts.create(**examples.va_create(trx_id="multi-1"))
    assert created.virtual_account_data.expired_date is None  # absent for multi-use
    for amount in ("150000.00", "5000.00", "7500.00"):
        multi.emulator.pay_va("multi-1", amount=Decimal(amount))

    first = await _status(multi, page="0", size="2")
    assert first.additional_info is not None
    detail = first.additional_info.recurring_payment_detail
    assert detail is not None
    assert detail.recurring_orders is not None
    assert [o.total_amount.value for o in detail.recurring_orders if o.total_amount] == [
        Decimal("7500.00"),
        Decimal("5000.00"),
    ]
    assert detail.pagination_metadata is not None
    assert detail.pagination_metadata.to_wire() == {"total": "3", "pageSize": "2", "page": "0"}
    assert all(o.payment_flag_status == "00" for o in detail.recurring_orders)

    second = await _status(multi, page="1", size="2")
    assert second.additional_info is not None
    orders = second.additional_info.recurring_payment_detail.recurring_orders  # type: ignore[union-attr]
    assert orders is not None
    assert len(orders) == 1
    # The first payment carries the VA's trxId; later ones trxId + "-" + a suffix.
    assert orders[0].trx_id == "multi-1"
    assert all(o.trx_id.startswith("multi-1-") for o in detail.recurring_orders if o.trx_id)

    default = await _status(multi)
    paging = default.additional_info.recurring_payment_detail.pagination_metadata  # type: ignore[union-attr]
    assert paging is not None
    assert paging.page_size == "10"
    assert paging.page == "0"


async def test_each_multi_use_payment_is_notified(multi: Emulated) -> None:
    multi.emulator.merchant("fake-client").notify_url = "http://merchant.test/snap"
    await multi.virtual_accounts.create(**examples.va_create(trx_id="multi-1"))
    multi.emulator.pay_va("multi-1", amount=Decimal("1.00"))
    multi.emulator.pay_va("multi-1", amount=Decimal("2.00"))
    sent = [n for n in multi.emulator.notifications if n.path == "/v1.0/transfer-va/payment"]
    assert len(sent) == 2
    bodies = [json.loads(n.body) for n in sent]
    assert [b["paidAmount"]["value"] for b in bodies] == ["1.00", "2.00"]
    assert bodies[0]["trxId"] == "multi-1"
    assert bodies[1]["trxId"].startswith("multi-1-")


async def test_page_size_above_15_is_refused_before_sending(multi: Emulated) -> None:
    await multi.virtual_accounts.create(**examples.va_create(trx_id="multi-1"))
    with pytest.raises(E.RequestValidationError) as caught:
        await _status(multi, size="16")
    assert caught.value.field == "additionalInfo.pageSize"
    with pytest.raises(E.RequestValidationError):
        await _status(multi, page="-1")


async def test_a_deleted_multi_use_va_takes_no_payment(multi: Emulated) -> None:
    await multi.virtual_accounts.create(**examples.va_create(trx_id="multi-1"))
    multi.emulator.pay_va("multi-1", amount=Decimal("10.00"))
    await multi.virtual_accounts.delete(
        **IDENTITY, trx_id="multi-1", additional_info={"merchantId": examples.MERCHANT_ID}
    )
    with pytest.raises(SimulationError):
        multi.emulator.pay_va("multi-1", amount=Decimal("10.00"))
