"""wait_for_transfer: the 10-minute buffer, polling, and giving up, on a fake clock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bisnap.client import AsyncSnapClient, SnapClient
from bisnap.emulator import Emulator
from bisnap.emulator.endpoints.payouts import fail_transfer, set_settle_after
from bisnap.errors import RequestValidationError
from bisnap.services.payouts import StatusPolling
from tests.payouts.harness import AsyncRecorder, FakeClock, Recorder, intrabank

STATUS = "/v1.0/transfer/status"


def test_waits_ten_minutes_then_polls_until_final(
    client: SnapClient, emulator: Emulator, recorder: Recorder, clock: FakeClock
) -> None:
    set_settle_after(emulator, 900)
    client.payouts.intrabank_transfer(**intrabank("po-w"))
    final = client.payouts.wait_for_transfer("po-w", "17", clock=clock.monotonic, sleep=clock.sleep)
    assert final.succeeded
    assert clock.sleeps == [600.0, 60.0, 60.0, 60.0, 60.0, 60.0]
    assert len(recorder.calls(STATUS)) == 6


def test_a_failed_transfer_is_final(
    client: SnapClient, emulator: Emulator, clock: FakeClock
) -> None:
    set_settle_after(emulator, 3600)
    client.payouts.intrabank_transfer(**intrabank("po-fail", "40000.00"))
    fail_transfer(emulator, "po-fail")
    final = client.payouts.wait_for_transfer(
        "po-fail", "17", clock=clock.monotonic, sleep=clock.sleep
    )
    assert final.is_final
    assert not final.succeeded
    assert final.latest_transaction_status == "06"
    assert emulator.balance("PAYOUT-CLIENT") == Decimal("100000000.00")
    assert clock.sleeps == [600.0]


def test_gives_up_after_max_wait_with_the_last_answer(
    client: SnapClient, emulator: Emulator, recorder: Recorder, clock: FakeClock
) -> None:
    set_settle_after(emulator, 10_000)
    client.payouts.intrabank_transfer(**intrabank("po-slow"))
    polling = StatusPolling(first_check_after=600, interval=60, max_wait=900)
    last = client.payouts.wait_for_transfer(
        "po-slow", "17", polling=polling, clock=clock.monotonic, sleep=clock.sleep
    )
    assert not last.is_final
    assert last.latest_transaction_status == "03"
    assert sum(clock.sleeps) == 900
    assert len(recorder.calls(STATUS)) == 6


def test_configurable_buffer(client: SnapClient, emulator: Emulator, clock: FakeClock) -> None:
    client.payouts.intrabank_transfer(**intrabank("po-now"))
    polling = StatusPolling(first_check_after=0)
    final = client.payouts.wait_for_transfer(
        "po-now", "17", polling=polling, clock=clock.monotonic, sleep=clock.sleep
    )
    assert final.succeeded
    assert clock.sleeps == []


@pytest.mark.parametrize(
    "kwargs",
    [{"first_check_after": -1}, {"interval": 0}, {"first_check_after": 700, "max_wait": 600}],
)
def test_polling_settings_are_checked(kwargs: dict[str, float]) -> None:
    with pytest.raises(RequestValidationError):
        StatusPolling(**kwargs)


@pytest.mark.anyio
async def test_async_wait(
    apair: tuple[AsyncSnapClient, AsyncRecorder], emulator: Emulator, clock: FakeClock
) -> None:
    client, recorder = apair
    set_settle_after(emulator, 620)
    await client.payouts.intrabank_transfer(**intrabank("po-aw"))
    final = await client.payouts.wait_for_transfer(
        "po-aw", "17", clock=clock.monotonic, sleep=clock.asleep
    )
    assert final.succeeded
    assert clock.sleeps == [600.0, 60.0]
    assert len(recorder.calls(STATUS)) == 2
