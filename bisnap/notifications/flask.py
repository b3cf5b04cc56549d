"""Flask integration (``pip install flask``).

::

    receiver = NotificationReceiver(verifier, handle_notification)
    app = Flask(__name__)
    register_notification_routes(app, receiver, prefix="/api/snap")   # all four paths, POST

Works on a Flask app or a Blueprint. The handler is a plain function.

Payouts notifications (``Iris-Signature``) go to the one URL set in the dashboard::

    payouts = PayoutsNotificationReceiver(PayoutsNotificationVerifier(), handle_payout)
    register_payouts_notification_route(app, payouts, "/payouts/notify")
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bisnap.notifications import endpoints
from bisnap.notifications.acks import Acknowledgement
from bisnap.notifications.kinds import NotificationKind
from bisnap.notifications.payouts_receiver import PayoutsNotificationReceiver
from bisnap.notifications.receiver import NotificationReceiver

if TYPE_CHECKING:
    from flask import Response

__all__ = [
    "notification_view",
    "register_notification_routes",
    "register_payouts_notification_route",
    "to_response",
]


def to_response(ack: Acknowledgement) -> Response:
    """A Flask response carrying ``ack``."""
    from flask import Response

    return Response(ack.body, status=ack.status_code, headers=list(ack.headers))


def _read_limited(request: Any, limit: int) -> bytes | None:
    """The raw body, or None once it exceeds ``limit`` bytes (chunked bodies included)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = request.stream.read(min(65536, limit + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            return None


def notification_view(
    receiver: NotificationReceiver | PayoutsNotificationReceiver,
    *,
    kind: NotificationKind | None = None,
) -> Callable[[], Response]:
    """A Flask view that verifies, hands over and answers one notification.

    ``kind`` fixes the notification type; by default it is read from the request path. A
    :class:`PayoutsNotificationReceiver` serves a Payouts notification URL (``kind`` unused).
    """
    return _flask_view(endpoints.Endpoint(receiver, kind))


def _flask_view(served: endpoints.Endpoint) -> Callable[[], Response]:
    def view() -> Response:
        from flask import request

        body = _read_limited(request, served.limit)
        headers = list(request.headers.items())
        return to_response(served.handle(request.method, request.path, body, headers))

    return view


def register_notification_routes(
    app: Any, receiver: NotificationReceiver, *, prefix: str = ""
) -> None:
    """Add a POST rule for each notification path (``prefix + /v1.0/...``) to a Flask app or
    Blueprint."""
    for path, name, served in endpoints.notification_routes(receiver, prefix):
        app.add_url_rule(path, endpoint=name, view_func=_flask_view(served), methods=["POST"])


def register_payouts_notification_route(
    app: Any, receiver: PayoutsNotificationReceiver, path: str
) -> None:
    """Add a POST rule at ``path`` (the Payouts notification URL's path) to an app or Blueprint."""
    served, route = endpoints.payouts_endpoint(receiver), endpoints.absolute_path(path)
    app.add_url_rule(
        route,
        endpoint=endpoints.PAYOUTS_ROUTE_NAME,
        view_func=_flask_view(served),
        methods=["POST"],
    )
