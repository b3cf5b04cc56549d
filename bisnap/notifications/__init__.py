"""Inbound notifications: verify over the raw bytes, parse to typed payloads, answer exactly.

::

    from bisnap.notifications import NotificationVerifier, MemoryReplayStore

    verifier = NotificationVerifier(
        "midtrans-public.pem", replay_store=MemoryReplayStore(), path_prefix="/api/snap"
    )
    notification = verifier.verify("POST", request_path, raw_body, request_headers)
    notification.payload  # DirectDebitNotification, QrisNotification, ...

Payouts notifications (``Iris-Signature``, no timestamp) have their own verifier and
receiver: :class:`PayoutsNotificationVerifier`, :class:`PayoutsNotificationReceiver`, the
payloads :class:`PayoutNotification` and :class:`TopUpNotification`, and the ordering rule
:func:`moves_payout_forward` with :func:`delivery_key`.

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
from bisnap.notifications.payouts import (
    DEFAULT_PAYOUTS_DEDUP_TTL,
    IRIS_SIGNATURE_HEADER,
    PAYOUTS_STEPS,
    PayoutsNotificationVerifier,
    VerifiedPayoutsNotification,
)
from bisnap.notifications.payouts_ordering import (
    PAYOUT_TRANSITIONS,
    delivery_key,
    moves_payout_forward,
)
from bisnap.notifications.payouts_payloads import (
    PayoutErrorCode,
    PayoutNotification,
    PayoutsNotificationKind,
    PayoutsPayload,
    PayoutStatus,
    TopUpNotification,
    parse_payouts_payload,
)
from bisnap.notifications.payouts_receiver import (
    AsyncPayoutsHandler,
    PayoutsHandler,
    PayoutsNotificationReceiver,
    payouts_error_ack,
    payouts_success_ack,
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
    "DEFAULT_PAYOUTS_DEDUP_TTL",
    "DEFAULT_REPLAY_TTL",
    "DEFAULT_TOLERANCE",
    "IRIS_SIGNATURE_HEADER",
    "PAYOUTS_STEPS",
    "PAYOUT_TRANSITIONS",
    "STEPS",
    "AccountLinkingInfo",
    "AccountLinkingNotification",
    "Acknowledgement",
    "Amount",
    "AsyncHandler",
    "AsyncPayoutsHandler",
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
    "PayoutErrorCode",
    "PayoutNotification",
    "PayoutStatus",
    "PayoutsHandler",
    "PayoutsNotificationKind",
    "PayoutsNotificationReceiver",
    "PayoutsNotificationVerifier",
    "PayoutsPayload",
    "QrisAdditionalInfo",
    "QrisDetail",
    "QrisNotification",
    "RedisReplayStore",
    "RefundHistoryItem",
    "ReplayStore",
    "ReplayStoreError",
    "TopUpNotification",
    "VaPaymentAdditionalInfo",
    "VaPaymentNotification",
    "VerifiedNotification",
    "VerifiedPayoutsNotification",
    "ack_for_error",
    "delivery_key",
    "error_ack",
    "kind_for_path",
    "moves_payout_forward",
    "parse_payload",
    "parse_payouts_payload",
    "payload_model",
    "payouts_error_ack",
    "payouts_success_ack",
    "success_ack",
]
