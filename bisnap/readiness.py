"""Waiting for a local server to listen (scripts that start the emulator in the background)."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

__all__ = ["ServerNotReady", "wait_until_ready"]


class ServerNotReady(Exception):
    """A server did not answer in time."""


def wait_until_ready(
    url: str,
    *,
    timeout: float = 30.0,
    interval: float = 0.1,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> httpx.Response:
    """GET ``url`` until it answers with a status below 500; the answer, or ServerNotReady.

    Connection errors (nothing listening yet) and 5xx answers are retried every
    ``interval`` seconds until ``timeout`` seconds have passed.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    deadline = clock() + timeout
    last = "no answer"
    with httpx.Client(timeout=httpx.Timeout(min(timeout, 5.0))) as client:
        while True:
            try:
                response = client.get(url)
            except httpx.TransportError as exc:
                last = type(exc).__name__
            else:
                if response.status_code < 500:
                    return response
                last = f"HTTP {response.status_code}"
            if clock() >= deadline:
                raise ServerNotReady(f"{url} did not answer within {timeout:g} s ({last})")
            sleep(interval)
