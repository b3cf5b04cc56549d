"""minify_json: whitespace outside strings goes, every other byte stays; bad input says where."""

from __future__ import annotations

import json

import pytest

from bisnap.errors import InvalidInputError, InvalidJSONError
from bisnap.signing import minify_json


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{ "a" : 1 }', b'{"a":1}'),
        (b'\t{\r\n"a":\n[ 1 ,\t2 ]\r\n}\n', b'{"a":[1,2]}'),
        (b'{"partnerServiceId": "   70012"}', b'{"partnerServiceId":"   70012"}'),
        (b'{"name": "Setya Wardana"}', b'{"name":"Setya Wardana"}'),
        (b'{"url": "https:\\/\\/x.example\\/a"}', b'{"url":"https:\\/\\/x.example\\/a"}'),
        (b'{"n": "Andr\\u00e9"}', b'{"n":"Andr\\u00e9"}'),
        ('{"n": "André"}'.encode(), '{"n":"André"}'.encode()),
        (b'{"q": "say \\"hi\\" , ok"}', b'{"q":"say \\"hi\\" , ok"}'),
        (b'{"b": "ends with backslash \\\\" , "c" : 1}', b'{"b":"ends with backslash \\\\","c":1}'),
        (b'{"t": "tab\\tnewline\\n"}', b'{"t":"tab\\tnewline\\n"}'),
        (b"[1.0E+2, -0.50, 1e-7, 0, 100]", b"[1.0E+2,-0.50,1e-7,0,100]"),
        (b'{"z": 1, "a": 2, "m": 3}', b'{"z":1,"a":2,"m":3}'),
        (b'{"a": 1, "a": 2}', b'{"a":1,"a":2}'),
        (b"  true  ", b"true"),
        (b' "  just a string  " ', b'"  just a string  "'),
        (b"[ ]", b"[]"),
        (b"{ }", b"{}"),
        (b"null", b"null"),
        (
            b'{"emoji": "\xf0\x9f\x98\x80 \\ud83d\\ude00"}',
            b'{"emoji":"\xf0\x9f\x98\x80 \\ud83d\\ude00"}',
        ),
        (b'{"lone": "\\ud800"}', b'{"lone":"\\ud800"}'),
        (b'{"del": "\x7f"}', b'{"del":"\x7f"}'),
        (b'{"ff": "\xef\xbf\xbf", "u": "\\uFFFF"}', b'{"ff":"\xef\xbf\xbf","u":"\\uFFFF"}'),
    ],
)
def test_minify_keeps_everything_but_outside_whitespace(body: bytes, expected: bytes) -> None:
    assert minify_json(body) == expected
    assert minify_json(body.decode("utf-8")) == expected
    assert minify_json(bytearray(body)) == expected
    assert minify_json(memoryview(body)) == expected
    assert minify_json(body, validate=False) == expected
    assert minify_json(expected) == expected


@pytest.mark.parametrize("body", [b"", b"   ", b"\r\n\t ", ""])
def test_empty_body_minifies_to_nothing(body: bytes | str) -> None:
    assert minify_json(body) == b""


def test_minify_is_not_parse_and_dump() -> None:
    body = b'{"b": 1.10, "a": "\\/\\u00e9"}'
    reserialized = json.dumps(json.loads(body), separators=(",", ":"), ensure_ascii=False)
    assert minify_json(body) != reserialized.encode()
    assert minify_json(body) == b'{"b":1.10,"a":"\\/\\u00e9"}'


def test_a_large_body_is_minified_exactly() -> None:
    note = 'a "quoted" \\ value'
    items = [{"id": f"   {i:05d}", "note": note, "amount": i / 4} for i in range(3000)]
    compact = json.dumps({"items": items}, separators=(",", ":"), ensure_ascii=False).encode()
    pretty = json.dumps({"items": items}, indent=4, ensure_ascii=False).encode()
    assert minify_json(pretty) == compact


@pytest.mark.parametrize(
    ("body", "positions"),
    [
        (b'{"a": 1,}', {7, 8}),  # the comma (3.13+) or the brace after it (before)
        (b'{"a" 1}', {5}),
        (b"[1 2]", {3}),
        (b'{"a": tr ue}', {6}),
        (b'{"a": "unterminated}', {6}),
        (b'{"a": "bad \\x escape"}', {11}),
        (b'{"a": "\\u12G4"}', {8}),
        (b'{"a": "raw\ttab"}', {10}),
        (b'{"a": "raw\nnewline"}', {10}),
        (b'{"a": 01}', {7}),
        (b"[1] [2]", {4}),
        (b"[1] x", {4}),
        (b'{"a": 1} \\', {9}),
        (b'\\"a"', {0}),
        (b"'single'", {0}),
        (b'{"\xc3\xa9": "\xc3\xa9", "x": ?}', {18}),
    ],
)
def test_invalid_json_says_which_byte(body: bytes, positions: set[int]) -> None:
    """The byte offset of the problem; the reason is the standard library's, in its wording."""
    with pytest.raises(InvalidJSONError) as info:
        minify_json(body)
    assert info.value.position in positions
    message = str(info.value)
    assert message.startswith("body is not valid JSON: ")
    assert message.endswith(f" at byte {info.value.position}")
    assert len(message) > len(f"body is not valid JSON:  at byte {info.value.position}")


@pytest.mark.parametrize(
    ("body", "position"),
    [
        (b'{"a": "\xff"}', 7),
        (b'{"a": "\xc3"}', 7),
        (b'{"a": "\xed\xa0\x80"}', 7),  # an encoded surrogate
        (b'{"a": "\xc0\xaf"}', 7),  # an overlong encoding of "/"
        (b"\xef\xbb\xbf{}", None),  # a byte-order mark is not JSON either
    ],
)
def test_invalid_utf8_is_refused(body: bytes, position: int | None) -> None:
    with pytest.raises(InvalidJSONError) as info:
        minify_json(body)
    if position is not None:
        assert "not valid UTF-8" in str(info.value)
        assert info.value.position == position


def test_a_lone_surrogate_in_a_str_body_is_refused() -> None:
    with pytest.raises(InvalidJSONError, match="UTF-8") as info:
        minify_json('{"a": "\ud800"}')
    assert info.value.position == 7


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_refused(constant: bytes) -> None:
    with pytest.raises(InvalidJSONError, match="not valid JSON"):
        minify_json(b'{"a": ' + constant + b"}")


def test_deep_nesting_is_a_typed_error() -> None:
    with pytest.raises(InvalidJSONError, match="nesting is too deep"):
        minify_json(b"[" * 100_000 + b"]" * 100_000)


def test_moderate_nesting_is_fine() -> None:
    assert minify_json(b"[ " * 200 + b"]" * 200) == b"[" * 200 + b"]" * 200


@pytest.mark.parametrize("bad", [None, 42, {"a": 1}, ["x"]], ids=repr)
def test_a_body_of_the_wrong_type_is_refused(bad: object) -> None:
    with pytest.raises(InvalidJSONError, match="must be bytes or str"):
        minify_json(bad)  # type: ignore[arg-type]


def test_errors_are_input_errors_and_value_errors() -> None:
    with pytest.raises(InvalidInputError):
        minify_json(b"{")
    with pytest.raises(ValueError, match="not valid JSON"):
        minify_json(b"{")


@pytest.mark.parametrize(
    "body",
    [b'["a  b', b"\xff  [ 1 ]", b'"\\', b"{ \\ }", b'" \\" "  x', b"\xfe\xfd \xff\xfe"],
)
def test_unvalidated_garbage_still_returns_bytes(body: bytes) -> None:
    out = minify_json(body, validate=False)
    assert isinstance(out, bytes)
    assert len(out) <= len(body)


def test_unvalidated_input_keeps_placeholder_like_bytes() -> None:
    # Bytes that are not UTF-8 pass through an unvalidated minify untouched.
    assert minify_json(b'{"a": "\xfe\xfd\\\\"}', validate=False) == b'{"a":"\xfe\xfd\\\\"}'
    assert minify_json(b'{"a": "\xff\xfd\\""}', validate=False) == b'{"a":"\xff\xfd\\""}'
