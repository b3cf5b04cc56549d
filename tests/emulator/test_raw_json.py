"""raw_member finds a member's exact bytes; checked against json.loads as a second reader."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bisnap.emulator.raw_json import raw_member, splice
from bisnap.signing import minify_json

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=10,
)


@settings(deadline=None, max_examples=200)
@given(
    document=st.dictionaries(
        st.text(max_size=4),
        _VALUES | st.dictionaries(st.text(max_size=4), _VALUES, max_size=3),
        max_size=4,
    ),
    ascii_only=st.booleans(),
    indent=st.sampled_from([None, 1]),
)
def test_raw_member_reads_what_json_loads_reads(
    document: dict[str, Any], ascii_only: bool, indent: int | None
) -> None:
    text = json.dumps(document, ensure_ascii=ascii_only, indent=indent).encode()
    minified = minify_json(text)
    for key, value in document.items():
        raw = raw_member(minified, (key,))
        assert raw is not None
        assert json.loads(raw) == value
        if isinstance(value, dict):
            for inner, inner_value in value.items():
                nested = raw_member(minified, (key, inner))
                assert nested is not None
                assert json.loads(nested) == inner_value
    assert raw_member(minified, ("\x00absent",)) is None


def test_escapes_and_number_spellings_are_kept() -> None:
    minified = minify_json(b'{"a": {"b": "caf\\u00e9\\/", "c": 1e-7, "c": 1.50}}')
    assert raw_member(minified, ("a", "b")) == b'"caf\\u00e9\\/"'
    assert raw_member(minified, ("a", "c")) == b"1.50"  # the last duplicate, as json.loads
    assert raw_member(minified, ("a", "b", "x")) is None
    assert raw_member(b"[1]", ("a",)) is None


def test_splice_replaces_one_placeholder() -> None:
    doc = json.dumps({"x": "\x00slot\x00", "y": 1}).encode()
    assert splice(doc, {"\x00slot\x00": b'{"k":"\\u00e9"}'}) == b'{"x": {"k":"\\u00e9"}, "y": 1}'
