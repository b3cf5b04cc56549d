"""Rules every transactional endpoint applies (spec §4, §6, §8), checked on real endpoints."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import httpx
import pytest

from bisnap.emulator import Emulator
from bisnap.keys import GeneratedKeyPair
from bisnap.signing import sign_hmac, transaction_string_to_sign
from bisnap.timestamps import JAKARTA, format_timestamp
from tests.emulator.helpers import (
    CLIENT_SECRET,
    FakeClock,
    Snap,
    code,
    dumps,
    va_body,
    va_status_body,
)

STATUS = "/v1.0/transfer-va/status"
CREATE = "/v1.0/transfer-va/create-va"


def _created(snap: Snap, trx_id: str | None = None) -> str:
    trx_id = trx_id or uuid.uuid4().hex
    response = snap.post(CREATE, va_body(trx_id), external_id=trx_id)
    assert code(response) == "2002700", response.text
    return trx_id


def test_missing_authorization_asks_for_a_token(snap: Snap) -> None:
    response = snap.post(STATUS, va_status_body("x"), drop=("Authorization",))
    assert response.status_code == 401
    assert response.json() == {
        "responseCode": "4012600",
        "responseMessage": "Unauthorized. Auth token required",
    }


@pytest.mark.parametrize("authorization", ["Bearer nope", "Basic abc", "Bearer"])
def test_unknown_or_malformed_bearer_token(snap: Snap, authorization: str) -> None:
    response = snap.post(STATUS, va_status_body("x"), extra={"Authorization": authorization})
    assert response.status_code == 401
    assert response.json() == {"responseCode": "4012601", "responseMessage": "Invalid Token (B2B)"}


@pytest.mark.parametrize(
    "header",
    ["Content-Type", "X-TIMESTAMP", "X-SIGNATURE", "X-PARTNER-ID", "X-EXTERNAL-ID", "CHANNEL-ID"],
)
def test_missing_mandatory_header_is_named(snap: Snap, header: str) -> None:
    response = snap.post(STATUS, va_status_body("x"), drop=(header,))
    assert response.status_code == 400
    assert response.json() == {
        "responseCode": "4002602",
        "responseMessage": f"Invalid Mandatory Field {header}",
    }


def test_content_type_must_be_json(snap: Snap) -> None:
    response = snap.post(STATUS, va_status_body("x"), extra={"Content-Type": "text/plain"})
    assert code(response) == "4002601"


def test_hmac_by_another_secret_is_refused(snap: Snap) -> None:
    snap_token = snap.token
    raw = dumps(va_status_body("x"))
    headers = snap.headers(STATUS, raw)
    headers["X-SIGNATURE"] = sign_hmac(
        "another-secret",
        transaction_string_to_sign("POST", STATUS, snap_token, raw, headers["X-TIMESTAMP"]),
    )
    response = snap.client.post(STATUS, content=raw, headers=headers)
    assert response.status_code == 401
    assert response.json() == {
        "responseCode": "4012600",
        "responseMessage": "Unauthorized. Signature",
    }


def test_body_changed_after_signing_is_refused(snap: Snap) -> None:
    raw = dumps(va_status_body("x"))
    headers = snap.headers(STATUS, raw)
    tampered = raw.replace(b"70012", b"70013")
    response = snap.client.post(STATUS, content=tampered, headers=headers)
    assert code(response) == "4012600"


def test_signature_for_another_path_is_refused(snap: Snap) -> None:
    raw = dumps(va_status_body("x"))
    headers = snap.headers("/v1.0/transfer-va/delete-va", raw)
    assert code(snap.client.post(STATUS, content=raw, headers=headers)) == "4012600"


def test_hmac_is_over_the_exact_received_bytes(snap: Snap) -> None:
    # Pretty-printed, escaped slash and unicode, a float, odd key order: the digest is
    # SHA-256 of the minified *received* text, so signing those bytes verifies ...
    trx = uuid.uuid4().hex
    body = va_body(trx)
    body["virtualAccountName"] = "Jokul D\u00e9"
    pretty = json.dumps(body, indent=2, ensure_ascii=True).replace('"bca"', '"b\\u0063a"')
    pretty = pretty.replace('"custom-field-1"', '"http:\\/\\/x.test\\/a b"')
    raw = pretty.encode("ascii")
    headers = snap.headers(CREATE, raw, external_id=trx)
    accepted = snap.client.post(CREATE, content=raw, headers=headers)
    assert code(accepted) == "2002700", accepted.text
    # ... while a signature over a re-serialisation of the same JSON does not.
    trx2 = uuid.uuid4().hex
    raw2 = pretty.replace(trx, trx2).encode("ascii")
    reserialised = dumps(json.loads(raw2))
    headers = snap.headers(CREATE, reserialised, external_id=trx2)
    refused = snap.client.post(CREATE, content=raw2, headers=headers)
    assert code(refused) == "4012700"


def test_malformed_timestamp_is_a_format_error(snap: Snap) -> None:
    raw = dumps(va_status_body("x"))
    headers = snap.headers(STATUS, raw)
    headers["X-TIMESTAMP"] = "15/03/2026 10:35"
    headers["X-SIGNATURE"] = sign_hmac(
        CLIENT_SECRET,
        transaction_string_to_sign("POST", STATUS, snap.token, raw, headers["X-TIMESTAMP"]),
    )
    response = snap.client.post(STATUS, content=raw, headers=headers)
    assert response.json() == {
        "responseCode": "4002601",
        "responseMessage": "Invalid Field Format X-TIMESTAMP",
    }


def test_stale_timestamp_is_unauthorized(snap: Snap, clock: FakeClock) -> None:
    raw = dumps(va_status_body("x"))
    stale = format_timestamp(clock() - timedelta(minutes=10))
    headers = snap.headers(STATUS, raw)
    headers["X-TIMESTAMP"] = stale
    headers["X-SIGNATURE"] = sign_hmac(
        CLIENT_SECRET, transaction_string_to_sign("POST", STATUS, snap.token, raw, stale)
    )
    response = snap.client.post(STATUS, content=raw, headers=headers)
    assert response.status_code == 401
    assert code(response) == "4012600"


def test_partner_id_must_be_the_merchants(snap: Snap) -> None:
    response = snap.post(STATUS, va_status_body("x"), extra={"X-PARTNER-ID": "SOMEONE"})
    assert response.status_code == 401
    assert code(response) == "4012600"


@pytest.mark.parametrize(("channel", "expected"), [("1234", "4002601"), ("54321", "4012600")])
def test_channel_id_format_and_identity(snap: Snap, channel: str, expected: str) -> None:
    assert code(snap.post(STATUS, va_status_body("x"), extra={"CHANNEL-ID": channel})) == expected


@pytest.mark.parametrize("external_id", ["x" * 37, "has space", "semi;colon"])
def test_external_id_format(snap: Snap, external_id: str) -> None:
    response = snap.post(STATUS, va_status_body("x"), external_id=external_id)
    assert response.json() == {
        "responseCode": "4002601",
        "responseMessage": "Invalid Field Format X-EXTERNAL-ID",
    }


def test_body_that_is_not_json_is_a_bad_request(snap: Snap) -> None:
    response = snap.post(STATUS, b"{not json")
    assert response.status_code == 400
    assert code(response) == "4002600"


def test_body_that_is_not_an_object_is_a_bad_request(snap: Snap) -> None:
    assert code(snap.post(STATUS, b"[1,2]")) == "4002600"


def test_external_id_is_unique_per_day_on_inquiries(snap: Snap) -> None:
    trx = _created(snap)
    first = snap.post(STATUS, va_status_body(trx), external_id="poll-1")
    assert code(first) == "2002600"
    again = snap.post(STATUS, va_status_body(trx), external_id="poll-1")
    assert again.status_code == 409
    assert again.json() == {
        "responseCode": "4092600",
        "responseMessage": "Cannot use same X-EXTERNAL-ID in same day",
    }


def test_external_id_can_be_reused_the_next_jakarta_day(snap: Snap, clock: FakeClock) -> None:
    trx = _created(snap)
    assert code(snap.post(STATUS, va_status_body(trx), external_id="poll-2")) == "2002600"
    now = clock().astimezone(JAKARTA)
    midnight = now.replace(hour=0, minute=0, second=0) + timedelta(days=1)
    clock.advance((midnight - now).total_seconds() + 1)
    snap._token = None
    assert code(snap.post(STATUS, va_status_body(trx), external_id="poll-2")) == "2002600"


def test_external_id_scope_is_per_merchant(
    emulator: Emulator, snap: Snap, merchant_keys: GeneratedKeyPair, clock: FakeClock
) -> None:
    emulator.register_merchant(
        client_id="OTHER",
        client_secret="other-secret",
        partner_id="G999",
        merchant_public_key=merchant_keys.public_pem,
    )
    other = Snap(
        snap.client,
        merchant_keys.private_key(),
        clock,
        client_id="OTHER",
        secret="other-secret",
        partner_id="G999",
    )
    assert code(snap.post(CREATE, va_body("shared-id"), external_id="shared-id")) == "2002700"
    assert code(other.post(CREATE, va_body("shared-id"), external_id="shared-id")) == "2002700"


def test_identical_retry_on_payment_endpoint_replays_the_answer(
    snap: Snap, emulator: Emulator
) -> None:
    trx = uuid.uuid4().hex
    raw = dumps(va_body(trx))
    first = snap.post(CREATE, raw, external_id=trx)
    second = snap.post(CREATE, raw, external_id=trx)
    assert code(first) == "2002700"
    assert second.status_code == 200
    assert second.content == first.content
    assert len(emulator.state.ledger.records()) == 1


def test_retry_with_a_different_body_conflicts(snap: Snap) -> None:
    trx = uuid.uuid4().hex
    assert code(snap.post(CREATE, va_body(trx), external_id=trx)) == "2002700"
    changed = snap.post(CREATE, va_body(trx, amount="20000.00"), external_id=trx)
    assert changed.status_code == 409
    assert code(changed) == "4092700"


def test_a_failed_answer_does_not_use_up_the_external_id(snap: Snap) -> None:
    trx = uuid.uuid4().hex
    bad = va_body(trx)
    del bad["virtualAccountName"]
    assert code(snap.post(CREATE, bad, external_id=trx)) == "4002702"
    assert code(snap.post(CREATE, va_body(trx), external_id=trx)) == "2002700"


def test_unknown_path_and_wrong_method(http: httpx.Client) -> None:
    missing = http.post("/v1.0/nothing-here", content=b"{}")
    assert missing.status_code == 404
    wrong = http.get("/v1.0/transfer-va/status")
    assert wrong.status_code == 405


def test_response_carries_x_timestamp_and_json(snap: Snap) -> None:
    response = snap.post(STATUS, va_status_body("x"))
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-timestamp"].endswith("+07:00")


def test_old_external_ids_are_forgotten(snap: Snap, emulator: Emulator, clock: FakeClock) -> None:
    trx = _created(snap)
    assert len(emulator.state.external_ids) == 1
    clock.advance(3 * 86400)
    snap._token = None
    assert code(snap.post(STATUS, va_status_body(trx))) == "2002600"
    assert len(emulator.state.external_ids) == 1  # only today's id is kept
