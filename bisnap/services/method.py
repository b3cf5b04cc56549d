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
from typing import Any, Generic, TypeVar, overload

from typing_extensions import Self

from bisnap.services.base import AsyncService, SyncService

__all__ = ["NamespaceMethod"]

_Async = TypeVar("_Async")
_Sync = TypeVar("_Sync")


class NamespaceMethod(Generic[_Async, _Sync]):
    """A method read as ``_Async`` from an async namespace and as ``_Sync`` from a sync one.

    Subclasses call :meth:`describe` and build each flavour in :meth:`async_method` and
    :meth:`sync_method`. The bound method is built once per namespace. Read from the class,
    the declaration itself is returned; calling it with a namespace first calls that
    namespace's method (as for a function read from its class).
    """

    __name__: str
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

    @overload
    def __get__(self, service: None, owner: type | None = None) -> Self: ...
    @overload
    def __get__(self, service: AsyncService, owner: type | None = None) -> _Async: ...
    @overload
    def __get__(self, service: SyncService, owner: type | None = None) -> _Sync: ...
    def __get__(self, service: object, owner: type | None = None) -> Any:
        if service is None:
            return self
        if isinstance(service, AsyncService):
            method = self.async_method(service)
        elif isinstance(service, SyncService):
            method = self.sync_method(service)
        else:
            raise TypeError(f"{self.__name__} is a method of a service namespace")
        method.__name__ = self.__name__
        method.__qualname__ = f"{type(service).__name__}.{self.__name__}"
        method.__doc__ = self.__doc__
        method.__signature__ = self.bound_signature  # type: ignore[attr-defined]
        vars(service)[self.__name__] = method
        return method

    def __call__(self, service: AsyncService | SyncService, /, *args: Any, **keywords: Any) -> Any:
        method: Any = self.__get__(service)
        return method(*args, **keywords)
