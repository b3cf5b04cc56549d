"""Test helpers: a SNAP caller built only from the signing core and plain httpx."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import httpx

from bisnap.keys import PrivateKey
from bisnap.signing import (
    Digest,
    sign_hmac,
    sign_rsa,
    token_string_to_sign,
    transaction_string_to_sign,
)
from bisnap.timestamps import TimestampStyle, format_timestamp
from tests import fakes

CLIENT_ID = "G-CLIENT-1"
CLIENT_SECRET = "fdppqbF5wq7vVegyvsV1CROMv646nJ7A"
PARTNER_ID = "G812345678"
CHANNEL_ID = "12345"
NOTIFY_PREFIX = "http://merchant.test/hooks"


EMULATOR_START = datetime(2026, 3, 15, 3, 35, tzinfo=timezone.utc)


class FakeClock(fakes.FakeClock):
    """The shared fake clock, starting where the emulator tests expect."""

    def __init__(self, start: datetime = EMULATOR_START) -> None:
        super().__init__(start)


@dataclass
class Receiver:
    """Captures notifications; answers ``statuses`` in turn (then 200)."""

    statuses: list[int] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        status = self.statuses.pop(0) if self.statuses else 200
        return httpx.Response(status, json={"responseCode": "2005600"})

    def bodies(self, path_suffix: str = "") -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests if r.url.path.endswith(path_suffix)]


def _signable(raw: bytes) -> bytes | Digest:
    """The body, or (for deliberately broken JSON) the digest of its raw bytes."""
    try:
        json.loads(raw)
    except ValueError:
        return Digest(hashlib.sha256(raw).hexdigest())
    return raw


def dumps(body: Any) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def token_headers(
    private_key: PrivateKey, timestamp: str, *, client_id: str = CLIENT_ID
) -> dict[str, str]:
    """The headers of an access-token request, signed with ``private_key``."""
    return {
        "Content-Type": "application/json",
        "X-TIMESTAMP": timestamp,
        "X-CLIENT-KEY": client_id,
        "X-SIGNATURE": sign_rsa(private_key, token_string_to_sign(client_id, timestamp)),
    }


def transaction_headers(
    path: str,
    raw: bytes,
    *,
    token: str,
    timestamp: str,
    external_id: str,
    secret: str = CLIENT_SECRET,
    partner_id: str = PARTNER_ID,
    method: str = "POST",
) -> dict[str, str]:
    """The headers of a transaction request, its body ``raw`` signed with HMAC ``secret``."""
    string_to_sign = transaction_string_to_sign(method, path, token, _signable(raw), timestamp)
    return {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {token}",
        "X-TIMESTAMP": timestamp,
        "X-SIGNATURE": sign_hmac(secret, string_to_sign),
        "X-PARTNER-ID": partner_id,
        "X-EXTERNAL-ID": external_id,
        "CHANNEL-ID": CHANNEL_ID,
    }


class Snap:
    """Signs and sends SNAP requests the way the spec describes, without bisnap's client."""

    def __init__(
        self,
        client: httpx.Client,
        private_key: PrivateKey,
        clock: FakeClock,
        *,
        client_id: str = CLIENT_ID,
        secret: str = CLIENT_SECRET,
        partner_id: str = PARTNER_ID,
    ) -> None:
        self.client = client
        self.private_key = private_key
        self.clock = clock
        self.client_id = client_id
        self.secret = secret
        self.partner_id = partner_id
        self._token: str | None = None

    def timestamp(self, style: TimestampStyle = TimestampStyle.JAKARTA) -> str:
        return format_timestamp(self.clock(), style)

    def token_request(
        self,
        *,
        body: bytes = b'{"grantType":"client_credentials"}',
        timestamp: str | None = None,
        client_id: str | None = None,
        signature: str | None = None,
        drop: tuple[str, ...] = (),
    ) -> httpx.Response:
        ts = timestamp or self.timestamp()
        headers = token_headers(self.private_key, ts, client_id=client_id or self.client_id)
        if signature:
            headers["X-SIGNATURE"] = signature
        for name in drop:
            headers.pop(name)
        return self.client.post("/v1.0/access-token/b2b", content=body, headers=headers)

    @property
    def token(self) -> str:
        if self._token is None:
            response = self.token_request()
            assert response.status_code == 200, response.text
            self._token = response.json()["accessToken"]
        return self._token

    def headers(
        self,
        path: str,
        raw: bytes,
        *,
        external_id: str | None = None,
        token: str | None = None,
        method: str = "POST",
    ) -> dict[str, str]:
        tok = token or self.token
        return transaction_headers(
            path,
            raw,
            token=tok,
            timestamp=self.timestamp(),
            external_id=external_id or uuid.uuid4().hex,
            secret=self.secret,
            partner_id=self.partner_id,
            method=method,
        )

    def post(
        self,
        path: str,
        body: dict[str, Any] | bytes,
        *,
        external_id: str | None = None,
        customer_token: str | None = None,
        device_id: str | None = None,
        extra: dict[str, str] | None = None,
        drop: tuple[str, ...] = (),
    ) -> httpx.Response:
        raw = body if isinstance(body, bytes) else dumps(body)
        headers = self.headers(path, raw, external_id=external_id)
        if customer_token is not None:
            headers["Authorization-Customer"] = f"Bearer {customer_token}"
        if device_id is not None:
            headers["X-DEVICE-ID"] = device_id
        headers.update(extra or {})
        for name in drop:
            headers.pop(name)
        return self.client.post(path, content=raw, headers=headers)


def code(response: httpx.Response) -> str:
    value = response.json()["responseCode"]
    assert isinstance(value, str)
    return value


PSID = "   70012"
MERCHANT_ID = "G059876677"


def va_body(
    trx_id: str, *, customer_no: str = "6280123456", amount: str = "10000.00", bank: str = "bca"
) -> dict[str, Any]:
    return {
        "partnerServiceId": PSID,
        "customerNo": customer_no,
        "virtualAccountNo": PSID + customer_no,
        "virtualAccountName": "Jokul Doe",
        "virtualAccountEmail": "jokul@email.com",
        "trxId": trx_id,
        "totalAmount": {"value": amount, "currency": "IDR"},
        "additionalInfo": {
            "merchantId": MERCHANT_ID,
            "bank": bank,
            "customField": {"1": "custom-field-1"},
        },
    }


def va_status_body(trx_id: str, customer_no: str = "6280123456") -> dict[str, Any]:
    return {
        "inquiryRequestId": trx_id,
        "partnerServiceId": PSID,
        "customerNo": customer_no,
        "virtualAccountNo": PSID + customer_no,
        "additionalInfo": {"merchantId": MERCHANT_ID},
    }


def qris_body(partner_ref: str, amount: str = "25000.00") -> dict[str, Any]:
    return {
        "partnerReferenceNo": partner_ref,
        "amount": {"value": amount, "currency": "IDR"},
        "merchantId": MERCHANT_ID,
        "additionalInfo": {"acquirer": "gopay"},
    }


def debit_body(partner_ref: str, amount: str = "15000.00", method: str = "GOPAY") -> dict[str, Any]:
    return {
        "partnerReferenceNo": partner_ref,
        "chargeToken": "",
        "merchantId": MERCHANT_ID,
        "urlParams": [
            {"url": "https://merchant.test/return", "type": "PAY_RETURN", "isDeeplink": "N"}
        ],
        "payOptionDetails": [
            {
                "payMethod": method,
                "payOption": method,
                "transAmount": {"value": amount, "currency": "IDR"},
            }
        ],
        "additionalInfo": {"customerDetails": {"email": "buyer@example.com"}},
    }
