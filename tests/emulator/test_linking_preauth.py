"""Account linking (spec §5.4.1-5.4.4), tokenization payments and pre-auth (§5.4.5-5.4.6)."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import httpx
import pytest

from bisnap.emulator import Emulator
from bisnap.keys import GeneratedKeyPair, PrivateKey, generate_key_pair, load_private_key
from bisnap.signing import sign_rsa
from tests.emulator.helpers import MERCHANT_ID, Receiver, Snap, code

HANDLE = "303b4f89-0000-4000-8000-62a8ffaefaf3"
DEVICE = "android-20013adf6cdd8123f"


def auth_code_url(signer: PrivateKey, *, phone: str = "62822999999", **override: str) -> str:
    data = f"mobileNumber={phone}&paymentType=gopay"
    params = {
        "state": "xyz",
        "merchantId": HANDLE,
        "lang": "id",
        "scopes": "DEFAULT",
        "redirectUrl": "https://merchant.test/callback",
        "seamlessData": data,
        "seamlessSign": sign_rsa(signer, data),
    }
    params.update(override)
    return "/v1.0/get-auth-code?" + urlencode(params, quote_via=quote)


def get_auth_code(http: httpx.Client, keys: GeneratedKeyPair, **override: str) -> httpx.Response:
    return http.get(auth_code_url(load_private_key(keys.private_pem), **override))


def link(snap: Snap, keys: GeneratedKeyPair, phone: str = "62822999999") -> str:
    redirect = get_auth_code(snap.client, keys, phone=phone)
    assert redirect.status_code == 302, redirect.text
    query = parse_qs(urlsplit(redirect.headers["Location"]).query)
    response = snap.post(
        "/v1.0/registration-account-binding",
        {"authCode": query["authCode"][0], "merchantId": HANDLE, "grantType": "AUTHORIZATION_CODE"},
    )
    assert code(response) == "2000700", response.text
    token: str = response.json()["accessTokenInfo"]["accessToken"]
    return token


def inquiry(snap: Snap, token: str) -> httpx.Response:
    return snap.post(
        "/v1.0/registration-account-inquiry", {}, customer_token=token, device_id=DEVICE
    )


def option_token(snap: Snap, token: str, name: str = "GOPAY_WALLET") -> str:
    options = inquiry(snap, token).json()["additionalInfo"]["paymentOptions"]
    found: str = next(o["token"] for o in options if o["name"] == name)
    return found


def test_get_auth_code_redirects_with_code_and_state(
    http: httpx.Client, merchant_keys: GeneratedKeyPair
) -> None:
    response = get_auth_code(http, merchant_keys)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc == "merchant.test"
    query = parse_qs(location.query)
    assert query["state"] == ["xyz"]
    assert query["success"] == ["true"]
    assert query["authCode"][0]
    assert response.json()["responseCode"] == "2001001"


def test_get_auth_code_refuses_a_foreign_seamless_sign(
    http: httpx.Client, merchant_keys: GeneratedKeyPair
) -> None:
    foreign = generate_key_pair().private_key()
    response = http.get(auth_code_url(foreign))
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["responseCode"] == ["4011000"]
    assert "authCode" not in query


def test_get_auth_code_names_a_missing_parameter(
    http: httpx.Client, merchant_keys: GeneratedKeyPair
) -> None:
    response = get_auth_code(http, merchant_keys, state="")
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["responseCode"] == ["4001002"]
    assert query["responseMessage"] == ["Invalid Mandatory Field state"]


def test_bind_inquiry_and_linking_notification(
    snap: Snap, merchant_keys: GeneratedKeyPair, emulator: Emulator, receiver: Receiver
) -> None:
    token = link(snap, merchant_keys)
    response = inquiry(snap, token)
    assert code(response) == "2000800"
    info = response.json()["additionalInfo"]
    assert info["accessToken"] == token
    names = [o["name"] for o in info["paymentOptions"]]
    assert names == ["GOPAY_WALLET", "PAY_LATER"]
    assert isinstance(info["paymentOptions"][0]["balance"]["value"], int)
    assert emulator.wait_for_notifications()
    [notice] = receiver.bodies("/v1.0/registration-account/notify")
    assert notice["additionalInfo"]["accountStatus"] == "ENABLED"
    assert notice["additionalInfo"]["accessToken"] == token


def test_auth_code_is_single_use(snap: Snap, merchant_keys: GeneratedKeyPair) -> None:
    redirect = get_auth_code(snap.client, merchant_keys)
    auth = parse_qs(urlsplit(redirect.headers["Location"]).query)["authCode"][0]
    body = {"authCode": auth, "merchantId": HANDLE, "grantType": "AUTHORIZATION_CODE"}
    assert code(snap.post("/v1.0/registration-account-binding", body)) == "2000700"
    again = snap.post("/v1.0/registration-account-binding", body)
    assert again.status_code == 404
    assert code(again) == "4040711"


def test_bind_grant_type_must_be_authorization_code(snap: Snap) -> None:
    body = {"authCode": "x", "merchantId": HANDLE, "grantType": "client_credentials"}
    response = snap.post("/v1.0/registration-account-binding", body)
    assert response.json()["responseMessage"] == "Invalid Field Format grantType"


def test_inquiry_requires_device_id(snap: Snap, merchant_keys: GeneratedKeyPair) -> None:
    token = link(snap, merchant_keys)
    response = snap.post("/v1.0/registration-account-inquiry", {}, customer_token=token)
    assert response.json() == {
        "responseCode": "4000802",
        "responseMessage": "Invalid Mandatory Field X-DEVICE-ID",
    }


def test_unknown_customer_token(snap: Snap) -> None:
    response = inquiry(snap, "nope")
    assert response.status_code == 401
    assert code(response) == "4010802"


def test_unbind_disables_the_customer_token(
    snap: Snap, merchant_keys: GeneratedKeyPair, emulator: Emulator, receiver: Receiver
) -> None:
    token = link(snap, merchant_keys)
    response = snap.post(
        "/v1.0/registration-account-unbinding",
        {"merchantId": HANDLE},
        customer_token=token,
        device_id=DEVICE,
    )
    assert code(response) == "2000900"
    assert code(inquiry(snap, token)) == "4010802"
    assert emulator.wait_for_notifications()
    statuses = [
        b["additionalInfo"]["accountStatus"]
        for b in receiver.bodies("/v1.0/registration-account/notify")
    ]
    assert statuses == ["ENABLED", "DISABLED"]


def test_unbind_requires_customer_token(snap: Snap) -> None:
    response = snap.post(
        "/v1.0/registration-account-unbinding", {"merchantId": HANDLE}, device_id=DEVICE
    )
    assert response.json()["responseMessage"] == "Invalid Mandatory Field Authorization-Customer"


def test_relinking_the_same_phone_returns_the_same_token(
    snap: Snap, merchant_keys: GeneratedKeyPair
) -> None:
    assert link(snap, merchant_keys) == link(snap, merchant_keys)


def tokenized_body(ref: str, option_token_value: str, amount: str) -> dict[str, Any]:
    return {
        "partnerReferenceNo": ref,
        "chargeToken": "token",
        "urlParams": [{"url": "https://merchant.test/", "type": "PAY_RETURN", "isDeeplink": "N"}],
        "payOptionDetails": [
            {
                "payMethod": "GOPAY",
                "payOption": "GOPAY_WALLET",
                "transAmount": {"value": amount, "currency": "IDR"},
                "additionalInfo": {"paymentOptionToken": option_token_value},
            }
        ],
    }


def test_tokenized_payment_debits_the_wallet(
    snap: Snap, merchant_keys: GeneratedKeyPair, emulator: Emulator
) -> None:
    token = link(snap, merchant_keys)
    wallet = option_token(snap, token)
    response = snap.post(
        "/v1.0/debit/payment-host-to-host",
        tokenized_body("order-t1", wallet, "20000.00"),
        customer_token=token,
        device_id=DEVICE,
    )
    assert code(response) == "2005400", response.text
    assert response.json()["additionalInfo"]["transactionStatus"] == "03"
    emulator.pay_debit(response.json()["referenceNo"])
    balance = inquiry(snap, token).json()["additionalInfo"]["paymentOptions"][0]["balance"]
    assert balance["value"] == 1000000 - 20000


def test_tokenized_payment_checks_balance_and_option_token(
    snap: Snap, merchant_keys: GeneratedKeyPair
) -> None:
    token = link(snap, merchant_keys)
    wallet = option_token(snap, token)
    too_much = snap.post(
        "/v1.0/debit/payment-host-to-host",
        tokenized_body("order-t2", wallet, "2000000.00"),
        customer_token=token,
        device_id=DEVICE,
    )
    assert too_much.status_code == 403
    assert code(too_much) == "4035414"
    wrong = snap.post(
        "/v1.0/debit/payment-host-to-host",
        tokenized_body("order-t3", "not-the-token", "10.00"),
        customer_token=token,
        device_id=DEVICE,
    )
    assert code(wrong) == "4005401"
    no_device = snap.post(
        "/v1.0/debit/payment-host-to-host",
        tokenized_body("order-t4", wallet, "10.00"),
        customer_token=token,
    )
    assert no_device.json()["responseMessage"] == "Invalid Mandatory Field X-DEVICE-ID"


def preauth_body(ref: str, wallet: str, amount: str = "50000.00") -> dict[str, Any]:
    return {
        "partnerReferenceNo": ref,
        "merchantId": MERCHANT_ID,
        "title": "subscription",
        "amount": {"value": amount, "currency": "IDR"},
        "additionalInfo": {
            "payOptionDetails": [
                {
                    "payMethod": "GOPAY",
                    "payOption": "GOPAY_WALLET",
                    "transAmount": {"value": amount, "currency": "IDR"},
                    "additionalInfo": {"paymentOptionToken": wallet},
                }
            ]
        },
    }


@pytest.fixture
def authorised(snap: Snap, merchant_keys: GeneratedKeyPair) -> dict[str, Any]:
    token = link(snap, merchant_keys)
    ref = uuid.uuid4().hex
    response = snap.post(
        "/v1.0/auth/payment",
        preauth_body(ref, option_token(snap, token)),
        customer_token=token,
        device_id=DEVICE,
    )
    assert code(response) == "2006300", response.text
    body: dict[str, Any] = response.json()
    body["customerToken"] = token
    return body


def _query(snap: Snap, auth: dict[str, Any]) -> dict[str, Any]:
    response = snap.post(
        "/v1.0/auth/query",
        {
            "originalReferenceNo": auth["referenceNo"],
            "originalPartnerReferenceNo": auth["partnerReferenceNo"],
        },
    )
    assert code(response) == "2006400", response.text
    body: dict[str, Any] = response.json()
    return body


def test_preauth_is_authorised_then_captured(snap: Snap, authorised: dict[str, Any]) -> None:
    assert authorised["additionalInfo"]["transactionStatus"] == "01"
    assert _query(snap, authorised)["latestTransactionStatus"] == "01"
    capture = {
        "originalReferenceNo": authorised["referenceNo"],
        "originalPartnerReferenceNo": authorised["partnerReferenceNo"],
        "partnerCaptureNo": "cap-1",
        "merchantId": MERCHANT_ID,
        "title": "capture",
        "captureAmount": {"value": "50000.00", "currency": "IDR"},
    }
    captured = snap.post("/v1.0/auth/capture", capture)
    assert code(captured) == "2006500"
    assert captured.json()["captureAmount"]["value"] == "50000.00"
    assert _query(snap, authorised)["latestTransactionStatus"] == "00"
    again = snap.post("/v1.0/auth/capture", capture)
    assert code(again) == "4036515"
    refund = {
        "originalReferenceNo": authorised["referenceNo"],
        "originalPartnerReferenceNo": authorised["partnerReferenceNo"],
        "partnerRefundNo": "rf-1",
        "refundAmount": {"value": "20000.00", "currency": "IDR"},
    }
    assert code(snap.post("/v1.0/auth/refund", refund)) == "2006900"
    assert _query(snap, authorised)["latestTransactionStatus"] == "04"


def test_partial_capture_is_not_permitted(snap: Snap, authorised: dict[str, Any]) -> None:
    capture = {
        "originalPartnerReferenceNo": authorised["partnerReferenceNo"],
        "partnerCaptureNo": "cap-2",
        "merchantId": MERCHANT_ID,
        "title": "capture",
        "captureAmount": {"value": "1.00", "currency": "IDR"},
    }
    assert code(snap.post("/v1.0/auth/capture", capture)) == "4036515"


def test_void_releases_the_hold(snap: Snap, authorised: dict[str, Any]) -> None:
    before = inquiry(snap, authorised["customerToken"]).json()
    void = {
        "originalReferenceNo": authorised["referenceNo"],
        "originalPartnerReferenceNo": authorised["partnerReferenceNo"],
        "partnerVoidNo": "void-1",
        "merchantId": MERCHANT_ID,
    }
    voided = snap.post("/v1.0/auth/void", void)
    assert code(voided) == "2006700"
    assert voided.json()["voidAmount"]["value"] == "50000.00"
    assert _query(snap, authorised)["latestTransactionStatus"] == "05"
    after = inquiry(snap, authorised["customerToken"]).json()
    held = before["additionalInfo"]["paymentOptions"][0]["balance"]["value"]
    assert after["additionalInfo"]["paymentOptions"][0]["balance"]["value"] == held + 50000
    assert code(snap.post("/v1.0/auth/void", void)) == "4036715"


def test_refund_before_capture_is_not_permitted(snap: Snap, authorised: dict[str, Any]) -> None:
    refund = {
        "originalPartnerReferenceNo": authorised["partnerReferenceNo"],
        "partnerRefundNo": "rf-2",
    }
    assert code(snap.post("/v1.0/auth/refund", refund)) == "4036915"


def test_preauth_requires_title_and_customer_token(
    snap: Snap, merchant_keys: GeneratedKeyPair
) -> None:
    token = link(snap, merchant_keys)
    body = preauth_body("pa-1", option_token(snap, token))
    del body["title"]
    response = snap.post("/v1.0/auth/payment", body, customer_token=token, device_id=DEVICE)
    assert response.json()["responseMessage"] == "Invalid Mandatory Field title"
    body["title"] = "t"
    missing = snap.post("/v1.0/auth/payment", body, device_id=DEVICE)
    assert code(missing) == "4006302"
