"""CompactJSON: bytes from the one serializer are hashed as they are, without a second pass."""

from __future__ import annotations

import hashlib
import json

from bisnap.headers import serialize_body
from bisnap.signing import CompactJSON, body_digest, minify_json


def test_serialize_body_returns_compact_json_equal_to_compact_dumps() -> None:
    obj = {"partnerServiceId": "   70012", "name": "Budi Śantoso", "url": "https://x.id/a"}
    body = serialize_body(obj)
    assert isinstance(body, CompactJSON)
    expected = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    assert body == expected


def test_minify_returns_compact_json_unchanged() -> None:
    body = serialize_body({"a": "x y", "b": [1, 2]})
    assert minify_json(body) is body


def test_digest_of_compact_json_is_sha256_of_the_bytes() -> None:
    body = serialize_body({"trxId": "123", "name": "  spaced  "})
    assert body_digest(body) == hashlib.sha256(bytes(body)).hexdigest()


def test_plain_bytes_with_the_same_content_are_still_checked_and_digest_the_same() -> None:
    body = serialize_body({"k": "v w"})
    assert body_digest(bytes(body)) == body_digest(body)


def test_compact_json_is_trusted_as_given() -> None:
    # The type is a promise made by the serializer; minify_json does not second-guess it.
    promised = CompactJSON(b'{"a": 1}')
    assert minify_json(promised) == b'{"a": 1}'
    assert minify_json(bytes(promised)) == b'{"a":1}'
