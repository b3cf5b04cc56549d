"""Client defaults (TLS on, timeouts set, no redirects) and the redacting ``bisnap`` logger."""

from __future__ import annotations

import logging
import ssl
from pathlib import Path

import certifi
import httpx
import pytest

from bisnap.auth import SnapAuth
from bisnap.credentials import Credentials
from bisnap.errors import ConfigurationError
from bisnap.gateways import MIDTRANS_PRODUCTION, MIDTRANS_SANDBOX
from bisnap.transport import (
    DEFAULT_TIMEOUT,
    REDACTED,
    create_async_client,
    create_client,
    redact_headers,
    redact_text,
    ssl_context,
    validate_timeout,
)
from tests.auth.conftest import CLIENT_SECRET
from tests.auth.fakes import FakeGateway


def test_default_context_verifies() -> None:
    context = ssl_context()
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.check_hostname
    assert context.minimum_version >= ssl.TLSVersion.TLSv1_2


def test_custom_ca_bundle(tmp_path: Path) -> None:
    context = ssl_context(certifi.where())
    assert context.verify_mode is ssl.CERT_REQUIRED
    assert context.get_ca_certs()
    with pytest.raises(ConfigurationError) as info:
        ssl_context(tmp_path / "missing.pem")
    assert info.value.field == "ca_bundle"


def test_a_non_verifying_context_is_refused() -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with pytest.raises(ConfigurationError):
        ssl_context(context)


def test_timeouts_are_always_set() -> None:
    assert validate_timeout(None) is DEFAULT_TIMEOUT
    assert validate_timeout(5).read == 5.0
    for bad in (
        httpx.Timeout(None),
        httpx.Timeout(5.0, read=None),
        httpx.Timeout(5.0, connect=None),
    ):
        with pytest.raises(ConfigurationError) as info:
            validate_timeout(bad)
        assert info.value.field == "timeout"
    with pytest.raises(ConfigurationError):
        validate_timeout(0)


def test_create_client_defaults() -> None:
    with create_client(MIDTRANS_PRODUCTION) as client:
        assert str(client.base_url) == "https://merchants.midtrans.com"
        assert client.timeout.connect == DEFAULT_TIMEOUT.connect
        assert client.timeout.read == DEFAULT_TIMEOUT.read
        assert not client.follow_redirects
        assert client.headers["User-Agent"].startswith("bisnap")
    with pytest.raises(ConfigurationError):
        create_client(timeout=httpx.Timeout(None))


@pytest.mark.anyio
async def test_create_async_client_defaults() -> None:
    async with create_async_client(MIDTRANS_SANDBOX, timeout=7) as client:
        assert client.timeout.read == 7.0
        assert not client.follow_redirects


def test_redact_headers() -> None:
    headers = httpx.Headers(
        {
            "Authorization": "Bearer tok",
            "Authorization-Customer": "Bearer cust",
            "X-SIGNATURE": "c2ln",
            "X-EXTERNAL-ID": "123",
        }
    )
    assert redact_headers(headers) == {
        "authorization": REDACTED,
        "authorization-customer": REDACTED,
        "x-signature": REDACTED,
        "x-external-id": "123",
    }


def test_redact_text() -> None:
    text = redact_text(
        "Authorization: Bearer abc.def X-SIGNATURE=c2lnbmF0dXJl "
        '{"accessToken":"eyJ.x.y"} -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----'
    )
    for secret in ("abc.def", "c2lnbmF0dXJl", "eyJ.x.y", "MIIE"):
        assert secret not in text


def test_logs_never_show_secrets(
    credentials: Credentials, gateway: FakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bisnap")
    with create_client(
        MIDTRANS_SANDBOX, auth=SnapAuth(credentials), transport=gateway.transport()
    ) as client:
        client.post(
            "/v1.0/debit/payment-host-to-host",
            json={"a": 1},
            headers={"Authorization-Customer": "Bearer customer-secret-token"},
        )
    logging.getLogger("bisnap").info("leak attempt: Bearer token-1 and X-SIGNATURE: abc")
    text = caplog.text
    assert "/v1.0/debit/payment-host-to-host" in text
    assert REDACTED in text
    signature = gateway.transactions[0].headers["X-SIGNATURE"]
    token_signature = gateway.token_requests[0].headers["X-SIGNATURE"]
    for secret in ("token-1", "customer-secret-token", signature, token_signature, CLIENT_SECRET):
        assert secret not in text


def test_log_lines_do_not_repeat_the_logger_name(
    credentials: Credentials, gateway: FakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    """``%(name)s %(levelname)s %(message)s`` reads ``bisnap DEBUG -> POST ...``, once."""
    caplog.set_level(logging.DEBUG, logger="bisnap")
    with create_client(
        MIDTRANS_SANDBOX, auth=SnapAuth(credentials), transport=gateway.transport()
    ) as client:
        client.post("/v1.0/debit/payment-host-to-host", json={"a": 1})
    messages = [record.getMessage() for record in caplog.records if record.name == "bisnap"]
    assert any("/v1.0/debit/payment-host-to-host" in message for message in messages)
    assert any("access token obtained" in message for message in messages)
    for message in messages:
        assert not message.lower().startswith("bisnap"), message
