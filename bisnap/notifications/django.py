"""Django integration (``pip install django``).

::

    receiver = NotificationReceiver(verifier, handle_notification)
    urlpatterns = [*notification_urlpatterns(receiver, prefix="api/snap/"), ...]

The views are exempt from CSRF (the gateway signs its requests instead) and accept POST only.

Payouts notifications (``Iris-Signature``) go to the one URL set in the dashboard::

    payouts = PayoutsNotificationReceiver(PayoutsNotificationVerifier(), handle_payout)
    urlpatterns = [payouts_notification_urlpattern(payouts, "payouts/notify"), ...]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bisnap.notifications import endpoints
from bisnap.notifications.acks import Acknowledgement
from bisnap.notifications.kinds import NotificationKind
from bisnap.notifications.payouts_receiver import PayoutsNotificationReceiver
from bisnap.notifications.receiver import NotificationReceiver

__all__ = [
    "notification_urlpatterns",
    "notification_view",
    "payouts_notification_urlpattern",
    "to_response",
]


def to_response(ack: Acknowledgement) -> Any:
    """A Django ``HttpResponse`` carrying ``ack``."""
    from django.http import HttpResponse  # type: ignore[import-untyped]

    return HttpResponse(ack.body, status=ack.status_code, headers=dict(ack.headers))


def notification_view(
    receiver: NotificationReceiver | PayoutsNotificationReceiver,
    *,
    kind: NotificationKind | None = None,
) -> Callable[[Any], Any]:
    """A Django view that verifies, hands over and answers one notification.

    ``kind`` fixes the notification type; by default it is read from the request path. A
    :class:`PayoutsNotificationReceiver` serves a Payouts notification URL (``kind`` unused).
    """
    return _django_view(endpoints.Endpoint(receiver, kind))


def _django_view(served: endpoints.Endpoint) -> Callable[[Any], Any]:
    from django.core.exceptions import RequestDataTooBig  # type: ignore[import-untyped]
    from django.http import HttpResponseNotAllowed
    from django.views.decorators.csrf import csrf_exempt  # type: ignore[import-untyped]

    def view(request: Any) -> Any:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        try:
            body = None if declared > served.limit else request.body
        except RequestDataTooBig:
            body = None
        headers = list(request.headers.items())
        return to_response(served.handle("POST", request.path, body, headers))

    exempt: Callable[[Any], Any] = csrf_exempt(view)
    return exempt


def notification_urlpatterns(receiver: NotificationReceiver, *, prefix: str = "") -> list[Any]:
    """``path()`` entries for each notification path; ``prefix`` like ``"api/snap/"``."""
    from django.urls import path  # type: ignore[import-untyped]

    return [
        path(route.lstrip("/"), _django_view(served), name=name)
        for route, name, served in endpoints.notification_routes(receiver, prefix.strip("/"))
    ]


def payouts_notification_urlpattern(receiver: PayoutsNotificationReceiver, route: str) -> Any:
    """A ``path()`` entry for the Payouts notification URL; ``route`` like ``"payouts/notify"``."""
    from django.urls import path

    served = endpoints.payouts_endpoint(receiver)
    return path(route.lstrip("/"), _django_view(served), name=endpoints.PAYOUTS_ROUTE_NAME)
