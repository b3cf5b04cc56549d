"""Base classes for service namespaces (``client.qris``, ``client.payouts``...)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

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


class SyncCaller(Protocol):
    """What a sync namespace needs from its client."""

    @property
    def core(self) -> ClientCore: ...

    def call(
        self, operation: AnyOperation, request: SnapRequest | None, options: CallOptions
    ) -> SnapResponse: ...


class AsyncCaller(Protocol):
    """What an async namespace needs from its client."""

    @property
    def core(self) -> ClientCore: ...

    async def call(
        self, operation: AnyOperation, request: SnapRequest | None, options: CallOptions
    ) -> SnapResponse: ...


def _options(
    external_id: str | None,
    customer_token: str | None,
    device_id: str | None,
    headers: Headers,
    timeout: Timeout,
) -> CallOptions:
    return CallOptions(
        external_id=external_id,
        customer_token=customer_token,
        device_id=device_id,
        headers=headers,
        timeout=timeout,
    )


class SyncService:
    """A sync namespace: turns (typed request | keyword fields) into one core call."""

    def __init__(self, client: SyncCaller) -> None:
        self._client = client

    def _call(
        self,
        operation: Operation[_Req, _Resp],
        request: _Req | None,
        fields: Mapping[str, Any],
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        customer_token: str | None = None,
        device_id: str | None = None,
    ) -> _Resp:
        built = operation.build(request, fields)
        options = _options(external_id, customer_token, device_id, headers, timeout)
        return expect(self._client.call(operation, built, options), operation.response_model)


class AsyncService:
    """An async namespace: the same as :class:`SyncService`, awaited."""

    def __init__(self, client: AsyncCaller) -> None:
        self._client = client

    async def _call(
        self,
        operation: Operation[_Req, _Resp],
        request: _Req | None,
        fields: Mapping[str, Any],
        external_id: str | None = None,
        headers: Headers = None,
        timeout: Timeout = None,
        customer_token: str | None = None,
        device_id: str | None = None,
    ) -> _Resp:
        built = operation.build(request, fields)
        options = _options(external_id, customer_token, device_id, headers, timeout)
        return expect(await self._client.call(operation, built, options), operation.response_model)
