"""A framework-neutral notification endpoint: verify, call the merchant's handler, answer.

The framework integrations (:mod:`~bisnap.notifications.asgi`,
:mod:`~bisnap.notifications.flask`, :mod:`~bisnap.notifications.django`) only translate a
request into ``(method, path, body, headers)`` and an :class:`Acknowledgement` back into a
response; everything else happens here.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable

from bisnap.errors import NotificationError
from bisnap.notifications.acks import Acknowledgement, ack_for_error, error_ack, success_ack
from bisnap.notifications.kinds import NotificationKind
from bisnap.notifications.verifier import HeaderInput, NotificationVerifier, VerifiedNotification

__all__ = ["AsyncHandler", "Handler", "NotificationReceiver"]

Handler = Callable[[VerifiedNotification], Acknowledgement | None]
"""Called once per verified notification. Return None to answer with the success envelope,
or an :class:`Acknowledgement` (e.g. from ``error_ack``) to answer with that instead."""
AsyncHandler = Callable[[VerifiedNotification], Awaitable[Acknowledgement | None]]

_log = logging.getLogger("bisnap.notifications")


class NotificationReceiver:
    """Verifies each request with ``verifier`` and hands the typed notification to ``handler``.

    A verified notification whose handler raises, or returns a non-success acknowledgement, is
    answered ``500xx00`` (or that acknowledgement) and its replay records (signed content and
    ``X-EXTERNAL-ID``) are released, so the gateway's retry is processed rather than refused as
    a replay.
    """

    def __init__(self, verifier: NotificationVerifier, handler: Handler | AsyncHandler) -> None:
        if not isinstance(verifier, NotificationVerifier):
            raise TypeError("verifier must be a NotificationVerifier")
        if not callable(handler):
            raise TypeError("handler must be callable")
        self.verifier = verifier
        self.handler = handler

    def _kind_hint(
        self, method: str, path: str, kind: NotificationKind | None
    ) -> NotificationKind | None:
        try:
            return self.verifier.route(method, path, kind)
        except NotificationError:
            return None

    def refuse(
        self, error: NotificationError, method: str, path: str, kind: NotificationKind | None
    ) -> Acknowledgement:
        """The answer for a request that failed a check."""
        _log.warning("refused a notification at %s: %s", path[:200], error.message)
        return ack_for_error(error, self._kind_hint(method, path, kind), clock=self.verifier.clock)

    def _release(self, verified: VerifiedNotification) -> None:
        try:
            self.verifier.release(verified)
        except NotificationError as exc:
            _log.error("could not release X-EXTERNAL-ID %s: %s", verified.external_id, exc)

    def _failed(self, verified: VerifiedNotification) -> Acknowledgement:
        self._release(verified)
        return error_ack(
            verified.kind, 500, "00", "Internal Server Error", clock=self.verifier.clock
        )

    def _finish(self, verified: VerifiedNotification, result: object) -> Acknowledgement:
        if result is None:
            return success_ack(verified.payload, clock=self.verifier.clock)
        if isinstance(result, Acknowledgement):
            if not result.is_success:
                self._release(verified)
            return result
        _log.error(
            "the notification handler returned %s; return None or an Acknowledgement",
            type(result).__name__,
        )
        return self._failed(verified)

    def handle(
        self,
        method: str,
        path: str,
        body: bytes,
        headers: HeaderInput,
        *,
        kind: NotificationKind | None = None,
    ) -> Acknowledgement:
        """Verify one request, run the (synchronous) handler and return the answer."""
        try:
            verified = self.verifier.verify(method, path, body, headers, kind=kind)
        except NotificationError as exc:
            return self.refuse(exc, method, path, kind)
        try:
            result = self.handler(verified)
            if inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()  # never run: close it so it is not reported as un-awaited
                raise TypeError("an async handler needs the ASGI integration (ahandle)")
        except Exception:
            _log.exception("the notification handler failed for %s", verified.external_id)
            return self._failed(verified)
        return self._finish(verified, result)

    async def ahandle(
        self,
        method: str,
        path: str,
        body: bytes,
        headers: HeaderInput,
        *,
        kind: NotificationKind | None = None,
    ) -> Acknowledgement:
        """:meth:`handle` for async servers: blocking work runs in a worker thread.

        The handler may be a coroutine function or a plain function.
        """
        import anyio.to_thread

        try:
            verified = await anyio.to_thread.run_sync(
                lambda: self.verifier.verify(method, path, body, headers, kind=kind)
            )
        except NotificationError as exc:
            return self.refuse(exc, method, path, kind)
        try:
            if inspect.iscoroutinefunction(self.handler):
                result: object = await self.handler(verified)
            else:
                result = await anyio.to_thread.run_sync(self.handler, verified)
                if inspect.isawaitable(result):
                    result = await result
        except Exception:
            _log.exception("the notification handler failed for %s", verified.external_id)
            return await anyio.to_thread.run_sync(self._failed, verified)
        return await anyio.to_thread.run_sync(self._finish, verified, result)

    def __repr__(self) -> str:
        return f"NotificationReceiver({self.verifier!r})"
