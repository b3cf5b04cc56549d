"""Inbound notifications: verify over the raw bytes, parse to typed payloads, answer exactly.

::

    from bisnap.notifications import NotificationVerifier, MemoryReplayStore

    verifier = NotificationVerifier(
        "midtrans-public.pem", replay_store=MemoryReplayStore(), path_prefix="/api/snap"
    )
    notification = verifier.verify("POST", request_path, raw_body, request_headers)
    notification.payload  # DirectDebitNotification, QrisNotification, ...

Framework integrations live in :mod:`bisnap.notifications.asgi` (Starlette/FastAPI),
:mod:`bisnap.notifications.flask` and :mod:`bisnap.notifications.django`; each imports its
framework only when used.
"""

from bisnap.notifications.acks import Acknowledgement, ack_for_error, error_ack, success_ack
from bisnap.notifications.errors import (
    STEPS,
    NotificationHeaderError,
    NotificationPayloadError,
    NotificationSignatureError,
    ReplayStoreError,
)
from bisnap.notifications.kinds import NotificationKind, kind_for_path
from bisnap.notifications.payloads import (
    AccountLinkingInfo,
    AccountLinkingNotification,
    Amount,
    DirectDebitAdditionalInfo,
    DirectDebitNotification,
    NotificationPayload,
    PaymentDetail,
    QrisAdditionalInfo,
    QrisDetail,
    QrisNotification,
    RefundHistoryItem,
    VaPaymentAdditionalInfo,
    VaPaymentNotification,
    parse_payload,
    payload_model,
)
from bisnap.notifications.receiver import AsyncHandler, Handler, NotificationReceiver
from bisnap.notifications.replay import (
    DEFAULT_REPLAY_TTL,
    MemoryReplayStore,
    RedisReplayStore,
    ReplayStore,
)
from bisnap.notifications.verifier import (
    DEFAULT_MAX_BODY_BYTES,
    DEFAULT_TOLERANCE,
    HeaderInput,
    NotificationVerifier,
    PathForm,
    VerifiedNotification,
)

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_REPLAY_TTL",
    "DEFAULT_TOLERANCE",
    "STEPS",
    "AccountLinkingInfo",
    "AccountLinkingNotification",
    "Acknowledgement",
    "Amount",
    "AsyncHandler",
    "DirectDebitAdditionalInfo",
    "DirectDebitNotification",
    "Handler",
    "HeaderInput",
    "MemoryReplayStore",
    "NotificationHeaderError",
    "NotificationKind",
    "NotificationPayload",
    "NotificationPayloadError",
    "NotificationReceiver",
    "NotificationSignatureError",
    "NotificationVerifier",
    "PathForm",
    "PaymentDetail",
    "QrisAdditionalInfo",
    "QrisDetail",
    "QrisNotification",
    "RedisReplayStore",
    "RefundHistoryItem",
    "ReplayStore",
    "ReplayStoreError",
    "VaPaymentAdditionalInfo",
    "VaPaymentNotification",
    "VerifiedNotification",
    "ack_for_error",
    "error_ack",
    "kind_for_path",
    "parse_payload",
    "payload_model",
    "success_ack",
]
