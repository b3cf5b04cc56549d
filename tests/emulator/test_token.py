"""The access-token endpoint (spec §3.1), against the spec's rules."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest

from bisnap.emulator import Emulator
from bisnap.keys import GeneratedKeyPair, generate_key_pair
from bisnap.signing import sign_rsa, token_string_to_sign
from bisnap.timestamps import JAKARTA, TimestampStyle, format_timestamp
from tests.emulator.helpers import CLIENT_ID, FakeClock, Snap, code


def test_token_issued_with_opaque_token_and_string_expiry(snap: Snap) -> None:
    response = snap.token_request()
    assert response.status_code == 200
    body = response.json()
    assert body["responseCode"] == "2007300"
    assert body["tokenType"] == "Bearer"
    assert body["expiresIn"] == "900"
    assert isinstance(body["accessToken"], str)
    assert len(body["accessToken"]) >= 32
    assert response.headers["X-TIMESTAMP"]


def test_grant_type_snake_case_is_accepted(snap: Snap) -> None:
    response = snap.token_request(body=b'{"grant_type":"client_credentials"}')
    assert code(response) == "2007300"


@pytest.mark.parametrize(
    "style", [TimestampStyle.JAKARTA, TimestampStyle.UTC_Z_MILLIS, TimestampStyle.UTC_Z]
)
def test_timestamp_forms_official_sdks_send(snap: Snap, style: TimestampStyle) -> None:
    response = snap.token_request(timestamp=snap.timestamp(style))
    assert code(response) == "2007300"


def test_signature_by_another_key_is_refused(snap: Snap, clock: FakeClock) -> None:
    other = generate_key_pair().private_key()
    ts = snap.timestamp()
    response = snap.token_request(
        timestamp=ts, signature=sign_rsa(other, token_string_to_sign(CLIENT_ID, ts))
    )
    assert response.status_code == 401
    assert response.json() == {
        "responseCode": "4017300",
        "responseMessage": "Unauthorized. Signature",
    }


def test_signature_over_a_different_timestamp_is_refused(
    snap: Snap, merchant_keys: GeneratedKeyPair
) -> None:
    signed = snap.timestamp()
    sent = snap.timestamp(TimestampStyle.UTC_Z)  # same instant, different bytes
    signature = sign_rsa(merchant_keys.private_key(), token_string_to_sign(CLIENT_ID, signed))
    assert code(snap.token_request(timestamp=sent, signature=signature)) == "4017300"


def test_garbage_signature_is_refused(snap: Snap) -> None:
    assert code(snap.token_request(signature="not base64!")) == "4017300"


def test_unknown_client_is_refused(snap: Snap, merchant_keys: GeneratedKeyPair) -> None:
    ts = snap.timestamp()
    signature = sign_rsa(merchant_keys.private_key(), token_string_to_sign("NOBODY", ts))
    response = snap.token_request(client_id="NOBODY", timestamp=ts, signature=signature)
    assert response.status_code == 401
    assert code(response) == "4017300"


@pytest.mark.parametrize("skew", [-301, 301])
def test_timestamp_outside_window_is_refused(snap: Snap, clock: FakeClock, skew: int) -> None:
    ts = format_timestamp(clock() + timedelta(seconds=skew))
    assert code(snap.token_request(timestamp=ts)) == "4017300"


def test_timestamp_inside_window_is_accepted(snap: Snap, clock: FakeClock) -> None:
    ts = format_timestamp(clock() - timedelta(seconds=299))
    assert code(snap.token_request(timestamp=ts)) == "2007300"


def test_timestamp_without_offset_is_refused(snap: Snap, clock: FakeClock) -> None:
    ts = clock().astimezone(JAKARTA).strftime("%Y-%m-%dT%H:%M:%S")
    assert code(snap.token_request(timestamp=ts)) == "4017300"


@pytest.mark.parametrize("header", ["X-CLIENT-KEY", "X-TIMESTAMP", "X-SIGNATURE"])
def test_missing_header_is_named(snap: Snap, header: str) -> None:
    response = snap.token_request(drop=(header,))
    assert response.status_code == 400
    assert response.json()["responseCode"] == "4007302"
    assert header in response.json()["responseMessage"]


def test_wrong_grant_type_is_a_format_error(snap: Snap) -> None:
    response = snap.token_request(body=b'{"grantType":"password"}')
    assert response.json() == {
        "responseCode": "4007301",
        "responseMessage": "Invalid Field Format grantType",
    }


def test_missing_grant_type_is_named(snap: Snap) -> None:
    response = snap.token_request(body=b"{}")
    assert code(response) == "4007302"
    assert "grantType" in response.json()["responseMessage"]


def test_token_expires_after_900_seconds(snap: Snap, clock: FakeClock) -> None:
    token = snap.token
    ok = snap.post("/v1.0/qr/qr-mpm-query", {"originalReferenceNo": "x", "serviceCode": "47"})
    assert code(ok) == "4045101"  # authenticated: the reference is simply unknown
    clock.advance(900)
    raw = b'{"originalReferenceNo":"x","serviceCode":"47"}'
    headers = snap.headers("/v1.0/qr/qr-mpm-query", raw, token=token)
    expired = snap.client.post("/v1.0/qr/qr-mpm-query", content=raw, headers=headers)
    assert expired.status_code == 401
    assert code(expired) == "4015101"


def test_each_token_is_distinct(snap: Snap) -> None:
    first = snap.token_request().json()["accessToken"]
    second = snap.token_request().json()["accessToken"]
    assert first != second


def test_token_lifetime_is_configurable(merchant_keys: GeneratedKeyPair) -> None:
    clock = FakeClock(datetime(2026, 1, 1, tzinfo=JAKARTA))
    with Emulator(clock=clock, token_lifetime=60) as emulator:
        emulator.register_merchant(
            client_id=CLIENT_ID,
            client_secret="s",
            partner_id="P",
            merchant_public_key=merchant_keys.public_pem,
        )
        client = httpx.Client(base_url="http://e", transport=emulator.transport())
        snap = Snap(client, merchant_keys.private_key(), clock)
        assert snap.token_request().json()["expiresIn"] == "60"
        client.close()
