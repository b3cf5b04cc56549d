"""Errors raised while receiving a notification; all are :class:`~bisnap.errors.NotificationError`.

``step`` names the check that failed, in the order the checks run:

``route``      the request path is not one of the notification paths (and no kind was given)
``headers``    X-TIMESTAMP, X-SIGNATURE or X-EXTERNAL-ID is missing, repeated or malformed
``timestamp``  X-TIMESTAMP is not an ISO-8601 timestamp with an offset
``body``       the body is empty, too large, not UTF-8 or not JSON
``signature``  X-SIGNATURE is malformed or does not verify with the gateway's key
``window``     X-TIMESTAMP is too far in the past or the future
``replay``     X-EXTERNAL-ID was seen before (or the replay store could not be reached)
``payload``    the verified body does not match the notification's fields
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bisnap.errors import NotificationError

if TYPE_CHECKING:
    from bisnap.diagnose import Diagnosis

__all__ = [
    "STEPS",
    "NotificationHeaderError",
    "NotificationPayloadError",
    "NotificationSignatureError",
    "ReplayStoreError",
]

STEPS = ("route", "headers", "timestamp", "body", "signature", "window", "replay", "payload")


class NotificationHeaderError(NotificationError):
    """A required header is missing (``missing``), repeated or malformed; ``field`` names it."""

    def __init__(self, message: str, *, field: str, missing: bool) -> None:
        super().__init__(message, step="headers")
        self.field = field
        self.missing = missing


class NotificationSignatureError(NotificationError):
    """X-SIGNATURE is malformed or does not verify with the gateway's key.

    ``diagnosis`` is None unless the verifier was built with ``diagnose_failures=True``; then
    it is a :class:`~bisnap.diagnose.Diagnosis` naming the likely cause, for the receiver's
    logs. It explains the refusal; it never turns it into an acceptance.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, step="signature")
        self.diagnosis: Diagnosis | None = None


class NotificationPayloadError(NotificationError):
    """The verified body lacks a mandatory field or has one in the wrong format.

    ``field`` is the JSON path of the first offending field (``additionalInfo.accessToken``);
    ``missing`` tells a missing field from a malformed one.
    """

    def __init__(self, message: str, *, field: str | None, missing: bool) -> None:
        super().__init__(message, step="payload")
        self.field = field
        self.missing = missing


class ReplayStoreError(NotificationError):
    """The replay store could not be reached, so the notification was not accepted."""

    def __init__(self, message: str) -> None:
        super().__init__(message, step="replay")
