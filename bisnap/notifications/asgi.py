"""Starlette and FastAPI integration (``pip install starlette`` or ``fastapi``).

::

    receiver = NotificationReceiver(verifier, handle_notification)
    app = FastAPI()
    add_notification_routes(app, receiver, prefix="/api/snap")   # all four paths, POST only

Or mount a single endpoint yourself: ``app.add_route(path, notification_endpoint(receiver),
methods=["POST"])``. The handler may be ``async def`` or a plain function (run in a thread).

Payouts notifications (``Iris-Signature``) go to the one URL set in the dashboard::

    payouts = PayoutsNotificationReceiver(PayoutsNotificationVerifier(), handle_payout)
    add_payouts_notification_route(app, payouts, "/payouts/notify")
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bisnap.notifications import endpoints
from bisnap.notifications.acks import Acknowledgement
from bisnap.notifications.kinds import NotificationKind
from bisnap.notifications.payouts_receiver import PayoutsNotificationReceiver
from bisnap.notifications.receiver import NotificationReceiver

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = [
    "add_notification_routes",
    "add_payouts_notification_route",
    "notification_endpoint",
    "to_response",
]


def to_response(ack: Acknowledgement) -> Response:
    """A Starlette response carrying ``ack``."""
    from starlette.responses import Response

    return Response(content=ack.body, status_code=ack.status_code, headers=dict(ack.headers))


async def _read_body(request: Request, limit: int) -> bytes | None:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def notification_endpoint(
    receiver: NotificationReceiver | PayoutsNotificationReceiver,
    *,
    kind: NotificationKind | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    """A Starlette endpoint that verifies, hands over and answers one notification.

    ``kind`` fixes the notification type; by default it is read from the request path. A
    :class:`PayoutsNotificationReceiver` serves a Payouts notification URL (``kind`` unused).
    """
    return _starlette_endpoint(endpoints.Endpoint(receiver, kind))


def _starlette_endpoint(served: endpoints.Endpoint) -> Callable[[Request], Awaitable[Response]]:
    from starlette.requests import Request
    from starlette.responses import Response

    async def endpoint(request: Request) -> Response:
        body = await _read_body(request, served.limit)
        headers = request.headers.items()
        return to_response(await served.ahandle(request.method, request.url.path, body, headers))

    # FastAPI reads the annotations to inject the request; give it the real classes.
    endpoint.__annotations__ = {"request": Request, "return": Response}
    return endpoint


def add_notification_routes(app: Any, receiver: NotificationReceiver, *, prefix: str = "") -> None:
    """Add a POST route for each notification path (``prefix + /v1.0/...``) to a Starlette or
    FastAPI app or router."""
    for path, name, served in endpoints.notification_routes(receiver, prefix):
        app.add_route(path, _starlette_endpoint(served), methods=["POST"], name=name)


def add_payouts_notification_route(
    app: Any, receiver: PayoutsNotificationReceiver, path: str
) -> None:
    """Add a POST route at ``path`` (the Payouts notification URL's path) to an app or router."""
    served, route = endpoints.payouts_endpoint(receiver), endpoints.absolute_path(path)
    app.add_route(
        route, _starlette_endpoint(served), methods=["POST"], name=endpoints.PAYOUTS_ROUTE_NAME
    )
