"""Base classes for service namespaces (``client.qris``, ``client.payouts``...).

A namespace's methods are :class:`~bisnap.services.endpoint.Endpoint` declarations shared by
its async and sync class; the two differ only in :meth:`AsyncService._send`, which awaits
the client's call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, Protocol, TypeVar

import httpx

from bisnap.models.common import SnapRequest, SnapResponse
from bisnap.services.core import CallOptions, ClientCore, expect
from bisnap.services.operation import AnyOperation, Operation
from bisnap.services.sides import AsyncSide, SyncSide

__all__ = [
    "AsyncCaller",
    "AsyncService",
    "Headers",
    "Namespace",
    "SyncCaller",
    "SyncService",
    "Timeout",
]

Headers = Mapping[str, str] | None
"""Extra HTTP headers for one call (``headers=``)."""
Timeout = httpx.Timeout | float | None
"""A per-call timeout (``timeout=``); None keeps the client's."""

_Req = TypeVar("_Req", bound=SnapRequest)
_Resp = TypeVar("_Resp", bound=SnapResponse)


class _HasCore(Protocol):
    @property
    def core(self) -> ClientCore: ...


class AsyncCaller(_HasCore, Protocol):
    """What an async namespace needs from its client."""

    async def call(
        self, operation: AnyOperation, request: SnapRequest | None, options: CallOptions
    ) -> SnapResponse: ...


class SyncCaller(_HasCore, Protocol):
    """What a sync namespace needs from its client."""

    def call(
        self, operation: AnyOperation, request: SnapRequest | None, options: CallOptions
    ) -> SnapResponse: ...


_Caller = TypeVar("_Caller", bound=_HasCore)


class Namespace(Generic[_Caller]):
    """What both flavours of a namespace hold: the client they send through."""

    def __init__(self, client: _Caller) -> None:
        self._client: _Caller = client

    @property
    def _core(self) -> ClientCore:
        return self._client.core


class AsyncService(Namespace[AsyncCaller], AsyncSide):
    """An async namespace: its endpoints are coroutine functions."""

    async def _send(
        self, operation: Operation[_Req, _Resp], request: _Req, options: CallOptions
    ) -> _Resp:
        answer = await self._client.call(operation, request, options)
        return expect(answer, operation.response_model)


class SyncService(Namespace[SyncCaller], SyncSide):
    """A sync namespace: its endpoints are plain functions."""

    def _send(
        self, operation: Operation[_Req, _Resp], request: _Req, options: CallOptions
    ) -> _Resp:
        return expect(self._client.call(operation, request, options), operation.response_model)
