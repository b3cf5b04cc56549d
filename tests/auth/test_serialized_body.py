"""SnapAuth signs a body the typed clients already serialized with the digest they computed,
and only when the bytes on the request are exactly those bytes."""

from __future__ import annotations

import base64
import hashlib
import hmac

import httpx

from bisnap.auth import SERIALIZED_BODY, SerializedBody, SnapAuth
from bisnap.credentials import Credentials
from bisnap.gateways import GatewayProfile
from bisnap.signing import Digest
from tests.auth.conftest import CLIENT_SECRET
from tests.auth.fakes import FakeClock, FakeGateway

PATH = "/v1.0/transfer-va/create-va"
BODY = b'{"trxId":"abc","totalAmount":{"value":"1.00","currency":"IDR"}}'


def _signed(
    gateway: FakeGateway,
    credentials: Credentials,
    profile: GatewayProfile,
    clock: FakeClock,
    extension: SerializedBody,
) -> httpx.Request:
    auth = SnapAuth(credentials, profile, clock=clock)
    with httpx.Client(transport=gateway.transport(), auth=auth) as client:
        request = client.build_request(
            "POST",
            profile.base_url + PATH,
            content=BODY,
            headers={"Content-Type": "application/json"},
            extensions={SERIALIZED_BODY: extension},
        )
        client.send(request)
    return gateway.transactions[-1]


def _expected_signature(request: httpx.Request, digest: str) -> str:
    token = request.headers["Authorization"].removeprefix("Bearer ")
    text = f"POST:{PATH}:{token}:{digest}:{request.headers['X-TIMESTAMP']}"
    mac = hmac.new(CLIENT_SECRET.encode(), text.encode(), hashlib.sha512).digest()
    return base64.b64encode(mac).decode()


def test_the_digest_handed_over_is_signed(
    gateway: FakeGateway, credentials: Credentials, profile: GatewayProfile, clock: FakeClock
) -> None:
    # A digest that is not the body's shows that SnapAuth did not work it out again.
    handed = Digest("ab" * 32)
    sent = _signed(gateway, credentials, profile, clock, SerializedBody(BODY, handed))
    assert sent.content == BODY
    assert sent.headers["X-SIGNATURE"] == _expected_signature(sent, handed)


def test_a_digest_of_other_bytes_is_ignored(
    gateway: FakeGateway, credentials: Credentials, profile: GatewayProfile, clock: FakeClock
) -> None:
    other = SerializedBody(b'{"trxId":"other"}', Digest("ab" * 32))
    sent = _signed(gateway, credentials, profile, clock, other)
    assert sent.headers["X-SIGNATURE"] == _expected_signature(
        sent, hashlib.sha256(BODY).hexdigest()
    )


def test_signed_headers_replace_caller_copies_once(
    gateway: FakeGateway, credentials: Credentials, profile: GatewayProfile, clock: FakeClock
) -> None:
    auth = SnapAuth(credentials, profile, clock=clock)
    with httpx.Client(transport=gateway.transport(), auth=auth) as client:
        client.post(
            profile.base_url + PATH,
            content=BODY,
            headers=[
                ("Content-Type", "application/json; charset=utf-8"),
                ("X-TIMESTAMP", "stale"),
                ("X-TIMESTAMP", "stale again"),
                ("X-EXTERNAL-ID", "ext-1"),
                ("X-DEVICE-ID", "device-1"),
            ],
        )
    sent = gateway.transactions[-1]
    assert sent.headers.get_list("X-TIMESTAMP") != ["stale"]
    assert len(sent.headers.get_list("X-TIMESTAMP")) == 1
    assert sent.headers.get_list("Content-Type") == ["application/json; charset=utf-8"]
    assert sent.headers.get_list("X-EXTERNAL-ID") == ["ext-1"]
    assert sent.headers.get_list("X-DEVICE-ID") == ["device-1"]
    assert sent.headers.get_list("CHANNEL-ID") == [credentials.channel_id]
