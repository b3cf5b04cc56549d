"""The renderers carry every header and the body through a POSIX shell byte for byte."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bisnap.cli.render import RenderedRequest, render

SH = shutil.which("sh")
pytestmark = pytest.mark.skipif(SH is None, reason="needs a POSIX sh")

# A stand-in for curl/http that prints each argument NUL-terminated, then what arrived on stdin.
_ECHO_ARGS = 'printf "%s\\0" "$@"; cat'


def run_as_shell(command: bytes, program: str) -> tuple[list[str], bytes]:
    """Run ``command`` from a script file (no argument-size limit) with ``program`` stubbed."""
    with tempfile.NamedTemporaryFile("wb", suffix=".sh") as script:
        script.write(f"{program}() {{ {_ECHO_ARGS}; }}\n".encode() + command)
        script.flush()
        done = subprocess.run(
            [str(SH), script.name], capture_output=True, stdin=subprocess.DEVNULL, check=True
        )
    *args, stdin = done.stdout.split(b"\0")
    return [a.decode() for a in args], stdin


def curl_request(args: list[str], stdin: bytes) -> tuple[str, str, dict[str, str], bytes | None]:
    """(method, url, headers, body) from curl's arguments as our renderer writes them."""
    headers: dict[str, str] = {}
    body: bytes | None = None
    method = url = ""
    items = iter(args)
    for arg in items:
        if arg == "--request":
            method = next(items)
            url = next(items)
        elif arg == "--header":
            name, _, value = next(items).partition(": ")
            headers[name] = value
        elif arg == "--data-binary":
            value = next(items)
            body = stdin if value == "@-" else value.encode()
    return method, url, headers, body


NO_NUL_OR_SURROGATE = st.characters(exclude_categories=["Cs"], exclude_characters="\0")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values, indent=st.sampled_from([None, 2, "\t"]))
def test_curl_command_sends_the_exact_body_and_headers(value: object, indent: object) -> None:
    body = json.dumps(value, ensure_ascii=False, indent=indent).encode()  # type: ignore[arg-type]
    request = RenderedRequest(
        "POST",
        "http://127.0.0.1:1/v1.0/x?a=[1]&b={2}",
        [("X-SIGNATURE", "ab+/=="), ("X-DEVICE-ID", 'Mozilla/5.0 (it\'s "quoted") $HOME `x`')],
        body,
    )
    args, stdin = run_as_shell(render(request, "curl"), "curl")
    assert curl_request(args, stdin) == (
        "POST",
        request.url,
        dict(request.headers),
        body,
    )
    assert "--globoff" in args  # [] and {} in a URL are not curl globs
    assert "--path-as-is" in args  # the signed path is sent as is


def test_large_bodies_are_piped_not_passed_as_one_argument() -> None:
    body = json.dumps({"note": "x' y" * 40_000}).encode()
    request = RenderedRequest("POST", "http://h/p", [("A", "b")], body)
    command = render(request, "curl")
    assert command.startswith(b"printf '%s' ")
    args, stdin = run_as_shell(command, "curl")
    assert curl_request(args, stdin)[3] == body


def test_get_without_body_sends_no_data() -> None:
    request = RenderedRequest("GET", "http://h/v1.0/get-auth-code?x=1", [("A", "b")], b"")
    args, _ = run_as_shell(render(request, "curl"), "curl")
    assert "--data-binary" not in args
    post = RenderedRequest("POST", "http://h/p", [], b"")
    args, _ = run_as_shell(render(post, "curl"), "curl")
    assert args[-2:] == ["--data-binary", ""]


@settings(max_examples=20, deadline=None)
@given(text=st.text(NO_NUL_OR_SURROGATE))
def test_httpie_command_pipes_the_exact_body(text: str) -> None:
    body = json.dumps({"v": text}, ensure_ascii=False).encode()
    request = RenderedRequest("POST", "http://h/p", [("X-A", "it's")], body)
    args, stdin = run_as_shell(render(request, "httpie"), "http")
    assert args == ["POST", "http://h/p", "X-A:it's"]
    assert stdin == body


@settings(max_examples=20, deadline=None)
@given(text=st.text(NO_NUL_OR_SURROGATE))
def test_env_assignments_round_trip_through_the_shell(text: str) -> None:
    body = json.dumps({"v": text}, ensure_ascii=False, indent=1).encode()
    request = RenderedRequest(
        "POST", "http://h/p", [("X-SIGNATURE", "s/+="), ("CHANNEL-ID", "95221")], body
    )
    script = render(request, "env") + b'printf "%s\\0" "$SNAP_X_SIGNATURE" "$SNAP_CHANNEL_ID" '
    script += b'"$SNAP_METHOD" "$SNAP_URL" "$SNAP_BODY"'
    done = subprocess.run([str(SH), "-c", script.decode()], capture_output=True, check=True)
    assert done.stdout.split(b"\0")[:-1] == [b"s/+=", b"95221", b"POST", b"http://h/p", body]


def test_json_format() -> None:
    body = '{"name":"Zoë \\"Z\\"","x":1}'.encode()
    request = RenderedRequest("POST", "http://h/p?q=1", [("A", "1"), ("B", "2")], body)
    document = json.loads(render(request, "json"))
    assert document == {
        "method": "POST",
        "url": "http://h/p?q=1",
        "headers": {"A": "1", "B": "2"},
        "body": body.decode(),
    }
    assert document["body"].encode() == body


def test_http_format_is_a_raw_request() -> None:
    body = '{"name":"Zoë"}'.encode()
    request = RenderedRequest(
        "POST", "https://merchants.midtrans.com/v1.0/x?y=1", [("A", "1")], body
    )
    assert render(request, "http") == (
        b"POST /v1.0/x?y=1 HTTP/1.1\r\nHost: merchants.midtrans.com\r\nA: 1\r\n"
        b"Content-Length: 15\r\n\r\n" + body
    )
