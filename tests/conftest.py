"""Fixtures shared by the whole suite: keys, the asyncio backend, and the loopback Redis."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from bisnap.keys import GeneratedKeyPair, generate_key_pair

# No per-example deadline anywhere: a deadline is a timed assertion (speed targets live in
# bench/), and on a loaded machine it fails tests whose examples build keys or clients.
settings.register_profile("bisnap", deadline=None)
settings.load_profile("bisnap")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def merchant_keys() -> GeneratedKeyPair:
    """A merchant key pair, generated once per test session."""
    return generate_key_pair()


@pytest.fixture(scope="session")
def gateway_keys() -> GeneratedKeyPair:
    """The gateway's own key pair (signs notifications), generated once per test session."""
    return generate_key_pair()


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A loopback Redis URL with an empty database 0, or a skip when none is configured.

    ``.ci/run`` starts ``redis-server`` and sets ``BISNAP_TEST_REDIS_URL`` and
    ``BISNAP_REQUIRE_REDIS=1``, so in CI a missing Redis fails instead of skipping.
    """
    url = os.environ.get("BISNAP_TEST_REDIS_URL")
    if not url:
        if os.environ.get("BISNAP_REQUIRE_REDIS") == "1":
            pytest.fail("BISNAP_REQUIRE_REDIS=1 but BISNAP_TEST_REDIS_URL is not set")
        pytest.skip("no Redis configured (set BISNAP_TEST_REDIS_URL)")
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        if os.environ.get("BISNAP_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis at {url} is not reachable: {exc}")
        pytest.skip(f"Redis at {url} is not reachable")
    yield url
    client.flushdb()
    client.close()
