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

from collections.abc import Awaitable, Callable
from typing import Any

from bisnap.errors import NotificationError
from bisnap.notifications.acks import Acknowledgement, encode_json
from bisnap.notifications.errors import ReplayStoreError
from bisnap.notifications.payouts import (
    PayoutsNotificationVerifier,
    VerifiedPayoutsNotification,
)
from bisnap.notifications.receiving import Receiver
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


def _ack(status: int, body: dict[str, Any]) -> Acknowledgement:
    return Acknowledgement(status, encode_json(body), (("Content-Type", "application/json"),), "")


def _refusal(status: int, step: str, message: str) -> Acknowledgement:
    return _ack(status, {"status": "error", "step": step, "message": message})


def payouts_success_ack(*, duplicate: bool = False) -> Acknowledgement:
    """``200 {"status":"ok"}`` (with ``"duplicate":true`` for a repeated delivery)."""
    return _ack(200, {"status": "ok", "duplicate": True} if duplicate else {"status": "ok"})


def payouts_error_ack(error: NotificationError) -> Acknowledgement:
    """The refusal for a failed check: 401 signature, 500 store down, else 400."""
    status = 500 if isinstance(error, ReplayStoreError) else _STATUS_BY_STEP.get(error.step, 400)
    return _refusal(status, error.step, error.message)


class PayoutsNotificationReceiver(
    Receiver[PayoutsNotificationVerifier, VerifiedPayoutsNotification, object]
):
    """Verifies each request with ``verifier`` and hands new notifications to ``handler``.

    Same shape as :class:`~bisnap.notifications.receiver.NotificationReceiver`; ``kind`` and
    ``path`` arguments are accepted for the framework integrations and otherwise unused.
    """

    subject = "payouts notification"
    verifier_type = PayoutsNotificationVerifier

    def __init__(
        self, verifier: PayoutsNotificationVerifier, handler: PayoutsHandler | AsyncPayoutsHandler
    ) -> None:
        super().__init__(verifier, handler)

    def _verify(
        self, method: str, path: str, body: bytes, headers: HeaderInput, kind: object
    ) -> VerifiedPayoutsNotification:
        if not isinstance(method, str) or method.upper() != "POST":
            raise NotificationError("Payouts notifications are POST requests", step="route")
        return self.verifier.verify(body, headers)

    def _refusal(
        self, error: NotificationError, method: str, path: str, kind: object
    ) -> Acknowledgement:
        if error.step == "route":
            return _refusal(405, "route", error.message)
        return payouts_error_ack(error)

    def _describe(self, verified: VerifiedPayoutsNotification) -> str:
        return verified.delivery_key

    def _forget(self, verified: VerifiedPayoutsNotification) -> None:
        self.verifier.release(verified)

    def _answered(self, verified: VerifiedPayoutsNotification) -> Acknowledgement | None:
        return payouts_success_ack(duplicate=True) if verified.duplicate else None

    def _success(self, verified: VerifiedPayoutsNotification) -> Acknowledgement:
        return payouts_success_ack()

    def _server_error(self, verified: VerifiedPayoutsNotification) -> Acknowledgement:
        return _refusal(500, "handler", "Internal Server Error")

    def _processed(self, ack: Acknowledgement) -> bool:
        return 200 <= ack.status_code < 300
