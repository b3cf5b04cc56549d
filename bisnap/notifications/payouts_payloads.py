"""Typed bodies of Payouts notifications: payout status changes and top-ups (pydantic v2).

Field names are the snake_case names Midtrans sends. Every value arrives as a JSON string;
amounts (``"10000"``, ``"10000.0"``, ``"10000.00"``: digits with at most two fraction digits)
become :class:`~decimal.Decimal`. Unknown fields are kept (``model_extra``), and unknown
status values and error codes are kept as enum members whose ``is_known`` is False, so a
correctly signed notification is never refused because Midtrans added something.
"""

from __future__ import annotations

import enum
import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from bisnap.notifications.errors import NotificationPayloadError
from bisnap.notifications.payloads import decode_json_object

__all__ = [
    "PayoutErrorCode",
    "PayoutNotification",
    "PayoutStatus",
    "PayoutsNotificationKind",
    "PayoutsPayload",
    "TopUpNotification",
    "parse_payouts_payload",
]

_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]{1,2})?")
_UNKNOWN = "UNKNOWN"


class PayoutsNotificationKind(enum.Enum):
    """Which Payouts notification a body is."""

    PAYOUT = "payout"
    """A payout (transfer) changed status."""
    TOP_UP = "topup"
    """Money arrived on the merchant's Payouts balance."""


class _OpenEnum(str, enum.Enum):
    """A string enum that keeps values it does not know (``is_known`` False)."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            member = str.__new__(cls, value)
            member._name_ = _UNKNOWN
            member._value_ = value
            return member
        return None

    @property
    def is_known(self) -> bool:
        """False for a value Midtrans sent that this version of bisnap does not list."""
        return self._name_ != _UNKNOWN

    def __str__(self) -> str:
        return str(self.value)


class PayoutStatus(_OpenEnum):
    """A payout's status. ``completed`` is not final: the bank may return the money later."""

    APPROVED = "approved"
    REJECTED = "rejected"
    PROCESSED = "processed"
    COMPLETED = "completed"
    FAILED = "failed"


class PayoutErrorCode(_OpenEnum):
    """``error_code`` of a failed payout; ``description`` gives the documented meaning."""

    INVALID_BENEFICIARY_NAME = "001"
    INVALID_DESTINATION_ACCOUNT = "002"
    INVALID_DESTINATION_ACCOUNT_OR_NAME = "003"
    GENERAL_ERROR = "004"
    BANK_TIMEOUT = "005"
    REFERENCE_NOT_UNIQUE = "006"
    ALREADY_PROCESSED = "007"
    BANK_AUTHENTICATION_FAILED = "008"
    BANK_BALANCE_INSUFFICIENT = "009"
    PAYLOAD_VALIDATION_FAILED = "010"
    OTP_EXPIRED_OR_BLOCKED = "011"
    BENEFICIARY_ACCOUNT_BLOCKED = "012"
    SAME_SENDER_AND_RECEIVER = "013"
    MONTHLY_BALANCE_LIMIT_EXCEEDED = "014"
    BALANCE_LIMIT_EXCEEDED = "015"
    MERCHANT_BALANCE_INSUFFICIENT = "016"
    INVALID_RECEIVER_BANK_DETAILS = "017"
    TECHNICAL_ERROR = "018"
    VALIDATION_ISSUE = "019"
    VALIDATION_ISSUE_CONTACT_SUPPORT = "020"
    TECHNICAL_ERROR_021 = "021"
    TECHNICAL_ERROR_022 = "022"
    TECHNICAL_ERROR_023 = "023"
    TECHNICAL_ERROR_024 = "024"
    TRANSFER_DECLINED = "025"
    INVALID_RECEIVER_NAME = "026"

    @property
    def description(self) -> str:
        """The documented meaning, or ``"unknown error code"``."""
        return _ERROR_TEXT.get(self.value, "unknown error code")


_ERROR_TEXT = {
    "001": "invalid beneficiary name",
    "002": "invalid destination account number",
    "003": "invalid destination account or beneficiary name",
    "004": "general error",
    "005": "timeout error by bank",
    "006": "unique reference number violation",
    "007": "identical request already processed",
    "008": "bank cannot authenticate request",
    "009": "bank balance not enough",
    "010": "payload validation failed",
    "011": "OTP code expired or blocked",
    "012": "beneficiary account blocked",
    "013": "sender and receiver are the same",
    "014": "monthly account balance limit exceeded",
    "015": "account balance limit exceeded",
    "016": "merchant balance not enough",
    "017": "invalid receiver bank details",
    "018": "technical error",
    "019": "validation issue",
    "020": "validation issue, contact support",
    "021": "technical error",
    "022": "technical error",
    "023": "technical error",
    "024": "technical error",
    "025": "transfer declined",
    "026": "invalid receiver name",
}


def _amount(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("an amount is digits with at most two fraction digits")
    if isinstance(value, (int, Decimal)):
        value = str(value)
    if not isinstance(value, str) or not _AMOUNT.fullmatch(value):
        raise ValueError("an amount is digits with at most two fraction digits")
    return Decimal(value)


PayoutsAmount = Annotated[Decimal, BeforeValidator(_amount)]


def _parsed_time(value: str) -> datetime | None:
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True, str_strip_whitespace=False)

    kind: ClassVar[PayoutsNotificationKind]


class PayoutNotification(_Model):
    """A payout changed status. ``partner_reference_no`` is your ``partnerReferenceNo`` (SNAP)."""

    kind: ClassVar[PayoutsNotificationKind] = PayoutsNotificationKind.PAYOUT

    reference_no: str
    amount: PayoutsAmount
    status: PayoutStatus
    updated_at: str
    """As sent (ISO-8601, seen with ``Z``); :attr:`updated` parses it."""
    partner_reference_no: str | None = None
    error_code: PayoutErrorCode | None = None
    error_message: str | None = None

    @property
    def updated(self) -> datetime | None:
        """``updated_at`` as a datetime, or None if it is not ISO-8601."""
        return _parsed_time(self.updated_at)


class TopUpNotification(_Model):
    """A top-up of the merchant's Payouts balance (``status`` is ``topup``)."""

    kind: ClassVar[PayoutsNotificationKind] = PayoutsNotificationKind.TOP_UP

    transaction_id: str
    order_id: str
    gross_amount: PayoutsAmount
    status: str
    transaction_time: str


PayoutsPayload = PayoutNotification | TopUpNotification
"""The body of a Payouts notification."""

_FIELD_ERRORS = {"missing": "is missing", "string_type": "must be a string"}


def _detect(data: dict[str, Any]) -> type[PayoutNotification] | type[TopUpNotification]:
    """Top-up when ``status`` is ``topup`` or it has ``transaction_id`` but no
    ``reference_no``; a payout when it has ``reference_no``."""
    if data.get("status") == "topup":
        return TopUpNotification
    if "reference_no" in data:
        return PayoutNotification
    if "transaction_id" in data:
        return TopUpNotification
    raise NotificationPayloadError(
        "the body is neither a payout (no reference_no) nor a top-up (no transaction_id)",
        field="reference_no",
        missing=True,
    )


def parse_payouts_payload(body: bytes | str) -> PayoutsPayload:
    """Parse verified bytes into a :class:`PayoutNotification` or :class:`TopUpNotification`.

    The kind is decided from the body: a top-up when ``status`` is ``topup`` (or there is a
    ``transaction_id`` and no ``reference_no``), a payout when there is a ``reference_no``. Raises
    :class:`~bisnap.notifications.errors.NotificationPayloadError` naming the first bad field,
    never its value.
    """
    data = decode_json_object(body)
    model = _detect(data)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        missing = first["type"] == "missing"
        problem = _FIELD_ERRORS.get(first["type"], f"has an invalid format ({first['type']})")
        what = model.kind.value.replace("topup", "top-up")
        raise NotificationPayloadError(
            f"{what} notification field {field} {problem}", field=field, missing=missing
        ) from None
