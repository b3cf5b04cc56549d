"""A one-file Django project that receives Midtrans BI-SNAP notifications.

    BISNAP_GATEWAY_PUBLIC_KEY=midtrans-public.pem python examples/django_receiver.py --port 8000

In a real project, put ``notification_urlpatterns(...)`` in your ``urls.py``; the settings here
only make the file runnable on its own. Environment: ``BISNAP_GATEWAY_PUBLIC_KEY`` (PEM text
or a file path; required), ``BISNAP_NOTIFY_PREFIX`` (e.g. ``/api/snap``), ``BISNAP_REDIS_URL``.
"""

from __future__ import annotations

import argparse
import logging
import os
import secrets
from typing import Any

import django  # type: ignore[import-untyped]
from django.conf import settings  # type: ignore[import-untyped]
from django.core.wsgi import get_wsgi_application  # type: ignore[import-untyped]
from django.urls import clear_url_caches  # type: ignore[import-untyped]

from bisnap.notifications import (
    MemoryReplayStore,
    NotificationReceiver,
    NotificationVerifier,
    RedisReplayStore,
    ReplayStore,
    VerifiedNotification,
)
from bisnap.notifications.django import notification_urlpatterns
from bisnap.timestamps import Clock

log = logging.getLogger("django_receiver")

urlpatterns: list[Any] = []  # filled by create_app; this module is the ROOT_URLCONF


def _configure() -> None:
    if not settings.configured:
        settings.configure(
            DEBUG=False,
            SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(32),
            ALLOWED_HOSTS=["127.0.0.1", "localhost", "testserver"],
            ROOT_URLCONF=__name__,
            INSTALLED_APPS=[],
            MIDDLEWARE=[],
            USE_TZ=True,
        )
        django.setup()


def create_app(
    public_key: str | bytes,
    *,
    prefix: str = "",
    replay_store: ReplayStore | None = None,
    clock: Clock | None = None,
    received: list[VerifiedNotification] | None = None,
) -> Any:
    """The WSGI application; ``received`` collects every verified notification."""
    inbox = received if received is not None else []

    def handle(notification: VerifiedNotification) -> None:
        log.info("%s notification %s", notification.kind.name, notification.external_id)
        inbox.append(notification)  # a real shop updates its records here, idempotently

    _configure()
    verifier = NotificationVerifier(
        public_key,
        path_prefix=prefix or None,
        replay_store=replay_store or MemoryReplayStore(),
        clock=clock,
    )
    urlpatterns[:] = notification_urlpatterns(NotificationReceiver(verifier, handle), prefix=prefix)
    clear_url_caches()
    return get_wsgi_application()


def main() -> None:
    from wsgiref.simple_server import make_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    redis_url = os.environ.get("BISNAP_REDIS_URL")
    application = create_app(
        os.environ["BISNAP_GATEWAY_PUBLIC_KEY"],
        prefix=os.environ.get("BISNAP_NOTIFY_PREFIX", ""),
        replay_store=RedisReplayStore.from_url(redis_url) if redis_url else None,
    )
    logging.basicConfig(level=logging.INFO)
    with make_server(args.host, args.port, application) as server:
        server.serve_forever()


if __name__ == "__main__":
    main()
