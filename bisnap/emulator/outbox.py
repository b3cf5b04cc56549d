"""Notifications the emulator sends as the gateway: built, signed with the gateway key, queued.

The gateway key is generated on first use when none was given, so an emulator that never
signs a notification and never shows its public key costs no RSA key generation.
"""

from __future__ import annotations

import threading
from typing import Literal
from urllib.parse import urlsplit

import httpx

from bisnap.emulator.notifications import Notification, Notifier
from bisnap.emulator.state import Merchant
from bisnap.external_id import new_external_id
from bisnap.keys import PrivateKey, generate_key_pair, load_private_key
from bisnap.signing import asymmetric_string_to_sign, sign_rsa
from bisnap.timestamps import Clock, format_timestamp

__all__ = ["Outbox"]


class Outbox:
    """Signs the emulator's notifications with the gateway key and hands them to a notifier."""

    def __init__(
        self,
        clock: Clock,
        *,
        gateway_private_key: PrivateKey | str | bytes | None,
        transport: httpx.BaseTransport | None,
        retry_scale: float,
        signed_path: Literal["request", "relative"],
    ) -> None:
        self.clock = clock
        self.signed_path = signed_path
        self._key = None if gateway_private_key is None else load_private_key(gateway_private_key)
        self._key_lock = threading.Lock()
        self._notifier = Notifier(transport, retry_scale=retry_scale)

    @property
    def gateway_key(self) -> PrivateKey:
        """The key that signs notifications (a new 2048-bit key, made on first use, if none
        was given)."""
        with self._key_lock:
            if self._key is None:
                self._key = generate_key_pair().private_key()
            return self._key

    def send(
        self, merchant: Merchant, relative_path: str, raw: bytes, *, linking: bool = False
    ) -> Notification:
        """Sign ``raw`` for the merchant's notify URL prefix + ``relative_path`` and queue it."""
        if not merchant.notify_url:
            raise ValueError("the merchant has no notify URL")
        url = merchant.notify_url.rstrip("/") + relative_path
        parts = urlsplit(url)
        request_path = parts.path + (f"?{parts.query}" if parts.query else "")
        signed_path = request_path if self.signed_path == "request" else relative_path
        timestamp = format_timestamp(self.clock())
        signature = sign_rsa(
            self.gateway_key, asymmetric_string_to_sign("POST", signed_path, raw, timestamp)
        )
        headers = {
            "Content-Type": "application/json",
            "X-TIMESTAMP": timestamp,
            "X-SIGNATURE": signature,
            "X-PARTNER-ID": merchant.partner_id,
            "X-EXTERNAL-ID": new_external_id(),
        }
        if merchant.channel_id:
            headers["CHANNEL-ID"] = merchant.channel_id
        notification = Notification(
            client_id=merchant.client_id,
            url=url,
            path=relative_path,
            headers=headers,
            body=raw,
            linking=linking,
        )
        self._notifier.submit(notification)
        return notification

    def queue(self, notification: Notification) -> None:
        """Queue an already signed notification for delivery."""
        self._notifier.submit(notification)

    @property
    def notifications(self) -> list[Notification]:
        """Every notification queued so far (with its delivery attempts), oldest first."""
        return self._notifier.notifications

    def flush(self, timeout: float) -> bool:
        """Attempt every queued notification now, retries included; False on timeout."""
        return self._notifier.flush(timeout)

    def wait(self, timeout: float) -> bool:
        """Wait until every notification is delivered or out of retries; False on timeout."""
        return self._notifier.wait(timeout)

    def close(self) -> None:
        """Stop delivery and release the HTTP client."""
        self._notifier.close()
