"""What an emulated endpoint answers: the response object, SNAP envelopes and failures."""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

__all__ = [
    "Disconnect",
    "EmulatorResponse",
    "SnapFailure",
    "dump_json",
    "format_amount",
    "money",
]


class Disconnect(enum.Enum):
    """How a fault ends a request instead of (or after) answering it."""

    TIMEOUT = "timeout"
    """The caller never gets an answer (in-process: ``httpx.ReadTimeout``)."""
    DROP = "drop"
    """The connection is dropped (in-process: ``httpx.RemoteProtocolError``)."""


@dataclass
class EmulatorResponse:
    """An HTTP answer from :meth:`Emulator.handle`.

    ``disconnect`` is set when an injected fault means the caller must not see this answer;
    ``hold_seconds`` is how long a server keeps such a request open before giving up on it.
    """

    status: int
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)
    disconnect: Disconnect | None = None
    hold_seconds: float = 0.0

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


@dataclass(eq=False)
class SnapFailure(Exception):
    """Raised inside a handler to answer with a SNAP error envelope.

    The ``responseCode`` is ``f"{http_status}{service}{case}"``; ``service`` defaults to the
    endpoint's service code. ``extra`` fields are added to the envelope; ``headers`` to the
    response.
    """

    http_status: int
    case: str
    message: str
    service: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    """Response headers added to the envelope's (the emulator's diagnosis of a refusal)."""

    def __post_init__(self) -> None:
        super().__init__(f"{self.http_status}xx{self.case} {self.message}")

    @classmethod
    def bad_request(cls, message: str = "Bad Request") -> SnapFailure:
        """400xx00: the request could not be parsed."""
        return cls(400, "00", message)

    @classmethod
    def bad_format(cls, field_name: str) -> SnapFailure:
        """400xx01 naming the field."""
        return cls(400, "01", f"Invalid Field Format {field_name}")

    @classmethod
    def missing(cls, field_name: str) -> SnapFailure:
        """400xx02 naming the field (or header)."""
        return cls(400, "02", f"Invalid Mandatory Field {field_name}")

    @classmethod
    def unauthorized(cls, reason: str) -> SnapFailure:
        """401xx00 ``Unauthorized. {reason}``."""
        return cls(401, "00", f"Unauthorized. {reason}")

    @classmethod
    def not_found(cls, message: str = "Transaction Not Found") -> SnapFailure:
        """404xx01."""
        return cls(404, "01", message)

    @classmethod
    def invalid_status(cls, message: str = "Invalid Transaction Status") -> SnapFailure:
        """404xx00."""
        return cls(404, "00", message)

    @classmethod
    def not_permitted(cls, reason: str) -> SnapFailure:
        """403xx15 ``Transaction Not Permitted. {reason}``."""
        return cls(403, "15", f"Transaction Not Permitted. {reason}")

    @classmethod
    def insufficient_funds(cls) -> SnapFailure:
        """403xx14."""
        return cls(403, "14", "Insufficient Funds")

    @classmethod
    def duplicate(cls, message: str = "Duplicate Transaction") -> SnapFailure:
        """409xx01: the business reference number was already used."""
        return cls(409, "01", message)

    @classmethod
    def conflict(cls, message: str = "Conflict") -> SnapFailure:
        """409xx00."""
        return cls(409, "00", message)

    def envelope(self, service: str) -> dict[str, Any]:
        """The JSON envelope for this failure under ``service`` (if not set explicitly)."""
        code = f"{self.http_status}{self.service or service}{self.case}"
        return {"responseCode": code, "responseMessage": self.message, **self.extra}


def dump_json(value: Any) -> bytes:
    """Serialise once, compactly, keys in insertion order, non-ASCII kept as UTF-8."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def format_amount(value: Decimal) -> str:
    """``Decimal("10000")`` → ``"10000.00"`` (IDR amounts always carry two decimals)."""
    return f"{value.quantize(Decimal('0.01')):f}"


def money(value: Decimal, currency: str = "IDR") -> dict[str, str]:
    """A SNAP amount object ``{"value": "10000.00", "currency": "IDR"}``."""
    return {"value": format_amount(value), "currency": currency}
