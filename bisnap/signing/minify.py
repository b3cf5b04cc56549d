"""JSON minification over raw bytes: whitespace outside strings goes, everything else stays.

This is deliberately not a parse-and-dump. Key order, escapes (``\\/``, ``\\u00e9``), number
spellings and whitespace inside strings all survive byte for byte, so a received body hashes
exactly as its sender hashed it.

How it stays fast without a tokenizer loop in Python: the escaped pairs ``\\\\`` and ``\\"`` are
first swapped for two-byte placeholders starting with ``0xFF`` (a byte that never occurs in
UTF-8), after which every remaining ``"`` is a string delimiter. Splitting on ``"`` then
alternates between text outside strings and string contents, and only the outside text has its
whitespace deleted. Validation reuses the split: string contents are checked for control
characters and bad escapes with two regular expressions, and the structure is checked by parsing
the document with every string collapsed to ``""``. Only when that fast check fails does the full
parser run again over the original bytes, to report exactly where the problem is.
"""

from __future__ import annotations

import json
import re

from bisnap.errors import InvalidJSONError

__all__ = ["CompactJSON", "minify_json"]

_JSON_WHITESPACE = b" \t\n\r"
_ESCAPED_BACKSLASH = b"\xff\xfe"
_ESCAPED_QUOTE = b"\xff\xfd"
# In string contents once the two placeholders are in: a backslash not starting a valid escape,
# and a raw control character (both invalid JSON).
_BAD_ESCAPE = re.compile(rb"\\(?![/bfnrt]|u[0-9a-fA-F]{4})")
_CONTROL = re.compile(rb"[\x00-\x1f]")
# The general fallback for unvalidated input the split cannot handle (a 0xFF byte or an
# unterminated string): a JSON string (unrolled loop, linear time) or a run of whitespace.
_STRING_OR_WHITESPACE = re.compile(rb'("[^"\\]*(?:\\.[^"\\]*)*")|[ \t\n\r]+', re.DOTALL)


class CompactJSON(bytes):
    """Bytes known to be valid, already-minified JSON: what a compact serializer produced.

    :func:`minify_json` returns these unchanged without checking them again, so a body that
    was serialized once (``bisnap.headers.serialize_body`` returns this type) is hashed without
    a second pass. Wrap only bytes that a JSON serializer wrote with ``(",", ":")`` separators.
    """

    __slots__ = ()


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


# Built once: json.loads with keyword arguments would build a new decoder on every call.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


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


def _validate_slowly(data: bytes) -> None:
    """Parse ``data`` fully and raise InvalidJSONError saying where it is wrong."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidJSONError("body is not valid UTF-8", position=exc.start) from None
    try:
        _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        offset = len(text[: exc.pos].encode("utf-8"))
        message = exc.msg.removesuffix(" at")  # "Unterminated string starting at" + " at byte"
        raise InvalidJSONError(f"body is not valid JSON: {message}", position=offset) from None
    except ValueError as exc:  # NaN / Infinity, or an integer too long to convert
        raise InvalidJSONError(f"body is not usable JSON: {exc}") from None
    except RecursionError:
        raise InvalidJSONError("body is not usable JSON: nesting is too deep") from None


def _structure_is_valid(outside: bytes, inside: list[bytes]) -> bool:
    """The fast check: valid string contents, and valid JSON once every string is ``""``.

    ``outside`` is the text outside strings with a single ``"`` where each string was.
    """
    contents = b'"'.join(inside)
    if _BAD_ESCAPE.search(contents) or _CONTROL.search(contents):
        return False
    try:
        _DECODER.decode(outside.replace(b'"', b'""').decode("utf-8"))
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError included
        return False
    return True


def minify_json(body: bytes | bytearray | memoryview | str, *, validate: bool = True) -> bytes:
    """Remove whitespace outside JSON strings; keep every other byte as it is.

    An empty (or whitespace-only) body minifies to ``b""``. Invalid JSON or invalid UTF-8
    raises :class:`~bisnap.errors.InvalidJSONError` with the byte offset of the problem.
    ``validate=False`` skips the JSON check for bytes the caller serialized itself.
    """
    if type(body) is CompactJSON:
        return body
    data = _as_bytes(body)
    if not data.strip(_JSON_WHITESPACE):
        return b""
    if validate:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidJSONError("body is not valid UTF-8", position=exc.start) from None
    elif not any(space in data for space in (b" ", b"\n", b"\r", b"\t")):
        return data  # nothing to remove
    elif b"\xff" in data:
        return _STRING_OR_WHITESPACE.sub(rb"\1", data)

    marked = data
    if b"\\" in marked:
        marked = marked.replace(b"\\\\", _ESCAPED_BACKSLASH).replace(b'\\"', _ESCAPED_QUOTE)
    parts = marked.split(b'"')
    balanced = len(parts) % 2 == 1
    outside = b'"'.join(parts[0::2])  # everything outside strings, one '"' per string
    if validate and not (balanced and _structure_is_valid(outside, parts[1::2])):
        _validate_slowly(data)
        # The full parser accepted what the fast check did not: trust the parser.
        return _STRING_OR_WHITESPACE.sub(rb"\1", data)
    if not balanced:  # unvalidated, with an unterminated string
        return _STRING_OR_WHITESPACE.sub(rb"\1", data)

    compact_outside = outside.translate(None, _JSON_WHITESPACE)
    if len(compact_outside) == len(outside):
        return data  # already minified
    parts[0::2] = compact_outside.split(b'"')
    minified = b'"'.join(parts)
    if marked is not data:
        minified = minified.replace(_ESCAPED_QUOTE, b'\\"').replace(_ESCAPED_BACKSLASH, b"\\\\")
    return minified
