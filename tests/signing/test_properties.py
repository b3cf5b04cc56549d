"""Properties of the signing core, checked with hypothesis.

Expected values here come from the standard library (``json``, ``hmac``) or from a
byte-at-a-time reference minifier written below, never from the code under test.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bisnap.errors import BisnapError, InvalidJSONError, InvalidSignatureError, KeyLoadError
from bisnap.keys import (
    ClientSecret,
    GeneratedKeyPair,
    PrivateKey,
    PublicKey,
    load_private_key,
    load_public_key,
)
from bisnap.signing import (
    asymmetric_string_to_sign,
    minify_json,
    sign_hmac,
    sign_rsa,
    transaction_string_to_sign,
    verify_hmac,
    verify_rsa,
)

FAST = settings(max_examples=150, deadline=None)
RSA = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
WHITESPACE = " \t\n\r"


def reference_minify(data: bytes) -> bytes:
    """Drop whitespace outside strings, one byte at a time (the obvious, slow way)."""
    out, in_string, escaped = bytearray(), False, False
    for byte in data:
        if in_string:
            out.append(byte)
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte not in b" \t\n\r":
            out.append(byte)
            in_string = byte == 0x22
    return bytes(out)


def is_valid_json(data: bytes) -> bool:
    def reject(name: str) -> None:
        raise ValueError(name)

    try:
        json.loads(data.decode("utf-8"), parse_constant=reject)
    except (ValueError, RecursionError):
        return False
    return True


# --- JSON with any whitespace layout ---------------------------------------------------------

# A JSON number as a sender may spell it; drawn as a string, emitted as the number it spells.
NUMBER_SPELLING = r"-?(0|[1-9][0-9]{0,5})(\.[0-9]{1,6})?([eE][+-]?[0-9]{1,2})?"


def spells_a_number(item: str) -> bool:
    """Whether a drawn string is emitted as a number token (else as a JSON string)."""
    return re.fullmatch(NUMBER_SPELLING, item) is not None


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.from_regex(NUMBER_SPELLING, fullmatch=True)
    | st.text()
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)


@st.composite
def layouts(draw: st.DrawFn) -> tuple[bytes, bytes]:
    """(compact, the same tokens with arbitrary whitespace between them)."""
    value = draw(json_values)
    tokens: list[str] = []

    def scalar(item: Any) -> str:
        if isinstance(item, str):
            if spells_a_number(item):
                return item  # a number spelled as drawn ("1.0E+2" stays "1.0E+2")
            text = json.dumps(item, ensure_ascii=draw(st.booleans()))
            return text.replace("/", "\\/") if draw(st.booleans()) else text
        return json.dumps(item)

    def emit(item: Any) -> None:
        if isinstance(item, list):
            tokens.append("[")
            for index, child in enumerate(item):
                if index:
                    tokens.append(",")
                emit(child)
            tokens.append("]")
        elif isinstance(item, dict):
            tokens.append("{")
            for index, (key, child) in enumerate(item.items()):
                if index:
                    tokens.append(",")
                tokens.extend((json.dumps(key, ensure_ascii=draw(st.booleans())), ":"))
                emit(child)
            tokens.append("}")
        else:
            tokens.append(scalar(item))

    emit(value)
    gaps = st.text(alphabet=WHITESPACE, max_size=3)
    pretty = "".join(draw(gaps) + token for token in tokens) + draw(gaps)
    return "".join(tokens).encode(), pretty.encode()


def test_layouts_regression_drawn_text_with_whitespace_is_not_a_number_token() -> None:
    # "0\n" is valid JSON, so the strategy once emitted it as a bare token, whitespace and
    # all, and then expected minify to keep that whitespace.
    assert not spells_a_number("0\n")
    assert not spells_a_number(" 1")
    assert spells_a_number("-12.50E+3")
    assert spells_a_number("0")


@FAST
@given(layouts())
def test_minify_of_any_layout_is_the_compact_form(pair: tuple[bytes, bytes]) -> None:
    compact, pretty = pair
    assert minify_json(pretty) == compact
    assert minify_json(pretty.decode("utf-8")) == compact
    assert minify_json(pretty, validate=False) == compact


@FAST
@given(layouts())
def test_minify_is_idempotent(pair: tuple[bytes, bytes]) -> None:
    once = minify_json(pair[1])
    assert minify_json(once) == once


@FAST
@given(st.text(), st.text(alphabet=WHITESPACE, max_size=4), st.booleans())
def test_string_contents_survive_byte_for_byte(text: str, pad: str, ascii_only: bool) -> None:
    encoded = json.dumps(text, ensure_ascii=ascii_only)
    body = f'{pad}{{{pad}"k"{pad}:{pad}{encoded}{pad},"   70012":[{pad}{encoded}]{pad}}}'.encode()
    out = minify_json(body)
    assert out == f'{{"k":{encoded},"   70012":[{encoded}]}}'.encode()
    assert json.loads(out)["k"] == text


json_ish = st.text(alphabet='{}[]",:\\/ \t\n\r0123456789.eE+-truefalsnNaI\x00\x1fé', max_size=24)


@st.composite
def mutated_json(draw: st.DrawFn) -> bytes:
    """A valid body with one byte inserted, deleted or replaced: mostly invalid, near valid."""
    _, pretty = draw(layouts())
    assume(pretty)
    position = draw(st.integers(min_value=0, max_value=len(pretty) - 1))
    byte = draw(st.sampled_from(list(b'{}[]",:\\ \t\n\rnu0e-.\xff\xc3')))
    action = draw(st.sampled_from(["insert", "delete", "replace"]))
    if action == "insert":
        return pretty[:position] + bytes([byte]) + pretty[position:]
    if action == "delete":
        return pretty[:position] + pretty[position + 1 :]
    return pretty[:position] + bytes([byte]) + pretty[position + 1 :]


@settings(max_examples=400, deadline=None)
@given(st.one_of(json_ish.map(lambda text: text.encode("utf-8")), mutated_json(), st.binary()))
def test_minify_accepts_exactly_valid_json_and_agrees_with_the_reference(data: bytes) -> None:
    valid = is_valid_json(data) if data.strip(b" \t\n\r") else True
    try:
        out = minify_json(data)
    except InvalidJSONError:
        assert not valid, "valid JSON was refused"
        return
    assert valid, "invalid JSON was accepted"
    assert out == reference_minify(data)


@FAST
@given(st.binary())
def test_unvalidated_minify_never_raises_on_bytes(data: bytes) -> None:
    assert isinstance(minify_json(data, validate=False), bytes)


# --- signatures ----------------------------------------------------------------------------------


@RSA
@given(st.text())
def test_rsa_sign_then_verify(merchant_keys: GeneratedKeyPair, text: str) -> None:
    verify_rsa(_public(merchant_keys), text, sign_rsa(_private(merchant_keys), text))


@FAST
@given(st.text(min_size=1) | st.binary(min_size=1), st.text())
def test_hmac_sign_then_verify(secret: str | bytes, text: str) -> None:
    verify_hmac(ClientSecret(secret), text, sign_hmac(ClientSecret(secret), text))


_KEYS: dict[int, tuple[PrivateKey, PublicKey]] = {}


def _private(pair: GeneratedKeyPair) -> PrivateKey:
    return _pair(pair)[0]


def _public(pair: GeneratedKeyPair) -> PublicKey:
    return _pair(pair)[1]


def _pair(pair: GeneratedKeyPair) -> tuple[PrivateKey, PublicKey]:
    """Keys parsed once per session, as a real caller would."""
    if id(pair) not in _KEYS:
        _KEYS[id(pair)] = (pair.private_key(), pair.public_key())
    return _KEYS[id(pair)]


METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
path_chars = st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-._~/?=&%")
requests = st.fixed_dictionaries(
    {
        "method": st.sampled_from(METHODS),
        "path": st.text(path_chars, min_size=1, max_size=30).map(lambda p: "/v1.0/" + p),
        "token": st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1),
        "body": layouts().map(lambda pair: pair[1]),
        "timestamp": st.just("2024-03-15T10:35:00+07:00"),
    }
)
FIELDS = ["method", "path", "token", "body", "timestamp", "signature"]


def _change_one_char(draw: st.DrawFn, text: str, alphabet: str) -> str:
    position = draw(st.integers(min_value=0, max_value=len(text) - 1))
    other = draw(st.sampled_from([c for c in alphabet if c != text[position]]))
    return text[:position] + other + text[position + 1 :]


@st.composite
def one_change(draw: st.DrawFn) -> tuple[dict[str, Any], str, Any]:
    request: dict[str, Any] = draw(requests)
    field = draw(st.sampled_from(FIELDS))
    printable = "".join(chr(c) for c in range(33, 127))
    if field == "method":
        changed: Any = draw(st.sampled_from([m for m in METHODS if m != request["method"]]))
    elif field == "path":
        changed = "/v1.0/" + _change_one_char(draw, request["path"][6:], "abcxyz019-_/?=&")
    elif field in ("token", "timestamp"):
        changed = _change_one_char(draw, request[field], printable)
    elif field == "body":
        body: bytes = request["body"]
        solid = [i for i, byte in enumerate(body) if byte not in b" \t\n\r"]
        position = draw(st.sampled_from(solid))
        other = draw(st.sampled_from([b for b in range(32, 127) if b != body[position]]))
        changed = body[:position] + bytes([other]) + body[position + 1 :]
    else:
        changed = "signature"  # worked out once the signature exists
    return request, field, changed


def _sign_and_tamper(
    request: dict[str, Any], field: str, changed: Any, sign: Any
) -> tuple[dict[str, Any], str]:
    signature: str = sign(request)
    tampered = dict(request) | {field: changed}
    if field == "signature":
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        position = (len(signature.rstrip("=")) * 7) // 13  # any fixed data character
        replacement = "A" if signature[position] != "A" else "B"
        signature = signature[:position] + replacement + signature[position + 1 :]
        assert replacement in alphabet
    return tampered, signature


@FAST
@given(one_change())
def test_changing_any_single_input_fails_hmac(change: tuple[dict[str, Any], str, Any]) -> None:
    request, field, changed = change

    def sts(r: dict[str, Any]) -> str:
        return transaction_string_to_sign(
            r["method"], r["path"], r["token"], r["body"], r["timestamp"]
        )

    tampered, signature = _sign_and_tamper(
        request, field, changed, lambda r: sign_hmac("secret", sts(r))
    )
    verify_hmac("secret", sts(request), sign_hmac("secret", sts(request)))
    with pytest.raises((InvalidSignatureError, InvalidJSONError)):
        verify_hmac("secret", sts(tampered), signature)


@RSA
@given(one_change())
def test_changing_any_single_input_fails_rsa(
    merchant_keys: GeneratedKeyPair, change: tuple[dict[str, Any], str, Any]
) -> None:
    request, field, changed = change
    assume(field != "token")  # the asymmetric string to sign has no token
    private, public = _pair(merchant_keys)

    def sts(r: dict[str, Any]) -> str:
        return asymmetric_string_to_sign(r["method"], r["path"], r["body"], r["timestamp"])

    tampered, signature = _sign_and_tamper(
        request, field, changed, lambda r: sign_rsa(private, sts(r))
    )
    with pytest.raises((InvalidSignatureError, InvalidJSONError)):
        verify_rsa(public, sts(tampered), signature)


# --- arbitrary input raises only bisnap's typed errors ------------------------------------------

anything = st.one_of(st.binary(), st.text(), st.none(), st.integers())


@FAST
@given(anything, anything)
def test_verify_raises_only_typed_errors(
    merchant_keys: GeneratedKeyPair, text: Any, signature: Any
) -> None:
    with contextlib.suppress(BisnapError):
        verify_rsa(_public(merchant_keys), text, signature)
    with contextlib.suppress(BisnapError):
        verify_hmac("secret", text, signature)
    with contextlib.suppress(BisnapError):
        verify_hmac(text, "sts", signature)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(st.binary(max_size=600), st.text(max_size=600)))
def test_load_raises_only_typed_errors(data: bytes | str) -> None:
    with pytest.raises(KeyLoadError):
        load_private_key(data)
    with pytest.raises(KeyLoadError):
        load_public_key(data)


@RSA
@given(st.data())
def test_load_of_a_damaged_key_raises_only_typed_errors(
    merchant_keys: GeneratedKeyPair, data: st.DataObject
) -> None:
    source = data.draw(st.sampled_from([merchant_keys.private_pem, merchant_keys.public_pem]))
    position = data.draw(st.integers(min_value=0, max_value=len(source) - 1))
    byte = data.draw(st.integers(min_value=0, max_value=255))
    damaged = source[:position] + bytes([byte]) + source[position + 1 :]
    for load in (load_private_key, load_public_key):
        with contextlib.suppress(BisnapError):
            load(damaged)
