"""A framework-neutral notification endpoint: verify, call the merchant's handler, answer.

The framework integrations (:mod:`~bisnap.notifications.asgi`,
:mod:`~bisnap.notifications.flask`, :mod:`~bisnap.notifications.django`) only translate a
request into ``(method, path, body, headers)`` and an :class:`Acknowledgement` back into a
response; everything else happens here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bisnap.errors import NotificationError
from bisnap.notifications.acks import Acknowledgement, ack_for_error, error_ack, success_ack
from bisnap.notifications.kinds import NotificationKind
from bisnap.notifications.receiving import Receiver
from bisnap.notifications.verifier import HeaderInput, NotificationVerifier, VerifiedNotification

__all__ = ["AsyncHandler", "Handler", "NotificationReceiver"]

Handler = Callable[[VerifiedNotification], Acknowledgement | None]
"""Called once per verified notification. Return None to answer with the success envelope,
or an :class:`Acknowledgement` (e.g. from ``error_ack``) to answer with that instead."""
AsyncHandler = Callable[[VerifiedNotification], Awaitable[Acknowledgement | None]]


class NotificationReceiver(Receiver[NotificationVerifier, VerifiedNotification, NotificationKind]):
    """Verifies each request with ``verifier`` and hands the typed notification to ``handler``.

    A verified notification whose handler raises, or returns a non-success acknowledgement, is
    answered ``500xx00`` (or that acknowledgement) and its replay records (signed content and
    ``X-EXTERNAL-ID``) are released, so the gateway's retry is processed rather than refused as
    a replay.
    """

    subject = "notification"
    verifier_type = NotificationVerifier

    def __init__(self, verifier: NotificationVerifier, handler: Handler | AsyncHandler) -> None:
        super().__init__(verifier, handler)

    def _verify(
        self,
        method: str,
        path: str,
        body: bytes,
        headers: HeaderInput,
        kind: NotificationKind | None,
    ) -> VerifiedNotification:
        return self.verifier.verify(method, path, body, headers, kind=kind)

    def _kind_hint(
        self, method: str, path: str, kind: NotificationKind | None
    ) -> NotificationKind | None:
        try:
            return self.verifier.route(method, path, kind)
        except NotificationError:
            return None

    def _refusal(
        self, error: NotificationError, method: str, path: str, kind: NotificationKind | None
    ) -> Acknowledgement:
        return ack_for_error(error, self._kind_hint(method, path, kind), clock=self.verifier.clock)

    def _describe(self, verified: VerifiedNotification) -> str:
        return f"X-EXTERNAL-ID {verified.external_id}"

    def _forget(self, verified: VerifiedNotification) -> None:
        self.verifier.release(verified)

    def _success(self, verified: VerifiedNotification) -> Acknowledgement:
        return success_ack(verified.payload, clock=self.verifier.clock)

    def _server_error(self, verified: VerifiedNotification) -> Acknowledgement:
        return error_ack(
            verified.kind, 500, "00", "Internal Server Error", clock=self.verifier.clock
        )

    def _processed(self, ack: Acknowledgement) -> bool:
        return ack.is_success
