"""The one rule for every duration bisnap accepts: a finite, positive number of seconds.

Timeouts, tolerance windows and lock timings all pass through :func:`positive_seconds`, so
``math.inf``, ``math.nan``, zero and negative values are refused the same way everywhere.
"""

from __future__ import annotations

import math
from datetime import timedelta

from bisnap.errors import ConfigurationError

__all__ = ["positive_seconds"]


def positive_seconds(value: object, *, field: str, what: str | None = None) -> float:
    """``value`` (seconds as int or float, or a timedelta) as float seconds.

    Raises :class:`ConfigurationError` naming ``field`` unless it is finite and positive.
    """
    name = what or field
    seconds = value.total_seconds() if isinstance(value, timedelta) else value
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise ConfigurationError(
            f"{name} must be a number of seconds, not {type(value).__name__}", field=field
        )
    result = float(seconds)
    if not math.isfinite(result) or result <= 0:
        raise ConfigurationError(
            f"{name} must be a finite, positive number of seconds (got {result!r})", field=field
        )
    return result
