"""A FastAPI app that receives Midtrans BI-SNAP notifications.

    BISNAP_GATEWAY_PUBLIC_KEY=midtrans-public.pem python examples/fastapi_receiver.py --port 8000

Environment: ``BISNAP_GATEWAY_PUBLIC_KEY`` (PEM text or a file path; required),
``BISNAP_NOTIFY_PREFIX`` (the path of the URL prefix registered with Midtrans, e.g.
``/api/snap``), ``BISNAP_REDIS_URL`` (share replay protection between workers).
"""

from __future__ import annotations

import argparse
import logging
import os

from fastapi import FastAPI

from bisnap.notifications import (
    DirectDebitNotification,
    MemoryReplayStore,
    NotificationReceiver,
    NotificationVerifier,
    QrisNotification,
    RedisReplayStore,
    ReplayStore,
    VaPaymentNotification,
    VerifiedNotification,
)
from bisnap.notifications.asgi import add_notification_routes
from bisnap.timestamps import Clock

log = logging.getLogger("fastapi_receiver")


def create_app(
    public_key: str | bytes,
    *,
    prefix: str = "",
    replay_store: ReplayStore | None = None,
    clock: Clock | None = None,
    received: list[VerifiedNotification] | None = None,
) -> FastAPI:
    """The app; ``received`` collects every notification that passed verification."""
    inbox = received if received is not None else []

    async def handle(notification: VerifiedNotification) -> None:
        payload = notification.payload
        if isinstance(payload, (DirectDebitNotification, QrisNotification)):
            log.info(
                "order %s: status %s",
                payload.original_partner_reference_no,
                payload.latest_transaction_status,
            )
        elif isinstance(payload, VaPaymentNotification):
            log.info("VA %s paid %s", payload.trx_id, payload.paid_amount)
        inbox.append(notification)  # a real shop marks the order paid here, idempotently

    verifier = NotificationVerifier(
        public_key,
        path_prefix=prefix or None,
        replay_store=replay_store or MemoryReplayStore(),
        clock=clock,
    )
    app = FastAPI(title="bisnap notification receiver")
    add_notification_routes(app, NotificationReceiver(verifier, handle), prefix=prefix)
    return app


def main() -> None:
    import uvicorn

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
    uvicorn.run(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()
