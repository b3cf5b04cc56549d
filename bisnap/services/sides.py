"""Sync or async: one declaration read as the sync or the async flavour of what it declares.

The clients declare their namespaces once (``client.qris``) and the namespaces their methods
once (``client.qris.generate``). Such a declaration is a :class:`PerSide` descriptor: read from
an :class:`AsyncSide` instance (:class:`~bisnap.client.AsyncSnapClient`, an async namespace) it
builds the async flavour, from a :class:`SyncSide` instance the sync one, once per instance
(kept in the instance's ``__dict__``, so later reads skip the descriptor).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, overload

from typing_extensions import Self

__all__ = ["AsyncSide", "PerSide", "SyncSide"]


class AsyncSide:
    """Marker base of the async client and the async service namespaces."""


class SyncSide:
    """Marker base of the sync client and the sync service namespaces."""


_AsyncOwner = TypeVar("_AsyncOwner", bound=AsyncSide)
_SyncOwner = TypeVar("_SyncOwner", bound=SyncSide)
_Async = TypeVar("_Async")
_Sync = TypeVar("_Sync")


class PerSide(Generic[_AsyncOwner, _SyncOwner, _Async, _Sync]):
    """Read as ``_Async`` from an ``_AsyncOwner``, as ``_Sync`` from a ``_SyncOwner``, and as
    the declaration itself from the class. Subclasses build each flavour in :meth:`for_async`
    and :meth:`for_sync`."""

    __name__: str

    def __set_name__(self, owner: type, name: str) -> None:
        self.__name__ = name

    def for_async(self, instance: _AsyncOwner) -> _Async:
        raise NotImplementedError  # pragma: no cover - every subclass gives it

    def for_sync(self, instance: _SyncOwner) -> _Sync:
        raise NotImplementedError  # pragma: no cover - every subclass gives it

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, instance: _AsyncOwner, owner: type | None = None) -> _Async: ...
    @overload
    def __get__(self, instance: _SyncOwner, owner: type | None = None) -> _Sync: ...
    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        if isinstance(instance, AsyncSide):
            made: Any = self.for_async(instance)  # type: ignore[arg-type]
        elif isinstance(instance, SyncSide):
            made = self.for_sync(instance)  # type: ignore[arg-type]
        else:
            raise TypeError(
                f"{self.__name__} belongs to a client or a service namespace, "
                f"not to a {type(instance).__name__}"
            )
        vars(instance)[self.__name__] = made
        return made
