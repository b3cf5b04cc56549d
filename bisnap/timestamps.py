"""SNAP timestamps: formatting for ``X-TIMESTAMP`` and lenient parsing of what gateways send.

A timestamp is signed byte for byte as it appears in ``X-TIMESTAMP``, so bisnap formats it once
and uses the same string for the header and the signature. The clock is injectable.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from bisnap.errors import InvalidTimestampError

__all__ = [
    "JAKARTA",
    "Clock",
    "TimestampStyle",
    "format_timestamp",
    "now_timestamp",
    "parse_timestamp",
    "system_clock",
]

JAKARTA = timezone(timedelta(hours=7), "WIB")
"""Western Indonesian Time, UTC+07:00 all year (no daylight saving)."""

Clock = Callable[[], datetime]
"""A callable returning the current time as a timezone-aware ``datetime``."""


def system_clock() -> datetime:
    """The real current time (UTC, timezone-aware)."""
    return datetime.now(timezone.utc)


class TimestampStyle(enum.Enum):
    """How ``X-TIMESTAMP`` is written."""

    JAKARTA = "jakarta"
    """``2024-03-15T10:35:00+07:00``: what the Midtrans docs require (the default)."""
    JAKARTA_MILLIS = "jakarta-millis"
    """``2024-03-15T10:35:00.123+07:00``: some SNAP gateways require milliseconds."""
    UTC_Z = "utc-z"
    """``2024-03-15T03:35:00Z``."""
    UTC_Z_MILLIS = "utc-z-millis"
    """``2024-03-15T03:35:00.123Z``: what the official Node and Java SDKs send."""


def _style(style: object) -> TimestampStyle:
    if isinstance(style, TimestampStyle):
        return style
    try:
        return TimestampStyle(style)
    except ValueError:
        choices = ", ".join(repr(member.value) for member in TimestampStyle)
        raise InvalidTimestampError(
            f"unknown timestamp style {style!r}; use a TimestampStyle ({choices})"
        ) from None


def format_timestamp(moment: datetime, style: TimestampStyle = TimestampStyle.JAKARTA) -> str:
    """Format an aware ``datetime`` in ``style``."""
    if not isinstance(moment, datetime):
        raise InvalidTimestampError(
            f"a timestamp to format must be a datetime, not {type(moment).__name__}"
        )
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidTimestampError("a timestamp to format must be timezone-aware")
    style = _style(style)
    jakarta = style in (TimestampStyle.JAKARTA, TimestampStyle.JAKARTA_MILLIS)
    try:
        local = moment.astimezone(JAKARTA if jakarta else timezone.utc)
    except OverflowError:
        raise InvalidTimestampError("the timestamp is outside the representable range") from None
    suffix = "+07:00" if jakarta else "Z"
    # Not strftime: "%Y" does not zero-pad years below 1000 on every platform.
    text = (
        f"{local.year:04d}-{local.month:02d}-{local.day:02d}"
        f"T{local.hour:02d}:{local.minute:02d}:{local.second:02d}"
    )
    if style in (TimestampStyle.JAKARTA_MILLIS, TimestampStyle.UTC_Z_MILLIS):
        text += f".{local.microsecond // 1000:03d}"
    return text + suffix


def now_timestamp(
    clock: Clock | None = None, style: TimestampStyle = TimestampStyle.JAKARTA
) -> str:
    """The current time from ``clock`` (default: the system clock) formatted in ``style``."""
    moment = (clock or system_clock)()
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise InvalidTimestampError("the clock must return a timezone-aware datetime")
    return format_timestamp(moment, style)


_ISO = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{2}:\d{2}:\d{2})"
    r"(?:[.,](?P<fraction>\d{1,9}))?"
    r"(?P<zone>Z|z|[+-]\d{2}:?\d{2})?",
    re.ASCII,
)
_COMPACT = re.compile(r"(?P<digits>\d{14})", re.ASCII)


def parse_timestamp(value: str, *, require_offset: bool = False) -> datetime:
    """Parse a SNAP timestamp into an aware ``datetime``.

    Accepts ``YYYY-MM-DDTHH:MM:SS`` with an optional fraction (up to 9 digits; precision beyond
    microseconds is dropped) and ``Z`` or a ``±HH:MM`` / ``±HHMM`` offset, plus the forms seen in
    gateway responses: a space for ``T``, no offset, and ``yyyyMMddHHmmss``. A value with no
    offset is read as Jakarta time, unless ``require_offset`` (as for a signed ``X-TIMESTAMP``),
    in which case it is rejected. Anything else raises InvalidTimestampError.
    """
    if not isinstance(value, str):
        raise InvalidTimestampError(f"a timestamp must be a str, not {type(value).__name__}")
    shown = value if len(value) <= 40 else value[:40] + "…"
    match = _ISO.fullmatch(value)
    try:
        if match:
            moment = datetime.strptime(f"{match['date']}T{match['time']}", "%Y-%m-%dT%H:%M:%S")
            if match["fraction"]:
                moment = moment.replace(microsecond=int(match["fraction"][:6].ljust(6, "0")))
            zone = match["zone"]
        else:
            compact = _COMPACT.fullmatch(value)
            if compact is None:
                raise ValueError("unrecognised form")
            moment = datetime.strptime(value, "%Y%m%d%H%M%S")
            zone = None
    except ValueError:
        raise InvalidTimestampError(
            f"{shown!r} is not an ISO-8601 timestamp such as 2024-03-15T10:35:00+07:00"
        ) from None
    if zone is None:
        if require_offset:
            raise InvalidTimestampError(f"{shown!r} has no timezone offset (+07:00 or Z)")
        return moment.replace(tzinfo=JAKARTA)
    if zone in ("Z", "z"):
        return moment.replace(tzinfo=timezone.utc)
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise InvalidTimestampError(f"{shown!r} has an impossible offset")
    offset = timedelta(hours=hours, minutes=minutes)
    return moment.replace(tzinfo=timezone(-offset if zone[0] == "-" else offset))
