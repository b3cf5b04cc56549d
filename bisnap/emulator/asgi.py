"""A plain ASGI app over an :class:`~bisnap.emulator.core.Emulator` (no framework needed).

SNAP paths go to :meth:`Emulator.handle` in a worker thread; ``/_emulator/...`` is the admin
API (:mod:`bisnap.emulator.admin`). Injected faults over real HTTP: ``timeout`` holds the
request open ``seconds`` and then answers 504; ``drop`` sends the status line and headers
and then aborts the connection before the body is complete (the closest an ASGI app can get
to dropping a connection).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread

from bisnap.emulator.admin import ADMIN_PREFIX, handle_admin
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


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


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
        body = await _read_body(receive)
        path = scope.get("raw_path") or scope["path"].encode("utf-8")
        target = path.decode("latin-1").partition("?")[0]
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        if target.startswith(ADMIN_PREFIX):
            answer = await anyio.to_thread.run_sync(
                handle_admin, emulator, scope["method"], target, body
            )
        else:
            answer = await anyio.to_thread.run_sync(
                emulator.handle, scope["method"], target, headers, body
            )
        if answer.disconnect is Disconnect.TIMEOUT:
            await anyio.sleep(answer.hold_seconds)
            answer.disconnect = None
        await _send(send, answer)

    return app
