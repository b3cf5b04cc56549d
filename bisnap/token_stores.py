"""Where access tokens are kept; the stores live in :mod:`bisnap.tokens.stores`.

This module keeps the import path ``bisnap.token_stores`` working.
"""

from __future__ import annotations

from bisnap.tokens.stores import MemoryTokenStore, RedisTokenStore, TokenStore

__all__ = ["MemoryTokenStore", "RedisTokenStore", "TokenStore"]
