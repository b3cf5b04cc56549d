"""Where access tokens are kept: in memory (default) or in Redis, shared by processes.

A store holds at most one token per :class:`~bisnap.tokens.types.TokenKey` and offers a lock that
spans everything sharing the store: nothing for the in-memory store (the token manager's own
thread and coroutine locks already cover one process), a Redis lock for :class:`RedisTokenStore`
so that N processes sharing a credential make one exchange.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import anyio
import anyio.to_thread

from bisnap.durations import positive_seconds
from bisnap.errors import ConfigurationError, TransportError
from bisnap.log import logger
from bisnap.tokens.types import AccessToken, TokenKey

if TYPE_CHECKING:
    import redis

__all__ = ["MemoryTokenStore", "RedisTokenStore", "TokenStore"]


@runtime_checkable
class TokenStore(Protocol):
    """Storage for one token per key, with a lock shared by all users of the store."""

    def get(self, key: TokenKey) -> AccessToken | None: ...
    def set(self, key: TokenKey, token: AccessToken) -> None: ...
    def discard(self, key: TokenKey, token: AccessToken) -> None:
        """Remove the token under ``key`` only if it is still ``token``."""
        ...

    def lock(self, key: TokenKey, *, blocking: bool) -> contextlib.AbstractContextManager[bool]:
        """Hold the refresh lock for ``key``; yields whether it was obtained."""
        ...

    async def aget(self, key: TokenKey) -> AccessToken | None: ...
    async def aset(self, key: TokenKey, token: AccessToken) -> None: ...
    async def adiscard(self, key: TokenKey, token: AccessToken) -> None: ...
    def alock(
        self, key: TokenKey, *, blocking: bool
    ) -> contextlib.AbstractAsyncContextManager[bool]: ...


class MemoryTokenStore:
    """Tokens in this process's memory (the default). Thread-safe."""

    def __init__(self) -> None:
        self._tokens: dict[TokenKey, AccessToken] = {}
        self._guard = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryTokenStore({len(self._tokens)} token(s))"

    def get(self, key: TokenKey) -> AccessToken | None:
        with self._guard:
            return self._tokens.get(key)

    def set(self, key: TokenKey, token: AccessToken) -> None:
        with self._guard:
            self._tokens[key] = token

    def discard(self, key: TokenKey, token: AccessToken) -> None:
        with self._guard:
            if self._tokens.get(key) == token:
                del self._tokens[key]

    @contextlib.contextmanager
    def lock(self, key: TokenKey, *, blocking: bool) -> Iterator[bool]:
        # One process: the token manager's in-process locks are all that is needed.
        yield True

    async def aget(self, key: TokenKey) -> AccessToken | None:
        return self.get(key)

    async def aset(self, key: TokenKey, token: AccessToken) -> None:
        self.set(key, token)

    async def adiscard(self, key: TokenKey, token: AccessToken) -> None:
        self.discard(key, token)

    @contextlib.asynccontextmanager
    async def alock(self, key: TokenKey, *, blocking: bool) -> AsyncIterator[bool]:
        yield True


# Delete the key only if it still holds what we wrote (a lock we own, a token we saw).
_COMPARE_AND_DELETE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


def _encode(token: AccessToken) -> str:
    return json.dumps(
        {
            "value": token.value,
            "token_type": token.token_type,
            "expires_at": token.expires_at.isoformat(),
            "obtained_at": token.obtained_at.isoformat(),
        },
        separators=(",", ":"),
    )


def _decode(raw: bytes | str) -> AccessToken | None:
    try:
        data = json.loads(raw)
        return AccessToken(
            value=data["value"],
            token_type=data["token_type"],
            expires_at=datetime.fromisoformat(data["expires_at"]),
            obtained_at=datetime.fromisoformat(data["obtained_at"]),
        )
    except (ValueError, KeyError, TypeError):
        logger.warning("ignoring an unreadable token in the Redis token store")
        return None


class RedisTokenStore:
    """Tokens in Redis, shared by every process using the same Redis and ``prefix``.

    ``url_or_client`` is a ``redis://`` URL or a ``redis.Redis`` client (the ``bisnap[redis]``
    extra). Refreshes are serialized by a Redis lock (``SET NX PX`` with a random owner, freed
    by compare-and-delete) that expires after ``lock_ttl`` seconds if its holder dies; waiters
    poll every ``poll_interval`` seconds for at most ``wait_timeout`` seconds. Tokens are kept
    with a Redis TTL of their lifetime. Anyone who can read this Redis can read the tokens:
    use a Redis reachable only by the merchant's services.

    A Redis outage does not stop calls. The last token read or written is kept in process
    memory; while Redis cannot be reached (a connection error or timeout) that token is served
    as long as the token manager finds it usable, the lock is this process's own (so one
    caller per process exchanges when a refresh is due), and Redis is tried again at most every
    ``retry_interval`` seconds. One warning is logged when an outage starts and one line when it
    ends; a token obtained meanwhile is then written back unless Redis holds a later one. Other
    Redis errors (authentication, wrong type) still raise :class:`TransportError`. A client
    built from a URL gives up on a dead server quickly (2 s socket timeouts, one immediate
    retry); a client passed in keeps its own settings.
    """

    def __init__(
        self,
        url_or_client: str | redis.Redis,
        *,
        prefix: str = "bisnap:token:",
        lock_ttl: float = 30.0,
        wait_timeout: float = 35.0,
        poll_interval: float = 0.02,
        retry_interval: float = 1.0,
    ) -> None:
        try:
            import redis as redis_module
            from redis.backoff import NoBackoff
            from redis.retry import Retry
        except ImportError:
            raise ConfigurationError(
                "RedisTokenStore needs the redis package: pip install 'bisnap[redis]'",
                field="token_store",
            ) from None
        if isinstance(url_or_client, str):
            try:
                self._client: redis.Redis = redis_module.Redis.from_url(
                    url_or_client,
                    socket_connect_timeout=2.0,
                    socket_timeout=2.0,
                    retry=Retry(NoBackoff(), 1),
                )
            except ValueError as exc:
                raise ConfigurationError(f"invalid Redis URL: {exc}", field="token_store") from None
        elif isinstance(url_or_client, redis_module.Redis):
            self._client = url_or_client
        else:
            raise ConfigurationError(
                "RedisTokenStore needs a redis:// URL or a redis.Redis client", field="token_store"
            )
        self.lock_ttl = positive_seconds(lock_ttl, field="token_store", what="lock_ttl")
        self.wait_timeout = positive_seconds(wait_timeout, field="token_store", what="wait_timeout")
        self.poll_interval = positive_seconds(
            poll_interval, field="token_store", what="poll_interval"
        )
        self.retry_interval = positive_seconds(
            retry_interval, field="token_store", what="retry_interval"
        )
        self._redis_error: type[Exception] = redis_module.RedisError
        self._unreachable: tuple[type[Exception], ...] = (
            redis_module.ConnectionError,
            redis_module.TimeoutError,
        )
        self.prefix = prefix
        self._delete_if = self._client.register_script(_COMPARE_AND_DELETE)
        self._guard = threading.Lock()
        self._local: dict[TokenKey, AccessToken] = {}
        self._unsaved: set[TokenKey] = set()  # obtained while Redis was unreachable
        self._down_since: float | None = None
        self._next_try = 0.0

    def __repr__(self) -> str:
        return f"RedisTokenStore(prefix={self.prefix!r})"

    def _key(self, key: TokenKey) -> str:
        return f"{self.prefix}{key.base_url}|{key.client_id}"

    # -- reaching Redis, and living without it --

    @property
    def reachable(self) -> bool:
        """False while an outage is in progress (since the last failed attempt)."""
        with self._guard:
            return self._down_since is None

    def _may_try(self) -> bool:
        """Whether to send a command now: always when up; once per retry interval when down."""
        with self._guard:
            if self._down_since is None:
                return True
            now = time.monotonic()
            if now < self._next_try:
                return False
            self._next_try = now + self.retry_interval  # this caller probes; others wait
            return True

    def _went_down(self, what: str, exc: Exception) -> None:
        with self._guard:
            self._next_try = time.monotonic() + self.retry_interval
            if self._down_since is not None:
                return
            self._down_since = time.monotonic()
        logger.warning(
            "the Redis token store is unreachable (%s while trying to %s); serving "
            "tokens from this process's memory until it is back",
            type(exc).__name__,
            what,
        )

    def _came_back(self) -> None:
        with self._guard:
            if self._down_since is None:
                return
            outage = time.monotonic() - self._down_since
            self._down_since = None
            unsaved = {key: self._local[key] for key in self._unsaved if key in self._local}
            self._unsaved.clear()
        written = sum(self._write_back(key, token) for key, token in unsaved.items())
        logger.warning(
            "the Redis token store is reachable again after %.1f s; %d token(s) written back",
            outage,
            written,
        )

    def _write_back(self, key: TokenKey, token: AccessToken) -> bool:
        """Store ``token`` unless Redis already holds one that lasts at least as long."""
        reached, raw = self._attempt("read a token", self._client.get, self._key(key))
        current = _decode(raw) if reached and raw is not None else None
        if not reached or (current is not None and current.expires_at >= token.expires_at):
            return False
        ttl_ms = max(1000, int(token.lifetime * 1000))
        stored, _ = self._attempt(
            "store a token", self._client.set, self._key(key), _encode(token), px=ttl_ms
        )
        return stored

    def _attempt(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> tuple[bool, Any]:
        """``(True, result)``, or ``(False, None)`` when Redis is unreachable (an outage)."""
        if not self._may_try():
            return False, None
        try:
            if not self.reachable:
                self._client.ping()  # back? then write back first, so ``fn`` sees the tokens
                self._came_back()
            return True, fn(*args, **kwargs)
        except self._unreachable as exc:
            self._went_down(what, exc)
            return False, None
        except self._redis_error as exc:
            raise TransportError(
                f"the Redis token store failed to {what} ({type(exc).__name__})"
            ) from None

    # -- the store --

    def get(self, key: TokenKey) -> AccessToken | None:
        reached, raw = self._attempt("read a token", self._client.get, self._key(key))
        with self._guard:
            if not reached:
                return self._local.get(key)
            token = None if raw is None else _decode(raw)
            if token is None:
                self._local.pop(key, None)
            else:
                self._local[key] = token
            return token

    def set(self, key: TokenKey, token: AccessToken) -> None:
        with self._guard:
            self._local[key] = token
        ttl_ms = max(1000, int(token.lifetime * 1000))
        reached, _ = self._attempt(
            "store a token", self._client.set, self._key(key), _encode(token), px=ttl_ms
        )
        with self._guard:
            if reached:
                self._unsaved.discard(key)
            elif self._local.get(key) == token:
                self._unsaved.add(key)

    def discard(self, key: TokenKey, token: AccessToken) -> None:
        with self._guard:
            if self._local.get(key) == token:
                del self._local[key]
                self._unsaved.discard(key)
        # The exact stored JSON is compared, so a token another process wrote meanwhile stays.
        self._attempt("drop a token", self._delete_if, keys=[self._key(key)], args=[_encode(token)])

    def _try_lock(self, name: str, owner: str) -> bool | None:
        """True: taken; False: another holder has it; None: Redis is unreachable."""
        reached, taken = self._attempt(
            "take the refresh lock",
            self._client.set,
            name,
            owner,
            nx=True,
            px=int(self.lock_ttl * 1000),
        )
        return bool(taken) if reached else None

    def _unlock(self, name: str, owner: str) -> None:
        self._attempt("free the refresh lock", self._delete_if, keys=[name], args=[owner])

    @contextlib.contextmanager
    def lock(self, key: TokenKey, *, blocking: bool) -> Iterator[bool]:
        # Unreachable: the token manager's in-process locks are the only lock left, so one
        # caller per process goes ahead.
        name, owner = self._key(key) + ":lock", secrets.token_hex(16)
        taken = self._try_lock(name, owner)
        deadline = time.monotonic() + self.wait_timeout
        while taken is False and blocking and time.monotonic() < deadline:
            time.sleep(self.poll_interval)
            taken = self._try_lock(name, owner)
        try:
            yield taken is not False
        finally:
            if taken:
                self._unlock(name, owner)

    async def aget(self, key: TokenKey) -> AccessToken | None:
        return await anyio.to_thread.run_sync(self.get, key)

    async def aset(self, key: TokenKey, token: AccessToken) -> None:
        await anyio.to_thread.run_sync(self.set, key, token)

    async def adiscard(self, key: TokenKey, token: AccessToken) -> None:
        await anyio.to_thread.run_sync(self.discard, key, token)

    @contextlib.asynccontextmanager
    async def alock(self, key: TokenKey, *, blocking: bool) -> AsyncIterator[bool]:
        name, owner = self._key(key) + ":lock", secrets.token_hex(16)
        taken = await anyio.to_thread.run_sync(self._try_lock, name, owner)
        deadline = time.monotonic() + self.wait_timeout
        while taken is False and blocking and time.monotonic() < deadline:
            await anyio.sleep(self.poll_interval)
            taken = await anyio.to_thread.run_sync(self._try_lock, name, owner)
        try:
            yield taken is not False
        finally:
            if taken:
                await anyio.to_thread.run_sync(self._unlock, name, owner)

    def close(self) -> None:
        """Close the Redis connection pool."""
        self._client.close()
