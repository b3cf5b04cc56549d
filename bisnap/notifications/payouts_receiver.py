"""A framework-neutral Payouts notification endpoint: verify, call the handler, answer.

Midtrans publishes no answer body for Payouts notifications and asks only for a quick 2xx, so
bisnap answers JSON it documents itself:

* verified and handled, or a ``duplicate`` delivery (handler not called):
  ``200 {"status":"ok"}`` (``"duplicate":true`` added for a repeat);
* refused: ``{"status":"error","step":...,"message":...}`` with 401 for a bad
  ``Iris-Signature``, 400 for a missing header or a bad body or payload, 405 for a method
  other than POST;
* the handler raised or returned a non-2xx answer, or the de-duplication store is down:
  ``500`` (the delivery key is released, so a redelivery is processed).

The framework integrations (:mod:`~bisnap.notifications.asgi`,
:mod:`~bisnap.notifications.flask`, :mod:`~bisnap.notifications.django`) accept a
:class:`PayoutsNotificationReceiver` wherever they accept a Core API receiver.
"""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bisnap.errors import NotificationError
from bisnap.notifications.acks import Acknowledgement
from bisnap.notifications.errors import ReplayStoreError
from bisnap.notifications.payouts import (
    PayoutsNotificationVerifier,
    VerifiedPayoutsNotification,
)
from bisnap.notifications.verifier import HeaderInput

__all__ = [
    "AsyncPayoutsHandler",
    "PayoutsHandler",
    "PayoutsNotificationReceiver",
    "payouts_error_ack",
    "payouts_success_ack",
]

PayoutsHandler = Callable[[VerifiedPayoutsNotification], Acknowledgement | None]
"""Called once per verified, new notification. Return None to answer 200, or an
:class:`Acknowledgement` to answer with that instead."""
AsyncPayoutsHandler = Callable[[VerifiedPayoutsNotification], Awaitable[Acknowledgement | None]]

_STATUS_BY_STEP = {"signature": 401, "replay": 500}
_log = logging.getLogger("bisnap.notifications")


def _ack(status: int, body: dict[str, Any]) -> Acknowledgement:
    encoded = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return Acknowledgement(status, encoded, (("Content-Type", "application/json"),), "")


def payouts_success_ack(*, duplicate: bool = False) -> Acknowledgement:
    """``200 {"status":"ok"}`` (with ``"duplicate":true`` for a repeated delivery)."""
    return _ack(200, {"status": "ok", "duplicate": True} if duplicate else {"status": "ok"})


def payouts_error_ack(error: NotificationError) -> Acknowledgement:
    """The refusal for a failed check: 401 signature, 500 store down, else 400."""
    status = 500 if isinstance(error, ReplayStoreError) else _STATUS_BY_STEP.get(error.step, 400)
    return _ack(status, {"status": "error", "step": error.step, "message": error.message})


def _server_error() -> Acknowledgement:
    return _ack(500, {"status": "error", "step": "handler", "message": "Internal Server Error"})


class PayoutsNotificationReceiver:
    """Verifies each request with ``verifier`` and hands new notifications to ``handler``.

    Same shape as :class:`~bisnap.notifications.receiver.NotificationReceiver`; ``kind`` and
    ``path`` arguments are accepted for the framework integrations and otherwise unused.
    """

    def __init__(
        self,
        verifier: PayoutsNotificationVerifier,
        handler: PayoutsHandler | AsyncPayoutsHandler,
    ) -> None:
        if not isinstance(verifier, PayoutsNotificationVerifier):
            raise TypeError("verifier must be a PayoutsNotificationVerifier")
        if not callable(handler):
            raise TypeError("handler must be callable")
        self.verifier = verifier
        self.handler = handler

    def refuse(
        self, error: NotificationError, method: str, path: str, kind: object = None
    ) -> Acknowledgement:
        """The answer for a request that failed a check."""
        _log.warning("refused a payouts notification at %s: %s", path[:200], error.message)
        return payouts_error_ack(error)

    def _release(self, verified: VerifiedPayoutsNotification) -> None:
        try:
            self.verifier.release(verified)
        except NotificationError as exc:
            _log.error("could not release %s: %s", verified.delivery_key, exc.message)

    def _finish(self, verified: VerifiedPayoutsNotification, result: object) -> Acknowledgement:
        if result is None:
            return payouts_success_ack()
        if isinstance(result, Acknowledgement):
            if not 200 <= result.status_code < 300:
                self._release(verified)
            return result
        _log.error(
            "the payouts notification handler returned %s; return None or an Acknowledgement",
            type(result).__name__,
        )
        self._release(verified)
        return _server_error()

    def _failed(self, verified: VerifiedPayoutsNotification) -> Acknowledgement:
        self._release(verified)
        return _server_error()

    def _verify(
        self, method: str, body: bytes, headers: HeaderInput
    ) -> VerifiedPayoutsNotification:
        if not isinstance(method, str) or method.upper() != "POST":
            raise NotificationError("Payouts notifications are POST requests", step="route")
        return self.verifier.verify(body, headers)

    def handle(
        self, method: str, path: str, body: bytes, headers: HeaderInput, *, kind: object = None
    ) -> Acknowledgement:
        """Verify one request, run the (synchronous) handler and return the answer."""
        try:
            verified = self._verify(method, body, headers)
        except NotificationError as exc:
            return self._refusal(exc, method, path)
        if verified.duplicate:
            return payouts_success_ack(duplicate=True)
        try:
            result = self.handler(verified)
            if inspect.isawaitable(result):
                if inspect.iscoroutine(result):
                    result.close()
                raise TypeError("an async handler needs the ASGI integration (ahandle)")
        except Exception:
            _log.exception("the payouts notification handler failed for %s", verified.delivery_key)
            return self._failed(verified)
        return self._finish(verified, result)

    async def ahandle(
        self, method: str, path: str, body: bytes, headers: HeaderInput, *, kind: object = None
    ) -> Acknowledgement:
        """:meth:`handle` for async servers; the handler may be a coroutine function."""
        import anyio.to_thread

        try:
            verified = await anyio.to_thread.run_sync(lambda: self._verify(method, body, headers))
        except NotificationError as exc:
            return self._refusal(exc, method, path)
        if verified.duplicate:
            return payouts_success_ack(duplicate=True)
        try:
            if inspect.iscoroutinefunction(self.handler):
                result: object = await self.handler(verified)
            else:
                result = await anyio.to_thread.run_sync(self.handler, verified)
                if inspect.isawaitable(result):
                    result = await result
        except Exception:
            _log.exception("the payouts notification handler failed for %s", verified.delivery_key)
            return await anyio.to_thread.run_sync(self._failed, verified)
        return await anyio.to_thread.run_sync(self._finish, verified, result)

    def _refusal(self, error: NotificationError, method: str, path: str) -> Acknowledgement:
        if error.step == "route":
            _log.warning("refused a payouts notification at %s: %s", path[:200], error.message)
            return _ack(405, {"status": "error", "step": "route", "message": error.message})
        return self.refuse(error, method, path)

    def __repr__(self) -> str:
        return f"PayoutsNotificationReceiver({self.verifier!r})"
