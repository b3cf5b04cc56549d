"""Capture readers: round trips through bisnap's own renderers, and property tests that any
input gives a CapturedRequest or a CaptureError, never another exception."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bisnap.captures import CapturedRequest, CaptureError, parse_curl, parse_har, parse_http_request
from bisnap.cli.render import RenderedRequest, render_curl, render_http

_NAME = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=20
)
_VALUE = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=40
)
_SEGMENT = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789.-_", min_size=1, max_size=12)
_BODY = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=200)


@st.composite
def requests(draw: st.DrawFn) -> RenderedRequest:
    method = draw(st.sampled_from(["POST", "GET", "PUT", "DELETE"]))
    path = "/" + "/".join(draw(st.lists(_SEGMENT, min_size=1, max_size=4)))
    if draw(st.booleans()):
        path += "?" + draw(_SEGMENT) + "=" + draw(_SEGMENT)
    headers = draw(st.lists(st.tuples(_NAME, _VALUE), max_size=6))
    headers = [
        (name, value) for name, value in headers if name.lower() not in ("host", "content-length")
    ]
    body = draw(_BODY).encode("utf-8") if method in ("POST", "PUT") else b""
    return RenderedRequest(method, "https://api.example" + path, headers, body)


def _same(parsed: CapturedRequest, request: RenderedRequest) -> None:
    assert parsed.method == request.method
    assert parsed.target == request.target
    assert parsed.body == request.body
    sent = [(name, value.strip(" \t")) for name, value in request.headers]
    assert [pair for pair in parsed.headers if pair[0] not in ("Host", "Content-Length")] == sent


@settings(deadline=None, max_examples=150)
@given(requests())
def test_rendered_http_reads_back(request: RenderedRequest) -> None:
    _same(parse_http_request(render_http(request)), request)


@settings(deadline=None, max_examples=150)
@given(requests())
def test_rendered_curl_reads_back(request: RenderedRequest) -> None:
    parsed = parse_curl(render_curl(request).decode("utf-8"))
    _same(parsed, request)
    assert parsed.host == "api.example"


@settings(deadline=None, max_examples=300)
@given(st.binary(max_size=400))
def test_any_bytes_as_http_request_parse_or_raise_capture_error(data: bytes) -> None:
    try:
        parsed = parse_http_request(data)
    except CaptureError:
        return
    assert isinstance(parsed, CapturedRequest)


@settings(deadline=None, max_examples=300)
@given(st.one_of(st.text(max_size=300), st.text(max_size=200).map(lambda t: "curl " + t)))
def test_any_text_as_curl_parse_or_raise_capture_error(text: str) -> None:
    try:
        parsed = parse_curl(text)
    except CaptureError:
        return
    assert isinstance(parsed, CapturedRequest)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def har_like(draw: st.DrawFn) -> object:
    """HAR-shaped documents with any part replaced by arbitrary JSON."""
    header = {"name": draw(st.one_of(_NAME, _JSON)), "value": draw(st.one_of(_VALUE, _JSON))}
    request = {
        "method": draw(st.one_of(st.sampled_from(["POST", "GET", "p0st"]), _JSON)),
        "url": draw(st.one_of(st.just("https://h/v1.0/x?a=1"), st.text(max_size=30), _JSON)),
        "headers": draw(st.one_of(st.just([header]), _JSON)),
        "postData": draw(st.one_of(st.just({"text": "{}"}), _JSON)),
    }
    entry = {"startedDateTime": draw(st.one_of(st.text(max_size=30), _JSON)), "request": request}
    return draw(st.sampled_from([{"log": {"entries": [entry]}}, {"log": entry}, [entry], entry]))


@settings(deadline=None, max_examples=300)
@given(st.one_of(har_like(), _JSON), st.integers(min_value=-2, max_value=3))
def test_any_json_as_har_parse_or_raise_capture_error(document: object, entry: int) -> None:
    try:
        parsed = parse_har(json.dumps(document), entry)
    except CaptureError:
        return
    assert isinstance(parsed, CapturedRequest)


@settings(deadline=None, max_examples=200)
@given(st.binary(max_size=300))
def test_any_bytes_as_har_parse_or_raise_capture_error(data: bytes) -> None:
    with contextlib.suppress(CaptureError):
        parse_har(data)


def test_curl_forms_people_paste() -> None:
    parsed = parse_curl(
        "curl -sS -XPOST 'https://h.example/snap/v1.0/x?a=1' \\\n"
        "  -H 'X-TIMESTAMP: 2024-03-15T10:35:00+07:00' -H\"Content-Type: application/json\" \\\n"
        '  --data-raw \'{"a":"b c"}\''
    )
    assert (parsed.method, parsed.target, parsed.body) == (
        "POST",
        "/snap/v1.0/x?a=1",
        b'{"a":"b c"}',
    )
    assert parsed.header("content-type") == "application/json"
    assert parse_curl("curl https://h/x -d '{}'").method == "POST"
    assert parse_curl("curl --json '{}' https://h/x").header("Content-Type") == "application/json"


def test_curl_from_a_browser_with_ansi_c_quoting() -> None:
    # Chrome's "Copy as cURL (bash)" writes bodies holding quotes or non-ASCII as $'...'.
    command = (
        "curl 'https://h/v1.0/x' \\\n  -H 'content-type: application/json' \\\n"
        '  --data-raw $\'{"name":"Jos\\u00e9 O\\\'Hara","n":"\\\\/"}\''
    )
    parsed = parse_curl(command)
    assert parsed.body == '{"name":"José O\'Hara","n":"\\/"}'.encode()
    with pytest.raises(CaptureError, match="unterminated"):
        parse_curl("curl https://h/x --data $'{")


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("curl", "no URL"),
        ("curl https://h/x --data @body.json", "reads a file"),
        ("curl https://h/x --frobnicate", "unsupported curl option"),
        ("curl 'https://h/x", "cannot be split"),
        ("curl -H 'nocolon' https://h/x", "expected 'Name: value'"),
        ("curl ftp://h/x", r"not an http\(s\) URL"),
        ("curl https://h/x -u me:pw", "not supported"),
    ],
)
def test_curl_errors_name_the_problem(command: str, message: str) -> None:
    with pytest.raises(CaptureError, match=message):
        parse_curl(command)


def test_http_request_content_length_and_errors() -> None:
    parsed = parse_http_request(b"POST /x HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}\n")
    assert parsed.body == b"{}"
    with pytest.raises(CaptureError, match="Content-Length says 9"):
        parse_http_request(b"POST /x HTTP/1.1\r\nContent-Length: 9\r\n\r\n{}")
    with pytest.raises(CaptureError, match="request line"):
        parse_http_request(b"hello\r\n\r\n")
    with pytest.raises(CaptureError, match="chunked"):
        parse_http_request(
            b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
        )


def test_har_entry_and_time() -> None:
    entry = {
        "startedDateTime": "2024-03-15T03:35:00.000Z",
        "request": {
            "method": "POST",
            "url": "https://h/v1.0/x",
            "headers": [{"name": ":authority", "value": "h"}],
        },
    }
    parsed = parse_har(json.dumps({"log": {"entries": [entry]}}))
    assert parsed.headers == ()
    assert parsed.started_at is not None
    assert parsed.started_at.isoformat() == "2024-03-15T03:35:00+00:00"
    with pytest.raises(CaptureError, match="no entry 1; the file has 1"):
        parse_har(json.dumps({"log": {"entries": [entry]}}), 1)


# Bodies as /bin/sh passes them to curl (checked against sh itself below): a backslash that
# ends a line is kept inside '...', removed inside "...", and joins the words outside quotes.
_CONTINUATIONS = [
    ("curl https://api.example/a --data-binary '\\\n'", b"\\\n"),
    ("curl https://api.example/a --data-binary 'x\\\ny'", b"x\\\ny"),
    ('curl https://api.example/a --data-binary "x\\\ny"', b"xy"),
    ("curl https://api.example/a --data-binary x\\\ny", b"xy"),
    ("curl https://api.example/a \\\n  --data-binary x", b"x"),
]


@pytest.mark.parametrize(("command", "body"), _CONTINUATIONS)
def test_curl_regression_a_line_continuation_inside_single_quotes_is_kept(
    command: str, body: bytes
) -> None:
    # Was: every backslash-newline became a space, so a body ending '\<newline>' read as ' '.
    assert parse_curl(command).body == body


@pytest.mark.parametrize(("command", "body"), _CONTINUATIONS)
def test_continuation_bodies_are_what_sh_passes(command: str, body: bytes) -> None:
    shell = shutil.which("sh")
    if shell is None:
        pytest.skip("no sh on this machine")
    arguments = command.removeprefix("curl ")
    printed = subprocess.run(
        [shell, "-c", f"printf '%s\\0' {arguments}"], capture_output=True, check=True, timeout=10
    ).stdout
    assert printed.split(b"\0")[-2] == body


def test_a_crlf_continuation_and_one_before_the_pipe_are_read() -> None:
    assert parse_curl("curl \\\r\n  https://api.example/a --data-binary x").body == b"x"
    piped = parse_curl("printf '%s' 'a b' \\\n| curl https://api.example/a --data-binary @-")
    assert piped.body == b"a b"
