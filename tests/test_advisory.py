"""Security advisories: one regression test per defect found and fixed, oldest first.

Each test's docstring states the defect as it was found and what fixed it, so this module
reads as the project's security history. A test here must keep failing if the fix is undone.
"""

from __future__ import annotations

import logging
import math
import os
import ssl
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from bisnap._cli.app import cli
from bisnap.client import AsyncSnapClient, SnapClient
from bisnap.emulator import Emulator
from bisnap.errors import ConfigurationError, NotificationError
from bisnap.gateways import MIDTRANS_SANDBOX, generic_profile
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
from bisnap.transport import create_async_client, create_client, ssl_context, validate_timeout
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


# --- 3. TLS and plain http switched off silently ----------------------------------------------


class _RetryingTransport(httpx.BaseTransport):
    """A typical wrapper around a network transport (retries, metrics)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.inner.handle_request(request)


class _OpaqueHTTPTransport(httpx.HTTPTransport):
    """An httpx network transport whose SSL context bisnap cannot reach."""

    def __init__(self) -> None:  # no super().__init__(): no pool to inspect
        pass


def _non_verifying_transports() -> list[httpx.BaseTransport]:
    unchecked = ssl.create_default_context()
    unchecked.check_hostname = False
    unchecked.verify_mode = ssl.CERT_NONE
    return [
        httpx.HTTPTransport(verify=False),
        httpx.HTTPTransport(verify=unchecked),
        httpx.HTTPTransport(verify=False, proxy="http://127.0.0.1:3128"),
        _RetryingTransport(httpx.HTTPTransport(verify=False)),
        _OpaqueHTTPTransport(),
    ]


@pytest.mark.parametrize("transport", _non_verifying_transports(), ids=repr)
def test_non_verifying_transport_is_refused(
    merchant_keys: GeneratedKeyPair, transport: httpx.BaseTransport
) -> None:
    """Defect: ``SnapClient(..., transport=httpx.HTTPTransport(verify=False))`` talked to an
    https gateway with certificate checks off: httpx ignores the verifying context bisnap
    passes once a transport is supplied.

    Fix: a supplied transport's SSL context is inspected (through wrappers and proxies); one
    that does not verify certificates and host names, or cannot be shown to, is refused with
    a ConfigurationError that names the test-only opt-in ``allow_unverified_tls=True``.
    """
    with pytest.raises(ConfigurationError, match="allow_unverified_tls=True") as info:
        SnapClient(MIDTRANS_SANDBOX, credentials(merchant_keys), transport=transport)
    assert info.value.field == "transport"
    with pytest.raises(ConfigurationError):
        create_client(MIDTRANS_SANDBOX, transport=transport)


@pytest.mark.anyio
async def test_non_verifying_transport_is_refused_async(merchant_keys: GeneratedKeyPair) -> None:
    """The same defect and fix for the async client and ``httpx.AsyncHTTPTransport``."""
    transport = httpx.AsyncHTTPTransport(verify=False)
    with pytest.raises(ConfigurationError, match="allow_unverified_tls=True"):
        AsyncSnapClient(MIDTRANS_SANDBOX, credentials(merchant_keys), transport=transport)
    async with AsyncSnapClient(
        MIDTRANS_SANDBOX,
        credentials(merchant_keys),
        transport=httpx.AsyncHTTPTransport(verify=ssl_context()),
    ):
        pass


def test_non_verifying_transport_is_refused_unless_opted_in_loudly(
    merchant_keys: GeneratedKeyPair, caplog: pytest.LogCaptureFixture
) -> None:
    """The opt-in for tests works, and says so in the log every time a client is built."""
    caplog.set_level(logging.WARNING, logger="bisnap")
    with SnapClient(
        MIDTRANS_SANDBOX,
        credentials(merchant_keys),
        transport=httpx.HTTPTransport(verify=False),
        allow_unverified_tls=True,
    ):
        pass
    assert "TLS certificate checks are off for merchants.sbx.midtrans.com" in caplog.text


@pytest.mark.parametrize(
    "transport",
    [
        None,
        httpx.HTTPTransport(),
        httpx.HTTPTransport(verify=ssl_context()),
        _RetryingTransport(httpx.HTTPTransport()),
        httpx.MockTransport(lambda request: httpx.Response(200)),
        Emulator().transport(),
    ],
    ids=repr,
)
def test_non_verifying_transport_is_refused_verifying_ones_kept(
    merchant_keys: GeneratedKeyPair, transport: httpx.BaseTransport | None
) -> None:
    """The counterpart: verifying network transports and in-process ones are accepted."""
    with SnapClient(MIDTRANS_SANDBOX, credentials(merchant_keys), transport=transport):
        pass


@pytest.mark.parametrize(
    "url",
    [
        "http://merchants.example.com",
        "http://merchants.midtrans.com",
        "http://10.0.0.7:8080",
        "http://0.0.0.0:8080",
        "http://[2001:db8::1]",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
    ],
)
def test_plain_http_to_a_remote_host_is_refused(merchant_keys: GeneratedKeyPair, url: str) -> None:
    """Defect: ``http://`` was accepted for any host (``generic_profile("http://…")``,
    ``BISNAP_BASE_URL=http://…``, ``--profile production --base-url http://…``), so the
    bearer token and signatures could travel in clear.

    Fix: whenever bisnap builds a client that sends over a network, plain http is refused
    unless the host is loopback (127.0.0.0/8, ::1, localhost) or the caller passes
    ``allow_insecure_http=True``.
    """
    creds = credentials(merchant_keys)
    with pytest.raises(ConfigurationError, match="allow_insecure_http=True") as info:
        SnapClient(generic_profile(url), creds)
    assert info.value.field == "base_url"
    with pytest.raises(ConfigurationError):
        AsyncSnapClient(MIDTRANS_SANDBOX.with_base_url(url), creds)
    environ = {
        "BISNAP_CLIENT_ID": "c",
        "BISNAP_CLIENT_SECRET": "s",
        "BISNAP_PRIVATE_KEY": merchant_keys.private_pem.decode(),
        "BISNAP_PARTNER_ID": "p",
        "BISNAP_CHANNEL_ID": "12345",
        "BISNAP_BASE_URL": url,
    }
    with pytest.raises(ConfigurationError):
        SnapClient.from_env(environ)
    with pytest.raises(ConfigurationError):
        SnapClient(generic_profile(url), creds, transport=httpx.HTTPTransport())


def test_plain_http_to_a_remote_host_is_refused_by_the_cli(
    tmp_path: Path, merchant_keys: GeneratedKeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same defect through ``bisnap token --profile production --base-url http://…``:
    refused before anything is sent, naming the ``--allow-insecure-http`` flag."""
    for name in [n for n in os.environ if n.startswith("BISNAP_") and "TEST" not in n]:
        monkeypatch.delenv(name)
    key = tmp_path / "key.pem"
    key.write_bytes(merchant_keys.private_pem)
    args = ["token", "--client-id", "c", "--private-key", str(key), "--profile", "production"]
    result = CliRunner().invoke(cli, [*args, "--base-url", "http://merchants.midtrans.com"])
    assert result.exit_code == 2
    assert "--allow-insecure-http" in result.output
    assert "unencrypted" in result.output


def test_plain_http_to_a_remote_host_is_refused_unless_opted_in_loudly(
    merchant_keys: GeneratedKeyPair, caplog: pytest.LogCaptureFixture
) -> None:
    """The opt-in is a named argument and every use is logged as a warning."""
    caplog.set_level(logging.WARNING, logger="bisnap")
    profile = generic_profile("http://gateway.internal")
    with SnapClient(profile, credentials(merchant_keys), allow_insecure_http=True):
        pass
    assert "plain http to gateway.internal (allow_insecure_http=True)" in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://127.9.8.7",
        "http://localhost:8080",
        "http://LOCALHOST",
        "http://[::1]:8080",
        "https://merchants.example.com",
    ],
)
def test_plain_http_to_a_remote_host_is_refused_loopback_kept(
    merchant_keys: GeneratedKeyPair, url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The counterpart: loopback http (the emulator, the demo) needs no opt-in and logs
    nothing; in-process transports may use any URL since nothing leaves the process."""
    caplog.set_level(logging.WARNING, logger="bisnap")
    with SnapClient(generic_profile(url), credentials(merchant_keys)):
        pass
    with SnapClient(
        generic_profile("http://emulator.test"),
        credentials(merchant_keys),
        transport=Emulator().transport(),
    ):
        pass
    assert caplog.text == ""
