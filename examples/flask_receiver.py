"""A Flask app that receives Midtrans BI-SNAP notifications.

    BISNAP_GATEWAY_PUBLIC_KEY=midtrans-public.pem python examples/flask_receiver.py --port 8000

Environment: ``BISNAP_GATEWAY_PUBLIC_KEY`` (PEM text or a file path; required),
``BISNAP_NOTIFY_PREFIX`` (the path of the URL prefix registered with Midtrans, e.g.
``/api/snap``), ``BISNAP_REDIS_URL`` (share replay protection between workers).
"""

from __future__ import annotations

import argparse
import logging
import os

from flask import Flask

from bisnap.notifications import (
    AccountLinkingNotification,
    MemoryReplayStore,
    NotificationReceiver,
    NotificationVerifier,
    RedisReplayStore,
    ReplayStore,
    VerifiedNotification,
)
from bisnap.notifications.flask import register_notification_routes
from bisnap.timestamps import Clock

log = logging.getLogger("flask_receiver")


def create_app(
    public_key: str | bytes,
    *,
    prefix: str = "",
    replay_store: ReplayStore | None = None,
    clock: Clock | None = None,
    received: list[VerifiedNotification] | None = None,
) -> Flask:
    """The app; ``received`` collects every notification that passed verification."""
    inbox = received if received is not None else []

    def handle(notification: VerifiedNotification) -> None:
        payload = notification.payload
        if isinstance(payload, AccountLinkingNotification):
            log.info("account linking: %s", payload.additional_info.account_status)
        else:
            log.info("%s notification %s", notification.kind.name, notification.external_id)
        inbox.append(notification)  # a real shop updates its records here, idempotently

    verifier = NotificationVerifier(
        public_key,
        path_prefix=prefix or None,
        replay_store=replay_store or MemoryReplayStore(),
        clock=clock,
    )
    app = Flask(__name__)
    register_notification_routes(app, NotificationReceiver(verifier, handle), prefix=prefix)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    redis_url = os.environ.get("BISNAP_REDIS_URL")
    app = create_app(
        os.environ["BISNAP_GATEWAY_PUBLIC_KEY"],
        prefix=os.environ.get("BISNAP_NOTIFY_PREFIX", ""),
        replay_store=RedisReplayStore.from_url(redis_url) if redis_url else None,
    )
    logging.basicConfig(level=logging.INFO)
    app.run(host=args.host, port=args.port)


if __name__ == "__main__":
    main()
