"""Fixtures shared by the whole suite: keys, the asyncio backend, and the loopback Redis."""

from __future__ import annotations

import atexit
import gc
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import settings

import bisnap
from bisnap.keys import GeneratedKeyPair, generate_key_pair
from tests import bytecode_cache

# No per-example deadline anywhere: a deadline is a timed assertion (speed targets live in
# bench/), and on a loaded machine it fails tests whose examples build keys or clients.
settings.register_profile("bisnap", deadline=None)
settings.load_profile("bisnap")


_WRITTEN = pytest.StashKey[list[Path]]()


def pytest_configure(config: pytest.Config) -> None:
    tests = Path(__file__).parent
    packages = [Path(bisnap.__file__).parent, tests.parent / "bench"]
    config.stash[_WRITTEN] = bytecode_cache.write_for_run(config, tests, packages)


def pytest_unconfigure(config: pytest.Config) -> None:
    bytecode_cache.remove(config.stash.get(_WRITTEN, []))


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto`` (pyproject's addopts): two workers more than there are cores, since many
    tests wait on sockets, timers or child processes; at most 4, each with a Redis database of
    its own. (On two cores, back to back: 3 workers 48.4 s and 45.0 s, 4 workers 44.8 s and
    42.9 s, 5 workers 47.9 s.)"""
    return min(4, (os.cpu_count() or 1) + 2)


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


def worker_redis_url(url: str, worker: str | None) -> str:
    """``url`` with its database moved up by the pytest-xdist worker's number (``gw1`` -> +1),
    so parallel workers never see or flush each other's keys."""
    if not worker or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    database = int(parts.path.lstrip("/") or "0") + int(worker[2:])
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A loopback Redis URL with an empty database, or a skip when none is configured.

    The database is the one of ``BISNAP_TEST_REDIS_URL`` (0 when it names none), plus the
    pytest-xdist worker's number. ``.ci/run`` starts ``redis-server`` and sets
    ``BISNAP_TEST_REDIS_URL`` and ``BISNAP_REQUIRE_REDIS=1``, so in CI a missing Redis fails
    instead of skipping.
    """
    configured = os.environ.get("BISNAP_TEST_REDIS_URL")
    if not configured:
        if os.environ.get("BISNAP_REQUIRE_REDIS") == "1":
            pytest.fail("BISNAP_REQUIRE_REDIS=1 but BISNAP_TEST_REDIS_URL is not set")
        pytest.skip("no Redis configured (set BISNAP_TEST_REDIS_URL)")
    url = worker_redis_url(configured, os.environ.get("PYTEST_XDIST_WORKER"))
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` run first, so that no worker is left running one at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


# Registered first, so it runs last: by then pytest has collected the garbage it checks for
# unraisable exceptions, and the interpreter's final collection need not walk the whole heap
# again (about a second per worker, the tail of every run).
atexit.register(gc.freeze)
