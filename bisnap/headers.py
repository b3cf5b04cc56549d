"""SNAP header sets as pure functions, for callers who send requests with another HTTP client.

:class:`bisnap.auth.SnapAuth` builds its headers with these same functions, so for the same
inputs and clock both produce the same bytes, timestamps and signatures.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bisnap.credentials import Credentials
from bisnap.errors import InvalidInputError, InvalidJSONError, RequestValidationError

# check_external_id is the shared X-EXTERNAL-ID policy, importable from here as before.
from bisnap.external_id import check_external_id, new_external_id
from bisnap.gateways import MIDTRANS_SANDBOX, GatewayProfile, SignatureScheme
from bisnap.signing import (
    CompactJSON,
    Digest,
    asymmetric_string_to_sign,
    body_digest,
    sign_hmac,
    sign_rsa,
    token_string_to_sign,
    transaction_string_to_sign,
)
from bisnap.timestamps import Clock, now_timestamp

__all__ = [
    "JSON_CONTENT_TYPE",
    "SignedRequest",
    "body_bytes",
    "check_external_id",
    "customer_authorization",
    "serialize_body",
    "sign_transaction",
    "token_request_body",
    "token_request_headers",
    "transaction_headers",
    "transaction_request",
]

JSON_CONTENT_TYPE = "application/json"

Body = bytes | bytearray | memoryview | str


def serialize_body(obj: Any) -> CompactJSON:
    """The one JSON serializer: compact, the caller's key order, raw UTF-8, no NaN.

    ``json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)`` encoded as
    UTF-8. Values JSON cannot represent (a ``Decimal``, a ``datetime``, ``NaN``) raise
    :class:`~bisnap.errors.InvalidJSONError` naming the type; models turn amounts into strings
    before they get here.
    """
    try:
        text = json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except TypeError as exc:
        raise InvalidJSONError(f"body cannot be serialized as JSON: {exc}") from None
    except ValueError as exc:
        raise InvalidJSONError(f"body cannot be serialized as JSON: {exc}") from None
    except RecursionError:
        raise InvalidJSONError("body cannot be serialized as JSON: nesting is too deep") from None
    try:
        return CompactJSON(text.encode("utf-8"))
    except UnicodeEncodeError as exc:
        raise InvalidJSONError(
            "body cannot be encoded as UTF-8 (lone surrogate)", position=exc.start
        ) from None


def body_bytes(body: Any) -> bytes:
    """Bytes to send for ``body``: raw bytes/str are taken as they are (after a JSON check),
    anything else goes through :func:`serialize_body`, ``None`` is the empty body."""
    return _body_and_digest(body)[0]


def _body_and_digest(body: Any) -> tuple[bytes, Digest]:
    """The bytes to send and their digest, the body checked (and minified) exactly once."""
    if body is None:
        data: bytes = b""
    elif isinstance(body, (bytes, bytearray, memoryview, str)):
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    else:
        data = serialize_body(body)
    # Invalid JSON raises here, before any header is built.
    return data, Digest(body_digest(data))


def _timestamp(timestamp: str | None, clock: Clock | None, profile: GatewayProfile) -> str:
    if timestamp is None:
        return now_timestamp(clock, profile.timestamp_style)
    if not isinstance(timestamp, str) or not timestamp:
        raise InvalidInputError("timestamp must be a non-empty str")
    return timestamp


def token_request_body(profile: GatewayProfile = MIDTRANS_SANDBOX) -> bytes:
    """``{"grantType":"client_credentials"}`` with the profile's key name."""
    return serialize_body({profile.token_body_key: "client_credentials"})


def token_request_headers(
    credentials: Credentials,
    *,
    profile: GatewayProfile = MIDTRANS_SANDBOX,
    timestamp: str | None = None,
    clock: Clock | None = None,
) -> dict[str, str]:
    """Headers of the B2B token request: ``X-SIGNATURE`` is SHA256withRSA over
    ``client_id|timestamp`` with the merchant's private key. ``timestamp`` is used verbatim
    when given, else read from ``clock`` and written in the profile's style."""
    ts = _timestamp(timestamp, clock, profile)
    signature = sign_rsa(credentials.private_key, token_string_to_sign(credentials.client_id, ts))
    return {
        "Content-Type": JSON_CONTENT_TYPE,
        "X-TIMESTAMP": ts,
        "X-CLIENT-KEY": credentials.client_id,
        "X-SIGNATURE": signature,
    }


def sign_transaction(
    credentials: Credentials,
    profile: GatewayProfile,
    method: str,
    path: str,
    body: Body | Digest,
    access_token: str,
    timestamp: str,
) -> str:
    """``X-SIGNATURE`` of a transactional request by the profile's signature scheme."""
    if profile.signature_scheme is SignatureScheme.ASYMMETRIC:
        return sign_rsa(
            credentials.private_key, asymmetric_string_to_sign(method, path, body, timestamp)
        )
    return sign_hmac(
        credentials.client_secret,
        transaction_string_to_sign(method, path, access_token, body, timestamp),
    )


def customer_authorization(customer_token: str) -> str:
    """``Authorization-Customer`` value: ``Bearer <token>`` (the prefix added when missing)."""
    if not isinstance(customer_token, str) or not customer_token.strip():
        raise RequestValidationError(
            "customer_token must be a non-empty str", field="Authorization-Customer"
        )
    token = customer_token.strip()
    return token if token.lower().startswith("bearer ") else f"Bearer {token}"


def _check_header_value(name: str, value: object) -> str:
    if not isinstance(value, str) or not value:
        raise RequestValidationError(f"{name} must be a non-empty str", field=name)
    if any(ch in value for ch in "\r\n\x00"):
        raise RequestValidationError(f"{name} contains a line break or NUL", field=name)
    return value


def transaction_headers(
    credentials: Credentials,
    method: str,
    path: str,
    body: Body | Digest,
    access_token: str,
    *,
    profile: GatewayProfile = MIDTRANS_SANDBOX,
    external_id: str,
    timestamp: str | None = None,
    clock: Clock | None = None,
) -> dict[str, str]:
    """The signed SNAP header set for a transactional request whose body bytes are ``body``
    (or whose body digest, already computed, is ``body``).

    ``path`` is the request's path exactly as sent, with ``?query`` when there is one.
    """
    ts = _timestamp(timestamp, clock, profile)
    token = _check_header_value("access_token", access_token)
    return {
        "Content-Type": JSON_CONTENT_TYPE,
        "Authorization": f"Bearer {token}",
        "X-TIMESTAMP": ts,
        "X-SIGNATURE": sign_transaction(credentials, profile, method, path, body, token, ts),
        "X-PARTNER-ID": credentials.partner_id,
        "X-EXTERNAL-ID": check_external_id(external_id, profile.external_id_form),
        "CHANNEL-ID": credentials.channel_id,
    }


@dataclass(frozen=True)
class SignedRequest:
    """A transactional request ready to send: send ``body`` byte for byte with ``headers``."""

    method: str
    path: str
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)

    @property
    def external_id(self) -> str:
        return self.headers["X-EXTERNAL-ID"]

    def url(self, profile: GatewayProfile) -> str:
        """The absolute URL on ``profile``'s host."""
        return profile.base_url + self.path


def transaction_request(
    credentials: Credentials,
    method: str,
    path: str,
    body: Any,
    access_token: Any,
    *,
    profile: GatewayProfile = MIDTRANS_SANDBOX,
    external_id: str | None = None,
    timestamp: str | None = None,
    clock: Clock | None = None,
    device_id: str | None = None,
    ip_address: str | None = None,
    latitude: str | None = None,
    longitude: str | None = None,
    customer_token: str | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> SignedRequest:
    """Headers and exact body bytes of a signed transactional request.

    ``body`` is a JSON-serializable object (serialized once with :func:`serialize_body`), raw
    JSON bytes/str (sent as given) or ``None``. ``access_token`` is the token string or an
    :class:`~bisnap.tokens.AccessToken`. ``path`` is signed as given (include ``?query``).
    """
    data, digest = _body_and_digest(body)
    token = getattr(access_token, "value", access_token)
    headers = transaction_headers(
        credentials,
        method,
        path,
        digest,
        token,
        profile=profile,
        external_id=external_id if external_id is not None else new_external_id(),
        timestamp=timestamp,
        clock=clock,
    )
    optional = {
        "X-DEVICE-ID": device_id,
        "X-IP-ADDRESS": ip_address,
        "X-LATITUDE": latitude,
        "X-LONGITUDE": longitude,
    }
    for name, value in optional.items():
        if value is not None:
            headers[name] = _check_header_value(name, value)
    if customer_token is not None:
        headers["Authorization-Customer"] = customer_authorization(customer_token)
    for name, value in (extra_headers or {}).items():
        headers[name] = _check_header_value(name, value)
    return SignedRequest(method=method.upper(), path=path, headers=headers, body=data)
