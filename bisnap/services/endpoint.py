"""A service method as data: ``generate = Endpoint(QRIS_GENERATE, QrisGenerateFields)``.

An :class:`Endpoint` is declared once in a family's table of endpoints and shared by the async
and the sync namespace. Read from an :class:`~bisnap.services.base.AsyncService` it is a
coroutine function, from a :class:`~bisnap.services.base.SyncService` a plain function; both
take the typed request positionally *or* its fields as keywords, plus the call options, and
return the typed response.

The keywords are one ``TypedDict`` (the generated ``...Fields`` of
:mod:`bisnap.services.fields`, which inherit the call options of
:mod:`bisnap.services.keywords`). It is the signature's source twice over: type checkers
read it as the method's keyword parameters (a TypedDict class is a callable taking its
keys), and at runtime it gives the bound method its ``__signature__``, so ``help()``,
``inspect`` and editors show every field.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Generic, Protocol, TypeVar, get_type_hints

from typing_extensions import ParamSpec

from bisnap.models.common import SnapRequest, SnapResponse
from bisnap.services.base import AsyncService, SyncService
from bisnap.services.core import CallOptions
from bisnap.services.keywords import CustomerKeywords
from bisnap.services.method import NamespaceMethod
from bisnap.services.operation import Operation

__all__ = ["AsyncCall", "Endpoint", "Prepare", "SyncCall"]

P = ParamSpec("P")
_Req = TypeVar("_Req", bound=SnapRequest)
_Resp = TypeVar("_Resp", bound=SnapResponse)
_ReqIn = TypeVar("_ReqIn", bound=SnapRequest, contravariant=True)
_RespOut = TypeVar("_RespOut", bound=SnapResponse, covariant=True)


_CALL_OPTIONS = frozenset(CustomerKeywords.__annotations__)

Prepare = Callable[[Any, _Req, Mapping[str, Any]], _Req]
"""``prepare(service, request, options)``: checks (or completes) the validated request before
it is sent; ``options`` are the call's keywords that are not request fields."""


class AsyncCall(Protocol[P, _ReqIn, _RespOut]):
    """An endpoint read from an async namespace."""

    def __call__(
        self, request: _ReqIn | None = None, /, *args: P.args, **kwargs: P.kwargs
    ) -> Awaitable[_RespOut]: ...


class SyncCall(Protocol[P, _ReqIn, _RespOut]):
    """An endpoint read from a sync namespace."""

    def __call__(
        self, request: _ReqIn | None = None, /, *args: P.args, **kwargs: P.kwargs
    ) -> _RespOut: ...


class Endpoint(
    NamespaceMethod[AsyncCall[P, _Req, _Resp], SyncCall[P, _Req, _Resp]],
    Generic[P, _Req, _Resp],
):
    """One service method: ``operation``, sent with the keywords of ``keywords``.

    ``keywords``  the TypedDict of the method's keyword parameters: the request's fields and
                  the call options (:mod:`bisnap.services.keywords`; ``CustomerKeywords`` where
                  the call is made for a linked customer; extra options such as ``route`` are
                  handed to ``prepare`` and never sent)
    ``prepare``   ``prepare(service, request, options)``: checks the validated request (an
                  amount limit) or completes it (default dates) before it is sent
    The method's name is the operation's last name part; its docstring is ``operation.doc``.
    """

    def __init__(
        self,
        operation: Operation[_Req, _Resp],
        keywords: Callable[P, object],
        *,
        prepare: Prepare[_Req] | None = None,
    ) -> None:
        self.operation = operation
        self.prepare = prepare
        hints = get_type_hints(keywords)
        fields = operation.request_model.model_fields
        self.options = frozenset(name for name in hints if name not in fields)
        name = operation.name.rpartition(".")[2]
        required: frozenset[str] = getattr(keywords, "__required_keys__", frozenset())
        self.describe(name, operation.doc, _signature(operation, hints, required))

    def prepared(
        self, service: object, args: tuple[Any, ...], keywords: dict[str, Any]
    ) -> tuple[Operation[_Req, _Resp], _Req, CallOptions]:
        """The operation, the validated (and ``prepare``-checked) request, the call options."""
        if len(args) > 1:
            raise TypeError(
                f"{self.operation.name} takes one positional argument (the request), "
                f"got {len(args)}"
            )
        options = {name: keywords.pop(name) for name in list(keywords) if name in self.options}
        request = self.operation.build(args[0] if args else None, keywords)
        if self.prepare is not None:
            request = self.prepare(service, request, options)
        call = {name: value for name, value in options.items() if name in _CALL_OPTIONS}
        return self.operation, request, CallOptions(**call)

    def async_method(self, service: AsyncService) -> Callable[..., Any]:
        async def method(*args: Any, **keywords: Any) -> Any:
            return await service._send(*self.prepared(service, args, keywords))

        return method

    def sync_method(self, service: SyncService) -> Callable[..., Any]:
        def method(*args: Any, **keywords: Any) -> Any:
            return service._send(*self.prepared(service, args, keywords))

        return method

    def __repr__(self) -> str:
        return f"Endpoint({self.operation.name})"


class _Unset:
    """The default shown for a field in a signature: left out of the request."""

    def __repr__(self) -> str:
        return "unset"


_UNSET = _Unset()


def _signature(
    operation: Operation[Any, Any], hints: Mapping[str, Any], required: frozenset[str]
) -> inspect.Signature:
    """``(request=None, /, *, <options and fields>) -> Response``, for help() and docs."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    positional = inspect.Parameter.POSITIONAL_ONLY
    parameters = [
        inspect.Parameter(
            "request", positional, default=None, annotation=operation.request_model | None
        )
    ]
    fields = operation.request_model.model_fields
    defaults: dict[str, Any] = {name: _UNSET if name in fields else None for name in hints}
    defaults.update(dict.fromkeys(required, inspect.Parameter.empty))
    parameters += [
        inspect.Parameter(name, keyword, default=defaults[name], annotation=hint)
        for name, hint in hints.items()
    ]
    return inspect.Signature(parameters, return_annotation=operation.response_model)
