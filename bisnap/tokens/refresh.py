"""When to refresh a token: one pure decision, like botocore's ``RefreshableCredentials``.

* ``FRESH``: before the *advisory* window, the token is used as is;
* ``ADVISORY``: in the advisory window (default 120 s before expiry) one caller refreshes while
  every other caller goes on with the still-valid token;
* ``MANDATORY``: in the *mandatory* window (``leeway``, default 60 s before expiry), or with no
  token, callers wait for one refresh.

For short-lived tokens both windows shrink to at most a quarter and a half of the token's
lifetime, so a token is always used for a while.
"""

from __future__ import annotations

import enum
from datetime import datetime

from bisnap.tokens.types import AccessToken

__all__ = ["Freshness", "freshness"]


class Freshness(enum.Enum):
    """Where a token stands relative to the refresh windows."""

    FRESH = "fresh"
    ADVISORY = "advisory"
    MANDATORY = "mandatory"


def freshness(
    token: AccessToken | None, now: datetime, *, leeway: float, advisory_leeway: float
) -> Freshness:
    """Whether ``token`` is fresh, should be refreshed early, or must be refreshed at ``now``."""
    if token is None:
        return Freshness.MANDATORY
    lifetime = max(token.lifetime, 0.0)
    left = token.expires_in(now)
    if left <= min(leeway, lifetime / 4):
        return Freshness.MANDATORY
    if left <= min(advisory_leeway, lifetime / 2):
        return Freshness.ADVISORY
    return Freshness.FRESH
