"""sign_rsa / verify_rsa, sign_hmac / verify_hmac and strict signature decoding."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from bisnap.errors import ConfigurationError, InvalidInputError, InvalidSignatureError
from bisnap.keys import ClientSecret, GeneratedKeyPair
from bisnap.signing import decode_signature, sign_hmac, sign_rsa, verify_hmac, verify_rsa

STS = "POST:/v1.0/debit/notify:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855:x"
SECRET = "fdppqbF5wq7vVegyvsV1CROMv646nJ7A"


def test_sign_rsa_is_pkcs1v15_sha256_in_standard_base64(merchant_keys: GeneratedKeyPair) -> None:
    signature = sign_rsa(merchant_keys.private_key(), STS)
    raw = base64.b64decode(signature, validate=True)
    assert len(raw) == 256
    # Checked with the cryptography library directly, not through bisnap's verify.
    merchant_keys.public_key().cryptography_key.verify(
        raw, STS.encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    assert sign_rsa(merchant_keys.private_key(), STS) == signature  # deterministic


def test_verify_rsa_accepts_a_good_signature(merchant_keys: GeneratedKeyPair) -> None:
    signature = sign_rsa(merchant_keys.private_key(), STS)
    verify_rsa(merchant_keys.public_key(), STS, signature)
    verify_rsa(merchant_keys.public_key(), STS, signature.encode())  # type: ignore[arg-type]


def test_verify_rsa_refuses_another_keys_signature(
    merchant_keys: GeneratedKeyPair, gateway_keys: GeneratedKeyPair
) -> None:
    signature = sign_rsa(gateway_keys.private_key(), STS)
    with pytest.raises(InvalidSignatureError, match="does not match") as info:
        verify_rsa(merchant_keys.public_key(), STS, signature)
    assert signature not in str(info.value)


def test_verify_rsa_refuses_the_wrong_length(merchant_keys: GeneratedKeyPair) -> None:
    raw = base64.b64decode(sign_rsa(merchant_keys.private_key(), STS))
    with pytest.raises(InvalidSignatureError, match="255 bytes; 256 were expected"):
        verify_rsa(merchant_keys.public_key(), STS, base64.b64encode(raw[:-1]).decode())


def test_non_ascii_string_to_sign_is_utf8(merchant_keys: GeneratedKeyPair) -> None:
    signature = sign_rsa(merchant_keys.private_key(), "é")
    merchant_keys.public_key().cryptography_key.verify(
        base64.b64decode(signature), "é".encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def test_sign_hmac_is_hmac_sha512_in_standard_base64() -> None:
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), STS.encode(), hashlib.sha512).digest()
    ).decode()
    assert sign_hmac(SECRET, STS) == expected
    assert sign_hmac(ClientSecret(SECRET), STS) == expected


def test_verify_hmac_accepts_and_refuses() -> None:
    signature = sign_hmac(SECRET, STS)
    verify_hmac(SECRET, STS, signature)
    with pytest.raises(InvalidSignatureError, match="does not match") as info:
        verify_hmac("another-secret", STS, signature)
    assert SECRET not in str(info.value)
    assert signature not in str(info.value)
    with pytest.raises(InvalidSignatureError):
        verify_hmac(SECRET, STS + "x", signature)


def test_verify_hmac_compares_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    verify_hmac(SECRET, STS, sign_hmac(SECRET, STS))
    assert len(calls) == 1


@pytest.mark.parametrize("bad_secret", ["", b"", None, 42], ids=repr)
def test_a_bad_client_secret_is_a_configuration_error(bad_secret: object) -> None:
    with pytest.raises(ConfigurationError):
        sign_hmac(bad_secret, STS)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [b"bytes", None, 42], ids=repr)
def test_the_string_to_sign_must_be_a_str(bad: object, merchant_keys: GeneratedKeyPair) -> None:
    with pytest.raises(InvalidInputError, match="string_to_sign must be a str"):
        sign_hmac(SECRET, bad)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="string_to_sign must be a str"):
        sign_rsa(merchant_keys.private_key(), bad)  # type: ignore[arg-type]


# --- decode_signature ---------------------------------------------------------------------------

RAW = bytes(range(64))
GOOD = base64.b64encode(RAW).decode()


def test_decode_signature_round_trips() -> None:
    assert decode_signature(GOOD) == RAW
    assert decode_signature(GOOD.encode()) == RAW
    assert decode_signature(GOOD, expected_length=64) == RAW


@pytest.mark.parametrize(
    ("signature", "reason"),
    [
        ("", "empty"),
        (GOOD[:-4], "decodes to 63 bytes"),  # truncated at a group boundary
        (GOOD[:-5], "standard base64"),
        (GOOD.rstrip("="), "standard base64"),
        (GOOD.replace("+", "-").replace("/", "_"), "standard base64"),
        (GOOD[:20] + " " + GOOD[20:], "standard base64"),
        (" " + GOOD, "standard base64"),
        (GOOD + "\n", "standard base64"),
        (GOOD[:-3] + "x==", "standard base64"),  # non-canonical: the spare bits are set
        (RAW.hex(), "decodes to 96 bytes"),  # hex digits are base64 characters too
        (GOOD + "AAAA", "standard base64"),  # data after the padding
        (base64.b64encode(RAW + b"xyz").decode(), "decodes to 67 bytes"),
        ("é" + GOOD, "non-ASCII"),
    ],
)
def test_decode_signature_is_strict(signature: str, reason: str) -> None:
    with pytest.raises(InvalidSignatureError, match=reason) as info:
        decode_signature(signature, expected_length=64)
    if len(signature) > 8:
        assert signature not in str(info.value)


@pytest.mark.parametrize("bad", [None, 42, ["sig"]], ids=repr)
def test_decode_signature_refuses_other_types(bad: object) -> None:
    with pytest.raises(InvalidSignatureError, match="must be a str"):
        decode_signature(bad)  # type: ignore[arg-type]
