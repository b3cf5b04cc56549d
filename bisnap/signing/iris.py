"""``Iris-Signature``: how Midtrans signs Payouts notifications.

The signature is the lowercase hex SHA-512 of the raw body bytes immediately followed by the
Iris Merchant Key. It is a plain digest, not an HMAC, and no timestamp takes part. The body is
hashed exactly as received: never parsed, minified or re-serialized (``"12333.0"`` and
``"12333.00"`` are different bodies).
"""

from __future__ import annotations

import hashlib
import hmac

from bisnap.errors import InvalidInputError, InvalidSignatureError
from bisnap.keys import IrisMerchantKey, load_iris_merchant_key

__all__ = ["IRIS_SIGNATURE_HEX_LENGTH", "iris_signature", "verify_iris_signature"]

IRIS_SIGNATURE_HEX_LENGTH = 128
"""Hex digits in an ``Iris-Signature`` (a SHA-512 digest)."""

_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def _key(merchant_key: IrisMerchantKey | str) -> IrisMerchantKey:
    if merchant_key is None:
        raise InvalidInputError("the Iris merchant key is required (None was given)")
    return load_iris_merchant_key(merchant_key)


def _body(body: bytes | str) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise InvalidInputError(f"the body must be bytes or str, not {type(body).__name__}")


def _digest(merchant_key: IrisMerchantKey | str, body: bytes | str) -> bytes:
    hasher = hashlib.sha512(_body(body))
    hasher.update(_key(merchant_key).as_bytes())
    return hasher.digest()


def iris_signature(merchant_key: IrisMerchantKey | str, body: bytes | str) -> str:
    """The ``Iris-Signature`` of ``body``: lowercase hex SHA-512 of body + merchant key.

    ``body`` is the raw bytes (a ``str`` is encoded as UTF-8); ``merchant_key`` an
    :class:`~bisnap.keys.IrisMerchantKey` or the key as a plain ``str``.
    """
    return _digest(merchant_key, body).hex()


def verify_iris_signature(
    merchant_key: IrisMerchantKey | str, body: bytes | str, signature: str | bytes
) -> None:
    """Check an ``Iris-Signature`` in constant time; raise InvalidSignatureError unless valid.

    Upper-case hex of the right digest is accepted; anything but 128 hex digits is refused as
    malformed. The message never contains the key or the expected signature.
    """
    expected = _digest(merchant_key, body)
    given: object = signature
    if isinstance(given, bytes):
        try:
            given = given.decode("ascii")
        except UnicodeDecodeError:
            raise InvalidSignatureError("Iris-Signature is not hex (non-ASCII bytes)") from None
    if not isinstance(given, str):
        raise InvalidSignatureError(f"Iris-Signature must be a str, not {type(given).__name__}")
    signature = given
    if not signature:
        raise InvalidSignatureError("Iris-Signature is empty")
    if len(signature) != IRIS_SIGNATURE_HEX_LENGTH or not set(signature) <= _HEX_DIGITS:
        raise InvalidSignatureError(
            f"Iris-Signature is not {IRIS_SIGNATURE_HEX_LENGTH} hex digits "
            f"({len(signature)} characters)"
        )
    if not hmac.compare_digest(bytes.fromhex(signature), expected):
        raise InvalidSignatureError("Iris-Signature does not match (SHA-512 of body + key)")
