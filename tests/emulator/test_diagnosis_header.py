"""The emulator explains signature refusals: Midtrans' body unchanged, the cause in a header."""

from __future__ import annotations

import logging
import secrets

import httpx
import pytest

from bisnap.emulator import Emulator
from bisnap.keys import PublicKey
from tests.diagnose import second_impl as ref
from tests.emulator.helpers import CLIENT_ID, CLIENT_SECRET, PARTNER_ID, FakeClock, Snap

PATH = "/v1.0/transfer-va/create-va"
SENT = b'{"partnerServiceId":"   70012","customerNo":"1","callbackUrl":"https://shop.example/cb"}'
REFUSAL = b'{"responseCode":"4012700","responseMessage":"Unauthorized. Signature"}'


def signed_over(snap: Snap, signed_body: bytes) -> dict[str, str]:
    timestamp = snap.timestamp()
    text = ref.transaction_text("POST", PATH, snap.token, ref.digest(signed_body), timestamp)
    return {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {snap.token}",
        "X-TIMESTAMP": timestamp,
        "X-SIGNATURE": ref.hmac_signature(CLIENT_SECRET.encode(), text),
        "X-PARTNER-ID": PARTNER_ID,
        "X-EXTERNAL-ID": secrets.token_hex(8),
        "CHANNEL-ID": "12345",
    }


def test_request_signed_over_re_escaped_bytes_names_the_cause(
    snap: Snap, http: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    headers = signed_over(snap, SENT.replace(b"/", b"\\/"))
    with caplog.at_level(logging.WARNING, logger="bisnap.emulator"):
        response = http.post(PATH, content=SENT, headers=headers)
    assert response.status_code == 401
    assert response.content == REFUSAL
    assert response.headers["X-Bisnap-Diagnosis"] == "body-escapes-differ"
    assert any("body-escapes-differ" in record.getMessage() for record in caplog.records)
    assert CLIENT_SECRET not in caplog.text
    assert snap.token not in caplog.text


def test_unexplained_refusal_says_undetermined(snap: Snap, http: httpx.Client) -> None:
    headers = signed_over(snap, b'{"something":"else"}')
    response = http.post(PATH, content=SENT, headers=headers)
    assert response.content == REFUSAL
    assert response.headers["X-Bisnap-Diagnosis"] == "undetermined"


def test_correct_request_has_no_diagnosis_header(snap: Snap, http: httpx.Client) -> None:
    response = http.post(PATH, content=SENT, headers=signed_over(snap, SENT))
    assert response.status_code != 401
    assert "X-Bisnap-Diagnosis" not in response.headers


def test_token_request_with_re_rendered_timestamp(snap: Snap, http: httpx.Client) -> None:
    header_ts = snap.timestamp()  # +07:00
    signed_ts = snap.clock().strftime("%Y-%m-%dT%H:%M:%SZ")
    signature = ref.rsa_signature(snap.private_key.cryptography_key, f"{CLIENT_ID}|{signed_ts}")
    response = snap.token_request(timestamp=header_ts, signature=signature)
    assert response.status_code == 401
    assert response.json() == {
        "responseCode": "4017300",
        "responseMessage": "Unauthorized. Signature",
    }
    assert response.headers["X-Bisnap-Diagnosis"] == "timestamp-differs"


def test_diagnosis_can_be_switched_off(
    clock: FakeClock, merchant_public_key: PublicKey, snap: Snap
) -> None:
    emulator = Emulator(clock=clock, diagnose_signatures=False)
    emulator.register_merchant(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        partner_id=PARTNER_ID,
        merchant_public_key=merchant_public_key,
    )
    with httpx.Client(base_url="http://emulator.test", transport=emulator.transport()) as http:
        quiet = Snap(http, snap.private_key, clock)
        headers = signed_over(quiet, SENT.replace(b"/", b"\\/"))
        response = http.post(PATH, content=SENT, headers=headers)
    emulator.close()
    assert response.content == REFUSAL
    assert "X-Bisnap-Diagnosis" not in response.headers
