"""Header functions: the one serializer, published vectors, and agreement with SnapAuth."""

from __future__ import annotations

import json
import math
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bisnap.auth import SnapAuth
from bisnap.credentials import Credentials
from bisnap.errors import InvalidJSONError, RequestValidationError
from bisnap.gateways import MIDTRANS_SANDBOX, SignatureScheme, generic_profile
from bisnap.headers import (
    serialize_body,
    token_request_body,
    token_request_headers,
    transaction_request,
)
from bisnap.keys import ClientSecret, GeneratedKeyPair
from bisnap.signing import asymmetric_string_to_sign, minify_json, verify_rsa
from bisnap.timestamps import TimestampStyle
from tests.auth import published
from tests.auth.fakes import FakeClock, FakeGateway

DEMO_PROFILE = MIDTRANS_SANDBOX.with_base_url("https://merchants.sbx.midtrans.com")


@pytest.fixture
def demo_credentials() -> Credentials:
    return Credentials(
        client_id=published.DEMO_TOKEN_CLIENT_ID,
        client_secret=published.DEMO_SYMMETRIC_SECRET,
        private_key=published.DEMO_PRIVATE_KEY_PEM,
        partner_id="G812345678",
        channel_id="12345",
    )


# --- serialize_body ------------------------------------------------------------------------------


def test_serialize_body_is_compact_ordered_raw_utf8() -> None:
    body = {
        "z": "a b",
        "a": {"url": "https://x.example/a/b"},
        "name": "Café 日本",
        "id": "   70012",
    }
    expected = (
        '{"z":"a b","a":{"url":"https://x.example/a/b"},"name":"Café 日本","id":"   70012"}'
    ).encode()
    assert serialize_body(body) == expected


@pytest.mark.parametrize(
    "bad",
    [{"amount": Decimal("1.00")}, {"at": datetime(2024, 1, 1)}, {"x": math.nan}, {"x": {1, 2}}],
)
def test_serialize_body_rejects_what_json_cannot_hold(bad: dict[str, Any]) -> None:
    with pytest.raises(InvalidJSONError):
        serialize_body(bad)


def test_serialize_body_rejects_lone_surrogates() -> None:
    with pytest.raises(InvalidJSONError):
        serialize_body({"x": "\ud800"})


_text = st.text(alphabet=st.characters(codec="utf-8"))
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
)


@given(_json)
def test_serialize_body_roundtrips_and_is_already_minified(obj: Any) -> None:
    data = serialize_body(obj)
    assert json.loads(data.decode("utf-8")) == obj
    assert minify_json(data) == data


# --- published vectors ---------------------------------------------------------------------------


def test_token_headers_match_the_published_vector(demo_credentials: Credentials) -> None:
    headers = token_request_headers(
        demo_credentials, profile=DEMO_PROFILE, timestamp=published.DEMO_TOKEN_TIMESTAMP
    )
    assert headers == {
        "Content-Type": "application/json",
        "X-TIMESTAMP": "2024-03-01T08:27:49.024Z",
        "X-CLIENT-KEY": "G1234325-SNAP",
        "X-SIGNATURE": published.DEMO_TOKEN_SIGNATURE,
    }


def test_token_headers_from_a_clock_in_the_profile_style(demo_credentials: Credentials) -> None:
    profile = generic_profile(
        "https://merchants.sbx.midtrans.com", timestamp_style=TimestampStyle.UTC_Z_MILLIS
    )
    clock = FakeClock(datetime(2024, 3, 1, 8, 27, 49, 24_000, tzinfo=timezone.utc))
    headers = token_request_headers(demo_credentials, profile=profile, clock=clock)
    assert headers["X-TIMESTAMP"] == published.DEMO_TOKEN_TIMESTAMP
    assert headers["X-SIGNATURE"] == published.DEMO_TOKEN_SIGNATURE


def test_token_body_uses_the_profile_key() -> None:
    assert token_request_body(MIDTRANS_SANDBOX) == b'{"grantType":"client_credentials"}'
    snake = generic_profile("https://x.example", token_body_key="grant_type")
    assert token_request_body(snake) == b'{"grant_type":"client_credentials"}'


def test_transaction_request_matches_the_published_vector(demo_credentials: Credentials) -> None:
    signed = transaction_request(
        demo_credentials,
        published.DEMO_SYMMETRIC_METHOD,
        published.DEMO_SYMMETRIC_PATH,
        published.DEMO_SYMMETRIC_BODY,
        published.DEMO_SYMMETRIC_TOKEN,
        profile=DEMO_PROFILE,
        external_id="12345678901234567890",
        timestamp=published.DEMO_SYMMETRIC_TIMESTAMP,
    )
    assert signed.headers["X-SIGNATURE"] == published.DEMO_SYMMETRIC_SIGNATURE
    # A raw body is sent exactly as given; the signature covers its minified form.
    assert signed.body == published.DEMO_SYMMETRIC_BODY.encode()
    assert signed.headers["Authorization"] == "Bearer myaccesstoken"
    assert signed.headers["X-TIMESTAMP"] == "2024-03-05T10:37:16.196Z"
    assert signed.headers["X-PARTNER-ID"] == "G812345678"
    assert signed.headers["CHANNEL-ID"] == "12345"
    assert signed.headers["X-EXTERNAL-ID"] == "12345678901234567890"
    assert signed.external_id == "12345678901234567890"
    assert signed.url(DEMO_PROFILE) == (
        "https://merchants.sbx.midtrans.com/v1.0/qr/qr-mpm-generate"
    )
    assert "myaccesstoken" not in repr(signed)


def test_transaction_request_optional_headers(demo_credentials: Credentials) -> None:
    signed = transaction_request(
        demo_credentials,
        "post",
        "/v1.0/debit/payment-host-to-host",
        {"partnerReferenceNo": "A1"},
        "tok",
        device_id="android-a1b2c3",
        ip_address="103.15.226.50",
        latitude="-6.2088",
        longitude="106.8456",
        customer_token="gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a",
    )
    assert signed.method == "POST"
    assert signed.body == b'{"partnerReferenceNo":"A1"}'
    assert signed.headers["X-DEVICE-ID"] == "android-a1b2c3"
    assert signed.headers["X-IP-ADDRESS"] == "103.15.226.50"
    assert signed.headers["X-LATITUDE"] == "-6.2088"
    assert signed.headers["X-LONGITUDE"] == "106.8456"
    assert signed.headers["Authorization-Customer"] == (
        "Bearer gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a"
    )
    assert signed.headers["X-EXTERNAL-ID"].isdigit()


def test_transaction_request_rejects_bad_input(demo_credentials: Credentials) -> None:
    with pytest.raises(InvalidJSONError):
        transaction_request(demo_credentials, "POST", "/v1.0/x", '{"a":', "tok")
    with pytest.raises(RequestValidationError) as info:
        transaction_request(demo_credentials, "POST", "/v1.0/x", {}, "tok", external_id="1" * 37)
    assert info.value.field == "X-EXTERNAL-ID"
    with pytest.raises(RequestValidationError) as info:
        transaction_request(demo_credentials, "POST", "/v1.0/x", {}, "tok", device_id="a\r\nb")
    assert info.value.field == "X-DEVICE-ID"


# --- the same signatures as SnapAuth -------------------------------------------------------------


@pytest.mark.parametrize("scheme", list(SignatureScheme))
def test_header_functions_agree_with_snap_auth(
    merchant_keys: GeneratedKeyPair, scheme: SignatureScheme
) -> None:
    profile = generic_profile("https://merchants.sbx.midtrans.com", signature_scheme=scheme)
    credentials = Credentials(
        "G1234325-SNAP", "s3cret", merchant_keys.private_pem, "G812345678", "12345"
    )
    gateway = FakeGateway(
        "G1234325-SNAP",
        merchant_keys.public_key(),
        ClientSecret("s3cret"),
        asymmetric=scheme is SignatureScheme.ASYMMETRIC,
    )
    clock = FakeClock(datetime(2024, 3, 15, 3, 35, tzinfo=timezone.utc))
    auth = SnapAuth(
        credentials, profile, clock=clock, external_id_factory=lambda: "55500011122233344"
    )
    body = {"partnerReferenceNo": "INV 1/2", "customerNo": "   70012", "note": "Kopi ☕"}
    with httpx.Client(transport=gateway.transport(), auth=auth, base_url=profile.base_url) as c:
        response = c.post("/v1.0/transfer-va/create-va?mode=a b", json=body)
    assert response.status_code == 200
    token_request = gateway.token_requests[0]
    assert {
        k: token_request.headers[k] for k in ("X-TIMESTAMP", "X-CLIENT-KEY", "X-SIGNATURE")
    } == {
        k: v
        for k, v in token_request_headers(credentials, profile=profile, clock=clock).items()
        if k != "Content-Type"
    }
    sent = gateway.transactions[0]
    expected = transaction_request(
        credentials,
        "POST",
        "/v1.0/transfer-va/create-va?mode=a%20b",
        body,
        "token-1",
        profile=profile,
        external_id="55500011122233344",
        clock=clock,
    )
    assert sent.content == expected.body
    for name, value in expected.headers.items():
        assert sent.headers[name] == value, name
    assert sent.headers["X-TIMESTAMP"] == "2024-03-15T10:35:00+07:00"
    if scheme is SignatureScheme.ASYMMETRIC:
        verify_rsa(
            merchant_keys.public_key(),
            asymmetric_string_to_sign(
                "POST",
                "/v1.0/transfer-va/create-va?mode=a%20b",
                sent.content,
                "2024-03-15T10:35:00+07:00",
            ),
            sent.headers["X-SIGNATURE"],
        )


def test_snap_auth_matches_the_published_symmetric_vector(demo_credentials: Credentials) -> None:
    """SnapAuth with the demo token, clock and body yields the published signature."""
    profile = generic_profile(
        "https://merchants.sbx.midtrans.com", timestamp_style=TimestampStyle.UTC_Z_MILLIS
    )
    clock = FakeClock(datetime(2024, 3, 5, 10, 37, 16, 196_000, tzinfo=timezone.utc))
    gateway = FakeGateway(
        published.DEMO_TOKEN_CLIENT_ID,
        demo_credentials.private_key.public_key(),
        ClientSecret(published.DEMO_SYMMETRIC_SECRET),
        token_values=[published.DEMO_SYMMETRIC_TOKEN],
    )
    auth = SnapAuth(demo_credentials, profile, clock=clock)
    with httpx.Client(transport=gateway.transport(), auth=auth, base_url=profile.base_url) as c:
        response = c.post(published.DEMO_SYMMETRIC_PATH, content=published.DEMO_SYMMETRIC_BODY)
    assert response.status_code == 200
    sent = gateway.transactions[0]
    assert sent.content == published.DEMO_SYMMETRIC_BODY.encode()
    assert sent.headers["X-TIMESTAMP"] == published.DEMO_SYMMETRIC_TIMESTAMP
    assert sent.headers["X-SIGNATURE"] == published.DEMO_SYMMETRIC_SIGNATURE
