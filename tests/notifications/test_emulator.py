"""Notifications sent by the emulator, for each event type, through each framework integration.

The merchant side talks to the emulator in-process; the emulator delivers its notifications
over real loopback HTTP to the example receivers.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from bisnap.emulator import Emulator
from bisnap.keys import GeneratedKeyPair, PrivateKey
from bisnap.notifications import (
    AccountLinkingNotification,
    DirectDebitNotification,
    NotificationKind,
    QrisNotification,
    VaPaymentNotification,
    VerifiedNotification,
)
from bisnap.signing import sign_hmac, sign_rsa, token_string_to_sign, transaction_string_to_sign
from bisnap.timestamps import now_timestamp

from .helpers import load_example
from .servers import serve_asgi, serve_wsgi

CLIENT_ID = "G-NOTIFY-CLIENT"
CLIENT_SECRET = "notification-tests-client-secret"
PARTNER_ID = "G998877665"
CHANNEL_ID = "95221"
PREFIX = "/api/snap"
PSID = "   70012"


@dataclass
class MerchantCalls:
    """SNAP calls signed with the merchant's credentials, sent to the emulator in-process."""

    client: httpx.Client
    private_key: PrivateKey
    token: str = field(default="", init=False)

    def _token(self) -> str:
        if not self.token:
            timestamp = now_timestamp()
            response = self.client.post(
                "/v1.0/access-token/b2b",
                content=b'{"grantType":"client_credentials"}',
                headers={
                    "Content-Type": "application/json",
                    "X-TIMESTAMP": timestamp,
                    "X-CLIENT-KEY": CLIENT_ID,
                    "X-SIGNATURE": sign_rsa(
                        self.private_key, token_string_to_sign(CLIENT_ID, timestamp)
                    ),
                },
            )
            assert response.status_code == 200, response.text
            self.token = response.json()["accessToken"]
        return self.token

    def post(self, path: str, body: dict[str, Any], external_id: str) -> dict[str, Any]:
        raw = json.dumps(body, separators=(",", ":")).encode()
        token, timestamp = self._token(), now_timestamp()
        string_to_sign = transaction_string_to_sign("POST", path, token, raw, timestamp)
        response = self.client.post(
            path,
            content=raw,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
                "X-TIMESTAMP": timestamp,
                "X-SIGNATURE": sign_hmac(CLIENT_SECRET, string_to_sign),
                "X-PARTNER-ID": PARTNER_ID,
                "X-EXTERNAL-ID": external_id,
                "CHANNEL-ID": CHANNEL_ID,
                "X-DEVICE-ID": "notification-tests",
            },
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer


def _reference() -> str:
    return str(uuid.uuid4().int)[:20]


def trigger_every_kind(emulator: Emulator, calls: MerchantCalls) -> dict[str, str]:
    """Create and complete one payment of each kind, and link an account."""
    refs = {"va": _reference(), "qris": _reference(), "debit": _reference()}
    customer_no = refs["va"][:10]
    calls.post(
        "/v1.0/transfer-va/create-va",
        {
            "partnerServiceId": PSID,
            "customerNo": customer_no,
            "virtualAccountNo": PSID + customer_no,
            "virtualAccountName": "Jokul Doe",
            "trxId": refs["va"],
            "totalAmount": {"value": "150000.00", "currency": "IDR"},
            "additionalInfo": {"merchantId": "G059876677", "bank": "bca"},
        },
        refs["va"],
    )
    emulator.pay_va(refs["va"])
    calls.post(
        "/v1.0/qr/qr-mpm-generate",
        {"partnerReferenceNo": refs["qris"], "amount": {"value": "25000.00", "currency": "IDR"}},
        refs["qris"],
    )
    emulator.pay_qris(refs["qris"])
    calls.post(
        "/v1.0/debit/payment-host-to-host",
        {
            "partnerReferenceNo": refs["debit"],
            "chargeToken": "",
            "payOptionDetails": [
                {
                    "payMethod": "GOPAY",
                    "payOption": "GOPAY",
                    "transAmount": {"value": "10000.00", "currency": "IDR"},
                }
            ],
        },
        refs["debit"],
    )
    emulator.pay_debit(refs["debit"])
    seamless = "mobileNumber=62822999999&paymentType=gopay"
    query = {
        "redirectUrl": "https://shop.test/linked",
        "scopes": "DEBIT",
        "state": "s1",
        "merchantId": "G123123",
        "lang": "en",
        "seamlessData": seamless,
        "seamlessSign": sign_rsa(calls.private_key, seamless),
    }
    redirect = calls.client.get("/v1.0/get-auth-code?" + urlencode(query))
    assert redirect.status_code == 302, redirect.text
    auth_code = parse_qs(urlsplit(redirect.headers["location"]).query)["authCode"][0]
    calls.post(
        "/v1.0/registration-account-binding",
        {"merchantId": "G123123", "authCode": auth_code, "grantType": "AUTHORIZATION_CODE"},
        _reference(),
    )
    return refs


@contextmanager
def receiver(
    framework: str, gateway_public_pem: bytes, inbox: list[VerifiedNotification]
) -> Iterator[str]:
    example = load_example(f"{framework}_receiver")
    app = example.create_app(gateway_public_pem, prefix=PREFIX, received=inbox)
    serve = serve_asgi if framework == "fastapi" else serve_wsgi
    with serve(app) as base_url:
        yield base_url


def notify_every_kind(
    emulator: Emulator, merchant_keys: GeneratedKeyPair, notify_url: str
) -> dict[str, str]:
    """Register the merchant with ``notify_url``, trigger every kind and await delivery."""
    emulator.register_merchant(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        partner_id=PARTNER_ID,
        merchant_public_key=merchant_keys.public_pem,
        channel_id=CHANNEL_ID,
        notify_url=notify_url,
    )
    with httpx.Client(base_url="http://gateway.test", transport=emulator.transport()) as client:
        refs = trigger_every_kind(emulator, MerchantCalls(client, merchant_keys.private_key()))
    assert emulator.wait_for_notifications(timeout=30)
    return refs


@pytest.mark.parametrize("signed_path", ["request", "relative"])
@pytest.mark.parametrize("framework", ["fastapi", "flask", "django"])
def test_emulator_notifications_verify_and_parse(
    framework: str,
    signed_path: Literal["request", "relative"],
    merchant_keys: GeneratedKeyPair,
) -> None:
    inbox: list[VerifiedNotification] = []
    emulator = Emulator(notification_retry_scale=0, notification_signed_path=signed_path)
    gateway_pem = emulator.gateway_public_key.to_pem()
    with receiver(framework, gateway_pem, inbox) as base_url, emulator:
        refs = notify_every_kind(emulator, merchant_keys, base_url + PREFIX)
        sent = emulator.notifications
    # Every notification was accepted at the first attempt, with HTTP 200.
    assert sent
    assert all([attempt.status for attempt in n.attempts] == [200] for n in sent)
    assert len(inbox) == len(sent)
    assert {n.external_id for n in inbox} == {n.headers["X-EXTERNAL-ID"] for n in sent}
    expected_form = "request_path" if signed_path == "request" else "relative_path"
    assert {n.path_form for n in inbox} == {expected_form}
    assert {n.partner_id for n in inbox} == {PARTNER_ID}

    by_kind: dict[NotificationKind, list[VerifiedNotification]] = {}
    for notification in inbox:
        by_kind.setdefault(notification.kind, []).append(notification)
    assert set(by_kind) == set(NotificationKind)

    va = by_kind[NotificationKind.VA_PAYMENT][-1].payload
    assert isinstance(va, VaPaymentNotification)
    assert va.trx_id == refs["va"]
    assert va.partner_service_id == PSID
    assert va.paid_amount is not None
    assert va.paid_amount.value == Decimal("150000.00")
    assert va.is_success

    qris = by_kind[NotificationKind.QRIS_PAYMENT][-1].payload
    assert isinstance(qris, QrisNotification)
    assert qris.original_partner_reference_no == refs["qris"]
    assert qris.amount is not None
    assert qris.amount.value == Decimal("25000.00")
    assert qris.is_success

    debit = by_kind[NotificationKind.DIRECT_DEBIT][-1].payload
    assert isinstance(debit, DirectDebitNotification)
    assert debit.original_partner_reference_no == refs["debit"]
    assert debit.is_success

    linking = by_kind[NotificationKind.ACCOUNT_LINKING][-1].payload
    assert isinstance(linking, AccountLinkingNotification)
    assert linking.is_linked
    assert linking.additional_info.access_token is not None
    assert linking.additional_info.access_token.get_secret_value()


def test_notifications_signed_by_another_gateway_are_refused(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair
) -> None:
    inbox: list[VerifiedNotification] = []
    emulator = Emulator(notification_retry_scale=0)
    # The receiver trusts a different key than the one the emulator signs with.
    with receiver("flask", gateway_keys.public_pem, inbox) as base_url, emulator:
        notify_every_kind(emulator, merchant_keys, base_url + PREFIX)
        sent = emulator.notifications
    assert inbox == []
    assert sent
    for notification in sent:
        assert notification.gave_up
        assert {attempt.status for attempt in notification.attempts} == {401}
