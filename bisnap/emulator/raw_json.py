"""Find a member's exact JSON text inside a minified document, so a value the merchant sent can
be echoed byte for byte (escapes and number spellings included) instead of re-serialized."""

from __future__ import annotations

import json

__all__ = ["raw_member", "splice"]


def _string_end(text: str, start: int) -> int:
    """Index just past the string literal opening at ``start``."""
    index = start + 1
    while True:
        char = text[index]
        if char == "\\":
            index += 2
        elif char == '"':
            return index + 1
        else:
            index += 1


def _value_end(text: str, start: int) -> int:
    """Index just past the JSON value starting at ``start`` (minified text)."""
    char = text[start]
    if char == '"':
        return _string_end(text, start)
    if char in "{[":
        depth = 0
        index = start
        while True:
            char = text[index]
            if char == '"':
                index = _string_end(text, index)
                continue
            if char in "{[":
                depth += 1
            elif char in "}]":
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1
    index = start
    while index < len(text) and text[index] not in ",}]":
        index += 1
    return index


def _member(text: str, start: int, key: str) -> tuple[int, int] | None:
    """The span of ``key``'s value in the object opening at ``start`` (the last one wins, as
    in :func:`json.loads`)."""
    if text[start] != "{":
        return None
    found: tuple[int, int] | None = None
    index = start + 1
    if text[index] == "}":
        return None
    while True:
        key_end = _string_end(text, index)
        value_start = key_end + 1  # past ':'
        value_end = _value_end(text, value_start)
        if json.loads(text[index:key_end]) == key:
            found = (value_start, value_end)
        if text[value_end] == "}":
            return found
        index = value_end + 1  # past ','


def raw_member(minified: bytes, path: tuple[str, ...]) -> bytes | None:
    """The exact bytes of the value at ``path`` in a minified JSON object, or None.

    ``minified`` must be valid JSON without whitespace outside strings
    (:func:`bisnap.signing.minify_json`).
    """
    text = minified.decode("utf-8")
    if not text.startswith("{"):
        return None
    span: tuple[int, int] | None = (0, len(text))
    for key in path:
        assert span is not None
        span = _member(text, span[0], key)
        if span is None:
            return None
    assert span is not None
    return text[span[0] : span[1]].encode("utf-8")


def splice(document: bytes, placeholders: dict[str, bytes]) -> bytes:
    """Replace each placeholder string (serialized as a JSON string) with raw JSON bytes."""
    for placeholder, raw in placeholders.items():
        token = json.dumps(placeholder).encode("utf-8")
        if document.count(token) != 1:
            raise ValueError("a placeholder must appear exactly once")
        document = document.replace(token, raw)
    return document
