"""Read a request as it was captured: a raw HTTP/1.1 message, a curl command line or a HAR file.

Each reader returns a :class:`CapturedRequest` (method, target, headers, exact body bytes) or
raises :class:`CaptureError` saying what is wrong with the input; nothing else escapes them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from bisnap.errors import InvalidInputError, InvalidTimestampError
from bisnap.timestamps import parse_timestamp

__all__ = ["CaptureError", "CapturedRequest", "parse_curl", "parse_har", "parse_http_request"]

_METHOD = re.compile(r"[A-Za-z]{1,20}")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


class CaptureError(InvalidInputError):
    """A captured request could not be read; the message names the problem."""


@dataclass(frozen=True)
class CapturedRequest:
    """One request as sent: ``target`` is the path with ``?query``; ``body`` the exact bytes."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = field(repr=False)
    host: str | None = None
    started_at: datetime | None = None
    """When the request was sent, if the capture says (a HAR entry's ``startedDateTime``)."""

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (any case), or None."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def header_pairs(self) -> tuple[tuple[str, str], ...]:
        """Headers with ``Host`` added from the URL when the capture had none."""
        if self.host is None or self.header("host") is not None:
            return self.headers
        return (("Host", self.host), *self.headers)


def _method(value: str, where: str) -> str:
    if not _METHOD.fullmatch(value):
        raise CaptureError(f"{where}: {value[:20]!r} is not an HTTP method")
    return value.upper()


def _split_url(url: str, where: str) -> tuple[str, str | None]:
    """``(target, host)`` of an absolute URL or an origin-form target."""
    if url.startswith("/"):
        return url, None
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise CaptureError(f"{where}: the URL is malformed ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise CaptureError(f"{where}: {url[:60]!r} is not an http(s) URL or a path")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return target, parts.netloc


def _header(name: str, value: str, where: str) -> tuple[str, str]:
    name = name.strip()
    if not _HEADER_NAME.fullmatch(name):
        raise CaptureError(f"{where}: {name[:40]!r} is not a header name")
    if any(ch in value for ch in "\r\n\x00"):
        raise CaptureError(f"{where}: the value of {name} holds a line break or NUL")
    return name, value.strip(" \t")


# --- raw HTTP/1.1 ------------------------------------------------------------------------------


def parse_http_request(data: bytes) -> CapturedRequest:
    """A raw HTTP/1.1 request: request line, header lines, a blank line, the body bytes.

    CRLF or bare LF line ends are accepted in the head. With ``Content-Length`` the body is that
    many bytes (a trailing newline an editor added is dropped); a shorter body is an error.
    """
    if not isinstance(data, (bytes, bytearray)):
        raise CaptureError("the request message must be bytes")
    data = bytes(data)
    ends = [(data.find(sep), sep) for sep in (b"\r\n\r\n", b"\n\n")]
    found = [(at, sep) for at, sep in ends if at >= 0]
    if not found:
        head_bytes, body = data, b""
    else:
        at, sep = min(found)
        head_bytes, body = data[:at], data[at + len(sep) :]
    try:
        head = head_bytes.decode("latin-1")
    except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes every byte
        raise CaptureError("the request head is not text") from None
    lines = [line.rstrip("\r") for line in head.split("\n")]
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise CaptureError("the request message is empty")
    parts = lines[0].split()
    if len(parts) != 3 or not parts[2].upper().startswith("HTTP/"):
        raise CaptureError(
            "the first line must be a request line such as 'POST /v1.0/path HTTP/1.1'"
        )
    method = _method(parts[0], "request line")
    target, host = _split_url(parts[1], "request line")
    headers: list[tuple[str, str]] = []
    for number, line in enumerate(lines[1:], start=2):
        name, colon, value = line.partition(":")
        if not colon:
            raise CaptureError(f"line {number}: expected 'Name: value'")
        headers.append(_header(name, value, f"line {number}"))
    lowered = {name.lower(): value for name, value in headers}
    if "chunked" in lowered.get("transfer-encoding", "").lower():
        raise CaptureError("a chunked body is not supported: save the request with Content-Length")
    length_text = lowered.get("content-length")
    if length_text is not None:
        if not length_text.isdigit():
            raise CaptureError(f"Content-Length {length_text[:20]!r} is not a number")
        length = int(length_text)
        if len(body) < length:
            raise CaptureError(f"the body is {len(body)} bytes but Content-Length says {length}")
        body = body[:length]
    return CapturedRequest(method, target, tuple(headers), body, host=host or lowered.get("host"))


# --- curl --------------------------------------------------------------------------------------

_FLAGS = frozenset(
    {
        "-s", "--silent", "-S", "--show-error", "-g", "--globoff", "--path-as-is",
        "--compressed", "-k", "--insecure", "-L", "--location", "-i", "--include",
        "-v", "--verbose", "-f", "--fail", "--http1.1", "--http2", "-N", "--no-buffer",
    }
)  # fmt: skip
_IGNORED_WITH_VALUE = frozenset(
    {
        "-o", "--output", "-m", "--max-time", "--connect-timeout", "--cacert", "--capath",
        "-A", "--user-agent", "-e", "--referer", "-w", "--write-out", "--retry", "-x",
        "--proxy", "--resolve", "--cert", "--key",
    }
)  # fmt: skip
_DATA = frozenset({"-d", "--data", "--data-raw", "--data-binary", "--data-ascii", "--json"})
_SHORT_WITH_VALUE = frozenset({"X", "H", "d", "o", "m", "A", "e", "w", "x", "u", "b"})
_UNSUPPORTED_WITH_VALUE = frozenset({"-u", "--user", "-b", "--cookie"})
_TAKES_VALUE = (
    frozenset({"-X", "--request", "-H", "--header", "--url"})
    | _DATA
    | _IGNORED_WITH_VALUE
    | _UNSUPPORTED_WITH_VALUE
)
_GAP = r"(?:\s|\\\r?\n)"  # blanks, or a line continuation
_PIPED = re.compile(
    rf"\A{_GAP}*printf{_GAP}+(?:'%s'|\"%s\"|%s){_GAP}+(?P<arg>.*?){_GAP}*\|{_GAP}*"
    r"(?P<rest>curl\b.*)\Z",
    re.S,
)


_ANSI_C = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b"}
_ANSI_C |= {"f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_ANSI_C_NUMERIC = re.compile(r"x[0-9a-fA-F]{1,2}|u[0-9a-fA-F]{1,4}|U[0-9a-fA-F]{1,8}|[0-7]{1,3}")


def _ansi_c(text: str, start: int) -> tuple[str, int]:
    """The value of a bash ``$'...'`` word starting after its opening quote, and its end."""
    out: list[str] = []
    index = start
    while index < len(text):
        char = text[index]
        if char == "'":
            return "".join(out), index + 1
        if char != "\\" or index + 1 >= len(text):
            out.append(char)
            index += 1
            continue
        escape = text[index + 1]
        if escape in _ANSI_C:
            out.append(_ANSI_C[escape])
            index += 2
            continue
        numeric = _ANSI_C_NUMERIC.match(text, index + 1)
        if numeric is None:
            out.append("\\" + escape)
            index += 2
            continue
        digits = numeric.group(0)
        value = int(digits[1:], 16) if digits[0] in "xuU" else int(digits, 8)
        if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
            raise CaptureError(f"$'...' holds an escape that is not a character: \\{digits}")
        out.append(chr(value))
        index = numeric.end()
    raise CaptureError("the curl command cannot be split into words: unterminated $' quote")


def _continuation(command: str, index: int) -> int:
    """The length of a line continuation (a backslash ending the line) at ``index``, else 0."""
    if command.startswith("\\\n", index):
        return 2
    if command.startswith("\\\r\n", index):
        return 3  # pasted from a CRLF file
    return 0


def _tokens(command: str) -> list[str]:
    """Split a POSIX shell command line into words: '...', "...", bash $'...', backslashes and
    line continuations (removed outside quotes and inside "...", kept inside '...')."""
    words: list[str] = []
    word: list[str] | None = None
    index = 0
    while index < len(command):
        char = command[index]
        continuation = _continuation(command, index)
        if continuation:
            index += continuation
            continue
        if char in " \t\r\n":
            if word is not None:
                words.append("".join(word))
                word = None
            index += 1
            continue
        word = [] if word is None else word
        if char == "'":
            end = command.find("'", index + 1)
            if end < 0:
                raise CaptureError("the curl command cannot be split into words: unterminated '")
            word.append(command[index + 1 : end])
            index = end + 1
        elif char == "$" and command.startswith("$'", index):
            value, index = _ansi_c(command, index + 2)
            word.append(value)
        elif char == '"':
            index += 1
            while index < len(command) and command[index] != '"':
                continuation = _continuation(command, index)
                if continuation:
                    index += continuation
                    continue
                if command[index] == "\\" and command[index + 1 : index + 2] in (
                    '"',
                    "\\",
                    "$",
                    "`",
                ):
                    index += 1
                word.append(command[index])
                index += 1
            if index >= len(command):
                raise CaptureError('the curl command cannot be split into words: unterminated "')
            index += 1
        elif char == "\\":
            word.append(command[index + 1 : index + 2])
            index += 2
        else:
            word.append(char)
            index += 1
    if word is not None:
        words.append("".join(word))
    return words


def _expand_short(tokens: list[str]) -> list[str]:
    """``-XPOST`` -> ``-X POST``, ``-sS`` -> ``-s -S``; long options and values untouched."""
    out: list[str] = []
    expecting_value = False
    for token in tokens:
        if expecting_value or not token.startswith("-") or token == "-":
            out.append(token)
            expecting_value = False
            continue
        if token.startswith("--"):
            out.append(token)
            expecting_value = token in _TAKES_VALUE
            continue
        letters = token[1:]
        for index, letter in enumerate(letters):
            out.append(f"-{letter}")
            if letter in _SHORT_WITH_VALUE:
                rest = letters[index + 1 :]
                if rest:
                    out.append(rest)
                else:
                    expecting_value = True
                break
    return out


def parse_curl(command: str) -> CapturedRequest:
    """A curl command line as people paste it (continuation backslashes, quoting, ``-X``,
    ``-H``, ``--data-binary`` and friends, ``--url``), or the ``printf '%s' BODY | curl ...
    --data-binary @-`` form ``bisnap headers --format curl`` prints for large bodies."""
    if not isinstance(command, str):
        raise CaptureError("the curl command must be text")
    text = command.strip()
    stdin: str | None = None
    piped = _PIPED.match(text)
    if piped:
        words = _tokens(piped["arg"])
        if len(words) != 1:
            raise CaptureError("the printf before curl must print exactly one quoted body")
        stdin, text = words[0], piped["rest"]
    tokens = _tokens(text)
    if not tokens or tokens[0] != "curl":
        raise CaptureError("the command must start with 'curl'")
    tokens = _expand_short(tokens[1:])
    method: str | None = None
    url: str | None = None
    headers: list[tuple[str, str]] = []
    data: list[str] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token in _FLAGS:
            continue
        if token in _TAKES_VALUE:
            if index >= len(tokens):
                raise CaptureError(f"curl option {token} needs a value")
            value = tokens[index]
            index += 1
            if token in ("-X", "--request"):
                method = _method(value, token)
            elif token in ("-H", "--header"):
                name, sep, header_value = value.partition(":")
                if not sep:
                    raise CaptureError(f"{token} {value[:40]!r}: expected 'Name: value'")
                headers.append(_header(name, header_value, token))
            elif token == "--url":
                url = value
            elif token in _DATA:
                if value == "@-":
                    if stdin is None:
                        raise CaptureError(f"{token} @- reads stdin, which the command lacks")
                    value = stdin
                elif value.startswith("@"):
                    raise CaptureError(
                        f"{token} {value[:40]!r} reads a file: paste the body inline instead"
                    )
                if token == "--json":
                    headers.append(("Content-Type", "application/json"))
                data.append(value)
            elif token in _UNSUPPORTED_WITH_VALUE:
                raise CaptureError(f"curl option {token} is not supported in a SNAP request")
            continue
        if token.startswith("-"):
            raise CaptureError(f"unsupported curl option {token[:40]!r}")
        if url is not None:
            raise CaptureError("the curl command names more than one URL")
        url = token
    if url is None:
        raise CaptureError("the curl command has no URL")
    target, host = _split_url(url, "URL")
    if method is None:
        method = "POST" if data else "GET"
    try:
        body = "&".join(data).encode("utf-8")
    except UnicodeEncodeError:
        raise CaptureError("the body is not encodable as UTF-8") from None
    return CapturedRequest(method, target, tuple(headers), body, host=host)


# --- HAR ---------------------------------------------------------------------------------------


def _har_field(obj: Any, key: str, kind: type, where: str) -> Any:
    if not isinstance(obj, dict) or not isinstance(obj.get(key), kind):
        raise CaptureError(f"HAR: {where}.{key} is missing or not a {kind.__name__}")
    return obj[key]


def parse_har(data: bytes | str, entry: int = 0) -> CapturedRequest:
    """Entry ``entry`` (0-based) of a HAR file: method, URL, headers, ``postData.text``."""
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise CaptureError("HAR: the file is not JSON") from None
    log = _har_field(document, "log", dict, "")
    entries = _har_field(log, "entries", list, "log")
    if isinstance(entry, bool) or not isinstance(entry, int) or not 0 <= entry < len(entries):
        raise CaptureError(f"HAR: there is no entry {entry}; the file has {len(entries)}")
    where = f"log.entries[{entry}]"
    request = _har_field(entries[entry], "request", dict, where)
    where += ".request"
    method = _method(_har_field(request, "method", str, where), f"{where}.method")
    target, host = _split_url(_har_field(request, "url", str, where), f"{where}.url")
    headers: list[tuple[str, str]] = []
    for number, item in enumerate(_har_field(request, "headers", list, where)):
        spot = f"{where}.headers[{number}]"
        name = _har_field(item, "name", str, spot)
        if name.startswith(":"):  # HTTP/2 pseudo-headers (:authority, :path) are not headers
            continue
        headers.append(_header(name, _har_field(item, "value", str, spot), spot))
    body = b""
    post = request.get("postData")
    if post is not None:
        text = _har_field(post, "text", str, f"{where}.postData")
        try:
            body = text.encode("utf-8")
        except UnicodeEncodeError:
            raise CaptureError(f"HAR: {where}.postData.text is not encodable as UTF-8") from None
    started: datetime | None = None
    stamp = entries[entry].get("startedDateTime") if isinstance(entries[entry], dict) else None
    if isinstance(stamp, str):
        try:
            started = parse_timestamp(stamp, require_offset=True)
        except InvalidTimestampError:
            started = None
    return CapturedRequest(method, target, tuple(headers), body, host=host, started_at=started)
