"""What every framework integration shares: one notification URL and the routes to mount.

A framework module (:mod:`~bisnap.notifications.asgi`, :mod:`~bisnap.notifications.flask`,
:mod:`~bisnap.notifications.django`) reads the body up to :attr:`Endpoint.limit`, hands
``(method, path, body, headers)`` to :meth:`Endpoint.handle` and turns the
:class:`~bisnap.notifications.acks.Acknowledgement` into its own response type.
"""

from __future__ import annotations

from dataclasses import dataclass

from bisnap.errors import NotificationError
from bisnap.notifications.acks import Acknowledgement
from bisnap.notifications.kinds import NotificationKind
from bisnap.notifications.payouts_receiver import PayoutsNotificationReceiver
from bisnap.notifications.receiver import NotificationReceiver
from bisnap.notifications.verifier import HeaderInput

__all__ = [
    "PAYOUTS_ROUTE_NAME",
    "Endpoint",
    "absolute_path",
    "notification_routes",
    "payouts_endpoint",
]

PAYOUTS_ROUTE_NAME = "bisnap_payouts_notification"
"""The route name of the Payouts notification URL in every framework."""


@dataclass(frozen=True)
class Endpoint:
    """One notification URL: the receiver behind it and the ``kind`` it fixes (None: read from
    the request path; unused by a Payouts receiver)."""

    receiver: NotificationReceiver | PayoutsNotificationReceiver
    kind: NotificationKind | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.receiver, (NotificationReceiver, PayoutsNotificationReceiver)):
            raise TypeError(
                "receiver must be a NotificationReceiver or PayoutsNotificationReceiver"
            )

    @property
    def limit(self) -> int:
        """The largest body accepted, in bytes: read no further."""
        return self.receiver.verifier.max_body_bytes

    def too_large(self, method: str, path: str) -> Acknowledgement:
        """The refusal for a body over :attr:`limit`."""
        error = NotificationError(f"the body is larger than {self.limit} bytes", step="body")
        return self.receiver.refuse(error, method, path, self.kind)

    def handle(
        self, method: str, path: str, body: bytes | None, headers: HeaderInput
    ) -> Acknowledgement:
        """The answer to one request; ``body`` None when it was over :attr:`limit`."""
        if body is None:
            return self.too_large(method, path)
        return self.receiver.handle(method, path, body, headers, kind=self.kind)

    async def ahandle(
        self, method: str, path: str, body: bytes | None, headers: HeaderInput
    ) -> Acknowledgement:
        """:meth:`handle` for async servers (the handler may be a coroutine function)."""
        if body is None:
            return self.too_large(method, path)
        return await self.receiver.ahandle(method, path, body, headers, kind=self.kind)


def notification_routes(
    receiver: NotificationReceiver, prefix: str
) -> list[tuple[str, str, Endpoint]]:
    """``(path, route name, endpoint)`` for each notification path below ``prefix``."""
    prefix = prefix.rstrip("/")
    return [
        (prefix + kind.relative_path, f"bisnap_{kind.name.lower()}", Endpoint(receiver, kind))
        for kind in NotificationKind
    ]


def payouts_endpoint(receiver: PayoutsNotificationReceiver) -> Endpoint:
    """The endpoint of the Payouts notification URL (a Payouts receiver is required)."""
    if not isinstance(receiver, PayoutsNotificationReceiver):
        raise TypeError("receiver must be a PayoutsNotificationReceiver")
    return Endpoint(receiver)


def absolute_path(path: object) -> str:
    """``path`` when it is a str starting with ``/`` (a route path), else TypeError."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise TypeError("path must be a str starting with '/'")
    return path
