"""Render a signed request for other HTTP clients: curl, HTTPie, JSON, shell variables, raw HTTP.

Every renderer returns bytes and carries the body byte for byte. Shell output uses POSIX single
quotes, inside which every byte except ``'`` itself is literal; ``'`` is written as ``'\\''``.
A JSON body is UTF-8 text without NUL bytes, so it always survives this quoting exactly.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["FORMATS", "RenderedRequest", "render"]

# Above this size a body is piped from the shell's builtin printf instead of passed as an
# argument: Linux limits a single exec() argument to 128 KiB.
_INLINE_BODY_LIMIT = 64 * 1024


@dataclass(frozen=True)
class RenderedRequest:
    """A fully signed request: what goes on the wire."""

    method: str
    url: str
    headers: Sequence[tuple[str, str]]
    body: bytes

    @property
    def body_text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def target(self) -> str:
        """The request target (path and query) as it appears on the request line."""
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _q(value: str) -> str:
    return shlex.quote(value)


def _body_needs_pipe(body: str) -> bool:
    # curl reads a file when a --data-binary value starts with "@"; valid JSON never does, but
    # the pipe form is exact for anything.
    return body.startswith("@") or len(body.encode("utf-8")) > _INLINE_BODY_LIMIT


def render_curl(request: RenderedRequest) -> bytes:
    """A complete curl command sending exactly ``request.body`` with ``--data-binary``."""
    lines = [
        f"curl --silent --show-error --globoff --path-as-is --request {_q(request.method)} "
        f"{_q(request.url)}",
        *(f"  --header {_q(f'{name}: {value}')}" for name, value in request.headers),
    ]
    body = request.body_text
    prefix = ""
    if body or request.method not in ("GET", "HEAD", "DELETE"):
        if _body_needs_pipe(body):
            prefix = f"printf '%s' {_q(body)} |\n"
            lines.append("  --data-binary @-")
        else:
            lines.append(f"  --data-binary {_q(body)}")
    return (prefix + " \\\n".join(lines) + "\n").encode("utf-8")


def render_httpie(request: RenderedRequest) -> bytes:
    """An HTTPie command; the body goes through stdin, which HTTPie sends unchanged."""
    lines = [
        f"http {_q(request.method)} {_q(request.url)}",
        *(f"  {_q(f'{name}:{value}')}" for name, value in request.headers),
    ]
    body = request.body_text
    if body:
        return (f"printf '%s' {_q(body)} |\n" + " \\\n".join(lines) + "\n").encode("utf-8")
    lines[0] = f"http --ignore-stdin {_q(request.method)} {_q(request.url)}"
    return (" \\\n".join(lines) + "\n").encode("utf-8")


def render_json(request: RenderedRequest) -> bytes:
    """``{"method", "url", "headers", "body"}``; ``body`` is the exact text to send."""
    document = {
        "method": request.method,
        "url": request.url,
        "headers": dict(request.headers),
        "body": request.body_text,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def env_name(header: str) -> str:
    """``X-SIGNATURE`` -> ``SNAP_X_SIGNATURE``."""
    return "SNAP_" + "".join(c if c.isalnum() else "_" for c in header.upper())


def render_env(request: RenderedRequest) -> bytes:
    """Shell assignments (``eval "$(...)"`` or ``set -a; . file``): each header, then the body."""
    lines = [
        f"SNAP_METHOD={_q(request.method)}",
        f"SNAP_URL={_q(request.url)}",
        *(f"{env_name(name)}={_q(value)}" for name, value in request.headers),
        f"SNAP_BODY={_q(request.body_text)}",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def render_http(request: RenderedRequest) -> bytes:
    """The raw HTTP/1.1 request: request line, headers, CRLFs, exact body."""
    host = urlsplit(request.url).netloc
    head = [f"{request.method} {request.target} HTTP/1.1", f"Host: {host}"]
    head += [f"{name}: {value}" for name, value in request.headers]
    if request.body or request.method not in ("GET", "HEAD", "DELETE"):
        head.append(f"Content-Length: {len(request.body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + request.body


FORMATS: dict[str, Callable[[RenderedRequest], bytes]] = {
    "curl": render_curl,
    "httpie": render_httpie,
    "json": render_json,
    "env": render_env,
    "http": render_http,
}


def render(request: RenderedRequest, fmt: str) -> bytes:
    """Render ``request`` in one of :data:`FORMATS`."""
    return FORMATS[fmt](request)
