"""The token cache: one exchange per credential, refresh windows, sharing through a store."""

from __future__ import annotations

import threading
from collections.abc import Callable

import anyio
import httpx
import pytest

from bisnap.auth import SnapAuth
from bisnap.credentials import Credentials
from bisnap.errors import ConfigurationError, GatewayServerError
from bisnap.gateways import MIDTRANS_SANDBOX
from bisnap.keys import GeneratedKeyPair
from bisnap.token_stores import MemoryTokenStore
from bisnap.tokens import TokenManager, get_token
from tests.auth.fakes import FakeClock, FakeGateway, snap

BASE = MIDTRANS_SANDBOX.base_url
PATH = "/v1.0/qr/qr-mpm-generate"


def _run_threads(n: int, work: Callable[[], object]) -> list[object]:
    barrier = threading.Barrier(n)
    results: list[object] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        try:
            value = work()
        except BaseException as exc:  # collected and re-raised in the test thread
            with lock:
                errors.append(exc)
            return
        with lock:
            results.append(value)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    if errors:
        raise errors[0]
    assert len(results) == n
    return results


# --- cold start ----------------------------------------------------------------------------------


def test_cold_start_100_threads_one_exchange(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    gateway.token_delay = 0.05  # keep the exchange in flight while the others arrive
    with httpx.Client(
        transport=gateway.transport(), auth=SnapAuth(credentials), base_url=BASE
    ) as client:
        statuses = _run_threads(100, lambda: client.post(PATH, json={"a": 1}).status_code)
    assert statuses == [200] * 100
    assert gateway.exchanges == 1
    assert {r.headers["Authorization"] for r in gateway.transactions} == {"Bearer token-1"}


def test_cold_start_100_threads_standalone_manager(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    gateway.token_delay = 0.05
    manager = TokenManager(credentials)
    with httpx.Client(transport=gateway.transport()) as client:
        values = _run_threads(100, lambda: manager.get_token(client).value)
    assert set(values) == {"token-1"}
    assert gateway.exchanges == 1
    assert manager.exchanges == 1


@pytest.mark.anyio
async def test_cold_start_1000_coroutines_one_exchange(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    gateway.token_delay = 0.05
    statuses: list[int] = []
    async with httpx.AsyncClient(
        transport=gateway.async_transport(), auth=SnapAuth(credentials), base_url=BASE
    ) as client:

        async def call() -> None:
            response = await client.post(PATH, json={"a": 1})
            statuses.append(response.status_code)

        async with anyio.create_task_group() as group:
            for _ in range(1000):
                group.start_soon(call)
    assert statuses == [200] * 1000
    assert gateway.exchanges == 1


@pytest.mark.anyio
async def test_cold_start_1000_coroutines_standalone_manager(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    gateway.token_delay = 0.05
    manager = TokenManager(credentials)
    values: list[str] = []
    async with httpx.AsyncClient(transport=gateway.async_transport()) as client:

        async def call() -> None:
            values.append((await manager.aget_token(client)).value)

        async with anyio.create_task_group() as group:
            for _ in range(1000):
                group.start_soon(call)
    assert values == ["token-1"] * 1000
    assert gateway.exchanges == 1


# --- expiry and the refresh windows --------------------------------------------------------------


def test_expiry_with_an_injected_clock_refreshes_once(
    credentials: Credentials, gateway: FakeGateway, clock: FakeClock
) -> None:
    with httpx.Client(
        transport=gateway.transport(), auth=SnapAuth(credentials, clock=clock), base_url=BASE
    ) as client:
        client.post(PATH, json={})
        clock.advance(700)  # 200 s left: still fresh
        client.post(PATH, json={})
        assert gateway.exchanges == 1
        clock.advance(145)  # 55 s left: inside the 60 s leeway, so it must be replaced
        statuses = _run_threads(20, lambda: client.post(PATH, json={}).status_code)
        assert statuses == [200] * 20
        assert gateway.exchanges == 2
        clock.advance(300)
        client.post(PATH, json={})
    assert gateway.exchanges == 2
    assert gateway.transactions[-1].headers["Authorization"] == "Bearer token-2"


def test_expired_token_is_never_sent(
    credentials: Credentials, gateway: FakeGateway, clock: FakeClock
) -> None:
    with httpx.Client(
        transport=gateway.transport(), auth=SnapAuth(credentials, clock=clock), base_url=BASE
    ) as client:
        client.post(PATH, json={})
        clock.advance(5000)
        client.post(PATH, json={})
    assert [r.headers["Authorization"] for r in gateway.transactions] == [
        "Bearer token-1",
        "Bearer token-2",
    ]


def test_leeway_is_configurable(
    credentials: Credentials, gateway: FakeGateway, clock: FakeClock
) -> None:
    auth = SnapAuth(credentials, clock=clock, leeway=200, advisory_leeway=200)
    with httpx.Client(transport=gateway.transport(), auth=auth, base_url=BASE) as client:
        client.post(PATH, json={})
        clock.advance(650)  # 250 s left
        client.post(PATH, json={})
        assert gateway.exchanges == 1
        clock.advance(60)  # 190 s left: inside a 200 s leeway
        client.post(PATH, json={})
    assert gateway.exchanges == 2


def test_bad_leeway_is_refused(credentials: Credentials) -> None:
    with pytest.raises(ConfigurationError):
        TokenManager(credentials, leeway=-1)
    with pytest.raises(ConfigurationError):
        TokenManager(credentials, leeway=60, advisory_leeway=30)


def test_short_lived_tokens_are_still_reused(
    credentials: Credentials, gateway: FakeGateway, clock: FakeClock
) -> None:
    gateway.expires_in = "40"  # shorter than the leeway: the windows shrink with it
    with httpx.Client(
        transport=gateway.transport(), auth=SnapAuth(credentials, clock=clock), base_url=BASE
    ) as client:
        client.post(PATH, json={})
        clock.advance(15)
        client.post(PATH, json={})
        assert gateway.exchanges == 1
        clock.advance(20)  # 5 s left of 40
        client.post(PATH, json={})
    assert gateway.exchanges == 2


def test_advisory_window_callers_are_not_blocked(
    credentials: Credentials, gateway: FakeGateway, clock: FakeClock
) -> None:
    auth = SnapAuth(credentials, clock=clock)  # advisory from 120 s before expiry, mandatory 60 s
    with httpx.Client(transport=gateway.transport(), auth=auth, base_url=BASE) as client:
        client.post(PATH, json={})
        clock.advance(800)  # 100 s left: advisory window
        gateway.token_gate = threading.Event()
        gateway.token_entered.clear()
        refresher_status: list[int] = []
        refresher = threading.Thread(
            target=lambda: refresher_status.append(client.post(PATH, json={}).status_code)
        )
        refresher.start()
        assert gateway.token_entered.wait(10)
        # One caller is inside the exchange; this one goes on with the still-valid token.
        response = client.post(PATH, json={})
        refresh_was_still_pending = not gateway.token_gate.is_set()
        gateway.token_gate.set()
        refresher.join(10)
        client.post(PATH, json={})
    assert refresh_was_still_pending
    assert response.status_code == 200
    assert response.request.headers["Authorization"] == "Bearer token-1"
    assert refresher_status == [200]
    assert gateway.exchanges == 2
    assert gateway.transactions[-1].headers["Authorization"] == "Bearer token-2"


@pytest.mark.anyio
async def test_async_advisory_window_callers_are_not_blocked(
    credentials: Credentials, gateway: FakeGateway, clock: FakeClock
) -> None:
    auth = SnapAuth(credentials, clock=clock)
    async with httpx.AsyncClient(
        transport=gateway.async_transport(), auth=auth, base_url=BASE
    ) as client:
        await client.post(PATH, json={})
        clock.advance(800)
        gate = gateway.async_token_gate = anyio.Event()
        gateway.token_entered.clear()
        async with anyio.create_task_group() as group:
            group.start_soon(client.post, PATH)
            with anyio.fail_after(10):
                while not gateway.token_entered.is_set():
                    await anyio.sleep(0.001)
            response = await client.post(PATH, json={})
            refresh_was_still_pending = not gate.is_set()
            gate.set()
        await client.post(PATH, json={})
    assert refresh_was_still_pending
    assert response.request.headers["Authorization"] == "Bearer token-1"
    assert gateway.exchanges == 2
    assert gateway.transactions[-1].headers["Authorization"] == "Bearer token-2"


def test_failed_advisory_refresh_keeps_the_token(
    credentials: Credentials, gateway: FakeGateway, clock: FakeClock
) -> None:
    with httpx.Client(
        transport=gateway.transport(), auth=SnapAuth(credentials, clock=clock), base_url=BASE
    ) as client:
        client.post(PATH, json={})
        clock.advance(800)
        gateway.token_answers.append(lambda: snap(500, "5007300", "Internal Server Error"))
        failed_refresh = client.post(PATH, json={})
        retried_refresh = client.post(PATH, json={})
    assert failed_refresh.status_code == 200
    assert failed_refresh.request.headers["Authorization"] == "Bearer token-1"
    assert retried_refresh.request.headers["Authorization"] == "Bearer token-2"
    assert gateway.exchanges == 3


def test_failed_mandatory_refresh_raises_and_sends_nothing(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    gateway.token_answers.append(lambda: snap(500, "5007300", "Internal Server Error"))
    with httpx.Client(
        transport=gateway.transport(), auth=SnapAuth(credentials), base_url=BASE
    ) as client:
        with pytest.raises(GatewayServerError):
            client.post(PATH, json={})
        assert gateway.transactions == []
        assert client.post(PATH, json={}).status_code == 200
    assert gateway.exchanges == 2


def _drop_connection() -> httpx.Response:
    raise httpx.ConnectError("connection refused")


def test_a_token_exchange_cut_off_mid_flight_releases_the_refresh_lock(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    gateway.token_answers.append(_drop_connection)
    with httpx.Client(
        transport=gateway.transport(), auth=SnapAuth(credentials), base_url=BASE
    ) as client:
        with pytest.raises(httpx.ConnectError):
            client.post(PATH, json={})
        # The same thread takes the (non-reentrant) lock again: it was released.
        assert client.post(PATH, json={}).status_code == 200
    assert gateway.exchanges == 2


@pytest.mark.anyio
async def test_async_token_exchange_cut_off_mid_flight_releases_the_refresh_lock(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    gateway.token_answers.append(_drop_connection)
    async with httpx.AsyncClient(
        transport=gateway.async_transport(), auth=SnapAuth(credentials), base_url=BASE
    ) as client:
        with pytest.raises(httpx.ConnectError):
            await client.post(PATH, json={})
        with anyio.fail_after(5):
            assert (await client.post(PATH, json={})).status_code == 200
    assert gateway.exchanges == 2


# --- keys and stores -----------------------------------------------------------------------------


def test_clients_sharing_a_store_share_the_token(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    store = MemoryTokenStore()
    gateway.token_delay = 0.02
    clients = [
        httpx.Client(
            transport=gateway.transport(),
            auth=SnapAuth(credentials, token_store=store),
            base_url=BASE,
        )
        for _ in range(4)
    ]
    calls = iter(range(10**6))
    lock = threading.Lock()

    def call() -> int:
        with lock:
            index = next(calls) % 4
        return clients[index].post(PATH, json={}).status_code

    assert _run_threads(40, call) == [200] * 40
    for client in clients:
        client.close()
    assert gateway.exchanges == 1


def test_tokens_are_keyed_by_base_url_and_client_id(
    credentials: Credentials, gateway: FakeGateway, merchant_keys: GeneratedKeyPair
) -> None:
    store = MemoryTokenStore()
    other_client = credentials.replace(client_id="OTHER-CLIENT")
    gateway_b = FakeGateway("OTHER-CLIENT", merchant_keys.public_key(), credentials.client_secret)
    other_host = MIDTRANS_SANDBOX.with_base_url("https://merchants.stg.midtrans.com")
    with httpx.Client(transport=gateway.transport()) as client:
        first = TokenManager(credentials, store=store).get_token(client)
        same = TokenManager(credentials, store=store).get_token(client)
        elsewhere = TokenManager(credentials, other_host, store=store).get_token(client)
    with httpx.Client(transport=gateway_b.transport()) as client:
        other = TokenManager(other_client, store=store).get_token(client)
    assert first == same
    assert elsewhere != first
    assert other.value == "token-1"
    assert gateway.exchanges == 2
    assert gateway_b.exchanges == 1


def test_get_token_caches_across_calls(credentials: Credentials, gateway: FakeGateway) -> None:
    store = MemoryTokenStore()
    with httpx.Client(transport=gateway.transport()) as client:
        values = {get_token(client, credentials, store=store).value for _ in range(5)}
    assert values == {"token-1"}
    assert gateway.exchanges == 1


def test_invalidate_keeps_a_newer_token(credentials: Credentials, gateway: FakeGateway) -> None:
    store = MemoryTokenStore()
    manager = TokenManager(credentials, store=store)
    with httpx.Client(transport=gateway.transport()) as client:
        old = manager.get_token(client)
        manager.invalidate(old)
        new = manager.get_token(client)
        manager.invalidate(old)  # a stale rejection must not drop the newer token
        assert manager.get_token(client) == new
    assert manager.cached() == new
    assert gateway.exchanges == 2
