"""Where access tokens are kept: in memory (default) or in Redis, shared by processes.

A store holds at most one token per :class:`~bisnap.tokens.TokenKey` and offers a lock that
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

from bisnap.errors import ConfigurationError, TransportError
from bisnap.tokens import AccessToken, TokenKey
from bisnap.transport import logger

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
    """

    def __init__(
        self,
        url_or_client: str | redis.Redis,
        *,
        prefix: str = "bisnap:token:",
        lock_ttl: float = 30.0,
        wait_timeout: float = 35.0,
        poll_interval: float = 0.02,
    ) -> None:
        try:
            import redis as redis_module
        except ImportError:
            raise ConfigurationError(
                "RedisTokenStore needs the redis package: pip install 'bisnap[redis]'",
                field="token_store",
            ) from None
        if isinstance(url_or_client, str):
            try:
                self._client: redis.Redis = redis_module.Redis.from_url(url_or_client)
            except ValueError as exc:
                raise ConfigurationError(f"invalid Redis URL: {exc}", field="token_store") from None
        elif isinstance(url_or_client, redis_module.Redis):
            self._client = url_or_client
        else:
            raise ConfigurationError(
                "RedisTokenStore needs a redis:// URL or a redis.Redis client", field="token_store"
            )
        if lock_ttl <= 0 or wait_timeout <= 0 or poll_interval <= 0:
            raise ConfigurationError("Redis lock timings must be positive", field="token_store")
        self._redis_error: type[Exception] = redis_module.RedisError
        self.prefix = prefix
        self.lock_ttl = lock_ttl
        self.wait_timeout = wait_timeout
        self.poll_interval = poll_interval
        self._delete_if = self._client.register_script(_COMPARE_AND_DELETE)

    def __repr__(self) -> str:
        return f"RedisTokenStore(prefix={self.prefix!r})"

    def _key(self, key: TokenKey) -> str:
        return f"{self.prefix}{key.base_url}|{key.client_id}"

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except self._redis_error as exc:
            raise TransportError(
                f"the Redis token store failed to {what} ({type(exc).__name__})"
            ) from None

    def get(self, key: TokenKey) -> AccessToken | None:
        raw = self._call("read a token", self._client.get, self._key(key))
        return None if raw is None else _decode(raw)

    def set(self, key: TokenKey, token: AccessToken) -> None:
        ttl_ms = max(1000, int(token.lifetime * 1000))
        self._call("store a token", self._client.set, self._key(key), _encode(token), px=ttl_ms)

    def discard(self, key: TokenKey, token: AccessToken) -> None:
        # The exact stored JSON is compared, so a token another process wrote meanwhile stays.
        self._call("drop a token", self._delete_if, keys=[self._key(key)], args=[_encode(token)])

    def _try_lock(self, name: str, owner: str) -> bool:
        return bool(
            self._call(
                "take the refresh lock",
                self._client.set,
                name,
                owner,
                nx=True,
                px=int(self.lock_ttl * 1000),
            )
        )

    def _unlock(self, name: str, owner: str) -> None:
        self._call("free the refresh lock", self._delete_if, keys=[name], args=[owner])

    @contextlib.contextmanager
    def lock(self, key: TokenKey, *, blocking: bool) -> Iterator[bool]:
        name, owner = self._key(key) + ":lock", secrets.token_hex(16)
        held = self._try_lock(name, owner)
        deadline = time.monotonic() + self.wait_timeout
        while not held and blocking and time.monotonic() < deadline:
            time.sleep(self.poll_interval)
            held = self._try_lock(name, owner)
        try:
            yield held
        finally:
            if held:
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
        held = await anyio.to_thread.run_sync(self._try_lock, name, owner)
        deadline = time.monotonic() + self.wait_timeout
        while not held and blocking and time.monotonic() < deadline:
            await anyio.sleep(self.poll_interval)
            held = await anyio.to_thread.run_sync(self._try_lock, name, owner)
        try:
            yield held
        finally:
            if held:
                await anyio.to_thread.run_sync(self._unlock, name, owner)

    def close(self) -> None:
        """Close the Redis connection pool."""
        self._client.close()
