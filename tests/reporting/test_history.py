"""Transaction history against the emulator: pages, date rules, filters, detail."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from bisnap.client import AsyncSnapClient, SnapClient
from bisnap.emulator import Emulator
from bisnap.emulator.endpoints.payouts import fail_transfer, set_settle_after
from bisnap.errors import (
    InvalidFieldFormatError,
    ProtocolError,
    RequestValidationError,
    TransactionNotFoundError,
)
from bisnap.keys import GeneratedKeyPair
from bisnap.models.reporting import HistoryListRequest, earliest_history_start
from bisnap.services.core import CallOptions
from bisnap.services.reporting import HISTORY_LIST
from bisnap.timestamps import JAKARTA
from tests.payouts.harness import (
    PROFILE,
    AsyncRecorder,
    FakeClock,
    Recorder,
    body_of,
    credentials,
    intrabank,
)

LIST = "/v1.0/transaction-history-list"


def _payouts(client: SnapClient, clock: FakeClock, count: int) -> list[str]:
    references = []
    for n in range(count):
        reference = f"po-{n}"
        client.payouts.intrabank_transfer(**intrabank(reference, f"{1000 + n}.00"))
        references.append(reference)
        clock.advance(60)
    return references


def test_iterates_over_every_page(client: SnapClient, recorder: Recorder, clock: FakeClock) -> None:
    references = _payouts(client, clock, 7)
    entries = list(client.reporting.history(page_size=3))
    assert [e.partner_reference_no for e in entries] == list(reversed(references))
    calls = recorder.calls(LIST)
    assert [body_of(c)["pageNumber"] for c in calls] == [0, 1, 2]
    assert {body_of(c)["pageSize"] for c in calls} == {3}
    assert len({c.headers["X-EXTERNAL-ID"] for c in calls}) == 3


def test_a_full_last_page_costs_one_empty_page(
    client: SnapClient, recorder: Recorder, clock: FakeClock
) -> None:
    _payouts(client, clock, 6)
    pages = list(client.reporting.history_pages(page_size=3))
    assert [len(p.detail_data) for p in pages] == [3, 3, 0]
    assert len(recorder.calls(LIST)) == 3


def test_starts_at_the_given_page_and_honours_max_pages(
    client: SnapClient, recorder: Recorder, clock: FakeClock
) -> None:
    references = _payouts(client, clock, 7)
    entries = list(client.reporting.history(page_size=2, page_number=1, max_pages=2))
    newest_first = list(reversed(references))
    assert [e.partner_reference_no for e in entries] == newest_first[2:6]
    assert [body_of(c)["pageNumber"] for c in recorder.calls(LIST)] == [1, 2]


def test_default_iteration_uses_the_largest_page(
    client: SnapClient, recorder: Recorder, clock: FakeClock
) -> None:
    _payouts(client, clock, 2)
    assert len(list(client.reporting.history())) == 2
    assert body_of(recorder.calls(LIST)[0])["pageSize"] == 50


def test_single_page(client: SnapClient, clock: FakeClock) -> None:
    references = _payouts(client, clock, 5)
    page = client.reporting.history_page(page_size=2, page_number=1)
    assert page.response_code == "2001200"
    assert [e.partner_reference_no for e in page.detail_data] == [references[2], references[1]]
    entry = page.detail_data[0]
    assert entry.type == "SEND_MONEY"
    assert entry.status == "SUCCESS"
    assert entry.additional_info is not None
    assert entry.additional_info.type == "DISBURSEMENT"
    assert entry.additional_info.status == "COMPLETED"
    assert entry.amount is not None
    assert entry.amount.value == Decimal("1002.00")


@pytest.mark.anyio
async def test_async_iteration(
    apair: tuple[AsyncSnapClient, AsyncRecorder], clock: FakeClock
) -> None:
    client, recorder = apair
    for n in range(5):
        await client.payouts.intrabank_transfer(**intrabank(f"a-{n}"))
        clock.advance(1)
    seen = [e.partner_reference_no async for e in client.reporting.history(page_size=2)]
    assert seen == ["a-4", "a-3", "a-2", "a-1", "a-0"]
    assert [body_of(c)["pageNumber"] for c in recorder.calls(LIST)] == [0, 1, 2]
    page = await client.reporting.history_page(page_size=1)
    assert [e.partner_reference_no for e in page.detail_data] == ["a-4"]
    entry = page.detail_data[0]
    assert entry.partner_reference_no is not None
    assert entry.reference_no is not None
    detail = await client.reporting.history_detail(
        original_partner_reference_no=entry.partner_reference_no,
        additional_info={"reference_no": entry.reference_no},
    )
    assert detail.reference_no == entry.reference_no


# --- date range -------------------------------------------------------------------------------


def test_earliest_start_is_the_first_of_the_month_six_months_back() -> None:
    now = datetime(2024, 2, 23, 23, 59, 59, tzinfo=JAKARTA)
    assert earliest_history_start(now) == datetime(2023, 8, 1, tzinfo=JAKARTA)
    assert earliest_history_start(datetime(2024, 12, 1, tzinfo=JAKARTA)) == datetime(
        2024, 6, 1, tzinfo=JAKARTA
    )


def test_range_rules_are_checked_before_sending(
    client: SnapClient, recorder: Recorder, clock: FakeClock
) -> None:
    earliest = earliest_history_start(clock())
    too_old = earliest - timedelta(seconds=1)
    with pytest.raises(RequestValidationError) as caught:
        client.reporting.history_page(from_date_time=too_old)
    assert caught.value.field == "fromDateTime"
    with pytest.raises(RequestValidationError, match="after toDateTime"):
        client.reporting.history_page(
            from_date_time=clock(), to_date_time=clock() - timedelta(days=1)
        )
    with pytest.raises(RequestValidationError):
        client.reporting.history(page_size=51)
    with pytest.raises(RequestValidationError):
        client.reporting.history_pages(max_pages=0)
    assert recorder.calls(LIST) == []
    answer = client.reporting.history_page(from_date_time=earliest)
    assert answer.detail_data == []


def test_the_emulator_applies_the_range_rule(
    client: SnapClient, clock: FakeClock, emulator: Emulator
) -> None:
    too_old = earliest_history_start(clock()) - timedelta(days=1)
    request = HistoryListRequest(from_date_time=too_old)  # type: ignore[arg-type]
    with pytest.raises(InvalidFieldFormatError) as caught:
        client.call(HISTORY_LIST, request, CallOptions())
    assert caught.value.response_code is not None
    assert caught.value.response_code.raw == "4001201"


def test_only_the_range_is_listed(client: SnapClient, clock: FakeClock) -> None:
    client.payouts.intrabank_transfer(**intrabank("early"))
    clock.advance(3600)
    middle = clock()
    client.payouts.intrabank_transfer(**intrabank("late"))
    listed = client.reporting.history(from_date_time=middle)
    assert [e.partner_reference_no for e in listed] == ["late"]
    listed = client.reporting.history(to_date_time=middle - timedelta(seconds=1))
    assert [e.partner_reference_no for e in listed] == ["early"]


# --- what happened, filtered ------------------------------------------------------------------


def test_reflects_payments_and_payouts(
    client: SnapClient, emulator: Emulator, clock: FakeClock
) -> None:
    qris = client.qris.generate(
        amount={"value": "15000.00"}, merchant_id="G123", partner_reference_no="qr-1"
    )
    clock.advance(1)
    set_settle_after(emulator, 3600)
    client.payouts.intrabank_transfer(**intrabank("po-pending"))
    clock.advance(1)
    client.payouts.intrabank_transfer(**intrabank("po-failed"))
    fail_transfer(emulator, "po-failed")

    def statuses() -> dict[str | None, tuple[str | None, str | None]]:
        return {
            e.partner_reference_no: (
                e.status,
                e.additional_info.status if e.additional_info else None,
            )
            for e in client.reporting.history()
        }

    assert statuses() == {
        "qr-1": ("PENDING", "PENDING"),
        "po-pending": ("PENDING", "PROCESSING"),
        "po-failed": ("FAILED", "FAILED"),
    }
    assert qris.reference_no is not None
    emulator.pay_qris(qris.reference_no)
    clock.advance(3600)
    assert statuses() == {
        "qr-1": ("SUCCESS", "SETTLEMENT"),
        "po-pending": ("SUCCESS", "COMPLETED"),
        "po-failed": ("FAILED", "FAILED"),
    }


def test_filters_and_sort_order(client: SnapClient, emulator: Emulator, clock: FakeClock) -> None:
    client.qris.generate(amount={"value": "1000.00"}, merchant_id="G1", partner_reference_no="qr-a")
    clock.advance(1)
    _payouts(client, clock, 2)
    fail_transfer_reference = "po-x"
    set_settle_after(emulator, 3600)
    client.payouts.intrabank_transfer(**intrabank(fail_transfer_reference))
    fail_transfer(emulator, fail_transfer_reference)

    def refs(**filters: Any) -> list[str | None]:
        return [e.partner_reference_no for e in client.reporting.history(**filters)]

    assert refs(additional_info={"types": ["PAYMENT"]}) == ["qr-a"]
    assert refs(additional_info={"types": ["DISBURSEMENT"], "sort_order": "ASC"}) == [
        "po-0",
        "po-1",
        "po-x",
    ]
    assert refs(additional_info={"disbursement": {"statuses": ["FAILED"]}}) == ["po-x", "qr-a"]
    assert refs(partner_reference_no="po-1") == ["po-1"]


def test_detail_of_a_payout_and_a_payment(client: SnapClient, emulator: Emulator) -> None:
    transfer = client.payouts.intrabank_transfer(
        **intrabank("po-d", "12345.00", beneficiary_email="budi@example.com")
    )
    assert transfer.reference_no is not None
    detail = client.reporting.history_detail(
        original_partner_reference_no="po-d",
        additional_info={"reference_no": transfer.reference_no},
    )
    assert detail.response_code == "2001300"
    assert detail.type == "SEND_MONEY"
    assert detail.remark == "payout po-d"
    info = detail.additional_info
    assert info is not None
    assert info.disbursement is not None
    assert info.disbursement.beneficiary_name == "BUDI SANTOSO"
    assert info.disbursement.beneficiary_account_no == "1234567890"
    assert info.customer_email == "budi@example.com"

    qris = client.qris.generate(
        amount={"value": "5000.00"}, merchant_id="G1", partner_reference_no="qr-d"
    )
    assert qris.reference_no is not None
    paid = client.reporting.history_detail(
        original_partner_reference_no="qr-d", additional_info={"reference_no": qris.reference_no}
    )
    assert paid.additional_info is not None
    assert paid.additional_info.payment is not None
    assert paid.additional_info.payment.expiry_time is not None
    assert paid.type == "PAYMENT"


def test_detail_not_found(client: SnapClient) -> None:
    with pytest.raises(TransactionNotFoundError) as caught:
        client.reporting.history_detail(
            original_partner_reference_no="x", additional_info={"reference_no": "y"}
        )
    assert caught.value.response_code is not None
    assert caught.value.response_code.raw == "4041301"


# --- a gateway that ignores pageNumber ---------------------------------------------------------


def test_a_repeated_page_stops_the_iteration(
    merchant_keys: GeneratedKeyPair, clock: FakeClock
) -> None:
    entry = {"dateTime": "2026-03-10T09:00:00+07:00", "status": "SUCCESS", "type": "PAYMENT"}

    def gateway(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/access-token/b2b"):
            return httpx.Response(
                200,
                json={
                    "responseCode": "2007300",
                    "accessToken": "t",
                    "tokenType": "Bearer",
                    "expiresIn": "900",
                },
            )
        return httpx.Response(200, json={"responseCode": "2001200", "detailData": [entry, entry]})

    with SnapClient(
        PROFILE, credentials(merchant_keys), transport=httpx.MockTransport(gateway)
    ) as client:
        client.reporting.clock = clock
        pages = client.reporting.history_pages(page_size=2)
        assert len(next(pages).detail_data) == 2
        with pytest.raises(ProtocolError, match="ignored pageNumber"):
            next(pages)


def test_both_dates_are_always_sent(
    client: SnapClient, recorder: Recorder, clock: FakeClock
) -> None:
    client.reporting.history_page(page_size=5)
    [call] = recorder.calls(LIST)
    body = body_of(call)
    now = clock().astimezone(JAKARTA)
    sent_from = datetime.fromisoformat(body["fromDateTime"])
    sent_to = datetime.fromisoformat(body["toDateTime"])
    assert sent_to - timedelta(seconds=1) < now <= sent_to
    assert sent_from.month == (now.month - 4) % 12 + 1
    assert sent_from.day == now.day
    assert sent_from >= earliest_history_start(now)


def test_a_given_date_is_kept_and_the_other_filled(
    client: SnapClient, recorder: Recorder, clock: FakeClock
) -> None:
    start = (clock() - timedelta(days=10)).astimezone(JAKARTA).replace(microsecond=0)
    client.reporting.history_page(from_date_time=start)
    body = body_of(recorder.calls(LIST)[0])
    assert datetime.fromisoformat(body["fromDateTime"]) == start
    assert "toDateTime" in body


def test_history_page_accepts_the_pages_string_paging(
    client: SnapClient, recorder: Recorder
) -> None:
    client.reporting.history_page(page_size="10", page_number="2")
    body = body_of(recorder.calls(LIST)[0])
    assert (body["pageSize"], body["pageNumber"]) == (10, 2)


def test_regression_default_to_date_lists_this_seconds_transactions(
    client: SnapClient, clock: FakeClock
) -> None:
    clock.advance(0.5)  # mid-second: a truncated "now" would leave this payout out
    client.payouts.intrabank_transfer(**intrabank("po-now", "1000.00"))
    page = client.reporting.history_page()
    assert [e.partner_reference_no for e in page.detail_data] == ["po-now"]
