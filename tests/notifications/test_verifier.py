"""One test per failure mode, in the order the checks run, plus the signed-path candidates."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest

from bisnap.errors import ConfigurationError, KeyLoadError, NotificationError
from bisnap.keys import GeneratedKeyPair
from bisnap.notifications import (
    STEPS,
    MemoryReplayStore,
    NotificationHeaderError,
    NotificationKind,
    NotificationPayloadError,
    NotificationVerifier,
    QrisNotification,
)

from .helpers import NOW, SAMPLES, TIMESTAMP, fixed_clock, sign_headers

DEBIT = "/v1.0/debit/notify"
BODY = SAMPLES[NotificationKind.DIRECT_DEBIT]


@pytest.fixture
def verifier(gateway_keys: GeneratedKeyPair) -> NotificationVerifier:
    return NotificationVerifier(
        gateway_keys.public_pem, clock=fixed_clock(), replay_store=MemoryReplayStore()
    )


@pytest.fixture
def headers(gateway_keys: GeneratedKeyPair) -> dict[str, str]:
    return sign_headers(gateway_keys.private_key(), BODY, path=DEBIT)


def _step(verifier: NotificationVerifier, body: bytes, headers: object, path: str = DEBIT) -> str:
    with pytest.raises(NotificationError) as caught:
        verifier.verify("POST", path, body, headers)  # type: ignore[arg-type]
    assert caught.value.step in STEPS
    assert str(caught.value).startswith(caught.value.step + ": ")
    return caught.value.step


def test_a_signed_notification_verifies(
    verifier: NotificationVerifier, headers: dict[str, str]
) -> None:
    verified = verifier.verify("POST", DEBIT, BODY, headers)
    assert verified.kind is NotificationKind.DIRECT_DEBIT
    assert verified.external_id == "123456789012"
    assert verified.timestamp == TIMESTAMP
    assert verified.sent_at == NOW
    assert verified.signed_path == DEBIT
    assert verified.path_form == "request_path"
    assert verified.partner_id == "G123456789"
    assert verified.channel_id == "12345"
    assert verified.body == BODY


def test_header_names_in_any_case_and_as_pairs(
    verifier: NotificationVerifier, headers: dict[str, str]
) -> None:
    pairs = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    assert verifier.verify("post", DEBIT, bytearray(BODY), pairs).external_id == "123456789012"


# --- one test per failure mode ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["X-TIMESTAMP", "X-SIGNATURE", "X-EXTERNAL-ID"])
def test_missing_header(verifier: NotificationVerifier, headers: dict[str, str], name: str) -> None:
    del headers[name]
    with pytest.raises(NotificationHeaderError) as caught:
        verifier.verify("POST", DEBIT, BODY, headers)
    assert caught.value.step == "headers"
    assert caught.value.field == name
    assert caught.value.missing


def test_repeated_header(verifier: NotificationVerifier, headers: dict[str, str]) -> None:
    pairs = [*headers.items(), ("x-signature", headers["X-SIGNATURE"])]
    with pytest.raises(NotificationHeaderError) as caught:
        verifier.verify("POST", DEBIT, BODY, pairs)
    assert caught.value.field == "X-SIGNATURE"
    assert not caught.value.missing


def test_malformed_external_id(verifier: NotificationVerifier, headers: dict[str, str]) -> None:
    headers["X-EXTERNAL-ID"] = "12 34"
    assert _step(verifier, BODY, headers) == "headers"


@pytest.mark.parametrize(
    "timestamp",
    ["2026-01-15 10:00", "yesterday", "2026-01-15T10:00:00", "2026-13-15T10:00:00+07:00"],
    ids=["truncated", "words", "no-offset", "month-13"],
)
def test_bad_timestamp_format(
    verifier: NotificationVerifier, gateway_keys: GeneratedKeyPair, timestamp: str
) -> None:
    signed = sign_headers(gateway_keys.private_key(), BODY, path=DEBIT, timestamp=timestamp)
    assert _step(verifier, BODY, signed) == "timestamp"


def test_non_json_body(verifier: NotificationVerifier, gateway_keys: GeneratedKeyPair) -> None:
    headers = sign_headers(gateway_keys.private_key(), b"{}", path=DEBIT)
    with pytest.raises(NotificationError) as caught:
        verifier.verify("POST", DEBIT, b"status=paid&order=1", headers)
    assert caught.value.step == "body"
    assert "not valid JSON" in caught.value.message


@pytest.mark.parametrize("body", [b"", b"  \n", b"\xff{}"], ids=["empty", "blank", "not-utf8"])
def test_empty_or_undecodable_body(
    verifier: NotificationVerifier, headers: dict[str, str], body: bytes
) -> None:
    assert _step(verifier, body, headers) == "body"


def test_text_instead_of_raw_bytes(verifier: NotificationVerifier, headers: dict[str, str]) -> None:
    assert _step(verifier, BODY.decode(), headers) == "body"  # type: ignore[arg-type]


def test_body_too_large(gateway_keys: GeneratedKeyPair, headers: dict[str, str]) -> None:
    small = NotificationVerifier(gateway_keys.public_key(), clock=fixed_clock(), max_body_bytes=64)
    assert _step(small, BODY, headers) == "body"


def test_bad_signature(verifier: NotificationVerifier, headers: dict[str, str]) -> None:
    raw = bytearray(base64.b64decode(headers["X-SIGNATURE"]))
    raw[-1] ^= 0x01
    headers["X-SIGNATURE"] = base64.b64encode(bytes(raw)).decode()
    assert _step(verifier, BODY, headers) == "signature"


@pytest.mark.parametrize(
    "signature", ["not base64!", "c2hvcnQ=", "é"], ids=["not-base64", "too-short", "non-ascii"]
)
def test_malformed_signature(
    verifier: NotificationVerifier, headers: dict[str, str], signature: str
) -> None:
    headers["X-SIGNATURE"] = signature
    with pytest.raises(NotificationError) as caught:
        verifier.verify("POST", DEBIT, BODY, headers)
    assert caught.value.step == "signature"
    assert "malformed" in caught.value.message


def test_wrong_key(verifier: NotificationVerifier, merchant_keys: GeneratedKeyPair) -> None:
    signed_by_someone_else = sign_headers(merchant_keys.private_key(), BODY, path=DEBIT)
    assert _step(verifier, BODY, signed_by_someone_else) == "signature"


def test_signature_over_another_timestamp(
    verifier: NotificationVerifier, headers: dict[str, str]
) -> None:
    headers["X-TIMESTAMP"] = "2026-01-15T10:00:01+07:00"
    assert _step(verifier, BODY, headers) == "signature"


def test_signature_over_another_method(
    verifier: NotificationVerifier, gateway_keys: GeneratedKeyPair
) -> None:
    signed = sign_headers(gateway_keys.private_key(), BODY, path=DEBIT, method="PUT")
    assert _step(verifier, BODY, signed) == "signature"


@pytest.mark.parametrize("seconds", [301, 3600 * 24], ids=["just-too-old", "a-day-old"])
def test_timestamp_too_old(
    verifier: NotificationVerifier, gateway_keys: GeneratedKeyPair, seconds: int
) -> None:
    late = NotificationVerifier(
        gateway_keys.public_key(), clock=fixed_clock(NOW + timedelta(seconds=seconds))
    )
    headers = sign_headers(gateway_keys.private_key(), BODY, path=DEBIT)
    with pytest.raises(NotificationError) as caught:
        late.verify("POST", DEBIT, BODY, headers)
    assert caught.value.step == "window"
    assert "old" in caught.value.message


def test_timestamp_too_far_in_the_future(gateway_keys: GeneratedKeyPair) -> None:
    early = NotificationVerifier(
        gateway_keys.public_key(), clock=fixed_clock(NOW - timedelta(seconds=301))
    )
    headers = sign_headers(gateway_keys.private_key(), BODY, path=DEBIT)
    with pytest.raises(NotificationError) as caught:
        early.verify("POST", DEBIT, BODY, headers)
    assert caught.value.step == "window"
    assert "future" in caught.value.message


@pytest.mark.parametrize("seconds", [-300, 300])
def test_window_edges_are_inclusive(gateway_keys: GeneratedKeyPair, seconds: int) -> None:
    at_edge = NotificationVerifier(
        gateway_keys.public_key(), clock=fixed_clock(NOW + timedelta(seconds=seconds))
    )
    headers = sign_headers(gateway_keys.private_key(), BODY, path=DEBIT)
    assert at_edge.verify("POST", DEBIT, BODY, headers).sent_at == NOW


def test_custom_tolerance(gateway_keys: GeneratedKeyPair) -> None:
    strict = NotificationVerifier(
        gateway_keys.public_key(),
        tolerance=timedelta(seconds=30),
        clock=fixed_clock(NOW + timedelta(seconds=31)),
    )
    headers = sign_headers(gateway_keys.private_key(), BODY, path=DEBIT)
    assert _step(strict, BODY, headers) == "window"


def test_timestamp_in_utc_z_form(
    verifier: NotificationVerifier, gateway_keys: GeneratedKeyPair
) -> None:
    headers = sign_headers(
        gateway_keys.private_key(), BODY, path=DEBIT, timestamp="2026-01-15T03:00:00.123Z"
    )
    assert verifier.verify("POST", DEBIT, BODY, headers).timestamp == "2026-01-15T03:00:00.123Z"


def test_replayed_external_id(verifier: NotificationVerifier, headers: dict[str, str]) -> None:
    verifier.verify("POST", DEBIT, BODY, headers)
    with pytest.raises(NotificationError) as caught:
        verifier.verify("POST", DEBIT, BODY, headers)
    assert caught.value.step == "replay"


def test_released_external_id_is_accepted_again(
    verifier: NotificationVerifier, headers: dict[str, str]
) -> None:
    verified = verifier.verify("POST", DEBIT, BODY, headers)
    verifier.release(verified)
    assert verifier.verify("POST", DEBIT, BODY, headers).external_id == verified.external_id


def test_a_failed_check_does_not_use_up_the_external_id(
    verifier: NotificationVerifier, headers: dict[str, str]
) -> None:
    good_signature = headers["X-SIGNATURE"]
    headers["X-SIGNATURE"] = base64.b64encode(bytes(256)).decode()
    assert _step(verifier, BODY, headers) == "signature"
    headers["X-SIGNATURE"] = good_signature
    assert verifier.verify("POST", DEBIT, BODY, headers).external_id == "123456789012"


def test_without_a_replay_store_a_repeat_passes(
    gateway_keys: GeneratedKeyPair, headers: dict[str, str]
) -> None:
    plain = NotificationVerifier(gateway_keys.public_key(), clock=fixed_clock())
    plain.verify("POST", DEBIT, BODY, headers)
    assert plain.verify("POST", DEBIT, BODY, headers).kind is NotificationKind.DIRECT_DEBIT


def test_payload_error_after_verification_releases_the_id(
    verifier: NotificationVerifier, gateway_keys: GeneratedKeyPair
) -> None:
    body = b'["not", "an", "object"]'
    headers = sign_headers(gateway_keys.private_key(), body, path=DEBIT)
    for _ in range(2):  # the second attempt is not refused as a replay
        with pytest.raises(NotificationPayloadError) as caught:
            verifier.verify("POST", DEBIT, body, headers)
        assert caught.value.field is None


def test_a_verified_notification_missing_mandatory_fields_is_accepted(
    verifier: NotificationVerifier, gateway_keys: GeneratedKeyPair
) -> None:
    body = b'{"latestTransactionStatus": "00"}'
    headers = sign_headers(gateway_keys.private_key(), body, path=DEBIT)
    verified = verifier.verify("POST", DEBIT, body, headers)
    assert verified.payload.missing_fields == ("originalReferenceNo", "additionalInfo")


def test_unknown_path(verifier: NotificationVerifier, headers: dict[str, str]) -> None:
    assert _step(verifier, BODY, headers, path="/v1.0/debit/payment") == "route"


def test_explicit_kind_overrides_the_path(
    verifier: NotificationVerifier, gateway_keys: GeneratedKeyPair
) -> None:
    body = SAMPLES[NotificationKind.QRIS_PAYMENT]
    headers = sign_headers(gateway_keys.private_key(), body, path="/hooks/qris")
    verified = verifier.verify(
        "POST", "/hooks/qris", body, headers, kind=NotificationKind.QRIS_PAYMENT
    )
    assert isinstance(verified.payload, QrisNotification)


def test_checks_run_in_order(verifier: NotificationVerifier) -> None:
    # Everything is wrong at once: the first check in the order is the one reported.
    assert _step(verifier, b"nope", {"X-TIMESTAMP": "x"}, path="/nowhere") == "route"
    assert _step(verifier, b"nope", {"X-TIMESTAMP": "x"}) == "headers"
    bad_all = {"X-TIMESTAMP": "x", "X-SIGNATURE": "!", "X-EXTERNAL-ID": "1"}
    assert _step(verifier, b"nope", bad_all) == "timestamp"
    bad_all["X-TIMESTAMP"] = "2020-01-01T00:00:00+07:00"
    assert _step(verifier, b"nope", bad_all) == "body"
    assert _step(verifier, b"{}", bad_all) == "signature"


# --- the signed path (spec §10 item 3) ----------------------------------------------------------

PREFIXED = "/api/snap/v1.0/debit/notify"


@pytest.mark.parametrize(
    ("signed_over", "form"),
    [(PREFIXED, "request_path"), (DEBIT, "relative_path")],
)
def test_with_a_prefix_both_candidates_verify(
    gateway_keys: GeneratedKeyPair, signed_over: str, form: str
) -> None:
    verifier = NotificationVerifier(
        gateway_keys.public_key(), clock=fixed_clock(), path_prefix="https://shop.example/api/snap/"
    )
    assert verifier.path_prefix == "/api/snap"
    headers = sign_headers(gateway_keys.private_key(), BODY, path=signed_over)
    verified = verifier.verify("POST", PREFIXED, BODY, headers)
    assert verified.signed_path == signed_over
    assert verified.path_form == form


def test_without_a_prefix_only_the_request_path_is_tried(gateway_keys: GeneratedKeyPair) -> None:
    verifier = NotificationVerifier(gateway_keys.public_key(), clock=fixed_clock())
    headers = sign_headers(gateway_keys.private_key(), BODY, path=DEBIT)
    with pytest.raises(NotificationError) as caught:
        verifier.verify("POST", PREFIXED, BODY, headers)
    assert caught.value.step == "signature"
    assert "relative" not in caught.value.message


@pytest.mark.parametrize(
    "signed_over",
    ["/snap/v1.0/debit/notify", "/api/snap/v1.0/debit/notify/", "/1.0/debit/notify", "/api/snap"],
)
def test_no_other_path_is_ever_tried(gateway_keys: GeneratedKeyPair, signed_over: str) -> None:
    verifier = NotificationVerifier(
        gateway_keys.public_key(), clock=fixed_clock(), path_prefix="/api/snap"
    )
    headers = sign_headers(gateway_keys.private_key(), BODY, path=signed_over)
    with pytest.raises(NotificationError) as caught:
        verifier.verify("POST", PREFIXED, BODY, headers)
    assert caught.value.step == "signature"


# --- configuration and secrecy -----------------------------------------------------------------


def test_public_key_is_required() -> None:
    with pytest.raises(ConfigurationError) as caught:
        NotificationVerifier(None)  # type: ignore[arg-type]
    assert caught.value.field == "public_key"


def test_a_private_key_is_not_a_public_key(gateway_keys: GeneratedKeyPair) -> None:
    with pytest.raises(KeyLoadError):
        NotificationVerifier(gateway_keys.private_key())  # type: ignore[arg-type]


@pytest.mark.parametrize("tolerance", [0, -5, float("nan"), timedelta(0), True])
def test_the_window_cannot_be_switched_off(
    gateway_keys: GeneratedKeyPair, tolerance: float | timedelta
) -> None:
    with pytest.raises(ConfigurationError) as caught:
        NotificationVerifier(gateway_keys.public_key(), tolerance=tolerance)
    assert caught.value.field == "tolerance"


def test_replay_ttl_must_outlast_the_window(gateway_keys: GeneratedKeyPair) -> None:
    with pytest.raises(ConfigurationError) as caught:
        NotificationVerifier(
            gateway_keys.public_key(), replay_store=MemoryReplayStore(), replay_ttl=599
        )
    assert caught.value.field == "replay_ttl"


def test_replay_store_must_be_a_store(gateway_keys: GeneratedKeyPair) -> None:
    with pytest.raises(ConfigurationError):
        NotificationVerifier(gateway_keys.public_key(), replay_store=set())  # type: ignore[arg-type]


def test_naive_clock_is_a_configuration_error(
    gateway_keys: GeneratedKeyPair, headers: dict[str, str]
) -> None:
    naive = NotificationVerifier(gateway_keys.public_key(), clock=lambda: NOW.replace(tzinfo=None))
    with pytest.raises(ConfigurationError):
        naive.verify("POST", DEBIT, BODY, headers)


def test_nothing_raw_in_errors(
    verifier: NotificationVerifier, gateway_keys: GeneratedKeyPair, merchant_keys: GeneratedKeyPair
) -> None:
    body = SAMPLES[NotificationKind.ACCOUNT_LINKING]
    path = "/v1.0/registration-account/notify"
    headers = sign_headers(merchant_keys.private_key(), body, path=path)
    with pytest.raises(NotificationError) as caught:
        verifier.verify("POST", path, body, headers)
    shown = str(caught.value) + repr(caught.value) + repr(verifier)
    for secret in (
        headers["X-SIGNATURE"],
        headers["X-SIGNATURE"][:24],
        "MjAyMjEwMTM2NjE1OGRiMS00",
        body.decode()[:40],
        gateway_keys.public_pem.decode().splitlines()[1],
    ):
        assert secret not in shown


def test_verified_notification_repr_hides_the_body_and_token(
    verifier: NotificationVerifier, gateway_keys: GeneratedKeyPair
) -> None:
    body = SAMPLES[NotificationKind.ACCOUNT_LINKING]
    path = "/v1.0/registration-account/notify"
    headers = sign_headers(gateway_keys.private_key(), body, path=path)
    verified = verifier.verify("POST", path, body, headers)
    assert "MjAyMjEwMTM2NjE1OGRiMS00" not in repr(verified) + str(verified.payload)
    assert headers["X-SIGNATURE"] not in repr(verified)


def test_a_custom_path_is_told_to_pass_the_kind(
    verifier: NotificationVerifier, headers: dict[str, str]
) -> None:
    with pytest.raises(NotificationError) as caught:
        verifier.verify("POST", "/webhook/snap-bi/va", BODY, headers)
    assert caught.value.step == "route"
    assert "is not a notification path: pass kind=" in str(caught.value)
    assert "NotificationKind.VA_PAYMENT" in str(caught.value)
