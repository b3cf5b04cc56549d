"""Both async transports (httpx's own pool and aiohttp) keep the same guarantees over real
loopback sockets: TLS verification with the same CA options, finite timeouts, pool limits, and
errors that never call a request that may have been sent "never sent"."""

from __future__ import annotations

import asyncio
import datetime
import gzip
import ipaddress
import socket
import ssl
import threading
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bisnap.aiohttp_transport import AiohttpTransport, map_aiohttp_error
from bisnap.client import AsyncSnapClient
from bisnap.emulator import BackgroundServer, run_in_thread
from bisnap.errors import ConfigurationError, OutcomeUnknownError, TransportError
from bisnap.gateways import GatewayProfile
from bisnap.keys import GeneratedKeyPair
from bisnap.services.core import _NEVER_SENT
from bisnap.transport import (
    DEFAULT_AIOHTTP_LIMITS,
    DEFAULT_LIMITS,
    Backend,
    create_async_client,
    create_client,
    pool_limits,
    ssl_context,
)
from tests.client import examples
from tests.client.emulated import new_emulator
from tests.client.fakes import Sleeps, credentials

pytestmark = pytest.mark.anyio

BACKENDS: tuple[Backend, ...] = ("httpx", "aiohttp")
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


def _profile(base_url: str) -> GatewayProfile:
    return GatewayProfile(name="loopback", base_url=base_url, app_base_url=base_url)


# --- TLS -------------------------------------------------------------------------------------


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bisnap test CA")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _read_request(conn: socket.socket) -> bytes:
    """Read one HTTP/1.1 request (head and a Content-Length body) from ``conn``."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class _TlsServer:
    """One-shot HTTPS answers on 127.0.0.1 from a thread (a fixed SNAP JSON body)."""

    def __init__(self, cert_file: Path, key_file: Path) -> None:
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(cert_file, key_file)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.served = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        body = b'{"responseCode":"2001700","responseMessage":"ok"}'
        while not self._stop.is_set():
            try:
                raw, _ = self.listener.accept()
            except TimeoutError:
                continue
            raw.settimeout(5)
            try:
                with self.context.wrap_socket(raw, server_side=True) as conn:
                    _read_request(conn)
                    self.served += 1
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                        b"Connection: close\r\nContent-Length: "
                        + str(len(body)).encode()
                        + b"\r\n\r\n"
                        + body
                    )
            except (ssl.SSLError, OSError):
                raw.close()  # the client refused our certificate: what the tests expect

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.listener.close()


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[_TlsServer, Path]]:
    cert_file, key_file = _self_signed(tmp_path)
    server = _TlsServer(cert_file, key_file)
    yield server, cert_file
    server.stop()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_an_untrusted_certificate_is_refused_and_reported_as_never_sent(
    backend: Backend, tls_server: tuple[_TlsServer, Path]
) -> None:
    server, _ = tls_server
    async with create_async_client(
        _profile(f"https://localhost:{server.port}"), backend=backend, timeout=5.0
    ) as client:
        with pytest.raises(httpx.ConnectError) as info:
            await client.get("/ping")
    assert "certificate" in str(info.value).lower()
    assert isinstance(info.value, _NEVER_SENT)
    assert server.served == 0


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_ca_bundle_is_trusted_with_host_names_checked(
    backend: Backend, tls_server: tuple[_TlsServer, Path]
) -> None:
    server, cert_file = tls_server
    async with create_async_client(
        _profile(f"https://localhost:{server.port}"),
        backend=backend,
        ca_bundle=cert_file,
        timeout=5.0,
    ) as client:
        answer = await client.get("/ping")
    assert answer.json()["responseCode"] == "2001700"
    assert server.served == 1


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_non_verifying_ssl_context_is_refused(backend: Backend) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with pytest.raises(ConfigurationError) as info:
        create_async_client(backend=backend, ca_bundle=context)
    assert info.value.field == "ca_bundle"


def test_the_aiohttp_transport_refuses_a_non_verifying_context_given_directly() -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with pytest.raises(ConfigurationError):
        AiohttpTransport(ssl_context=context, limits=DEFAULT_LIMITS)


# --- options ---------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
async def test_unlimited_timeouts_are_refused_on_both_backends(backend: Backend) -> None:
    for bad in (httpx.Timeout(None), httpx.Timeout(5.0, read=None), 0):
        with pytest.raises(ConfigurationError) as info:
            create_async_client(backend=backend, timeout=bad)
        assert info.value.field == "timeout"


def test_pool_limits_option() -> None:
    assert pool_limits(None) is DEFAULT_LIMITS
    assert pool_limits(None, "aiohttp") is DEFAULT_AIOHTTP_LIMITS
    assert pool_limits(7).max_connections == 7
    assert pool_limits(7).max_keepalive_connections == 7
    for bad in (0, -1, True, "10", httpx.Limits(max_connections=None)):
        with pytest.raises(ConfigurationError) as info:
            pool_limits(bad)  # type: ignore[arg-type]
        assert info.value.field == "limits"


async def test_limits_with_a_transport_of_ones_own_are_refused() -> None:
    # The transport brings its own pool: limits given beside it would be silently ignored.
    with pytest.raises(ConfigurationError) as info:
        create_client(limits=5, transport=httpx.HTTPTransport())
    assert info.value.field == "limits"
    with pytest.raises(ConfigurationError):
        create_async_client(limits=5, transport=httpx.AsyncHTTPTransport())


def test_an_unknown_keyword_is_a_type_error_naming_it() -> None:
    # The shared options are a TypedDict: a misspelt one must not be silently dropped.
    with pytest.raises(TypeError, match=r"^create_client\(\) got .* 'timout'$"):
        create_client(timout=5)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"^create_async_client\(\) got .* 'verify'$"):
        create_async_client(verify=False)  # type: ignore[call-arg]


async def test_backend_and_transport_together_or_an_unknown_backend_are_refused() -> None:
    with pytest.raises(ConfigurationError) as info:
        create_async_client(backend="aiohttp", transport=httpx.AsyncHTTPTransport())
    assert info.value.field == "backend"
    with pytest.raises(ConfigurationError):
        create_async_client(backend="requests")  # type: ignore[arg-type]


# --- pool limits -----------------------------------------------------------------------------


class _CountingApp:
    """Answers after ``hold`` seconds, or as soon as ``release`` is set; records the most
    requests in flight and client ports."""

    def __init__(self, hold: float) -> None:
        self.hold = hold
        self.release = threading.Event()
        self.in_flight = 0
        self.most = 0
        self.peers: set[int] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert scope["type"] == "http"
        while (await receive()).get("more_body"):
            pass
        self.peers.add(scope["client"][1])
        self.in_flight += 1
        self.most = max(self.most, self.in_flight)
        try:
            await asyncio.to_thread(self.release.wait, self.hold)
        finally:
            self.in_flight -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})


@pytest.mark.parametrize("backend", BACKENDS)
async def test_pool_limits_are_honoured(backend: Backend) -> None:
    app = _CountingApp(hold=0.05)
    with BackgroundServer(app) as server:
        async with create_async_client(
            _profile(server.base_url), backend=backend, limits=3, timeout=10.0
        ) as client:
            answers = await asyncio.gather(*(client.post("/x", content=b"{}") for _ in range(24)))
    assert [a.status_code for a in answers] == [200] * 24
    assert app.most <= 3
    assert len(app.peers) <= 3  # kept alive and reused, never more than three sockets


@pytest.mark.parametrize("backend", BACKENDS)
async def test_waiting_for_a_free_connection_times_out_as_never_sent(backend: Backend) -> None:
    app = _CountingApp(hold=1.5)
    timeout = httpx.Timeout(connect=0.2, read=5.0, write=5.0, pool=0.2)
    with BackgroundServer(app) as server:
        async with create_async_client(
            _profile(server.base_url), backend=backend, limits=1, timeout=timeout
        ) as client:
            first = asyncio.ensure_future(client.post("/x", content=b"{}"))
            await asyncio.sleep(0.3)  # the only connection is busy
            with pytest.raises(httpx.TimeoutException) as info:
                await client.post("/y", content=b"{}")
            app.release.set()  # the first answer need not be held any longer
            assert (await first).status_code == 200
    assert isinstance(info.value, _NEVER_SENT)
    assert len(app.peers) == 1


# --- errors after sending ----------------------------------------------------------------------


class _HangUpServer:
    """Reads each request in full, counts it, and closes the connection without answering."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.requests = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                _read_request(conn)
                self.requests += 1

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.listener.close()


class _NoAuth(httpx.Auth):
    """Sends requests as they are (the hang-up server needs no token)."""


@pytest.mark.parametrize("backend", BACKENDS)
async def test_server_disconnected_after_the_request_was_written_is_an_unknown_outcome(
    backend: Backend, merchant_keys: GeneratedKeyPair
) -> None:
    # Regression: a transport that reports this disconnect as a connect failure makes the
    # client resend the payment, charging the customer twice.
    server = _HangUpServer()
    try:
        async with AsyncSnapClient(
            _profile(f"http://127.0.0.1:{server.port}"),
            credentials(merchant_keys),
            backend=backend,
            auth=_NoAuth(),
            timeout=5.0,
            sleep=Sleeps().asleep,
        ) as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await client.direct_debit.payment(**examples.debit_payment())
    finally:
        server.stop()
    assert info.value.status_operation == "direct_debit.status"
    assert server.requests == 1  # sent once, never resent by the client or the transport


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_refused_connection_is_retried_as_never_sent(
    backend: Backend, merchant_keys: GeneratedKeyPair
) -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there now
    sleeps = Sleeps()
    async with AsyncSnapClient(
        _profile(f"http://127.0.0.1:{port}"),
        credentials(merchant_keys),
        backend=backend,
        auth=_NoAuth(),
        timeout=5.0,
        sleep=sleeps.asleep,
    ) as client:
        with pytest.raises(TransportError) as info:
            await client.direct_debit.payment(**examples.debit_payment())
    assert not isinstance(info.value, OutcomeUnknownError)
    assert len(sleeps.delays) >= 1  # retried: it cannot have reached anyone


def _request() -> httpx.Request:
    return httpx.Request("POST", "https://gateway.test/v1.0/debit/payment-host-to-host")


def _connection_key() -> Any:
    from aiohttp.client_reqrep import ConnectionKey

    return ConnectionKey("gateway.test", 443, True, True, None, None, None)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError),
        (aiohttp.ClientPayloadError("cut"), httpx.RemoteProtocolError),
        (aiohttp.SocketTimeoutError("read"), httpx.ReadTimeout),
        (aiohttp.ServerTimeoutError("total"), httpx.ReadTimeout),
        (asyncio.TimeoutError(), httpx.ReadTimeout),
        (aiohttp.ClientOSError(104, "reset"), httpx.ReadError),
        (aiohttp.ClientConnectionResetError("reset"), httpx.ReadError),
        (aiohttp.ClientConnectionError("other"), httpx.ReadError),
        (aiohttp.ClientError("other"), httpx.TransportError),
    ],
)
def test_failures_after_connecting_map_to_maybe_sent_errors(
    error: BaseException, expected: type[httpx.TransportError]
) -> None:
    with pytest.raises(httpx.TransportError) as info:
        map_aiohttp_error(error, _request())
    assert type(info.value) is expected
    assert not isinstance(info.value, _NEVER_SENT)
    assert info.value.__cause__ is error


def test_failures_to_connect_map_to_never_sent_errors() -> None:
    refused = aiohttp.ClientConnectorError(_connection_key(), ConnectionRefusedError(111, "no"))
    for error, expected in [
        (aiohttp.ConnectionTimeoutError("connect"), httpx.ConnectTimeout),
        (refused, httpx.ConnectError),
    ]:
        with pytest.raises(httpx.TransportError) as info:
            map_aiohttp_error(error, _request())
        assert type(info.value) is expected
        assert isinstance(info.value, _NEVER_SENT)


async def test_the_client_core_sees_the_emulator_through_aiohttp(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair
) -> None:
    emulator = new_emulator(merchant_keys, gateway_keys)
    with run_in_thread(emulator) as server:
        async with AsyncSnapClient(
            _profile(server.base_url), credentials(merchant_keys), backend="aiohttp", limits=4
        ) as client:
            payments = await asyncio.gather(
                *(
                    client.direct_debit.payment(
                        **examples.debit_payment(partner_reference_no=f"order-{i}")
                    )
                    for i in range(12)
                )
            )
    emulator.close()
    assert len({p.reference_no for p in payments}) == 12
    assert len(list(emulator.state.iter_payments("fake-client", "debit"))) == 12


# --- cookies ---------------------------------------------------------------------------------


def _cookie_setter(seen: list[httpx.Request]) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Set-Cookie": "session=abc; Path=/"}, json={})

    return httpx.MockTransport(answer)


def test_cookies_from_answers_are_neither_kept_nor_sent_sync() -> None:
    seen: list[httpx.Request] = []
    with create_client(_profile("https://gateway.test"), transport=_cookie_setter(seen)) as c:
        c.post("/a", content=b"{}")
        c.post("/b", content=b"{}")
        assert not c.cookies
    assert [r.headers.get("Cookie") for r in seen] == [None, None]


async def test_cookies_from_answers_are_neither_kept_nor_sent_async() -> None:
    seen: list[httpx.Request] = []
    async with create_async_client(
        _profile("https://gateway.test"), transport=_cookie_setter(seen)
    ) as c:
        await c.post("/a", content=b"{}")
        await c.post("/b", content=b"{}")
        assert not c.cookies
    assert [r.headers.get("Cookie") for r in seen] == [None, None]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_per_call_read_timeout_reaches_the_transport(
    backend: Backend, merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair
) -> None:
    emulator = new_emulator(merchant_keys, gateway_keys)
    with run_in_thread(emulator) as server:
        emulator.inject_fault("/v1.0/debit/payment-host-to-host", "timeout", seconds=1.0)
        async with AsyncSnapClient(
            _profile(server.base_url),
            credentials(merchant_keys),
            backend=backend,
            timeout=30.0,
            sleep=Sleeps().asleep,
        ) as client:
            with pytest.raises(OutcomeUnknownError) as info:
                await client.direct_debit.payment(
                    timeout=httpx.Timeout(5.0, read=0.3), **examples.debit_payment()
                )
    emulator.close()
    # Had the 0.3 s read timeout not applied, the server's 504 after 1 s would be the cause.
    assert "timed out (ReadTimeout)" in str(info.value)
    assert isinstance(info.value.__cause__, httpx.ReadTimeout)


# --- proxies from the environment ------------------------------------------------------------


class _ForwardProxy(_HangUpServer):
    """Records the request line of each proxied request and answers 200 itself."""

    def __init__(self) -> None:
        self.lines: list[bytes] = []
        super().__init__()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(5)
                self.lines.append(_read_request(conn).split(b"\r\n", 1)[0])
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}")


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_proxy_from_the_environment_is_used_on_both_backends(
    backend: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = _ForwardProxy()
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.port}")
    try:
        # Nothing listens on port 9: only the proxy can answer.
        async with create_async_client(_profile("http://127.0.0.1:9"), backend=backend) as c:
            answer = await c.post("/v1.0/ping", content=b"{}")
    finally:
        proxy.stop()
    assert answer.status_code == 200
    assert proxy.lines == [b"POST http://127.0.0.1:9/v1.0/ping HTTP/1.1"]


def test_no_proxy_names_hosts_and_domains(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "proxy.internal:3128")
    monkeypatch.setenv("NO_PROXY", "localhost, .bank.example,10.0.0.5")
    transport = AiohttpTransport(ssl_context=ssl_context(), limits=DEFAULT_LIMITS)
    proxied = "http://proxy.internal:3128"
    assert transport.proxy_for(httpx.URL("https://merchants.midtrans.com/x")) == proxied
    assert transport.proxy_for(httpx.URL("https://api.bank.example/x")) is None
    assert transport.proxy_for(httpx.URL("https://bank.example/x")) is None
    assert transport.proxy_for(httpx.URL("https://notbank.example/x")) == proxied
    assert transport.proxy_for(httpx.URL("https://10.0.0.5/x")) is None
    assert transport.proxy_for(httpx.URL("https://localhost/x")) is None
    assert transport.proxy_for(httpx.URL("http://merchants.midtrans.com/x")) is None


# --- bytes on the wire -----------------------------------------------------------------------


class _EchoApp:
    """Records the raw target and headers it got; answers gzip-encoded JSON."""

    def __init__(self) -> None:
        self.targets: list[bytes] = []
        self.headers: list[list[tuple[bytes, bytes]]] = []
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        query = scope["query_string"]
        self.targets.append(scope["raw_path"] + (b"?" + query if query else b""))
        self.headers.append(list(scope["headers"]))
        self.bodies.append(body)
        payload = gzip.compress(b'{"responseCode":"2001700"}')
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-encoding", b"gzip"), (b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload})


async def test_both_backends_put_the_same_bytes_on_the_wire() -> None:
    app = _EchoApp()
    body = b'{"partnerServiceId":"   70012","note":"caf\xc3\xa9 \\u00e9"}'
    with BackgroundServer(app) as server:
        for backend in BACKENDS:
            async with create_async_client(_profile(server.base_url), backend=backend) as c:
                answer = await c.post(
                    "/v1.0/a%2Fb", params={"q": "x y"}, content=body, headers={"X-A": "1"}
                )
                assert answer.json() == {"responseCode": "2001700"}  # gzip decoded once
    httpx_target, aiohttp_target = app.targets
    assert httpx_target == aiohttp_target == b"/v1.0/a%2Fb?q=x+y"  # the signed path, as is
    assert app.bodies == [body, body]
    names = [[name for name, _ in headers] for headers in app.headers]
    assert names[0] == names[1]  # same header set, no extra aiohttp defaults
    assert all(len(set(n)) == len(n) for n in names)  # no header sent twice
