"""Receive, verify, hand over, acknowledge: the one driver behind every notification receiver.

:class:`~bisnap.notifications.receiver.NotificationReceiver` (Core API, SNAP envelopes) and
:class:`~bisnap.notifications.payouts_receiver.PayoutsNotificationReceiver` (Payouts, bisnap's
own JSON) differ only in how they verify a request and what their answers look like; the order
of the steps, the handler rules and the release of replay records on failure are written here
once.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from bisnap.errors import NotificationError
from bisnap.notifications.acks import Acknowledgement
from bisnap.notifications.verifier import HeaderInput

__all__ = ["Receiver"]

R = TypeVar("R")
V = TypeVar("V")
K = TypeVar("K")

_log = logging.getLogger("bisnap.notifications")


class Receiver(Generic[R, V, K]):
    """Verifies a request, calls the handler with what was verified and answers.

    ``R`` is the verifier, ``V`` what it returns, ``K`` what the receiver accepts as ``kind``.

    A handler returns None (answered with the receiver's success answer) or an
    :class:`Acknowledgement` (answered as is). A handler that raises, returns anything else, or
    returns an answer that is not a success leaves the notification unprocessed: its replay
    records are released so the gateway's retry is processed rather than refused as a replay.
    """

    subject: ClassVar[str]
    """What is received, for the log lines ("notification")."""
    verifier_type: ClassVar[type]

    def __init__(self, verifier: R, handler: Callable[[V], object]) -> None:
        if not isinstance(verifier, self.verifier_type):
            raise TypeError(f"verifier must be a {self.verifier_type.__name__}")
        if not callable(handler):
            raise TypeError("handler must be callable")
        self.verifier = verifier
        self.handler = handler

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.verifier!r})"

    # --- what a concrete receiver says -----------------------------------------------------------

    def _verify(
        self, method: str, path: str, body: bytes, headers: HeaderInput, kind: K | None
    ) -> V:
        raise NotImplementedError

    def _refusal(
        self, error: NotificationError, method: str, path: str, kind: K | None
    ) -> Acknowledgement:
        raise NotImplementedError

    def _describe(self, verified: V) -> str:
        raise NotImplementedError

    def _forget(self, verified: V) -> None:
        raise NotImplementedError

    def _answered(self, verified: V) -> Acknowledgement | None:
        """An answer given without calling the handler (a repeated delivery), or None."""
        return None

    def _success(self, verified: V) -> Acknowledgement:
        raise NotImplementedError

    def _server_error(self, verified: V) -> Acknowledgement:
        raise NotImplementedError

    def _processed(self, ack: Acknowledgement) -> bool:
        """Whether the handler's own answer means the notification was processed."""
        raise NotImplementedError

    # --- the driver -------------------------------------------------------------------------------

    def refuse(
        self, error: NotificationError, method: str, path: str, kind: K | None = None
    ) -> Acknowledgement:
        """The answer for a request that failed a check."""
        _log.warning("refused a %s at %s: %s", self.subject, path[:200], error.message)
        return self._refusal(error, method, path, kind)

    def _release(self, verified: V) -> None:
        try:
            self._forget(verified)
        except NotificationError as exc:
            _log.error("could not release %s: %s", self._describe(verified), exc.message)

    def _failed(self, verified: V) -> Acknowledgement:
        self._release(verified)
        return self._server_error(verified)

    def _finish(self, verified: V, result: object) -> Acknowledgement:
        if result is None:
            return self._success(verified)
        if isinstance(result, Acknowledgement):
            if not self._processed(result):
                self._release(verified)
            return result
        _log.error(
            "the %s handler returned %s; return None or an Acknowledgement",
            self.subject,
            type(result).__name__,
        )
        return self._failed(verified)

    def _admit(
        self, method: str, path: str, body: bytes, headers: HeaderInput, kind: K | None
    ) -> V | Acknowledgement:
        """The verified notification to hand over, or the answer that ends the request here."""
        try:
            verified = self._verify(method, path, body, headers, kind)
        except NotificationError as exc:
            return self.refuse(exc, method, path, kind)
        answered = self._answered(verified)
        return verified if answered is None else answered

    def _handler_failed(self, verified: V) -> None:
        _log.exception("the %s handler failed for %s", self.subject, self._describe(verified))

    def handle(
        self, method: str, path: str, body: bytes, headers: HeaderInput, *, kind: K | None = None
    ) -> Acknowledgement:
        """Verify one request, run the (synchronous) handler and return the answer."""
        verified = self._admit(method, path, body, headers, kind)
        if isinstance(verified, Acknowledgement):
            return verified
        try:
            result = self.handler(verified)
            if inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()  # never run: close it so it is not reported as un-awaited
                raise TypeError("an async handler needs the ASGI integration (ahandle)")
        except Exception:
            self._handler_failed(verified)
            return self._failed(verified)
        return self._finish(verified, result)

    async def ahandle(
        self, method: str, path: str, body: bytes, headers: HeaderInput, *, kind: K | None = None
    ) -> Acknowledgement:
        """:meth:`handle` for async servers: blocking work runs in a worker thread.

        The handler may be a coroutine function or a plain function.
        """
        import anyio.to_thread

        verified = await anyio.to_thread.run_sync(self._admit, method, path, body, headers, kind)
        if isinstance(verified, Acknowledgement):
            return verified
        try:
            if inspect.iscoroutinefunction(self.handler):
                result: object = await self.handler(verified)
            else:
                result = await anyio.to_thread.run_sync(self.handler, verified)
                if inspect.isawaitable(result):
                    result = await result
        except Exception:
            self._handler_failed(verified)
            return await anyio.to_thread.run_sync(self._failed, verified)
        return await anyio.to_thread.run_sync(self._finish, verified, result)
