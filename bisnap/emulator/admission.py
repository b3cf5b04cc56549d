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
  rather than a crash (:func:`load_json`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from bisnap.emulator.responses import EmulatorResponse, SnapFailure, dump_json
from bisnap.errors import InvalidInputError, InvalidJSONError

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "SINGLE_HEADERS",
    "aread_limited",
    "decimal_amount",
    "declared_length",
    "header_map",
    "is_json_media_type",
    "load_json",
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


def header_map(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
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
