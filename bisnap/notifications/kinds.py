"""The notification types Midtrans sends, and which one a request path is.

Midtrans appends a fixed SNAP relative path (``/v1.0/debit/notify`` …) to the URL prefix the
merchant registered, so the kind is read from the end of the request path.
"""

from __future__ import annotations

import enum
import re

__all__ = ["NotificationKind", "kind_for_path"]


class NotificationKind(enum.Enum):
    """One inbound notification type: its SNAP relative path, service code and success reply."""

    VA_PAYMENT = ("/v1.0/transfer-va/payment", "25", "Successful")
    """Bank transfer (virtual account) payment."""
    QRIS_PAYMENT = ("/v1.0/qr/qr-mpm-notify", "52", "Request has been processed successfully")
    """QRIS (MPM) payment."""
    DIRECT_DEBIT = ("/v1.0/debit/notify", "56", "Request has been processed successfully")
    """Direct debit and GoPay tokenization payment."""
    ACCOUNT_LINKING = (
        "/v1.0/registration-account/notify",
        "88",
        "Request has been processed successfully",
    )
    """Account linking or unlinking (GoPay tokenization)."""

    def __init__(self, relative_path: str, service_code: str, success_message: str) -> None:
        self.relative_path = relative_path
        self.service_code = service_code
        self.success_message = success_message

    def __repr__(self) -> str:
        return f"<NotificationKind.{self.name}>"

    @property
    def success_code(self) -> str:
        """The ``responseCode`` the merchant answers with on success, e.g. ``2005600``."""
        return f"200{self.service_code}00"


# The version segment is matched loosely: Midtrans' pages show both "/v1.0/" and "/1.0/".
_OPERATIONS = {kind.relative_path.split("/", 2)[2]: kind for kind in NotificationKind}
_SUFFIX = re.compile(r"/v?\d+(?:\.\d+)?/(" + "|".join(re.escape(op) for op in _OPERATIONS) + r")\Z")


def kind_for_path(path: str) -> NotificationKind | None:
    """The notification kind whose SNAP relative path ends ``path``, or None."""
    match = _SUFFIX.search(path)
    return _OPERATIONS[match.group(1)] if match else None
