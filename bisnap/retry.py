"""When and how long to wait before retrying a read-only call.

Only calls that cannot change anything (status, query, inquiry) are retried automatically, on
connection failures, timeouts, 5xx and 429, with capped exponential backoff and full jitter.
A call that may move money is never resent automatically (see
:class:`bisnap.errors.OutcomeUnknownError`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["RetryPolicy", "parse_retry_after"]


def _uniform() -> float:
    return random.random()


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff for automatic retries of read-only calls.

    Attempt ``n`` (1-based, the first retry is attempt 2) waits a random time in
    ``[0, min(max_delay, base_delay * 2 ** (n - 2))]`` ("full jitter"). A ``Retry-After``
    answer is honoured up to ``max_delay``. ``max_attempts`` counts the first try;
    ``max_attempts=1`` disables retries. ``random`` returns a float in ``[0, 1)`` (injectable
    for tests).
    """

    max_attempts: int = 3
    base_delay: float = 0.25
    max_delay: float = 4.0
    random: Callable[[], float] = field(default=_uniform, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        delays = (self.base_delay, self.max_delay)
        if not all(math.isfinite(d) and d >= 0 for d in delays):
            raise ValueError("delays must be finite and not negative")

    def can_retry(self, attempt: int) -> bool:
        """Whether another try may follow try number ``attempt`` (1-based)."""
        return attempt < self.max_attempts

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait before the try after try number ``attempt``."""
        if retry_after is not None and retry_after >= 0:
            return min(retry_after, self.max_delay)
        ceiling = min(self.max_delay, self.base_delay * (2.0 ** max(attempt - 1, 0)))
        fraction = float(self.random())
        return ceiling * min(max(fraction, 0.0), 1.0)


NO_RETRY = RetryPolicy(max_attempts=1)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header given in seconds; None if absent or a date."""
    if value is None:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
