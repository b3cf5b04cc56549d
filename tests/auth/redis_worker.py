"""A separate process asking for a token through a shared Redis store (spawned by the tests)."""

from __future__ import annotations

from typing import Any

import httpx

from bisnap.credentials import Credentials
from bisnap.gateways import MIDTRANS_SANDBOX
from bisnap.token_stores import RedisTokenStore
from bisnap.tokens import TokenManager


def get_token_in_process(
    redis_url: str, base_url: str, private_pem: bytes, barrier: Any, results: Any
) -> None:
    credentials = Credentials("G1234325-SNAP", "secret", private_pem, "G812345678", "12345")
    store = RedisTokenStore(redis_url)
    manager = TokenManager(credentials, MIDTRANS_SANDBOX.with_base_url(base_url), store=store)
    with httpx.Client(timeout=10) as client:
        barrier.wait(30)
        try:
            results.put(("ok", manager.get_token(client).value, manager.exchanges))
        except Exception as exc:  # reported to the test process
            results.put(("error", repr(exc), 0))
    store.close()
