"""Security advisories: one regression test per defect found and fixed, oldest first.

Each test's docstring states the defect as it was found and what fixed it, so this module
reads as the project's security history. A test here must keep failing if the fix is undone.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from bisnap.client import AsyncSnapClient, SnapClient
from bisnap.errors import ConfigurationError, NotificationError
from bisnap.gateways import MIDTRANS_SANDBOX
from bisnap.keys import GeneratedKeyPair
from bisnap.notifications import (
    MemoryReplayStore,
    NotificationKind,
    NotificationReceiver,
    NotificationVerifier,
    RedisReplayStore,
    ReplayStore,
    VerifiedNotification,
)
from bisnap.transport import create_async_client, create_client, validate_timeout
from tests.client import examples
from tests.client.fakes import FakeGateway, credentials, snap, sync_client
from tests.notifications.helpers import SAMPLES, fixed_clock, sign_headers

QRIS_PATH = "/v1.0/qr/qr-mpm-notify"
QRIS_BODY = SAMPLES[NotificationKind.QRIS_PAYMENT]


# --- 1. notification replay with a fresh X-EXTERNAL-ID -----------------------------------------


def _counting_receiver(
    gateway_keys: GeneratedKeyPair, store: ReplayStore
) -> tuple[NotificationReceiver, list[str]]:
    handled: list[str] = []
    lock = threading.Lock()

    def handler(notification: VerifiedNotification) -> None:
        with lock:
            handled.append(notification.external_id)

    verifier = NotificationVerifier(
        gateway_keys.public_key(), clock=fixed_clock(), replay_store=store
    )
    return NotificationReceiver(verifier, handler), handled


def _replay_stores(request: pytest.FixtureRequest) -> ReplayStore:
    if request.param == "memory":
        return MemoryReplayStore()
    redis_url: str = request.getfixturevalue("redis_url")
    return RedisReplayStore.from_url(redis_url, prefix="advisory:")


replay_store = pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])(
    _replay_stores
)


def test_replay_with_fresh_external_id_is_refused(
    gateway_keys: GeneratedKeyPair, replay_store: ReplayStore
) -> None:
    """Defect: the replay store was keyed only on X-EXTERNAL-ID, which the gateway does not
    sign. A captured notification resent within the ±300 s window under ids ``ext-a``,
    ``ext-b``, ``ext-c`` was answered 200 three times and the handler ran three times.

    Fix: the verifier also records what was signed (SHA-256 of the string-to-sign: method,
    path, body digest, X-TIMESTAMP) and claims it before the id, so a second delivery of the
    same signed request is refused with 409 whatever its id.
    """
    receiver, handled = _counting_receiver(gateway_keys, replay_store)
    headers = sign_headers(gateway_keys.private_key(), QRIS_BODY, path=QRIS_PATH)
    codes = []
    for external_id in ("ext-a", "ext-b", "ext-c"):
        ack = receiver.handle(
            "POST", QRIS_PATH, QRIS_BODY, {**headers, "X-EXTERNAL-ID": external_id}
        )
        codes.append(ack.response_code)
    assert codes == ["2005200", "4095200", "4095200"]
    assert handled == ["ext-a"]


def test_replay_with_fresh_external_id_is_refused_under_concurrency(
    gateway_keys: GeneratedKeyPair, replay_store: ReplayStore
) -> None:
    """Defect (as above), raced: 100 copies of one signed notification, each with its own
    X-EXTERNAL-ID, arriving at once. Fix: the signed-content claim is atomic (a lock in
    memory, ``SET NX`` in Redis), so exactly one copy reaches the handler.
    """
    receiver, handled = _counting_receiver(gateway_keys, replay_store)
    headers = sign_headers(gateway_keys.private_key(), QRIS_BODY, path=QRIS_PATH)
    start = threading.Barrier(100)

    def deliver(number: int) -> str:
        start.wait(30)
        copy = {**headers, "X-EXTERNAL-ID": f"copy-{number}"}
        return receiver.handle("POST", QRIS_PATH, QRIS_BODY, copy).response_code

    with ThreadPoolExecutor(max_workers=100) as pool:
        codes = list(pool.map(deliver, range(100)))
    assert len(handled) == 1
    assert sorted(codes) == ["2005200"] + ["4095200"] * 99


def test_replay_with_fresh_external_id_is_released_on_handler_failure(
    gateway_keys: GeneratedKeyPair,
) -> None:
    """The fix must not lose notifications: when the handler fails, both replay records are
    released, so the gateway's retry of the very same signed request is processed."""
    store = MemoryReplayStore()
    calls: list[str] = []

    def flaky(notification: VerifiedNotification) -> None:
        calls.append(notification.external_id)
        if len(calls) == 1:
            raise RuntimeError("database down")

    verifier = NotificationVerifier(
        gateway_keys.public_key(), clock=fixed_clock(), replay_store=store
    )
    receiver = NotificationReceiver(verifier, flaky)
    headers = sign_headers(gateway_keys.private_key(), QRIS_BODY, path=QRIS_PATH)
    assert receiver.handle("POST", QRIS_PATH, QRIS_BODY, headers).status_code == 500
    assert receiver.handle("POST", QRIS_PATH, QRIS_BODY, headers).response_code == "2005200"
    assert len(store) == 2  # the signed content and the id, recorded once more
    with pytest.raises(NotificationError) as info:
        verifier.verify("POST", QRIS_PATH, QRIS_BODY, {**headers, "X-EXTERNAL-ID": "other"})
    assert info.value.step == "replay"


# --- 2. unlimited timeouts --------------------------------------------------------------------

_UNLIMITED: list[object] = [
    math.inf,
    math.nan,
    -math.inf,
    0,
    -1.0,
    httpx.Timeout(math.inf),
    httpx.Timeout(math.nan),
    httpx.Timeout(5.0, read=math.inf),
    httpx.Timeout(5.0, connect=math.nan),
    httpx.Timeout(5.0, pool=None),
    httpx.Timeout(None),
    True,
    "30",
]


@pytest.mark.parametrize("timeout", _UNLIMITED, ids=repr)
def test_unlimited_timeouts_are_refused(merchant_keys: GeneratedKeyPair, timeout: object) -> None:
    """Defect: ``validate_timeout`` refused only ``<= 0``, so ``math.inf`` and ``math.nan``
    passed, as a float, inside ``httpx.Timeout`` and as a per-call ``timeout=``; a client built
    with ``timeout=math.nan`` was still waiting after 6 s on a server that never answered.

    Fix: one rule (:func:`bisnap.durations.positive_seconds`) checks every phase is finite
    and positive, used by the client constructors, ``create_client``, and per-call timeouts.
    """
    creds = credentials(merchant_keys)
    constructors: list[Callable[[], object]] = [
        lambda: validate_timeout(timeout),  # type: ignore[arg-type]
        lambda: create_client(timeout=timeout),  # type: ignore[arg-type]
        lambda: create_async_client(timeout=timeout),  # type: ignore[arg-type]
        lambda: SnapClient(MIDTRANS_SANDBOX, creds, timeout=timeout),  # type: ignore[arg-type]
        lambda: AsyncSnapClient(MIDTRANS_SANDBOX, creds, timeout=timeout),  # type: ignore[arg-type]
    ]
    for build in constructors:
        with pytest.raises(ConfigurationError) as info:
            build()
        assert info.value.field == "timeout"
    gateway = FakeGateway([snap(200, "2004700", partnerReferenceNo="r", qrContent="QR")])
    with sync_client(gateway, merchant_keys) as client, pytest.raises(ConfigurationError):
        client.qris.generate(timeout=timeout, **examples.qris_generate())  # type: ignore[arg-type]
    assert gateway.requests == []


def test_unlimited_timeouts_are_refused_finite_ones_kept() -> None:
    """The counterpart: finite positive timeouts go through unchanged, phase by phase."""
    timeout = validate_timeout(httpx.Timeout(1.5, connect=0.25))
    assert timeout.as_dict() == {"connect": 0.25, "read": 1.5, "write": 1.5, "pool": 1.5}
    assert validate_timeout(2).as_dict() == {"connect": 2.0, "read": 2.0, "write": 2.0, "pool": 2.0}
