"""Typed access to a request's JSON fields, refusing bad input with SNAP response codes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from bisnap.emulator.responses import SnapFailure
from bisnap.errors import InvalidTimestampError
from bisnap.timestamps import parse_timestamp

__all__ = ["AMOUNT_PATTERN", "Fields"]

AMOUNT_PATTERN = re.compile(r"(0|[1-9]\d{0,13})\.\d{2}")
"""``String(16,2)``: digits, a point, exactly two decimals."""

_T = TypeVar("_T")


def _given(value: _T | None) -> _T:
    """What a ``required=True`` read returned: it raised rather than return None."""
    assert value is not None
    return value


class Fields:
    """Typed access to a JSON object's fields with SNAP error codes.

    A missing or empty mandatory field raises ``400xx02``, a wrong type or format ``400xx01``;
    both name the field by its dotted path.
    """

    def __init__(self, data: Mapping[str, Any], prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix

    def name(self, key: str) -> str:
        """The dotted path of ``key``."""
        return f"{self.prefix}{key}"

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key)
        if value is None and required:
            raise SnapFailure.missing(self.name(key))
        return value

    def text(
        self,
        key: str,
        *,
        required: bool = True,
        max_len: int | None = None,
        pattern: re.Pattern[str] | None = None,
        choices: tuple[str, ...] | None = None,
        allow_empty: bool = False,
    ) -> str | None:
        """A string field; ``choices`` compare case-insensitively and return the choice."""
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, str):
            raise SnapFailure.bad_format(self.name(key))
        if value == "" and not allow_empty:
            if required:
                raise SnapFailure.missing(self.name(key))
            return None
        if max_len is not None and len(value) > max_len:
            raise SnapFailure.bad_format(self.name(key))
        if pattern is not None and value and not pattern.fullmatch(value):
            raise SnapFailure.bad_format(self.name(key))
        if choices is not None:
            for choice in choices:
                if value.lower() == choice.lower():
                    return choice
            raise SnapFailure.bad_format(self.name(key))
        return value

    def need_text(self, key: str, **kwargs: Any) -> str:
        """A mandatory string field (see :meth:`text`)."""
        return _given(self.text(key, required=True, **kwargs))

    def obj(self, key: str, *, required: bool = True) -> Fields | None:
        """A nested object, as :class:`Fields`."""
        value = self._get(key, required)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise SnapFailure.bad_format(self.name(key))
        return Fields(value, f"{self.name(key)}.")

    def need_obj(self, key: str) -> Fields:
        """A mandatory nested object."""
        return _given(self.obj(key, required=True))

    def objects(self, key: str, *, required: bool = True) -> list[Fields] | None:
        """An array of objects; a single object is accepted as a one-element array."""
        value = self._get(key, required)
        if value is None:
            return None
        items = [value] if isinstance(value, dict) else value
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SnapFailure.bad_format(self.name(key))
        if not items and required:
            raise SnapFailure.missing(self.name(key))
        return [Fields(item, f"{self.name(key)}[{n}].") for n, item in enumerate(items)]

    def amount(
        self,
        key: str,
        *,
        required: bool = True,
        minimum: Decimal = Decimal("0.00"),
        maximum: Decimal = Decimal("99999999999999.99"),
    ) -> Decimal | None:
        """A SNAP amount object: ``value`` ``"10000.00"`` and ``currency`` ``"IDR"``."""
        money = self.obj(key, required=required)
        if money is None:
            return None
        raw = money.need_text("value")
        if not AMOUNT_PATTERN.fullmatch(raw):
            raise SnapFailure.bad_format(money.name("value"))
        money.need_text("currency", choices=("IDR",))
        if money.data["currency"] != "IDR":
            raise SnapFailure.bad_format(money.name("currency"))
        try:
            value = Decimal(raw)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            raise SnapFailure.bad_format(money.name("value")) from None
        if value < minimum or value > maximum:
            raise SnapFailure.bad_format(money.name("value"))
        return value

    def need_amount(self, key: str, **kwargs: Any) -> Decimal:
        """A mandatory amount."""
        return _given(self.amount(key, required=True, **kwargs))

    def timestamp(self, key: str, *, required: bool = False) -> datetime | None:
        """An ISO-8601 timestamp field (with offset or ``Z``)."""
        value = self.text(key, required=required, max_len=40)
        if value is None:
            return None
        try:
            return parse_timestamp(value, require_offset=True)
        except InvalidTimestampError:
            raise SnapFailure.bad_format(self.name(key)) from None
