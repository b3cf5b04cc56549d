"""One declaration, a method of both namespaces: what endpoints, flows and page iterators share.

A :class:`NamespaceMethod` is a descriptor declared once in a family's table (a mixin class)
that both the async and the sync namespace inherit. Read from an
:class:`~bisnap.services.base.AsyncService` it builds the async flavour, from a
:class:`~bisnap.services.base.SyncService` the sync one; either gets the declaration's name,
docstring and signature, so ``help()``, ``inspect`` and editors show the same method twice.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar, cast

from bisnap.services.base import AsyncService, SyncService
from bisnap.services.sides import PerSide

__all__ = ["NamespaceMethod"]

_Async = TypeVar("_Async")
_Sync = TypeVar("_Sync")


class NamespaceMethod(PerSide[AsyncService, SyncService, _Async, _Sync]):
    """A method read as ``_Async`` from an async namespace and as ``_Sync`` from a sync one.

    Subclasses call :meth:`describe` and build each flavour in :meth:`async_method` and
    :meth:`sync_method`. The bound method is built once per namespace. Read from the class,
    the declaration itself is returned; calling it with a namespace first calls that
    namespace's method (as for a function read from its class).
    """

    bound_signature: inspect.Signature

    def describe(self, name: str, doc: str | None, bound: inspect.Signature) -> None:
        """Name, docstring and signature (without ``self``) of the method."""
        self.__name__ = name
        self.__doc__ = doc
        self.bound_signature = bound
        me = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
        self.__signature__ = bound.replace(parameters=[me, *bound.parameters.values()])

    def async_method(self, service: AsyncService) -> Callable[..., Any]:
        raise NotImplementedError  # pragma: no cover - every subclass gives it

    def sync_method(self, service: SyncService) -> Callable[..., Any]:
        raise NotImplementedError  # pragma: no cover - every subclass gives it

    def __set_name__(self, owner: type, name: str) -> None:
        if name != self.__name__:
            raise TypeError(f"{owner.__name__}.{name} must be named {self.__name__}")
        # Where it is declared, as for a function (what help() and the docs report).
        self.__module__ = owner.__module__
        self.__qualname__ = f"{owner.__qualname__}.{name}"

    def for_async(self, instance: AsyncService) -> _Async:
        return cast(_Async, self._named(instance, self.async_method(instance)))

    def for_sync(self, instance: SyncService) -> _Sync:
        return cast(_Sync, self._named(instance, self.sync_method(instance)))

    def _named(
        self, service: AsyncService | SyncService, method: Callable[..., Any]
    ) -> Callable[..., Any]:
        method.__name__ = self.__name__
        method.__qualname__ = f"{type(service).__name__}.{self.__name__}"
        method.__doc__ = self.__doc__
        method.__signature__ = self.bound_signature  # type: ignore[attr-defined]
        return method

    def __call__(self, service: AsyncService | SyncService, /, *args: Any, **keywords: Any) -> Any:
        method: Any = self.__get__(service)
        return method(*args, **keywords)
