"""What one admin request carries, read with checks that name the field they refuse."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bisnap.emulator.admission import decimal_amount
from bisnap.errors import InvalidInputError

__all__ = ["AdminCall", "AdminError"]


class AdminError(Exception):
    """An admin request refused with ``status`` (400 bad input, 404 unknown route)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class AdminCall:
    """One admin request: its JSON body, its query and the ``{reference}`` of its path."""

    data: dict[str, Any] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    reference: str = ""

    def text(self, key: str) -> str:
        """A required, non-empty string."""
        value = self.data.get(key)
        if not isinstance(value, str) or not value:
            raise AdminError(400, f"{key} is required (a non-empty string)")
        return value

    def optional_text(self, key: str) -> str | None:
        """A string, or None when absent or null."""
        value = self.data.get(key)
        if value is not None and not isinstance(value, str):
            raise AdminError(400, f"{key} must be a string")
        return value

    def amount(self, key: str, default: str | None = None) -> Decimal:
        """A money amount (absent: ``default``, which None refuses)."""
        try:
            return decimal_amount(self.data.get(key, default), key)
        except InvalidInputError as exc:
            raise AdminError(400, exc.message) from None

    def optional_amount(self, key: str) -> Decimal | None:
        """A money amount when the key is given (null is refused), else None."""
        return self.amount(key) if key in self.data else None

    def seconds(self, key: str, default: float, *, high: float) -> float:
        """A number of seconds from 0 to ``high``."""
        value = self.data.get(key, default)
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not 0 <= value <= high  # also refuses NaN
        ):
            raise AdminError(400, f"{key} must be a number of seconds from 0 to {high:g}")
        return float(value)

    def integer(self, key: str, default: int, *, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high``."""
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise AdminError(400, f"{key} must be a whole number from {low} to {high}")
        return value

    def flag(self, key: str) -> bool:
        """true or false (absent: false)."""
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise AdminError(400, f"{key} must be true or false")
        return value
