"""What a token is and what it is cached under; no I/O, no HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

__all__ = ["DEFAULT_LEEWAY", "DEFAULT_LIFETIME", "AccessToken", "TokenKey"]

DEFAULT_LEEWAY = 60.0
"""Seconds before expiry from which a token is no longer used (the mandatory window)."""
DEFAULT_LIFETIME = 900
"""The lifetime assumed when a successful answer has no ``expiresIn`` (Midtrans: 900 s)."""


@dataclass(frozen=True)
class AccessToken:
    """A B2B access token. ``value`` is never shown by ``repr`` or ``str``."""

    value: str = field(repr=False)
    token_type: str
    expires_at: datetime
    obtained_at: datetime

    @property
    def lifetime(self) -> float:
        """Seconds between obtaining the token and its expiry."""
        return (self.expires_at - self.obtained_at).total_seconds()

    def expires_in(self, now: datetime) -> float:
        """Seconds left at ``now`` (negative once expired)."""
        return (self.expires_at - now).total_seconds()

    def authorization(self) -> str:
        """The ``Authorization`` header value."""
        return f"Bearer {self.value}"

    def __str__(self) -> str:
        return repr(self)


class TokenKey(NamedTuple):
    """What a token is cached under: tokens are shared by everything with the same key."""

    base_url: str
    client_id: str
