"""Body digest and the three strings to sign."""

from __future__ import annotations

import hashlib

import pytest

from bisnap.errors import InvalidInputError, InvalidJSONError
from bisnap.signing import (
    Digest,
    asymmetric_string_to_sign,
    body_digest,
    token_string_to_sign,
    transaction_string_to_sign,
)

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
TS = "2024-03-15T10:35:00+07:00"
BODY = b'{ "partnerServiceId" : "   70012" }'
BODY_DIGEST = hashlib.sha256(b'{"partnerServiceId":"   70012"}').hexdigest()


def test_body_digest_is_sha256_of_the_minified_body() -> None:
    assert body_digest(BODY) == BODY_DIGEST
    assert body_digest(BODY.decode()) == BODY_DIGEST
    assert body_digest(BODY, validate=False) == BODY_DIGEST


@pytest.mark.parametrize("body", [b"", "", b"  \n"])
def test_empty_body_digests_the_empty_string(body: bytes | str) -> None:
    assert body_digest(body) == EMPTY_SHA256


def test_empty_object_is_not_an_empty_body() -> None:
    assert body_digest(b"{}") == hashlib.sha256(b"{}").hexdigest() != EMPTY_SHA256


def test_body_digest_refuses_invalid_json() -> None:
    with pytest.raises(InvalidJSONError):
        body_digest(b"{")


def test_token_string_to_sign() -> None:
    assert token_string_to_sign("G1234325-SNAP", TS) == f"G1234325-SNAP|{TS}"


def test_transaction_string_to_sign() -> None:
    sts = transaction_string_to_sign("POST", "/v1.0/transfer-va/create-va", "tok", BODY, TS)
    assert sts == f"POST:/v1.0/transfer-va/create-va:tok:{BODY_DIGEST}:{TS}"


def test_asymmetric_string_to_sign() -> None:
    sts = asymmetric_string_to_sign("POST", "/v1.0/debit/notify", BODY, TS)
    assert sts == f"POST:/v1.0/debit/notify:{BODY_DIGEST}:{TS}"


@pytest.mark.parametrize("method", ["post", "Post", "pOST"])
def test_method_is_upper_cased(method: str) -> None:
    assert asymmetric_string_to_sign(method, "/p", b"", TS).startswith("POST:/p:")
    assert transaction_string_to_sign(method, "/p", "t", b"", TS).startswith("POST:/p:t:")


def test_get_with_query_signs_path_and_query_as_given() -> None:
    path = "/v1.0/transaction-history-list?fromDateTime=2024-03-01T00:00:00%2B07:00&pageSize=10"
    sts = transaction_string_to_sign("get", path, "tok", b"", TS)
    assert sts == f"GET:{path}:tok:{EMPTY_SHA256}:{TS}"


@pytest.mark.parametrize(
    "path",
    [
        "https://merchants.sbx.midtrans.com/v1.0/debit/notify",
        "merchants.sbx.midtrans.com/v1.0/debit/notify",
        "//merchants.sbx.midtrans.com/v1.0/debit/notify",
        "v1.0/debit/notify",
        "/v1.0/debit notify",
        "/v1.0/debit/notify\r\nX-Injected: 1",
        "/v1.0/debit/notify\x00",
        "",
    ],
)
def test_a_path_that_is_not_a_relative_path_is_refused(path: str) -> None:
    with pytest.raises(InvalidInputError, match="path"):
        asymmetric_string_to_sign("POST", path, b"", TS)
    with pytest.raises(InvalidInputError, match="path"):
        transaction_string_to_sign("POST", path, "t", b"", TS)


@pytest.mark.parametrize("method", ["", "PO ST", "POST:", "GET/", "PÖST", "ﬆ", 1])
def test_a_method_that_is_not_a_method_name_is_refused(method: object) -> None:
    with pytest.raises(InvalidInputError, match="method"):
        asymmetric_string_to_sign(method, "/p", b"", TS)  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["client_key", "timestamp"])
def test_token_fields_must_be_non_empty_strings(field: str) -> None:
    values = {"client_key": "G1", "timestamp": TS}
    with pytest.raises(InvalidInputError, match=field):
        token_string_to_sign(**(values | {field: ""}))
    with pytest.raises(InvalidInputError, match=field):
        token_string_to_sign(**(values | {field: None}))  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["access_token", "timestamp"])
def test_transaction_fields_must_be_non_empty_strings(field: str) -> None:
    values: dict[str, object] = {
        "method": "POST",
        "path": "/p",
        "access_token": "t",
        "body": b"",
        "timestamp": TS,
    }
    with pytest.raises(InvalidInputError, match=field):
        transaction_string_to_sign(**(values | {field: ""}))  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match=field):
        transaction_string_to_sign(**(values | {field: b"x"}))  # type: ignore[arg-type]


def test_timestamp_is_signed_byte_for_byte() -> None:
    for ts in ("2024-03-05T10:37:16.196Z", "2024-03-05T17:37:16+07:00", "anything opaque"):
        assert token_string_to_sign("c", ts) == f"c|{ts}"


def test_a_digest_stands_in_for_the_body() -> None:
    digest = Digest(BODY_DIGEST)
    assert asymmetric_string_to_sign("POST", "/p", digest, TS) == asymmetric_string_to_sign(
        "POST", "/p", BODY, TS
    )
    assert transaction_string_to_sign("POST", "/p", "t", digest, TS).split(":")[3] == BODY_DIGEST


@pytest.mark.parametrize(
    "bad",
    [BODY_DIGEST.upper(), BODY_DIGEST[:-1], BODY_DIGEST + "0", "z" * 64, "", 42],
    ids=["upper", "short", "long", "not-hex", "empty", "int"],
)
def test_a_digest_must_be_64_lower_hex(bad: object) -> None:
    with pytest.raises(InvalidInputError, match="64 lowercase"):
        Digest(bad)  # type: ignore[arg-type]


def test_a_plain_hex_string_is_a_body_not_a_digest() -> None:
    # Only a Digest is taken as a digest: a str body of 64 hex digits is JSON-checked.
    with pytest.raises(InvalidJSONError):
        asymmetric_string_to_sign("POST", "/p", BODY_DIGEST, TS)
