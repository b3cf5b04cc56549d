"""SnapAuth: what is signed is what is sent; headers; the single invalid-token retry."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from bisnap.auth import SnapAuth
from bisnap.credentials import Credentials
from bisnap.errors import InvalidJSONError, RequestValidationError
from bisnap.gateways import MIDTRANS_SANDBOX
from bisnap.keys import ClientSecret
from bisnap.signing import transaction_string_to_sign, verify_hmac
from tests.auth.conftest import CLIENT_SECRET
from tests.auth.fakes import FakeClock, FakeGateway, snap

BASE = MIDTRANS_SANDBOX.base_url
PATH = "/v1.0/transfer-va/create-va"

BODIES: list[Any] = [
    {"virtualAccountName": "Budi  Santoso  Jr", "note": " leading and trailing "},
    {
        "name": "Kopi Susu ☕ — Café Ñandú 日本語",
        "amount": {"value": "10000.00", "currency": "IDR"},
    },
    {"callback": "https://merchant.example/notify/a/b?x=1", "path": "a/b\\c"},
    {"partnerServiceId": "   70012", "customerNo": "0000000000001", "trxId": "  x  "},
    [{"nested": {"deep": [1, 2.5, True, None, "s p a c e"]}}],
]


def _client(gateway: FakeGateway, auth: SnapAuth) -> httpx.Client:
    return httpx.Client(transport=gateway.transport(), auth=auth, base_url=BASE)


def _reverify(sent: httpx.Request, token: str) -> None:
    """Verify the signature over the bytes captured at the transport, as a gateway would."""
    string_to_sign = transaction_string_to_sign(
        sent.method, sent.url.raw_path.decode(), token, sent.content, sent.headers["X-TIMESTAMP"]
    )
    verify_hmac(ClientSecret(CLIENT_SECRET), string_to_sign, sent.headers["X-SIGNATURE"])
    if (
        sent.content
        == json.dumps(json.loads(sent.content), separators=(",", ":"), ensure_ascii=False).encode()
    ):
        # Already compact: the digest is plain SHA-256 of the bytes sent.
        assert hashlib.sha256(sent.content).hexdigest() in string_to_sign


@pytest.mark.parametrize("body", BODIES)
def test_json_body_signed_bytes_are_sent_bytes(
    credentials: Credentials, gateway: FakeGateway, body: Any
) -> None:
    with _client(gateway, SnapAuth(credentials)) as client:
        response = client.post(PATH, json=body)
    assert response.status_code == 200, response.json()
    sent = gateway.transactions[0]
    # httpx sends exactly the canonical compact form: nothing re-serialized after signing.
    assert sent.content == json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    _reverify(sent, "token-1")


@pytest.mark.parametrize("body", BODIES)
def test_raw_content_is_sent_verbatim_and_signed(
    credentials: Credentials, gateway: FakeGateway, body: Any
) -> None:
    raw = json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")
    with _client(gateway, SnapAuth(credentials)) as client:
        response = client.post(PATH, content=raw)
    assert response.status_code == 200, response.json()
    sent = gateway.transactions[0]
    assert sent.content == raw
    _reverify(sent, "token-1")


def test_space_padded_ids_survive(credentials: Credentials, gateway: FakeGateway) -> None:
    with _client(gateway, SnapAuth(credentials)) as client:
        client.post(PATH, json={"partnerServiceId": "   70012"})
    assert b'"partnerServiceId":"   70012"' in gateway.transactions[0].content


def test_headers_added_and_caller_headers_kept(
    credentials: Credentials, gateway: FakeGateway, clock: FakeClock
) -> None:
    auth = SnapAuth(credentials, clock=clock)
    caller_headers = {
        "X-EXTERNAL-ID": "20240315000000000001",
        "X-DEVICE-ID": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0",
        "X-IP-ADDRESS": "103.15.226.50",
        "X-LATITUDE": "-6.2088",
        "X-LONGITUDE": "106.8456",
        "Authorization-Customer": "Bearer customer-token-abc",
    }
    with _client(gateway, auth) as client:
        client.post(PATH, json={"a": 1}, headers=caller_headers)
    sent = gateway.transactions[0]
    for name, value in caller_headers.items():
        assert sent.headers[name] == value
    assert sent.headers.get_list("X-EXTERNAL-ID") == ["20240315000000000001"]
    assert sent.headers["Authorization"] == "Bearer token-1"
    assert sent.headers["X-PARTNER-ID"] == "G812345678"
    assert sent.headers["CHANNEL-ID"] == "12345"
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["X-TIMESTAMP"] == "2026-01-15T10:00:00+07:00"


def test_external_id_generated_when_absent(credentials: Credentials, gateway: FakeGateway) -> None:
    ids = iter(["111", "222"])
    auth = SnapAuth(credentials, external_id_factory=lambda: next(ids))
    with _client(gateway, auth) as client:
        client.post(PATH, json={})
        client.post(PATH, json={})
    assert [r.headers["X-EXTERNAL-ID"] for r in gateway.transactions] == ["111", "222"]


def test_default_external_id_is_numeric(credentials: Credentials, gateway: FakeGateway) -> None:
    with _client(gateway, SnapAuth(credentials)) as client:
        client.post(PATH, json={})
    value = gateway.transactions[0].headers["X-EXTERNAL-ID"]
    assert value.isdigit()
    assert len(value) <= 36


def test_get_with_query_signs_the_raw_path(credentials: Credentials, gateway: FakeGateway) -> None:
    with _client(gateway, SnapAuth(credentials)) as client:
        response = client.get("/v1.0/get-auth-code", params={"state": "a b/c", "scopes": "x,y"})
    assert response.status_code == 200
    sent = gateway.transactions[0]
    assert sent.url.raw_path == b"/v1.0/get-auth-code?state=a+b%2Fc&scopes=x%2Cy"
    assert sent.content == b""
    assert gateway.verify_transaction(sent) is None


@pytest.mark.parametrize("content", [b'{"a": ', b"not json", b'{"a":1}{', "é".encode("latin-1")])
def test_invalid_body_fails_before_anything_is_sent(
    credentials: Credentials, gateway: FakeGateway, content: bytes
) -> None:
    with _client(gateway, SnapAuth(credentials)) as client, pytest.raises(InvalidJSONError):
        client.post(PATH, content=content)
    assert gateway.exchanges == 0
    assert gateway.transactions == []


def test_bad_external_id_fails_before_anything_is_sent(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    with _client(gateway, SnapAuth(credentials)) as client, pytest.raises(RequestValidationError):
        client.post(PATH, json={}, headers={"X-EXTERNAL-ID": "9" * 37})
    assert gateway.exchanges == 0


@pytest.mark.parametrize("external_id", ["a b", "id/1", "id:1", ""])
def test_external_id_outside_the_snap_form_is_refused_like_the_typed_client(
    credentials: Credentials, gateway: FakeGateway, external_id: str
) -> None:
    with (
        _client(gateway, SnapAuth(credentials)) as client,
        pytest.raises(RequestValidationError) as info,
    ):
        client.post(PATH, json={}, headers={"X-EXTERNAL-ID": external_id})
    assert info.value.field == "X-EXTERNAL-ID"
    assert gateway.exchanges == 0
    assert gateway.transactions == []


def test_a_factory_making_an_id_outside_the_form_is_refused(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    auth = SnapAuth(credentials, external_id_factory=lambda: "a b")
    with _client(gateway, auth) as client, pytest.raises(RequestValidationError):
        client.post(PATH, json={})
    assert gateway.transactions == []


@pytest.mark.anyio
async def test_async_external_id_outside_the_snap_form_is_refused(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    async with httpx.AsyncClient(
        transport=gateway.async_transport(), auth=SnapAuth(credentials), base_url=BASE
    ) as client:
        with pytest.raises(RequestValidationError):
            await client.post(PATH, json={}, headers={"X-EXTERNAL-ID": "a b"})
    assert gateway.exchanges == 0


def test_token_travels_through_the_client_transport(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    with _client(gateway, SnapAuth(credentials)) as client:
        for _ in range(3):
            client.post(PATH, json={})
    assert gateway.exchanges == 1
    token_request = gateway.token_requests[0]
    assert token_request.url == MIDTRANS_SANDBOX.token_url
    assert token_request.content == b'{"grantType":"client_credentials"}'
    assert len(gateway.transactions) == 3


def test_repr_hides_secrets(credentials: Credentials) -> None:
    text = repr(SnapAuth(credentials))
    assert CLIENT_SECRET not in text
    assert "G1234325-SNAP" in text


# --- the invalid-token retry ---------------------------------------------------------------------


def _rejection(code: str, message: str) -> Callable[[], httpx.Response]:
    return lambda: snap(401, code, message)


@pytest.mark.parametrize(
    ("code", "message"), [("4014701", "Invalid Token (B2B)"), ("4015403", "Token not found")]
)
def test_invalid_token_is_refreshed_and_retried_once(
    credentials: Credentials, gateway: FakeGateway, clock: FakeClock, code: str, message: str
) -> None:
    gateway.transaction_answers.append(_rejection(code, message))
    auth = SnapAuth(credentials, clock=clock)
    with _client(gateway, auth) as client:
        response = client.post(PATH, json={"partnerReferenceNo": "R1"})
    assert response.status_code == 200
    assert gateway.exchanges == 2
    first, second = gateway.transactions
    assert first.headers["X-EXTERNAL-ID"] == second.headers["X-EXTERNAL-ID"]
    assert first.headers["Authorization"] == "Bearer token-1"
    assert second.headers["Authorization"] == "Bearer token-2"
    assert first.headers["X-SIGNATURE"] != second.headers["X-SIGNATURE"]
    assert first.content == second.content
    assert gateway.verify_transaction(second) is None


def test_retry_uses_a_new_timestamp(
    credentials: Credentials, gateway: FakeGateway, clock: FakeClock
) -> None:
    def reject_and_tick() -> httpx.Response:
        clock.advance(2)
        return snap(401, "4014701", "Invalid Token (B2B)")

    gateway.transaction_answers.append(reject_and_tick)
    with _client(gateway, SnapAuth(credentials, clock=clock)) as client:
        client.post(PATH, json={})
    first, second = gateway.transactions
    assert first.headers["X-TIMESTAMP"] == "2026-01-15T10:00:00+07:00"
    assert second.headers["X-TIMESTAMP"] == "2026-01-15T10:00:02+07:00"


def test_never_retried_twice(credentials: Credentials, gateway: FakeGateway) -> None:
    gateway.transaction_answers.extend([_rejection("4014701", "Invalid Token (B2B)")] * 3)
    with _client(gateway, SnapAuth(credentials)) as client:
        response = client.post(PATH, json={})
    assert response.status_code == 401
    assert response.json()["responseCode"] == "4014701"
    assert len(gateway.transactions) == 2
    assert gateway.exchanges == 2


@pytest.mark.parametrize(
    ("status", "code"),
    [(401, "4014700"), (401, "4014702"), (401, "not-a-code"), (403, "4034701"), (500, "5004700")],
)
def test_other_errors_are_not_retried(
    credentials: Credentials, gateway: FakeGateway, status: int, code: str
) -> None:
    gateway.transaction_answers.append(lambda: snap(status, code, "no"))
    with _client(gateway, SnapAuth(credentials)) as client:
        response = client.post(PATH, json={})
    assert response.status_code == status
    assert len(gateway.transactions) == 1
    assert gateway.exchanges == 1


def test_401_without_json_is_not_retried(credentials: Credentials, gateway: FakeGateway) -> None:
    gateway.transaction_answers.append(lambda: httpx.Response(401, text="<html>denied</html>"))
    with _client(gateway, SnapAuth(credentials)) as client:
        response = client.post(PATH, json={})
    assert response.status_code == 401
    assert len(gateway.transactions) == 1


def test_retry_can_be_switched_off(credentials: Credentials, gateway: FakeGateway) -> None:
    gateway.transaction_answers.append(_rejection("4014701", "Invalid Token (B2B)"))
    with _client(gateway, SnapAuth(credentials, retry_on_invalid_token=False)) as client:
        response = client.post(PATH, json={})
    assert response.status_code == 401
    assert len(gateway.transactions) == 1


def test_gateway_side_token_expiry_is_recovered(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    """The gateway forgets the token early: the next call refreshes once and succeeds."""
    with _client(gateway, SnapAuth(credentials)) as client:
        assert client.post(PATH, json={}).status_code == 200
        gateway.valid.clear()
        assert client.post(PATH, json={}).status_code == 200
        assert client.post(PATH, json={}).status_code == 200
    assert gateway.exchanges == 2
    assert [r.headers["Authorization"] for r in gateway.transactions] == [
        "Bearer token-1",
        "Bearer token-1",
        "Bearer token-2",
        "Bearer token-2",
    ]


# --- async ---------------------------------------------------------------------------------------


@pytest.mark.anyio
@pytest.mark.parametrize("body", BODIES)
async def test_async_signed_bytes_are_sent_bytes(
    credentials: Credentials, gateway: FakeGateway, body: Any
) -> None:
    async with httpx.AsyncClient(
        transport=gateway.async_transport(), auth=SnapAuth(credentials), base_url=BASE
    ) as client:
        via_json = await client.post(PATH, json=body)
        via_content = await client.post(PATH, content=json.dumps(body, indent=1).encode())
    assert via_json.status_code == via_content.status_code == 200
    for sent in gateway.transactions:
        _reverify(sent, "token-1")
    assert gateway.exchanges == 1


@pytest.mark.anyio
async def test_async_retry_once_and_signature_errors_not_retried(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    gateway.transaction_answers.append(_rejection("4014701", "Invalid Token (B2B)"))
    async with httpx.AsyncClient(
        transport=gateway.async_transport(), auth=SnapAuth(credentials), base_url=BASE
    ) as client:
        retried = await client.post(PATH, json={}, headers={"X-EXTERNAL-ID": "777"})
        gateway.transaction_answers.append(_rejection("4014700", "Unauthorized. Signature"))
        refused = await client.post(PATH, json={})
    assert retried.status_code == 200
    assert refused.status_code == 401
    assert [r.headers["X-EXTERNAL-ID"] for r in gateway.transactions[:2]] == ["777", "777"]
    assert len(gateway.transactions) == 3
    assert gateway.exchanges == 2


@pytest.mark.anyio
async def test_async_invalid_body_fails_before_anything_is_sent(
    credentials: Credentials, gateway: FakeGateway
) -> None:
    async with httpx.AsyncClient(
        transport=gateway.async_transport(), auth=SnapAuth(credentials), base_url=BASE
    ) as client:
        with pytest.raises(InvalidJSONError):
            await client.post(PATH, content=b"{,}")
    assert gateway.exchanges == 0
