"""The Redis token store: shared tokens and one exchange across processes."""

from __future__ import annotations

import json
import multiprocessing
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import anyio
import httpx
import pytest
import redis

from bisnap.auth import SnapAuth
from bisnap.credentials import Credentials
from bisnap.errors import ConfigurationError, TransportError
from bisnap.gateways import MIDTRANS_SANDBOX
from bisnap.keys import GeneratedKeyPair
from bisnap.signing import token_string_to_sign, verify_rsa
from bisnap.token_stores import RedisTokenStore, TokenStore
from bisnap.tokens import AccessToken, TokenKey, TokenManager
from tests.auth.fakes import FakeGateway
from tests.auth.redis_worker import get_token_in_process

pytestmark = pytest.mark.redis

KEY = TokenKey("https://merchants.sbx.midtrans.com", "G1234325-SNAP")
T0 = datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc)


def _token(value: str) -> AccessToken:
    return AccessToken(value, "Bearer", T0 + timedelta(seconds=900), T0)


class _TokenServer:
    """A loopback HTTP token endpoint that verifies signatures and counts exchanges."""

    def __init__(self, keys: GeneratedKeyPair, delay: float) -> None:
        self.count = 0
        self.failures = 0
        outer = self
        public_key = keys.public_key()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                self.rfile.read(length)
                try:
                    verify_rsa(
                        public_key,
                        token_string_to_sign(
                            self.headers["X-CLIENT-KEY"], self.headers["X-TIMESTAMP"]
                        ),
                        self.headers["X-SIGNATURE"],
                    )
                except Exception:
                    outer.failures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                with lock:
                    outer.count += 1
                    value = f"shared-token-{outer.count}"
                time.sleep(delay)  # keep the exchange in flight while the others arrive
                body = json.dumps(
                    {
                        "responseCode": "2007300",
                        "responseMessage": "Successful",
                        "accessToken": value,
                        "tokenType": "Bearer",
                        "expiresIn": "900",
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                return

        lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)

    def __enter__(self) -> _TokenServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def store(redis_url: str) -> Iterator[RedisTokenStore]:
    token_store = RedisTokenStore(redis_url, prefix="bisnap-test:")
    yield token_store
    token_store.close()


def _separate_process_context() -> (
    multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext
):
    """Processes that share nothing but Redis. A fork server that has imported the worker
    module starts them (one import, not one per process); spawn where there is none."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["tests.auth.redis_worker"])
    return context


@pytest.mark.slow
def test_four_processes_make_one_exchange(redis_url: str, merchant_keys: GeneratedKeyPair) -> None:
    context = _separate_process_context()
    processes = 4
    barrier = context.Barrier(processes)
    results = context.Queue()
    with _TokenServer(merchant_keys, delay=0.3) as server:
        workers = [
            context.Process(
                target=get_token_in_process,
                args=(redis_url, server.url, merchant_keys.private_pem, barrier, results),
            )
            for _ in range(processes)
        ]
        for worker in workers:
            worker.start()
        outcomes = [results.get(timeout=60) for _ in range(processes)]
        for worker in workers:
            worker.join(30)
    assert [o[0] for o in outcomes] == ["ok"] * processes, outcomes
    assert {o[1] for o in outcomes} == {"shared-token-1"}
    assert sum(o[2] for o in outcomes) == 1
    assert server.count == 1
    assert server.failures == 0


def test_store_roundtrip_and_ttl(store: RedisTokenStore, redis_url: str) -> None:
    assert isinstance(store, TokenStore)
    assert store.get(KEY) is None
    token = _token("abc")
    store.set(KEY, token)
    assert store.get(KEY) == token
    raw = redis.Redis.from_url(redis_url)
    name = f"bisnap-test:{KEY.base_url}|{KEY.client_id}"
    assert raw.exists(name) == 1
    assert 890_000 <= raw.pttl(name) <= 900_000
    raw.close()
    store.discard(KEY, _token("other"))
    assert store.get(KEY) == token
    store.discard(KEY, token)
    assert store.get(KEY) is None


def test_unreadable_entry_is_ignored(store: RedisTokenStore, redis_url: str) -> None:
    raw = redis.Redis.from_url(redis_url)
    raw.set(f"bisnap-test:{KEY.base_url}|{KEY.client_id}", b"{not json")
    raw.close()
    assert store.get(KEY) is None


def test_lock_is_exclusive_and_released(store: RedisTokenStore) -> None:
    with store.lock(KEY, blocking=False) as first:
        assert first
        with store.lock(KEY, blocking=False) as second:
            assert not second
    with store.lock(KEY, blocking=False) as again:
        assert again


def test_lock_wait_gives_up(redis_url: str) -> None:
    impatient = RedisTokenStore(
        redis_url, prefix="bisnap-test:", wait_timeout=0.1, poll_interval=0.01
    )
    with impatient.lock(KEY, blocking=True) as held, impatient.lock(KEY, blocking=True) as other:
        assert held
        assert not other
    impatient.close()


def test_threads_and_clients_share_through_redis(
    store: RedisTokenStore, credentials: Credentials, gateway: FakeGateway
) -> None:
    gateway.token_delay = 0.05
    clients = [
        httpx.Client(
            transport=gateway.transport(),
            auth=SnapAuth(credentials, token_store=store),
            base_url=MIDTRANS_SANDBOX.base_url,
        )
        for _ in range(3)
    ]
    barrier = threading.Barrier(30)
    statuses: list[int] = []

    def call(index: int) -> None:
        barrier.wait()
        statuses.append(clients[index % 3].post("/v1.0/x", json={}).status_code)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    for client in clients:
        client.close()
    assert statuses == [200] * 30
    assert gateway.exchanges == 1


@pytest.mark.anyio
async def test_async_coroutines_share_through_redis(
    store: RedisTokenStore, credentials: Credentials, gateway: FakeGateway
) -> None:
    gateway.token_delay = 0.05
    statuses: list[int] = []
    async with httpx.AsyncClient(
        transport=gateway.async_transport(),
        auth=SnapAuth(credentials, token_store=store),
        base_url=MIDTRANS_SANDBOX.base_url,
    ) as client:

        async def call() -> None:
            statuses.append((await client.post("/v1.0/x", json={})).status_code)

        async with anyio.create_task_group() as group:
            for _ in range(200):
                group.start_soon(call)
    assert statuses == [200] * 200
    assert gateway.exchanges == 1
    stored = await store.aget(TokenKey(MIDTRANS_SANDBOX.base_url, credentials.client_id))
    assert stored is not None
    assert stored.value == "token-1"


def test_invalid_token_retry_drops_the_shared_token(
    store: RedisTokenStore, credentials: Credentials, gateway: FakeGateway
) -> None:
    auth = SnapAuth(credentials, token_store=store)
    with httpx.Client(
        transport=gateway.transport(), auth=auth, base_url=MIDTRANS_SANDBOX.base_url
    ) as client:
        client.post("/v1.0/x", json={})
        gateway.valid.clear()
        assert client.post("/v1.0/x", json={}).status_code == 200
    other = TokenManager(credentials, store=store)
    cached = other.cached()
    assert cached is not None
    assert cached.value == "token-2"


def test_bad_configuration() -> None:
    with pytest.raises(ConfigurationError):
        RedisTokenStore(42)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        RedisTokenStore("notaurl://x")


def test_unreachable_redis_is_an_outage_not_an_error(caplog: pytest.LogCaptureFixture) -> None:
    # Unreachable from the start: no token to serve, so the manager exchanges (once per
    # process); the lock is the process's own; the outage is logged once.
    dead = RedisTokenStore("redis://127.0.0.1:1/0", retry_interval=60)
    assert dead.get(KEY) is None
    assert not dead.reachable
    with dead.lock(KEY, blocking=True) as held:
        assert held
    dead.set(KEY, _token("kept-in-memory"))
    assert dead.get(KEY) == _token("kept-in-memory")
    assert caplog.text.count("Redis token store is unreachable") == 1
    dead.close()


def test_other_redis_errors_still_raise(redis_url: str) -> None:
    class Refusing(redis.Redis):
        def execute_command(self, *args: Any, **options: Any) -> Any:
            raise redis.ResponseError("NOAUTH Authentication required.")

    store = RedisTokenStore(Refusing.from_url(redis_url))
    with pytest.raises(TransportError) as info:
        store.get(KEY)
    assert "Redis" in str(info.value)
    store.close()


def test_without_the_redis_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ConfigurationError) as info:
        RedisTokenStore("redis://127.0.0.1:6391/0")
    assert "bisnap[redis]" in str(info.value)
