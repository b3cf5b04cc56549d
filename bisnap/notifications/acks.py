"""The answers a merchant sends back to a notification.

The gateway treats anything but HTTP 200 as a failed delivery and retries it later, so a
success must be exactly the envelope each notification expects, and a refusal must carry the
matching SNAP error code (``HTTP status + service code + case``). Every answer is JSON with an
``X-TIMESTAMP`` header.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bisnap.errors import InvalidInputError, NotificationError
from bisnap.notifications.errors import (
    NotificationHeaderError,
    NotificationPayloadError,
    ReplayStoreError,
)
from bisnap.notifications.kinds import NotificationKind
from bisnap.notifications.payloads import NotificationPayload, VaPaymentNotification
from bisnap.timestamps import Clock, TimestampStyle, now_timestamp

__all__ = [
    "Acknowledgement",
    "ack_for_error",
    "error_ack",
    "success_ack",
]

_GENERIC_SERVICE = "00"


@dataclass(frozen=True)
class Acknowledgement:
    """An HTTP answer to a notification: status, JSON body bytes and headers."""

    status_code: int
    body: bytes
    headers: tuple[tuple[str, str], ...]
    response_code: str

    @property
    def content(self) -> dict[str, Any]:
        """The body decoded."""
        decoded: dict[str, Any] = json.loads(self.body)
        return decoded

    @property
    def is_success(self) -> bool:
        return self.status_code == 200


def encode_json(body: dict[str, Any]) -> bytes:
    """``body`` as compact UTF-8 JSON, the form every acknowledgement is sent in."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _build(status: int, body: dict[str, Any], clock: Clock | None) -> Acknowledgement:
    timestamp = now_timestamp(clock, TimestampStyle.JAKARTA)
    headers = (("Content-Type", "application/json"), ("X-TIMESTAMP", timestamp))
    return Acknowledgement(status, encode_json(body), headers, str(body["responseCode"]))


def success_ack(payload: NotificationPayload, *, clock: Clock | None = None) -> Acknowledgement:
    """HTTP 200 with the success envelope ``payload``'s notification requires.

    A VA payment is answered with its ``virtualAccountData`` echoed verbatim (padding kept).
    """
    kind = payload.kind
    if isinstance(payload, VaPaymentNotification):
        return _build(
            200,
            {
                "responseMessage": kind.success_message,
                "responseCode": kind.success_code,
                # Echo what the notification carried; a field it lacked is left out, not null.
                "virtualAccountData": {
                    key: value
                    for key, value in (
                        ("partnerServiceId", payload.partner_service_id),
                        ("customerNo", payload.customer_no),
                        ("virtualAccountNo", payload.virtual_account_no),
                        ("trxId", payload.trx_id),
                    )
                    if value is not None
                },
            },
            clock,
        )
    return _build(
        200,
        {"responseCode": kind.success_code, "responseMessage": kind.success_message},
        clock,
    )


def error_ack(
    kind: NotificationKind | None,
    http_status: int,
    case: str,
    message: str,
    *,
    clock: Clock | None = None,
) -> Acknowledgement:
    """A refusal: HTTP ``http_status`` with ``responseCode`` ``{http_status}{service}{case}``.

    For example ``error_ack(NotificationKind.VA_PAYMENT, 404, "13", "Invalid Amount")`` is
    ``4042513``. ``kind`` None (an unknown path) uses service ``00``.
    """
    if not (isinstance(http_status, int) and 400 <= http_status <= 599):
        raise InvalidInputError("an error acknowledgement has a 4xx or 5xx HTTP status")
    if not (isinstance(case, str) and len(case) == 2 and case.isdigit()):
        raise InvalidInputError("case is two digits, e.g. '00'")
    service = kind.service_code if kind is not None else _GENERIC_SERVICE
    code = f"{http_status}{service}{case}"
    return _build(http_status, {"responseCode": code, "responseMessage": message}, clock)


_ANSWER_BY_STEP = {
    "route": (404, "02", "Invalid Routing"),
    "timestamp": (400, "01", "Invalid Field Format X-TIMESTAMP"),
    "signature": (401, "00", "Unauthorized. Signature"),
    "window": (401, "00", "Unauthorized. X-TIMESTAMP is outside the accepted window"),
    "replay": (409, "00", "Cannot use same X-EXTERNAL-ID in same day"),
    "headers": (400, "02", "Invalid Mandatory Field"),
}
"""(HTTP status, case, message) for a failed step; any other step is ``400xx00``."""


def _answer(error: NotificationError) -> tuple[int, str, str]:
    if isinstance(error, ReplayStoreError):
        return 500, "00", "Internal Server Error"
    if isinstance(error, (NotificationHeaderError, NotificationPayloadError)):
        if error.field is None:
            return 400, "00", "Bad Request"
        if error.missing:
            return 400, "02", f"Invalid Mandatory Field {error.field}"
        return 400, "01", f"Invalid Field Format {error.field}"
    return _ANSWER_BY_STEP.get(error.step, (400, "00", "Bad Request"))


def ack_for_error(
    error: NotificationError, kind: NotificationKind | None, *, clock: Clock | None = None
) -> Acknowledgement:
    """The refusal matching a failed check.

    Missing header or field → ``400xx02``; malformed timestamp, header or field → ``400xx01``;
    unreadable body → ``400xx00``; bad signature or stale timestamp → ``401xx00``; replayed
    ``X-EXTERNAL-ID`` → ``409xx00``; unknown path → ``404xx02``; replay store down →
    ``500xx00`` (the gateway retries later).
    """
    status, case, message = _answer(error)
    return error_ack(kind, status, case, message, clock=clock)
