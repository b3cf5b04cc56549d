"""JSON minification over raw bytes: whitespace outside strings goes, everything else stays.

This is deliberately not a parse-and-dump. Key order, escapes (``\\/``, ``\\u00e9``), number
spellings and whitespace inside strings all survive byte for byte, so a received body hashes
exactly as its sender hashed it.
"""

from __future__ import annotations

import json
import re

from bisnap.errors import InvalidJSONError

__all__ = ["minify_json"]

# A JSON string (unrolled loop: linear, no catastrophic backtracking) or a run of JSON whitespace.
_STRING_OR_WHITESPACE = re.compile(rb'("[^"\\]*(?:\\.[^"\\]*)*")|[ \t\n\r]+', re.DOTALL)
_WHITESPACE = (b" ", b"\n", b"\r", b"\t")


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _as_bytes(body: bytes | bytearray | memoryview | str) -> bytes:
    if isinstance(body, str):
        try:
            return body.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InvalidJSONError(
                "body is not encodable as UTF-8 (lone surrogate)", position=exc.start
            ) from None
    if isinstance(body, (bytes, bytearray, memoryview)):
        return bytes(body)
    raise InvalidJSONError(f"body must be bytes or str, not {type(body).__name__}")


def _validate(data: bytes) -> None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidJSONError("body is not valid UTF-8", position=exc.start) from None
    try:
        json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        offset = len(text[: exc.pos].encode("utf-8"))
        raise InvalidJSONError(f"body is not valid JSON: {exc.msg}", position=offset) from None
    except ValueError as exc:  # NaN / Infinity, rejected above
        raise InvalidJSONError(f"body is not valid JSON: {exc}") from None
    except RecursionError:
        raise InvalidJSONError("body is not usable JSON: nesting is too deep") from None


def minify_json(body: bytes | bytearray | memoryview | str, *, validate: bool = True) -> bytes:
    """Remove whitespace outside JSON strings; keep every other byte as it is.

    An empty (or whitespace-only) body minifies to ``b""``. Invalid JSON or invalid UTF-8
    raises :class:`~bisnap.errors.InvalidJSONError` with the byte offset of the problem.
    ``validate=False`` skips the JSON check for bytes the caller serialized itself.
    """
    data = _as_bytes(body)
    if not data.strip(b" \t\n\r"):
        return b""
    if validate:
        _validate(data)
    if not any(ws in data for ws in _WHITESPACE):
        return data
    return _STRING_OR_WHITESPACE.sub(rb"\1", data)
