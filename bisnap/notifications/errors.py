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

from bisnap.errors import NotificationError

__all__ = [
    "STEPS",
    "NotificationHeaderError",
    "NotificationPayloadError",
    "ReplayStoreError",
]

STEPS = ("route", "headers", "timestamp", "body", "signature", "window", "replay", "payload")


class NotificationHeaderError(NotificationError):
    """A required header is missing (``missing``), repeated or malformed; ``field`` names it."""

    def __init__(self, message: str, *, field: str, missing: bool) -> None:
        super().__init__(message, step="headers")
        self.field = field
        self.missing = missing


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
