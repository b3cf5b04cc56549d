"""Base classes for service namespaces (``client.qris``, ``client.payouts``...).

A namespace's methods are :class:`~bisnap.services.endpoint.Endpoint` declarations shared by
its async and sync class; the two differ only in :meth:`AsyncService._send`, which awaits
the client's call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, TypeVar

import httpx

from bisnap.models.common import SnapRequest, SnapResponse
from bisnap.services.core import CallOptions, ClientCore, expect
from bisnap.services.operation import AnyOperation, Operation

__all__ = ["AsyncCaller", "AsyncService", "Headers", "SyncCaller", "SyncService", "Timeout"]

Headers = Mapping[str, str] | None
"""Extra HTTP headers for one call (``headers=``)."""
Timeout = httpx.Timeout | float | None
"""A per-call timeout (``timeout=``); None keeps the client's."""

_Req = TypeVar("_Req", bound=SnapRequest)
_Resp = TypeVar("_Resp", bound=SnapResponse)


class AsyncCaller(Protocol):
    """What an async namespace needs from its client."""

    @property
    def core(self) -> ClientCore: ...

    async def call(
        self, operation: AnyOperation, request: SnapRequest | None, options: CallOptions
    ) -> SnapResponse: ...


class SyncCaller(Protocol):
    """What a sync namespace needs from its client."""

    @property
    def core(self) -> ClientCore: ...

    def call(
        self, operation: AnyOperation, request: SnapRequest | None, options: CallOptions
    ) -> SnapResponse: ...


class AsyncService:
    """An async namespace: its endpoints are coroutine functions."""

    def __init__(self, client: AsyncCaller) -> None:
        self._client = client

    @property
    def _core(self) -> ClientCore:
        return self._client.core

    async def _send(
        self, operation: Operation[_Req, _Resp], request: _Req, options: CallOptions
    ) -> _Resp:
        answer = await self._client.call(operation, request, options)
        return expect(answer, operation.response_model)


class SyncService:
    """A sync namespace: its endpoints are plain functions."""

    def __init__(self, client: SyncCaller) -> None:
        self._client = client

    @property
    def _core(self) -> ClientCore:
        return self._client.core

    def _send(
        self, operation: Operation[_Req, _Resp], request: _Req, options: CallOptions
    ) -> _Resp:
        return expect(self._client.call(operation, request, options), operation.response_model)
