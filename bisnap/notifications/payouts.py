"""Verify a Payouts notification (``Iris-Signature``) over the raw bytes it arrived as.

::

    from bisnap.notifications.payouts import PayoutsNotificationVerifier

    verifier = PayoutsNotificationVerifier()          # key from BISNAP_IRIS_MERCHANT_KEY
    notification = verifier.verify(raw_body, request_headers)
    notification.payload   # PayoutNotification or TopUpNotification

Checks run in a fixed order; the first failure raises a
:class:`~bisnap.errors.NotificationError` whose ``step`` names it:

``headers``    ``Iris-Signature`` is missing or repeated
``body``       the body is not bytes, is empty or is larger than ``max_body_bytes``
``signature``  ``Iris-Signature`` is malformed or does not match SHA-512(body + key)
``payload``    the verified body is not JSON, or neither a payout nor a top-up, or a field is bad
``replay``     the de-duplication store could not be reached

There is no timestamp: Payouts notifications carry none, so there is no freshness window.
Repeats and out-of-order deliveries are legal; the optional ``replay_store`` marks a repeated
delivery (same :func:`~bisnap.notifications.payouts_ordering.delivery_key`) as ``duplicate``
instead of refusing it, and :func:`~bisnap.notifications.payouts_ordering.moves_payout_forward`
decides what to apply.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from bisnap.durations import positive_seconds
from bisnap.errors import InvalidSignatureError, NotificationError
from bisnap.keys import IrisMerchantKey, load_iris_merchant_key
from bisnap.notifications.payouts_ordering import delivery_key
from bisnap.notifications.payouts_payloads import (
    PayoutsNotificationKind,
    PayoutsPayload,
    parse_payouts_payload,
)
from bisnap.notifications.replay import ReplayStore
from bisnap.notifications.verifier import (
    DEFAULT_MAX_BODY_BYTES,
    HeaderInput,
    _checked_max_body_bytes,
    _checked_replay_store,
    _collect_headers,
    _raw_body,
    _single_header,
)
from bisnap.signing.iris import verify_iris_signature

__all__ = [
    "DEFAULT_PAYOUTS_DEDUP_TTL",
    "IRIS_SIGNATURE_HEADER",
    "PAYOUTS_STEPS",
    "PayoutsNotificationVerifier",
    "VerifiedPayoutsNotification",
]

IRIS_SIGNATURE_HEADER = "Iris-Signature"
PAYOUTS_STEPS = ("headers", "body", "signature", "payload", "replay")
DEFAULT_PAYOUTS_DEDUP_TTL = 7 * 24 * 60 * 60.0
"""Seconds a delivery key is remembered (a reversal can come days after completion)."""

_DEDUP_PREFIX = "payouts:"
_log = logging.getLogger("bisnap.notifications")


@dataclass(frozen=True)
class VerifiedPayoutsNotification:
    """A Payouts notification whose ``Iris-Signature`` matched, with its typed payload.

    ``duplicate`` is True when a replay store is configured and this delivery key was seen
    before (the notification is genuine, but already handled: answer 2xx, apply nothing).
    """

    payload: PayoutsPayload
    delivery_key: str
    duplicate: bool = False
    body: bytes = field(default=b"", repr=False)
    """The raw body as received."""

    @property
    def kind(self) -> PayoutsNotificationKind:
        return self.payload.kind


def _fail(step: str, message: str) -> NotificationError:
    return NotificationError(message, step=step)


class PayoutsNotificationVerifier:
    """Verifies Payouts notifications signed with the merchant's Iris Merchant Key.

    ``merchant_key`` is the Iris Merchant Key from the Midtrans dashboard (an
    :class:`~bisnap.keys.IrisMerchantKey` or a plain ``str``); None reads
    ``BISNAP_IRIS_MERCHANT_KEY`` (from ``environ``, default ``os.environ``).
    ``replay_store`` (a :class:`~bisnap.notifications.replay.MemoryReplayStore` or
    :class:`~bisnap.notifications.replay.RedisReplayStore`) remembers delivery keys for
    ``dedup_ttl`` seconds (default 7 days) so repeats come back marked ``duplicate``.
    """

    def __init__(
        self,
        merchant_key: IrisMerchantKey | str | None = None,
        *,
        replay_store: ReplayStore | None = None,
        dedup_ttl: float | timedelta = DEFAULT_PAYOUTS_DEDUP_TTL,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self._key = load_iris_merchant_key(merchant_key, environ=environ)
        self.replay_store = _checked_replay_store(replay_store)
        self.dedup_ttl = positive_seconds(dedup_ttl, field="dedup_ttl")
        self.max_body_bytes = _checked_max_body_bytes(max_body_bytes)

    def __repr__(self) -> str:
        return (
            f"PayoutsNotificationVerifier({self._key!r}, replay_store={self.replay_store!r}, "
            f"max_body_bytes={self.max_body_bytes})"
        )

    # --- the steps, in order -------------------------------------------------------------------

    def _signature_header(self, headers: object) -> str:
        return _single_header(_collect_headers(headers), IRIS_SIGNATURE_HEADER)

    def _body(self, body: object) -> bytes:
        raw = _raw_body(body, self.max_body_bytes)
        if not raw.strip():
            raise _fail("body", "the body is empty")
        return raw

    def _signature(self, raw: bytes, signature: str) -> None:
        try:
            verify_iris_signature(self._key, raw, signature)
        except InvalidSignatureError as exc:
            raise _fail("signature", exc.message) from None

    def _claim(self, key: str) -> bool:
        """True when ``key`` is new (recorded now); False when it was seen before."""
        if self.replay_store is None:
            return True
        return self.replay_store.claim(_DEDUP_PREFIX + key, self.dedup_ttl)

    def release(self, notification: VerifiedPayoutsNotification) -> None:
        """Forget a delivery key so a redelivery is processed (call it when handling failed)."""
        if self.replay_store is not None and not notification.duplicate:
            self.replay_store.release(_DEDUP_PREFIX + notification.delivery_key)

    # --- the whole check -----------------------------------------------------------------------

    def verify(
        self, body: bytes | bytearray | memoryview, headers: HeaderInput
    ) -> VerifiedPayoutsNotification:
        """Run every check on one request and return the verified, typed notification.

        ``body`` is the raw bytes as received; ``headers`` in any case (a mapping or pairs).
        Raises NotificationError (``step`` says which check failed).
        """
        signature = self._signature_header(headers)
        raw = self._body(body)
        self._signature(raw, signature)
        payload = parse_payouts_payload(raw)
        key = delivery_key(payload)
        duplicate = not self._claim(key)
        _log.debug("verified payouts notification %s%s", key, " (duplicate)" if duplicate else "")
        return VerifiedPayoutsNotification(payload, key, duplicate, raw)
