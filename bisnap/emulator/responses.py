"""What an emulated endpoint answers: the response object, SNAP envelopes and failures."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

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


class _Canned:
    """A failure of fixed status and case; ``SnapFailure.x(message)`` replaces its message."""

    def __init__(self, http_status: int, case: str, message: str) -> None:
        self.http_status, self.case, self.message = http_status, case, message

    def __get__(self, instance: object, owner: type[SnapFailure]) -> _WithMessage:
        def make(message: str = self.message) -> SnapFailure:
            return owner(self.http_status, self.case, message)

        return make


class _Naming:
    """A failure of fixed status and case whose message names something: ``x(name)``."""

    def __init__(self, http_status: int, case: str, template: str) -> None:
        self.http_status, self.case, self.template = http_status, case, template

    def __get__(self, instance: object, owner: type[SnapFailure]) -> Callable[[str], SnapFailure]:
        def make(name: str) -> SnapFailure:
            return owner(self.http_status, self.case, self.template.format(name))

        return make


class _WithMessage(Protocol):
    def __call__(self, message: str = ...) -> SnapFailure: ...


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

    bad_request = _Canned(400, "00", "Bad Request")
    """400xx00: the request could not be parsed."""
    bad_format = _Naming(400, "01", "Invalid Field Format {}")
    """400xx01 naming the field."""
    missing = _Naming(400, "02", "Invalid Mandatory Field {}")
    """400xx02 naming the field (or header)."""
    unauthorized = _Naming(401, "00", "Unauthorized. {}")
    """401xx00 ``Unauthorized. {reason}``."""
    not_found = _Canned(404, "01", "Transaction Not Found")
    """404xx01."""
    invalid_status = _Canned(404, "00", "Invalid Transaction Status")
    """404xx00."""
    not_permitted = _Naming(403, "15", "Transaction Not Permitted. {}")
    """403xx15 ``Transaction Not Permitted. {reason}``."""
    insufficient_funds = _Canned(403, "14", "Insufficient Funds")
    """403xx14."""
    duplicate = _Canned(409, "01", "Duplicate Transaction")
    """409xx01: the business reference number was already used."""
    conflict = _Canned(409, "00", "Conflict")
    """409xx00."""

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
