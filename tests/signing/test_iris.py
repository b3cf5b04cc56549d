"""Iris-Signature and the Iris merchant key: properties, key confusion, secrecy, loading.

Expected signatures come from ``hashlib`` over body + key (the standard library), never from
the code under test.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bisnap
from bisnap.errors import ConfigurationError, InvalidInputError, InvalidSignatureError, KeyLoadError
from bisnap.keys import (
    IRIS_MERCHANT_KEY_ENV,
    ClientSecret,
    IrisMerchantKey,
    generate_key_pair,
    load_client_secret,
    load_iris_merchant_key,
    load_private_key,
    load_public_key,
)
from bisnap.signing import iris_signature, sign_hmac, verify_iris_signature

FAST = settings(max_examples=200, deadline=None)
KEY = "IRIS-merchant-0b5f6a4e-1111-2222-3333-444455556666"
KEYS = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=60)
HEX = "0123456789abcdef"


def reference(key: str, body: bytes) -> str:
    return hashlib.sha512(body + key.encode("utf-8")).hexdigest()


@FAST
@given(key=KEYS, body=st.binary(max_size=300))
def test_signature_is_sha512_of_body_then_key(key: str, body: bytes) -> None:
    assert iris_signature(key, body) == reference(key, body)
    verify_iris_signature(IrisMerchantKey(key), body, reference(key, body))


@FAST
@given(body=st.binary(min_size=1, max_size=300), data=st.data())
def test_any_single_byte_change_of_the_body_fails(body: bytes, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(body) - 1))
    replacement = data.draw(st.integers(0, 255).filter(lambda b: b != body[index]))
    changed = body[:index] + bytes([replacement]) + body[index + 1 :]
    with pytest.raises(InvalidSignatureError):
        verify_iris_signature(KEY, changed, reference(KEY, body))


@FAST
@given(body=st.binary(max_size=200), data=st.data())
def test_any_single_character_change_of_the_signature_fails(
    body: bytes, data: st.DataObject
) -> None:
    good = reference(KEY, body)
    index = data.draw(st.integers(0, len(good) - 1))
    # Any other character: another hex digit, a non-hex character or a non-ASCII one.
    replacement = data.draw(
        st.characters(max_codepoint=0x2FF).filter(lambda c: c.lower() != good[index])
    )
    with pytest.raises(InvalidSignatureError):
        verify_iris_signature(KEY, body, good[:index] + replacement + good[index + 1 :])


@FAST
@given(body=st.binary(max_size=200), mask=st.integers(0, 2**128 - 1))
def test_the_right_digest_in_any_letter_case_verifies(body: bytes, mask: int) -> None:
    # Bit i of the mask says whether character i is upper-cased: all 2**128 mixes of case.
    good = reference(KEY, body)
    mixed = "".join(c.upper() if mask >> i & 1 else c for i, c in enumerate(good))
    verify_iris_signature(KEY, body, mixed)


@FAST
@given(text=st.text(max_size=100))
def test_a_str_body_is_its_utf8_bytes(text: str) -> None:
    assert iris_signature(KEY, text) == reference(KEY, text.encode("utf-8"))


@pytest.mark.parametrize(
    ("signature", "words"),
    [
        ("", "empty"),
        ("ab" * 63, "128 hex digits"),
        ("ab" * 65, "128 hex digits"),
        ("zz" * 64, "128 hex digits"),
        (" " + "ab" * 63 + "a", "128 hex digits"),
        (b"\xff" * 128, "non-ASCII"),
    ],
)
def test_malformed_signatures_are_named(signature: str, words: str) -> None:
    with pytest.raises(InvalidSignatureError, match=words):
        verify_iris_signature(KEY, b"{}", signature)


def test_a_non_text_signature_is_an_invalid_signature() -> None:
    with pytest.raises(InvalidSignatureError, match="must be a str"):
        verify_iris_signature(KEY, b"{}", 12345)  # type: ignore[arg-type]


def test_a_body_of_the_wrong_type_is_a_typed_error() -> None:
    with pytest.raises(InvalidInputError, match="bytes or str"):
        iris_signature(KEY, {"amount": "1"})  # type: ignore[arg-type]


def test_the_key_never_appears_in_repr_str_or_errors(caplog: pytest.LogCaptureFixture) -> None:
    key = IrisMerchantKey(KEY)
    assert KEY not in repr(key)
    assert KEY not in str(key)
    assert "***" in repr(key)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(InvalidSignatureError) as caught:
        verify_iris_signature(key, b"{}", "0" * 128)
    assert KEY not in str(caught.value)
    assert reference(KEY, b"{}") not in str(caught.value)
    assert KEY not in caplog.text
    with pytest.raises(TypeError):
        pickle.dumps(key)


def test_keys_compare_by_value() -> None:
    assert IrisMerchantKey(KEY) == IrisMerchantKey(KEY.encode())
    assert IrisMerchantKey(KEY) != IrisMerchantKey(KEY + "x")
    assert hash(IrisMerchantKey(KEY)) == hash(IrisMerchantKey(KEY))
    assert IrisMerchantKey(KEY) != ClientSecret(KEY)


def test_the_key_cannot_stand_in_for_a_client_secret_or_rsa_key() -> None:
    iris = IrisMerchantKey(KEY)
    with pytest.raises(ConfigurationError, match="Iris merchant key"):
        load_client_secret(iris)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        sign_hmac(iris, "x")  # type: ignore[arg-type]
    with pytest.raises(KeyLoadError, match="IrisMerchantKey"):
        load_private_key(iris)  # type: ignore[arg-type]
    with pytest.raises(KeyLoadError, match="IrisMerchantKey"):
        load_public_key(iris)  # type: ignore[arg-type]


def test_a_client_secret_or_rsa_key_cannot_stand_in_for_the_iris_key() -> None:
    pair = generate_key_pair()
    for wrong in (ClientSecret(KEY), pair.private_key(), pair.public_key()):
        with pytest.raises(ConfigurationError, match="where the Iris merchant key"):
            iris_signature(wrong, b"{}")  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="required"):
        iris_signature(None, b"{}")  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["", "   ", " key", "key\n", "ke\x00y"])
def test_a_blank_or_padded_key_is_refused(bad: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        IrisMerchantKey(bad)
    assert caught.value.field == "iris_merchant_key"


def test_the_key_loads_from_the_environment() -> None:
    loaded = load_iris_merchant_key(environ={IRIS_MERCHANT_KEY_ENV: f" {KEY}\n"})
    assert loaded == IrisMerchantKey(KEY)
    assert load_iris_merchant_key(KEY, environ={}) == loaded
    assert load_iris_merchant_key(loaded) is loaded


def test_a_missing_environment_variable_is_named() -> None:
    with pytest.raises(ConfigurationError, match=IRIS_MERCHANT_KEY_ENV):
        load_iris_merchant_key(environ={})
    with pytest.raises(ConfigurationError, match=IRIS_MERCHANT_KEY_ENV) as caught:
        load_iris_merchant_key(environ={IRIS_MERCHANT_KEY_ENV: "a\x00b"})
    assert "a\x00b" not in str(caught.value)


def test_public_names_are_exported_from_bisnap() -> None:
    assert bisnap.iris_signature is iris_signature
    assert bisnap.verify_iris_signature is verify_iris_signature
    assert bisnap.IrisMerchantKey is IrisMerchantKey


def test_iris_signing_needs_neither_httpx_nor_pydantic() -> None:
    code = (
        "import sys, bisnap\n"
        "bisnap.verify_iris_signature('k', b'{}', bisnap.iris_signature('k', b'{}'))\n"
        "print('httpx' in sys.modules, 'pydantic' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["False", "False"]
