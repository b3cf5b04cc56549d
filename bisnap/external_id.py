"""``X-EXTERNAL-ID`` generation: numeric, at most 36 characters, unique within a day."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

__all__ = ["EXTERNAL_ID_MAX_LENGTH", "ExternalIdFactory", "new_external_id"]

EXTERNAL_ID_MAX_LENGTH = 36

ExternalIdFactory = Callable[[], str]
"""A callable returning a fresh ``X-EXTERNAL-ID`` (pass one as ``external_id_factory``)."""

_RANDOM_DIGITS = 19
_RANDOM_BOUND = 10**_RANDOM_DIGITS


def new_external_id() -> str:
    """A new 32-digit numeric ``X-EXTERNAL-ID``.

    The first 13 digits are the Unix time in milliseconds, the last 19 come from the operating
    system's CSPRNG (:mod:`secrets`), so ids made in different processes or on different hosts
    need no coordination. Two ids can only collide when made in the same millisecond *and* their
    19 random digits match: for ``n`` ids made in one millisecond the chance of any collision is
    at most ``n * (n - 1) / 2 / 10**19`` (for 1,000 ids in one millisecond, below ``5e-14``), and
    ids from different milliseconds never collide. Numeric because Payouts requires it; 32
    characters because SNAP allows at most 36.
    """
    millis = time.time_ns() // 1_000_000
    return f"{millis:013d}{secrets.randbelow(_RANDOM_BOUND):0{_RANDOM_DIGITS}d}"
