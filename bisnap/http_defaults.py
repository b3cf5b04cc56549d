"""Timeouts and pool sizes every client starts from (httpx data only, no I/O)."""

from __future__ import annotations

import httpx

__all__ = ["DEFAULT_AIOHTTP_LIMITS", "DEFAULT_LIMITS", "DEFAULT_TIMEOUT"]

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=30.0, pool=10.0)
# Pool sizes come from the latency benchmark (bench/RESULTS.md, docs/guides/performance.md).
# httpx's own pool costs CPU per queued request times open connections, so past ~20
# connections it gets slower, not faster. aiohttp's pool does not: 100 connections carry 100
# calls in flight at 200 ms of gateway latency near the latency bound, and stay far below the
# connection counts at which a gateway's rate limiting starts refusing. Every pooled connection
# is kept alive: reopening connections under concurrency costs far more CPU than idle sockets.
DEFAULT_LIMITS = httpx.Limits(max_connections=20, max_keepalive_connections=20, keepalive_expiry=30)
DEFAULT_AIOHTTP_LIMITS = httpx.Limits(
    max_connections=100, max_keepalive_connections=100, keepalive_expiry=30
)
