"""A plain ASGI app over an :class:`~bisnap.emulator.core.Emulator` (no framework needed).

SNAP paths are answered on the event loop (:meth:`Emulator.begin`, an async sleep for an
injected delay, then :meth:`Emulator.finish`); ``/_emulator/...`` is the admin API
(:mod:`bisnap.emulator.admin`), in a worker thread since flushing notifications waits for
their delivery. Injected faults over real HTTP: ``delay`` waits without blocking the loop;
``timeout`` holds the request open ``seconds`` and then answers 504; ``drop`` sends the status
line and headers and then aborts the connection before the body is complete (the closest an
ASGI app can get to dropping a connection). A body over the emulator's ``max_body_bytes`` is
answered 413 before the rest of it is read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread

from bisnap.emulator.admin import ADMIN_PREFIX, handle_admin
from bisnap.emulator.admission import aread_limited, declared_length, too_large
from bisnap.emulator.responses import Disconnect, EmulatorResponse

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = ["ASGIApp", "DroppedConnection", "build_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class DroppedConnection(Exception):
    """Raised inside the server to abort a response mid-body (an injected ``drop`` fault)."""


async def _chunks(receive: Receive) -> AsyncIterator[bytes]:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        yield message.get("body", b"")
        if not message.get("more_body", False):
            return


async def _read_body(receive: Receive, headers: list[tuple[str, str]], limit: int) -> bytes | None:
    """The request body, or None when it is over ``limit`` bytes: by its declared length
    before any of it is read, else as soon as the bytes read pass the limit."""
    declared = declared_length(headers)
    if declared is not None and declared > limit:
        return None
    return await aread_limited(_chunks(receive), limit)


async def _send(send: Send, answer: EmulatorResponse) -> None:
    headers = [
        (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers.items()
    ]
    headers.append((b"content-length", str(len(answer.body)).encode("ascii")))
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    if answer.disconnect is Disconnect.DROP:
        await send({"type": "http.response.body", "body": answer.body[:1], "more_body": True})
        raise DroppedConnection("connection dropped (injected fault)")
    await send({"type": "http.response.body", "body": answer.body})


async def _answer(
    emulator: Emulator, method: str, target: str, headers: list[tuple[str, str]], body: bytes
) -> EmulatorResponse:
    # Processing is short and serialized by the emulator's lock anyway, so it runs right here on
    # the event loop: handing it to a worker thread only added a thread switch and contention
    # for the GIL to every request. An injected delay is waited out with an async sleep.
    started = emulator.begin(method, target)
    if isinstance(started, EmulatorResponse):
        return started
    if started.delay:
        await anyio.sleep(started.delay)
    return emulator.finish(started, headers, body)


def build_app(emulator: Emulator) -> ASGIApp:
    """The ASGI callable serving ``emulator``."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        path = scope.get("raw_path") or scope["path"].encode("utf-8")
        target = path.decode("latin-1").partition("?")[0]
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        body = await _read_body(receive, headers, emulator.max_body_bytes)
        if body is None:
            await _send(send, too_large(target, emulator.max_body_bytes))
            return
        if target.startswith(ADMIN_PREFIX):
            answer = await anyio.to_thread.run_sync(
                handle_admin, emulator, scope["method"], target, body
            )
        else:
            answer = await _answer(emulator, scope["method"], target, headers, body)
        if answer.disconnect is Disconnect.TIMEOUT:
            await anyio.sleep(answer.hold_seconds)
            answer.disconnect = None
        await _send(send, answer)

    return app
