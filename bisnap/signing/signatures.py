"""SHA256withRSA and HMAC-SHA512 over a string-to-sign, as standard padded base64."""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import TypeVar

from bisnap.errors import ConfigurationError, InvalidInputError, InvalidSignatureError
from bisnap.keys import ClientSecret, PrivateKey, PublicKey, load_client_secret

__all__ = ["decode_signature", "sign_hmac", "sign_rsa", "verify_hmac", "verify_rsa"]

_HMAC_SHA512_BYTES = 64


def _message(string_to_sign: str) -> bytes:
    if not isinstance(string_to_sign, str):
        raise InvalidInputError(
            f"string_to_sign must be a str, not {type(string_to_sign).__name__}"
        )
    return string_to_sign.encode("utf-8")


def decode_signature(signature: str | bytes, expected_length: int | None = None) -> bytes:
    """Decode a standard base64 signature strictly; raise InvalidSignatureError if malformed."""
    if isinstance(signature, str):
        try:
            encoded = signature.encode("ascii")
        except UnicodeEncodeError:
            raise InvalidSignatureError("signature is not base64 (non-ASCII characters)") from None
    elif isinstance(signature, (bytes, bytearray)):
        encoded = bytes(signature)
    else:
        raise InvalidSignatureError(f"signature must be a str, not {type(signature).__name__}")
    if not encoded:
        raise InvalidSignatureError("signature is empty")
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raw = None
    # Only the canonical encoding is accepted (padding bits zero), so one signature has exactly
    # one spelling: replay and audit records keyed on the header value cannot be sidestepped.
    if raw is None or base64.b64encode(raw) != encoded:
        raise InvalidSignatureError(
            f"signature is not valid standard base64 ({len(encoded)} characters)"
        )
    if expected_length is not None and len(raw) != expected_length:
        raise InvalidSignatureError(
            f"signature decodes to {len(raw)} bytes; {expected_length} were expected"
        )
    return raw


K = TypeVar("K", PrivateKey, PublicKey)


def _key(key: object, expected: type[K], function: str) -> K:
    """``key`` when it is an ``expected`` key, else a ConfigurationError naming its loader."""
    if isinstance(key, expected):
        return key
    field = "private_key" if expected is PrivateKey else "public_key"
    raise ConfigurationError(
        f"{function} needs a {expected.__name__} (from load_{field}), not {type(key).__name__}",
        field=field,
    )


def sign_rsa(private_key: PrivateKey, string_to_sign: str) -> str:
    """SHA256withRSA (PKCS#1 v1.5) signature of ``string_to_sign``, standard base64."""
    signature = _key(private_key, PrivateKey, "sign_rsa").sign(_message(string_to_sign))
    return base64.b64encode(signature).decode("ascii")


def verify_rsa(public_key: PublicKey, string_to_sign: str, signature: str) -> None:
    """Check a SHA256withRSA signature; raise InvalidSignatureError unless it is valid."""
    key = _key(public_key, PublicKey, "verify_rsa")
    raw = decode_signature(signature, expected_length=(key.key_size + 7) // 8)
    if not key.verify(raw, _message(string_to_sign)):
        raise InvalidSignatureError("signature does not match (SHA256withRSA)")


def _hmac(client_secret: ClientSecret | str, message: bytes) -> bytes:
    return hmac.digest(load_client_secret(client_secret).as_bytes(), message, "sha512")


def sign_hmac(client_secret: ClientSecret | str, string_to_sign: str) -> str:
    """HMAC-SHA512 of ``string_to_sign`` keyed with the client secret, standard base64."""
    return base64.b64encode(_hmac(client_secret, _message(string_to_sign))).decode("ascii")


def verify_hmac(client_secret: ClientSecret | str, string_to_sign: str, signature: str) -> None:
    """Check an HMAC-SHA512 signature in constant time; raise InvalidSignatureError if wrong."""
    raw = decode_signature(signature, expected_length=_HMAC_SHA512_BYTES)
    expected = _hmac(client_secret, _message(string_to_sign))
    if not hmac.compare_digest(raw, expected):
        raise InvalidSignatureError("signature does not match (HMAC-SHA512)")
