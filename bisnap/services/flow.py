"""A service method written once, as a generator that does no I/O, for both namespaces.

The generator (the "flow") yields what it needs done and is sent back the outcome:
:class:`Call` (call one of the namespace's methods; it receives the answer) or
:class:`Sleep` (wait; it receives ``None``). Its return value is the method's. A sync and an
async driver run it, so the logic (polling rules, when to stop) has one home, as in httpx's
``Auth.auth_flow``::

    def _wait(service, reference: str) -> Generator[Step, Any, StatusResponse]:
        while True:
            answer = yield Call("status", {"reference": reference})
            if answer.is_final:
                return answer
            yield Sleep(60)

    class Endpoints:
        wait = Flow(_wait)  # await client.x.wait(...) / client.x.wait(...)
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any, Concatenate, Generic, TypeVar, get_args, get_type_hints

import anyio
from typing_extensions import ParamSpec

from bisnap.services.base import AsyncService, SyncService
from bisnap.services.method import NamespaceMethod

__all__ = ["Call", "Flow", "Sleep", "Sleeper", "Step"]

P = ParamSpec("P")
_R = TypeVar("_R")

Sleeper = Callable[[float], Awaitable[None] | None]
"""A sleep function: blocking (``time.sleep``) or, on the async client only, awaitable."""


@dataclass(frozen=True)
class Call:
    """Call the namespace's method ``method`` with ``keywords``; the flow is sent the answer."""

    method: str
    keywords: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Sleep:
    """Wait ``seconds`` with ``sleep`` (None: ``time.sleep``, or ``anyio.sleep`` when async)."""

    seconds: float
    sleep: Sleeper | None = None


Step = Call | Sleep


class Flow(NamespaceMethod[Callable[P, Awaitable[_R]], Callable[P, _R]], Generic[P, _R]):
    """A method whose body is ``function(service, ...)``, a generator of :data:`Step`.

    Read from an async namespace it is a coroutine function, from a sync one a plain function;
    both have ``function``'s parameters (without ``service``), its name (without a leading
    underscore) and its docstring.
    """

    def __init__(self, function: Callable[Concatenate[Any, P], Generator[Step, Any, _R]]) -> None:
        self.function = function
        signature = inspect.signature(function)
        returns = get_args(get_type_hints(function)["return"])[2]  # Generator[Step, Any, R]
        bound = signature.replace(
            parameters=list(signature.parameters.values())[1:], return_annotation=returns
        )
        self.describe(function.__name__.lstrip("_"), function.__doc__, bound)

    def async_method(self, service: AsyncService) -> Callable[..., Any]:
        async def method(*args: Any, **keywords: Any) -> Any:
            run = _Run(self.function(service, *args, **keywords))
            while (step := run.next()) is not None:
                if isinstance(step, Call):
                    run.outcome = await getattr(service, step.method)(**step.keywords)
                else:
                    sleep: Sleeper = step.sleep or anyio.sleep
                    slept = sleep(step.seconds)
                    if inspect.isawaitable(slept):
                        await slept
                    run.outcome = None
            return run.result

        return method

    def sync_method(self, service: SyncService) -> Callable[..., Any]:
        def method(*args: Any, **keywords: Any) -> Any:
            run = _Run(self.function(service, *args, **keywords))
            while (step := run.next()) is not None:
                if isinstance(step, Call):
                    run.outcome = getattr(service, step.method)(**step.keywords)
                else:
                    _sleep_blocking(step.sleep or time.sleep, step.seconds)
                    run.outcome = None
            return run.result

        return method


class _Run:
    """One run of a flow: the next step, the outcome to send back, the result at the end."""

    def __init__(self, steps: Generator[Step, Any, Any]) -> None:
        self.steps = steps
        self.outcome: Any = None
        self.result: Any = None

    def next(self) -> Step | None:
        """The next step, or None when the flow has returned (its value is ``result``)."""
        try:
            return self.steps.send(self.outcome)
        except StopIteration as done:
            self.result = done.value
            return None


def _sleep_blocking(sleep: Sleeper, seconds: float) -> None:
    slept = sleep(seconds)
    if inspect.isawaitable(slept):
        getattr(slept, "close", lambda: None)()  # never to be awaited: close it quietly
        raise TypeError("a sync client sleeps with a blocking function, not a coroutine")
