"""In-process httpx transports over an :class:`~bisnap.emulator.core.Emulator` (no sockets).

Injected ``timeout`` faults raise ``httpx.ReadTimeout`` and ``drop`` faults
``httpx.RemoteProtocolError``, as a real connection would.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable
from typing import TYPE_CHECKING, cast

import anyio.to_thread
import httpx

from bisnap.emulator.admin import ADMIN_PREFIX, handle_admin
from bisnap.emulator.admission import aread_limited, read_limited, too_large
from bisnap.emulator.responses import Disconnect, EmulatorResponse

if TYPE_CHECKING:
    from bisnap.emulator.core import Emulator

__all__ = ["AsyncEmulatorTransport", "EmulatorTransport"]


def _target(request: httpx.Request) -> str:
    return request.url.raw_path.decode("ascii")


def _to_httpx(request: httpx.Request, answer: EmulatorResponse) -> httpx.Response:
    if answer.disconnect is Disconnect.TIMEOUT:
        raise httpx.ReadTimeout("the emulator did not answer (injected timeout)", request=request)
    if answer.disconnect is Disconnect.DROP:
        raise httpx.RemoteProtocolError(
            "Server disconnected without sending a response (injected drop).", request=request
        )
    return httpx.Response(
        answer.status, headers=answer.headers, content=answer.body, request=request
    )


class EmulatorTransport(httpx.BaseTransport):
    """A synchronous transport answering from the emulator in the calling thread."""

    bisnap_in_process = True  # nothing leaves the process: no TLS or plain-http rule applies

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        target = _target(request)
        limit = self.emulator.max_body_bytes
        body = read_limited(cast("Iterable[bytes]", request.stream), limit)
        if body is None:
            return _to_httpx(request, too_large(target, limit))
        if target.startswith(ADMIN_PREFIX):
            answer = handle_admin(self.emulator, request.method, target, body)
        else:
            answer = self.emulator.handle(
                request.method, target, request.headers.multi_items(), body
            )
        return _to_httpx(request, answer)


class AsyncEmulatorTransport(httpx.AsyncBaseTransport):
    """An asynchronous transport; the emulator runs in a worker thread (delays don't block)."""

    bisnap_in_process = True

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        headers = request.headers.multi_items()
        target = _target(request)
        limit = self.emulator.max_body_bytes
        body = await aread_limited(aiter(cast("AsyncIterable[bytes]", request.stream)), limit)
        if body is None:
            return _to_httpx(request, too_large(target, limit))
        if target.startswith(ADMIN_PREFIX):
            answer = await anyio.to_thread.run_sync(
                handle_admin, self.emulator, request.method, target, body
            )
        else:
            answer = await anyio.to_thread.run_sync(
                self.emulator.handle, request.method, target, headers, body
            )
        return _to_httpx(request, answer)
