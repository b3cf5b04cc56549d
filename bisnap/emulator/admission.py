"""What a request must be before the emulator looks at it: size, headers, media type, JSON.

* The body is read with a limit (:data:`DEFAULT_MAX_BODY_BYTES`, 1 MiB): a larger body is
  answered ``413`` as soon as its declared length or the bytes read so far exceed the limit,
  and the rest is never read (:func:`read_limited`, :func:`too_large`).
* Security headers may appear once (:data:`SINGLE_HEADERS`); a repeated one is refused with
  ``400xx01`` naming it, as the notification verifier does (:func:`header_map`).
* ``Content-Type`` is compared as a media type: ``application/json``, any case, parameters
  such as ``charset`` allowed, nothing else (:func:`is_json_media_type`).
* Amounts given to the controls are finite decimals below 10^15 (:func:`decimal_amount`).
* JSON is parsed with ``NaN``/``Infinity`` refused and too-deep nesting reported as bad input
  rather than a crash (:func:`load_json`); a request body must be an object (:func:`parse_body`).
* A B2B request passes :class:`Admission`: bearer token, mandatory headers, ``X-TIMESTAMP``
  window, HMAC signature over the exact bytes received, partner and channel, the
  ``X-EXTERNAL-ID`` form (:data:`bisnap.external_id.ExternalIdForm.SNAP`) and its once-a-day
  use per merchant (the order is the one listed in :mod:`bisnap.emulator.endpoints`).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from bisnap.diagnose import DiagnosisScheme
from bisnap.emulator.diagnosis import signature_refusal
from bisnap.emulator.responses import EmulatorResponse, SnapFailure, dump_json
from bisnap.emulator.routes import Call, CustomerToken
from bisnap.emulator.state import (
    Binding,
    EmulatorState,
    ExternalIdRecord,
    Merchant,
    TokenRecord,
    secret_key,
)
from bisnap.errors import (
    InvalidInputError,
    InvalidJSONError,
    InvalidSignatureError,
    InvalidTimestampError,
)
from bisnap.external_id import ExternalIdForm, external_id_problem
from bisnap.signing import Digest, body_digest, transaction_string_to_sign, verify_hmac
from bisnap.timestamps import JAKARTA, parse_timestamp

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "MANDATORY_HEADERS",
    "SINGLE_HEADERS",
    "Admission",
    "HeaderInput",
    "aread_limited",
    "decimal_amount",
    "declared_length",
    "header_map",
    "is_json_media_type",
    "load_json",
    "parse_body",
    "read_limited",
    "too_large",
]

DEFAULT_MAX_BODY_BYTES = 1024 * 1024
"""The largest request body the emulator reads (1 MiB); larger ones are answered 413."""

SINGLE_HEADERS = (
    "Authorization",
    "Authorization-Customer",
    "X-SIGNATURE",
    "X-TIMESTAMP",
    "X-PARTNER-ID",
    "X-EXTERNAL-ID",
    "CHANNEL-ID",
    "X-CLIENT-KEY",
    "Content-Type",
)
"""Headers that carry or select what is signed: each may appear at most once."""

_SINGLE = {name.lower(): name for name in SINGLE_HEADERS}

MANDATORY_HEADERS = (
    "Content-Type",
    "X-TIMESTAMP",
    "X-SIGNATURE",
    "X-PARTNER-ID",
    "X-EXTERNAL-ID",
    "CHANNEL-ID",
)
"""Headers every B2B request must carry (non-empty)."""


HeaderInput = Mapping[str, str] | Iterable[tuple[str, str]]
"""Request headers as a mapping or as ``(name, value)`` pairs (repeats visible)."""


def header_map(headers: HeaderInput) -> dict[str, str]:
    """Headers by lower-case name; raises ``SnapFailure`` 400xx01 if a security header repeats.

    Other repeated headers keep their last value.
    """
    items = headers.items() if isinstance(headers, Mapping) else headers
    found: dict[str, str] = {}
    for raw_name, value in items:
        name = str(raw_name).lower()
        if name in found and name in _SINGLE:
            shown = _SINGLE[name]
            message = f"Invalid Field Format {shown}. Header sent more than once"
            raise SnapFailure(400, "01", message)
        found[name] = str(value)
    return found


def is_json_media_type(value: str) -> bool:
    """Whether a ``Content-Type`` value is ``application/json`` (parameters allowed)."""
    media_type = value.split(";", 1)[0].strip().lower()
    return media_type == "application/json"


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def load_json(raw: bytes) -> Any:
    """Parse a request body; :class:`InvalidJSONError` for anything that is not plain JSON."""
    try:
        return json.loads(raw, parse_constant=_reject_constant)
    except UnicodeDecodeError:
        raise InvalidJSONError("the body is not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise InvalidJSONError(f"the body is not valid JSON: {exc.msg}", position=exc.pos) from None
    except ValueError as exc:  # NaN / Infinity, or an integer too long to convert
        raise InvalidJSONError(f"the body is not usable JSON: {exc}") from None
    except RecursionError:
        raise InvalidJSONError("the body is not usable JSON: nesting is too deep") from None


def parse_body(raw: bytes) -> dict[str, Any]:
    """A request body as a JSON object; ``SnapFailure`` 400xx00 for anything else."""
    try:
        parsed = load_json(raw)
    except InvalidJSONError:
        raise SnapFailure.bad_request("Bad Request. Body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise SnapFailure.bad_request("Bad Request. Body must be a JSON object")
    return parsed


_AMOUNT_LIMIT = Decimal("1e15")


def decimal_amount(value: object, field: str) -> Decimal:
    """``value`` (a decimal string or a JSON number) as a :class:`Decimal`.

    Raises :class:`InvalidInputError` naming ``field`` for anything else: not a number, NaN,
    infinite, or 10^15 and beyond.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise InvalidInputError(f'{field} must be a decimal amount such as "10000.00"')
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidInputError(f'{field} must be a decimal amount such as "10000.00"') from None
    if not amount.is_finite() or amount.copy_abs() >= _AMOUNT_LIMIT:
        raise InvalidInputError(f"{field} must be a finite amount below 10^15")
    return amount


def declared_length(headers: Iterable[tuple[str, str]]) -> int | None:
    """The ``Content-Length`` a request declares, or None (absent or unreadable)."""
    for name, value in headers:
        if name.lower() == "content-length":
            text = value.strip()
            return int(text) if text.isdigit() else None
    return None


def read_limited(chunks: Iterable[bytes], limit: int) -> bytes | None:
    """The body from ``chunks``, or None as soon as it exceeds ``limit`` bytes (the rest
    is not read)."""
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


async def aread_limited(chunks: AsyncIterator[bytes], limit: int) -> bytes | None:
    """Async :func:`read_limited`."""
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


def too_large(path: str, limit: int) -> EmulatorResponse:
    """The 413 answer for a body over ``limit`` bytes (the connection is closed after it)."""
    message = f"Request Entity Too Large. The body is larger than {limit} bytes"
    if path.startswith("/_emulator/"):
        payload: dict[str, str] = {"error": message}
    else:
        payload = {"responseCode": "4130000", "responseMessage": message}
    headers = {"Content-Type": "application/json", "Connection": "close"}
    return EmulatorResponse(413, headers, dump_json(payload))


ExternalIdKey = tuple[str, date, str]
"""``(client_id, Jakarta date, X-EXTERNAL-ID)``: what may be used once a day."""


class Admission:
    """The checks a B2B request passes before its handler runs, and the tokens they accept.

    Works on the emulator's :class:`~bisnap.emulator.state.EmulatorState`; the caller holds
    the emulator's lock.
    """

    def __init__(
        self, state: EmulatorState, *, timestamp_tolerance: timedelta, token_lifetime: int
    ) -> None:
        self.state = state
        self.timestamp_tolerance = timestamp_tolerance
        self.token_lifetime = token_lifetime
        self._external_ids_day: date | None = None

    def check_timestamp(self, value: str, now: datetime) -> datetime:
        """Parse a signed ``X-TIMESTAMP`` (offset or ``Z`` required) and check the window.

        Raises InvalidTimestampError when malformed, SnapFailure 401xx00 when outside it.
        """
        moment = parse_timestamp(value, require_offset=True)
        if abs(now - moment) > self.timestamp_tolerance:
            raise SnapFailure.unauthorized("X-TIMESTAMP is outside the allowed window")
        return moment

    def issue_token(self, client_id: str, now: datetime) -> str:
        """Issue an opaque B2B access token valid for ``token_lifetime`` seconds."""
        token = secrets.token_urlsafe(48)
        self.state.tokens[secret_key(token)] = TokenRecord(
            client_id, now + timedelta(seconds=self.token_lifetime)
        )
        return token

    def authenticate(self, call: Call, target: str) -> str:
        """Check token, headers, timestamp, signature and identity; returns the body digest.

        Sets ``call.merchant``, ``call.external_id``, ``call.body`` and ``call.binding``.
        """
        endpoint, headers = call.endpoint, call.headers
        authorization = headers.get("authorization")
        if not authorization:
            raise SnapFailure.unauthorized("Auth token required")
        for name in MANDATORY_HEADERS:
            if not headers.get(name.lower()):
                raise SnapFailure.missing(name)
        if endpoint.device_id and not headers.get("x-device-id"):
            raise SnapFailure.missing("X-DEVICE-ID")
        customer_header = headers.get("authorization-customer")
        if endpoint.customer_token is CustomerToken.REQUIRED and not customer_header:
            raise SnapFailure.missing("Authorization-Customer")
        if not is_json_media_type(headers["content-type"]):
            raise SnapFailure.bad_format("Content-Type")
        token = _bearer(authorization)
        merchant = self._token_owner(token, call.now)
        timestamp = headers["x-timestamp"]
        try:
            self.check_timestamp(timestamp, call.now)
        except InvalidTimestampError:
            raise SnapFailure.bad_format("X-TIMESTAMP") from None
        try:
            digest = body_digest(call.raw_body)
        except InvalidJSONError:
            raise SnapFailure.bad_request("Bad Request. Body is not valid JSON") from None
        string_to_sign = transaction_string_to_sign(
            call.method, target, token or "", Digest(digest), timestamp
        )
        try:
            verify_hmac(merchant.client_secret, string_to_sign, headers["x-signature"])
        except InvalidSignatureError:
            raise signature_refusal(
                call,
                target,
                DiagnosisScheme.TRANSACTION_HMAC,
                client_secret=merchant.client_secret,
                public_key=merchant.public_key,
            ) from None
        self._check_identity(merchant, headers)
        call.merchant = merchant
        call.external_id = headers["x-external-id"]
        call.body = parse_body(call.raw_body)
        call.fields.data = call.body
        if customer_header and endpoint.customer_token is not CustomerToken.NONE:
            call.binding = self.customer(merchant, customer_header)
        return digest

    def _token_owner(self, token: str | None, now: datetime) -> Merchant:
        record = self.state.tokens.get(secret_key(token)) if token is not None else None
        if token is not None and record is not None and now >= record.expires_at:
            del self.state.tokens[secret_key(token)]
            record = None
        merchant = self.state.merchants.get(record.client_id) if record is not None else None
        if merchant is None:
            raise SnapFailure(401, "01", "Invalid Token (B2B)")
        return merchant

    @staticmethod
    def _check_identity(merchant: Merchant, headers: Mapping[str, str]) -> None:
        if headers["x-partner-id"] != merchant.partner_id:
            raise SnapFailure.unauthorized("Unknown X-PARTNER-ID")
        channel = headers["channel-id"]
        if not (len(channel) == 5 and channel.isdigit()):
            raise SnapFailure.bad_format("CHANNEL-ID")
        if merchant.channel_id is not None and channel != merchant.channel_id:
            raise SnapFailure.unauthorized("Unknown CHANNEL-ID")
        if external_id_problem(headers["x-external-id"], ExternalIdForm.SNAP) is not None:
            raise SnapFailure.bad_format("X-EXTERNAL-ID")

    def customer(self, merchant: Merchant, header: str) -> Binding:
        """The enabled binding of ``merchant`` an ``Authorization-Customer`` header names."""
        token = _bearer(header)
        binding = self.state.bindings.get(secret_key(token)) if token is not None else None
        if (
            binding is None
            or binding.client_id != merchant.client_id
            or binding.status != "ENABLED"
        ):
            raise SnapFailure(401, "02", "Invalid Customer Token")
        return binding

    def earlier_answer(
        self, call: Call, digest: str
    ) -> tuple[ExternalIdKey, ExternalIdRecord | None]:
        """The once-a-day key of ``call``'s X-EXTERNAL-ID and the answer to replay, if any.

        Raises ``SnapFailure`` 409xx00 when the id was already answered successfully today and
        this is not an identical retry of a ``replay`` endpoint.
        """
        today = call.now.astimezone(JAKARTA).date()
        self._forget_old_external_ids(today)
        key = (call.client_id, today, call.external_id)
        seen = self.state.external_ids.get(key)
        if seen is None:
            return key, None
        if call.endpoint.replay and seen.path == call.path and seen.body_digest == digest:
            return key, seen
        raise SnapFailure.conflict("Cannot use same X-EXTERNAL-ID in same day")

    def remember(
        self, key: ExternalIdKey, path: str, digest: str, response: EmulatorResponse
    ) -> None:
        """Record a successful answer: its X-EXTERNAL-ID is used up for the day."""
        if 200 <= response.status < 300:
            self.state.external_ids[key] = ExternalIdRecord(
                path, digest, response.status, response.body
            )

    def _forget_old_external_ids(self, today: date) -> None:
        """Drop X-EXTERNAL-ID records of days before yesterday (they can no longer conflict)."""
        if self._external_ids_day == today:
            return
        self._external_ids_day = today
        cutoff = today - timedelta(days=1)
        stale = [key for key in self.state.external_ids if key[1] < cutoff]
        for key in stale:
            del self.state.external_ids[key]


def _bearer(header: str) -> str | None:
    """The credential of an ``Authorization``-style header if its scheme is Bearer."""
    scheme, _, credential = header.strip().partition(" ")
    return credential.strip() if scheme.lower() == "bearer" else None
