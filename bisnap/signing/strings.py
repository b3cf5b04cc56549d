"""Body digest and the string-to-sign of each SNAP scheme."""

from __future__ import annotations

import hashlib
import re

from bisnap.errors import InvalidInputError
from bisnap.signing.minify import minify_json

__all__ = [
    "Digest",
    "asymmetric_string_to_sign",
    "body_digest",
    "token_string_to_sign",
    "transaction_string_to_sign",
]

_HEX64 = re.compile(r"[0-9a-f]{64}")
# Characters that cannot appear in an HTTP request target, so a path holding them was mangled.
_UNSENDABLE_IN_PATH = re.compile(r"[\s\x00-\x1f\x7f]")

Body = bytes | bytearray | memoryview | str


class Digest(str):
    """A body digest already computed: 64 lowercase hex characters of SHA-256.

    Pass one in place of a body when only the digest is known (a published vector, a log).
    """

    __slots__ = ()

    def __new__(cls, value: str) -> Digest:
        if not isinstance(value, str) or not _HEX64.fullmatch(value):
            raise InvalidInputError("a body digest is 64 lowercase hexadecimal characters")
        return super().__new__(cls, value)


def body_digest(body: Body, *, validate: bool = True) -> str:
    """Lowercase hex SHA-256 of ``minify_json(body)``; an empty body digests ``b""``."""
    return hashlib.sha256(minify_json(body, validate=validate)).hexdigest()


def _digest_of(body: Body | Digest) -> str:
    return body if isinstance(body, Digest) else body_digest(body)


def _check_text(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(f"{name} must be a str, not {type(value).__name__}")
    if not value:
        raise InvalidInputError(f"{name} is empty")
    return value


def _method(method: str) -> str:
    method = _check_text("method", method)
    if not (method.isascii() and method.isalpha()):
        raise InvalidInputError("method must be an HTTP method name such as POST")
    return method.upper()


def _path(path: str) -> str:
    path = _check_text("path", path)
    if not path.startswith("/") or path.startswith("//"):
        raise InvalidInputError(
            "path must be the relative endpoint path starting with '/' (no scheme or host)"
        )
    if _UNSENDABLE_IN_PATH.search(path):
        raise InvalidInputError("path contains whitespace or control characters")
    return path


def token_string_to_sign(client_key: str, timestamp: str) -> str:
    """``X-CLIENT-KEY + "|" + X-TIMESTAMP`` (the B2B access-token request)."""
    return f"{_check_text('client_key', client_key)}|{_check_text('timestamp', timestamp)}"


def transaction_string_to_sign(
    method: str, path: str, access_token: str, body: Body | Digest, timestamp: str
) -> str:
    """``METHOD:path:token:digest:timestamp`` (symmetric HMAC-SHA512 transactions).

    ``path`` is signed exactly as given: the relative path, plus ``?query`` when there is one.
    """
    return ":".join(
        (
            _method(method),
            _path(path),
            _check_text("access_token", access_token),
            _digest_of(body),
            _check_text("timestamp", timestamp),
        )
    )


def asymmetric_string_to_sign(method: str, path: str, body: Body | Digest, timestamp: str) -> str:
    """``METHOD:path:digest:timestamp`` (notifications and asymmetric transactions)."""
    return ":".join(
        (_method(method), _path(path), _digest_of(body), _check_text("timestamp", timestamp))
    )
