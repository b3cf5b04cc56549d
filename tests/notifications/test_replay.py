"""Replay stores: memory with expiry, and Redis shared between processes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from bisnap.keys import GeneratedKeyPair
from bisnap.notifications import (
    MemoryReplayStore,
    NotificationKind,
    NotificationVerifier,
    RedisReplayStore,
    ReplayStore,
    ReplayStoreError,
)

from .helpers import ROOT, SAMPLES, fixed_clock, sign_headers


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_store_claims_once_until_expiry() -> None:
    clock = FakeMonotonic()
    store = MemoryReplayStore(clock=clock)
    assert isinstance(store, ReplayStore)
    assert store.claim("a", 60)
    assert not store.claim("a", 60)
    clock.now += 59.9
    assert not store.claim("a", 60)
    clock.now += 0.1
    assert store.claim("a", 60)
    assert len(store) == 1


def test_memory_store_release() -> None:
    store = MemoryReplayStore()
    assert store.claim("a", 60)
    store.release("a")
    store.release("never-claimed")
    assert store.claim("a", 60)


def test_memory_store_expires_old_entries() -> None:
    clock = FakeMonotonic()
    store = MemoryReplayStore(clock=clock)
    for index in range(5):
        store.claim(str(index), 10)
        clock.now += 3
    assert len(store) == 3  # at 15 s, the claims made at 0 s and 3 s have expired
    clock.now += 100
    assert len(store) == 0


def test_memory_store_is_bounded() -> None:
    store = MemoryReplayStore(max_entries=2)
    for key in "abc":
        assert store.claim(key, 60)
    assert len(store) == 2
    assert store.claim("a", 60)  # the oldest was dropped
    assert not store.claim("c", 60)


def test_memory_store_configuration() -> None:
    from bisnap.errors import ConfigurationError

    with pytest.raises(ConfigurationError):
        MemoryReplayStore(max_entries=0)


def test_redis_store_needs_a_client() -> None:
    from bisnap.errors import ConfigurationError

    with pytest.raises(ConfigurationError):
        RedisReplayStore(None)


@pytest.mark.redis
def test_redis_store_claims_once_and_expires(redis_url: str) -> None:
    import redis

    store = RedisReplayStore.from_url(redis_url, prefix="test:")
    assert store.claim("a", 60)
    assert not store.claim("a", 60)
    client = redis.Redis.from_url(redis_url)
    try:
        ttl = client.pttl("test:a")
        assert 0 < ttl <= 60_000
    finally:
        client.close()
    store.release("a")
    assert store.claim("a", 60)


class UnreachableRedis:
    """Answers every command the way redis-py does when the server is down."""

    def set(self, *args: object, **kwargs: object) -> bool:
        import redis

        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    def delete(self, *args: object) -> int:
        import redis

        raise redis.TimeoutError("Timeout reading from socket")


def test_redis_store_down_fails_closed(gateway_keys: GeneratedKeyPair) -> None:
    store = RedisReplayStore(UnreachableRedis())
    with pytest.raises(ReplayStoreError) as caught:
        store.claim("a", 60)
    assert caught.value.step == "replay"
    with pytest.raises(ReplayStoreError):
        store.release("a")
    body = SAMPLES[NotificationKind.DIRECT_DEBIT]
    verifier = NotificationVerifier(
        gateway_keys.public_key(), clock=fixed_clock(), replay_store=store
    )
    headers = sign_headers(gateway_keys.private_key(), body, path="/v1.0/debit/notify")
    with pytest.raises(ReplayStoreError):
        verifier.verify("POST", "/v1.0/debit/notify", body, headers)


_WORKER = textwrap.dedent(
    """
    import json, sys
    from datetime import datetime
    from bisnap.errors import NotificationError
    from bisnap.notifications import NotificationVerifier, RedisReplayStore

    job = json.load(sys.stdin)
    now = datetime.fromisoformat(job["now"])
    verifier = NotificationVerifier(
        job["public_key"],
        clock=lambda: now,
        replay_store=RedisReplayStore.from_url(job["redis_url"]),
    )
    try:
        verifier.verify("POST", job["path"], job["body"].encode(), job["headers"])
    except NotificationError as exc:
        print(exc.step)
    else:
        print("accepted")
    """
)


@pytest.mark.slow
@pytest.mark.redis
def test_replay_across_two_processes_sharing_redis(
    redis_url: str, gateway_keys: GeneratedKeyPair
) -> None:
    from .helpers import NOW

    body = SAMPLES[NotificationKind.QRIS_PAYMENT]
    path = "/v1.0/qr/qr-mpm-notify"
    job = json.dumps(
        {
            "public_key": gateway_keys.public_pem.decode(),
            "redis_url": redis_url,
            "now": NOW.isoformat(),
            "path": path,
            "body": body.decode(),
            "headers": sign_headers(gateway_keys.private_key(), body, path=path),
        }
    )
    # Both processes start together and race for the same X-EXTERNAL-ID.
    workers = [
        subprocess.Popen(
            [sys.executable, "-W", "error", "-c", _WORKER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        for _ in range(2)
    ]
    outcomes = []
    for worker in workers:
        out, err = worker.communicate(job, timeout=60)
        assert worker.returncode == 0, err
        outcomes.append(out.strip())
    assert sorted(outcomes) == ["accepted", "replay"]
    # A third process, later, is refused too.
    late = subprocess.run(
        [sys.executable, "-c", _WORKER],
        input=job,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert late.stdout.strip() == "replay"
