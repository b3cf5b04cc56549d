"""B2B access tokens: the exchange, the refresh decision, the cache and where it is kept.

* :mod:`bisnap.tokens.types` — :class:`AccessToken`, :class:`TokenKey` (data, no I/O);
* :mod:`bisnap.tokens.exchange` — build, send and parse the token request;
* :mod:`bisnap.tokens.refresh` — the pure fresh / refresh-early / must-refresh decision;
* :mod:`bisnap.tokens.flow` — the refresh written once, run by a sync and an async driver;
* :mod:`bisnap.tokens.manager` — :class:`TokenManager`, one credential's cached token;
* :mod:`bisnap.tokens.stores` — memory and Redis stores (also importable as
  :mod:`bisnap.token_stores`).
"""

from __future__ import annotations

from bisnap.tokens.exchange import (
    afetch_token,
    build_token_request,
    fetch_token,
    parse_token_response,
)
from bisnap.tokens.manager import TokenManager, aget_token, get_token
from bisnap.tokens.types import DEFAULT_LEEWAY, DEFAULT_LIFETIME, AccessToken, TokenKey

__all__ = [
    "DEFAULT_LEEWAY",
    "DEFAULT_LIFETIME",
    "AccessToken",
    "TokenKey",
    "TokenManager",
    "afetch_token",
    "aget_token",
    "build_token_request",
    "fetch_token",
    "get_token",
    "parse_token_response",
]
