"""The B2B token exchange: the request, and the answer parsed into a token or a typed error."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from bisnap.credentials import Credentials
from bisnap.errors import (
    GatewayServerError,
    ProtocolError,
    SnapAPIError,
    UnauthorizedSignatureError,
)
from bisnap.gateways import MIDTRANS_SANDBOX, generic_profile
from bisnap.keys import GeneratedKeyPair
from bisnap.signing import token_string_to_sign, verify_rsa
from bisnap.tokens import (
    AccessToken,
    afetch_token,
    build_token_request,
    fetch_token,
    parse_token_response,
)
from tests.auth.fakes import FakeClock, FakeGateway, snap

T0 = datetime(2026, 1, 15, 3, 0, tzinfo=timezone.utc)


def _body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


def test_token_request_shape(credentials: Credentials, merchant_keys: GeneratedKeyPair) -> None:
    request = build_token_request(credentials, MIDTRANS_SANDBOX, now=T0)
    assert request.method == "POST"
    assert str(request.url) == "https://merchants.sbx.midtrans.com/v1.0/access-token/b2b"
    assert request.content == b'{"grantType":"client_credentials"}'
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["X-CLIENT-KEY"] == "G1234325-SNAP"
    assert request.headers["X-TIMESTAMP"] == "2026-01-15T10:00:00+07:00"
    verify_rsa(
        merchant_keys.public_key(),
        token_string_to_sign("G1234325-SNAP", "2026-01-15T10:00:00+07:00"),
        request.headers["X-SIGNATURE"],
    )
    for absent in ("Authorization", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID"):
        assert absent not in request.headers


def test_token_request_follows_the_profile(credentials: Credentials) -> None:
    profile = generic_profile(
        "https://api.pjp.example", path_prefix="/snap", token_body_key="grant_type"
    )
    request = build_token_request(credentials, profile, now=T0)
    assert str(request.url) == "https://api.pjp.example/snap/v1.0/access-token/b2b"
    assert request.content == b'{"grant_type":"client_credentials"}'


@pytest.mark.parametrize("expires_in", ["900", 900, " 900 "])
def test_success_is_parsed(expires_in: object) -> None:
    token = parse_token_response(
        200,
        _body(
            responseCode="2007300",
            responseMessage="Successful",
            accessToken="eyJhbGciOi.J9.x",
            tokenType="Bearer",
            expiresIn=expires_in,
        ),
        requested_at=T0,
    )
    assert token.value == "eyJhbGciOi.J9.x"
    assert token.token_type == "Bearer"
    assert token.expires_at == T0 + timedelta(seconds=900)
    assert token.lifetime == 900
    assert token.authorization() == "Bearer eyJhbGciOi.J9.x"
    assert "eyJhbGciOi" not in repr(token)
    assert "eyJhbGciOi" not in str(token)


def test_missing_expires_in_assumes_900_seconds() -> None:
    token = parse_token_response(
        200, _body(responseCode="2007300", accessToken="t"), requested_at=T0
    )
    assert token.expires_at == T0 + timedelta(seconds=900)


def test_signature_refusal_is_typed() -> None:
    with pytest.raises(UnauthorizedSignatureError) as info:
        parse_token_response(
            401,
            _body(responseCode="4017300", responseMessage="Unauthorized. Signature"),
            requested_at=T0,
        )
    error = info.value
    assert error.http_status == 401
    assert error.service_code == "73"
    assert error.case_code == "00"
    assert error.response_message == "Unauthorized. Signature"


def test_server_error_is_typed() -> None:
    with pytest.raises(GatewayServerError) as info:
        parse_token_response(
            500,
            _body(
                responseCode="5007300",
                responseMessage="Internal Server Error",
                referenceNo="19352694-0ef6-4439-8ad1-b1dfb8bbb85f",
            ),
            requested_at=T0,
        )
    assert info.value.service_code == "73"


def test_non_json_error_is_typed() -> None:
    with pytest.raises(GatewayServerError) as info:
        parse_token_response(502, b"<html>Bad gateway</html>", requested_at=T0)
    assert info.value.http_status == 502


def test_http_200_with_a_failure_code_is_an_error() -> None:
    with pytest.raises(SnapAPIError):
        parse_token_response(
            200, _body(responseCode="4017300", responseMessage="x"), requested_at=T0
        )


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"[]",
        b"not json",
        _body(responseCode="2007300"),
        _body(responseCode="2007300", accessToken=""),
        _body(responseCode="2007300", accessToken="t", expiresIn="soon"),
        _body(responseCode="2007300", accessToken="t", expiresIn="-5"),
        _body(responseCode="2007300", accessToken="t", expiresIn=0),
        _body(responseCode="2007300", accessToken="t", expiresIn=True),
    ],
)
def test_malformed_success_is_a_protocol_error(body: bytes) -> None:
    with pytest.raises(ProtocolError):
        parse_token_response(200, body, requested_at=T0)


def test_fetch_token_over_a_client(credentials: Credentials, gateway: FakeGateway) -> None:
    clock = FakeClock(T0)
    with httpx.Client(transport=gateway.transport()) as client:
        token = fetch_token(client, credentials, MIDTRANS_SANDBOX, clock=clock)
        again = fetch_token(client, credentials, MIDTRANS_SANDBOX, clock=clock)
    assert isinstance(token, AccessToken)
    assert (token.value, again.value) == ("token-1", "token-2")
    assert token.expires_at == T0 + timedelta(seconds=900)
    assert gateway.exchanges == 2


def test_fetch_token_raises_the_gateway_error(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    gateway.token_answers.append(lambda: snap(401, "4017300", "Unauthorized. Signature"))
    with (
        httpx.Client(transport=gateway.transport()) as client,
        pytest.raises(UnauthorizedSignatureError),
    ):
        fetch_token(client, credentials)


def test_a_wrong_key_is_refused_by_the_gateway(
    gateway: FakeGateway, gateway_keys: GeneratedKeyPair
) -> None:
    wrong = Credentials("G1234325-SNAP", "s", gateway_keys.private_pem, "p", "12345")
    with (
        httpx.Client(transport=gateway.transport()) as client,
        pytest.raises(UnauthorizedSignatureError),
    ):
        fetch_token(client, wrong)


@pytest.mark.anyio
async def test_afetch_token(credentials: Credentials, gateway: FakeGateway) -> None:
    async with httpx.AsyncClient(transport=gateway.async_transport()) as client:
        token = await afetch_token(client, credentials)
    assert token.value == "token-1"
