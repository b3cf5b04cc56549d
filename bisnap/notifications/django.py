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

from bisnap.errors import NotificationError
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
    from django.core.exceptions import RequestDataTooBig  # type: ignore[import-untyped]
    from django.http import HttpResponseNotAllowed
    from django.views.decorators.csrf import csrf_exempt  # type: ignore[import-untyped]

    if not isinstance(receiver, (NotificationReceiver, PayoutsNotificationReceiver)):
        raise TypeError("receiver must be a NotificationReceiver or PayoutsNotificationReceiver")
    limit = receiver.verifier.max_body_bytes

    def view(request: Any) -> Any:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        path = request.path
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        try:
            if declared > limit:
                raise RequestDataTooBig
            body = request.body
        except RequestDataTooBig:
            error = NotificationError(f"the body is larger than {limit} bytes", step="body")
            return to_response(receiver.refuse(error, "POST", path, kind))
        headers = list(request.headers.items())
        return to_response(receiver.handle("POST", path, body, headers, kind=kind))

    exempt: Callable[[Any], Any] = csrf_exempt(view)
    return exempt


def notification_urlpatterns(receiver: NotificationReceiver, *, prefix: str = "") -> list[Any]:
    """``path()`` entries for each notification path; ``prefix`` like ``"api/snap/"``."""
    from django.urls import path  # type: ignore[import-untyped]

    prefix = prefix.strip("/")
    base = f"{prefix}/" if prefix else ""
    return [
        path(
            base + kind.relative_path.lstrip("/"),
            notification_view(receiver, kind=kind),
            name=f"bisnap_{kind.name.lower()}",
        )
        for kind in NotificationKind
    ]


def payouts_notification_urlpattern(receiver: PayoutsNotificationReceiver, route: str) -> Any:
    """A ``path()`` entry for the Payouts notification URL; ``route`` like ``"payouts/notify"``."""
    from django.urls import path

    if not isinstance(receiver, PayoutsNotificationReceiver):
        raise TypeError("receiver must be a PayoutsNotificationReceiver")
    return path(route.lstrip("/"), notification_view(receiver), name="bisnap_payouts_notification")
