"""An httpx transport that sends through aiohttp (``pip install "bisnap[aiohttp]"``).

Chosen with ``AsyncSnapClient(..., backend="aiohttp")`` (or ``create_async_client``). It keeps
every guarantee of the default transport:

* TLS: the verifying context from :func:`bisnap.transport.ssl_context` (same ``ca_bundle``
  options), no way to turn verification off.
* Timeouts per phase, from the request's httpx timeout: ``pool`` + ``connect`` bound getting a
  connection, ``connect`` the TCP and TLS set-up, ``read`` every read; aiohttp has no write
  timer, so a total of all four phases bounds the whole exchange and a stalled write ends too.
* Proxies: taken from the environment (``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY``,
  ``NO_PROXY``) when the transport is made, as httpx's default transport does.
* Pool limits: ``max_connections`` of the :class:`httpx.Limits` caps open connections,
  ``keepalive_expiry`` how long an idle one is kept (aiohttp keeps every idle connection, so
  ``max_keepalive_connections`` has no separate effect).
* Errors map to httpx's so that a request that may have been sent is never reported as never
  sent: only a failure to get or open a connection becomes ``ConnectError`` /
  ``ConnectTimeout``; a disconnect, reset or timeout after that is ``RemoteProtocolError``,
  ``ReadError`` or ``ReadTimeout``, on which bisnap never resends a payment by itself.

Responses are read whole inside the transport (SNAP answers are small), so a body cut off
mid-way surfaces here, mapped like any other failure after sending.
"""

from __future__ import annotations

import asyncio
import ssl
import urllib.request
from typing import Any, NoReturn

import httpx

from bisnap.connection_security import require_verifying_context
from bisnap.errors import ConfigurationError
from bisnap.http_defaults import DEFAULT_LIMITS, DEFAULT_TIMEOUT

try:
    import aiohttp
    import yarl
except ImportError:  # pragma: no cover - depends on the installed extras
    raise ConfigurationError(
        'backend="aiohttp" needs aiohttp: pip install "bisnap[aiohttp]"', field="backend"
    ) from None

__all__ = ["AiohttpTransport", "map_aiohttp_error"]


def _phase(timeouts: dict[str, Any], name: str) -> float:
    """One phase's timeout from the request (httpx puts the client's there); never None."""
    value = timeouts.get(name)
    return float(getattr(DEFAULT_TIMEOUT, name)) if value is None else float(value)


def map_aiohttp_error(error: BaseException, request: httpx.Request) -> NoReturn:
    """Raise the httpx error that says as much as is known about ``error``.

    Never sent: the pool or the connection could not be had (``ConnectTimeout``,
    ``ConnectError``, TLS failures included). Everything else may have reached the server.
    """
    message = f"{type(error).__name__}: {error}"
    if isinstance(error, aiohttp.ConnectionTimeoutError):
        raise httpx.ConnectTimeout(message, request=request) from error
    if isinstance(error, aiohttp.ClientConnectorError):  # DNS, refused, TLS verification
        raise httpx.ConnectError(message, request=request) from error
    if isinstance(error, (aiohttp.ServerTimeoutError, asyncio.TimeoutError, TimeoutError)):
        raise httpx.ReadTimeout(message, request=request) from error
    if isinstance(error, (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError)):
        raise httpx.RemoteProtocolError(message, request=request) from error
    if isinstance(error, aiohttp.ClientResponseError):  # a malformed answer
        raise httpx.RemoteProtocolError(message, request=request) from error
    if isinstance(error, (aiohttp.ClientConnectionError, OSError)):
        raise httpx.ReadError(message, request=request) from error
    raise httpx.TransportError(message, request=request) from error


def _bypassed(host: str, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` names ``host``: ``*``, the host itself, or a domain it is in."""
    host = host.lower().strip("[]")
    for entry in (part.strip().lower() for part in no_proxy.split(",")):
        domain = entry.lstrip(".").strip("[]")
        if entry == "*" or (domain and (host == domain or host.endswith("." + domain))):
            return True
    return False


class AiohttpTransport(httpx.AsyncBaseTransport):
    """Sends httpx requests over an aiohttp connection pool (one per transport).

    ``ssl_context`` must verify certificates and host names; ``limits`` caps the pool. The
    aiohttp session is opened on first use inside the running event loop and closed by
    :meth:`aclose` (``AsyncSnapClient.aclose`` calls it).
    """

    def __init__(self, *, ssl_context: ssl.SSLContext, limits: httpx.Limits) -> None:
        self._ssl = require_verifying_context(ssl_context)
        self._limits = limits
        self._proxies = {k: v for k, v in urllib.request.getproxies().items() if v}
        self._session: aiohttp.ClientSession | None = None

    @property
    def limits(self) -> httpx.Limits:
        return self._limits

    def proxy_for(self, url: httpx.URL) -> str | None:
        """The proxy the environment names for ``url`` (None: connect directly)."""
        proxy = self._proxies.get(url.scheme) or self._proxies.get("all")
        if proxy is None or _bypassed(url.host, self._proxies.get("no", "")):
            return None
        return proxy if "://" in proxy else f"http://{proxy}"

    def _open(self) -> aiohttp.ClientSession:
        limits = self._limits
        expiry = limits.keepalive_expiry
        connector = aiohttp.TCPConnector(
            ssl=self._ssl,
            limit=limits.max_connections or 0,
            limit_per_host=0,
            keepalive_timeout=DEFAULT_LIMITS.keepalive_expiry if expiry is None else expiry,
        )
        return aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),  # httpx sends the Cookie header itself
            auto_decompress=False,  # httpx decodes Content-Encoding
            trust_env=False,
            skip_auto_headers=("User-Agent", "Accept-Encoding", "Accept", "Content-Type"),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._session is None:
            self._session = self._open()
        timeouts: dict[str, Any] = request.extensions.get("timeout") or {}
        connect, pool = _phase(timeouts, "connect"), _phase(timeouts, "pool")
        read, write = _phase(timeouts, "read"), _phase(timeouts, "write")
        timeout = aiohttp.ClientTimeout(
            total=connect + pool + write + read,
            connect=connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        body = await request.aread()
        headers = [
            (name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw
        ]
        # Sent exactly as httpx encoded it: the path is part of the SNAP signature.
        url = yarl.URL(str(request.url), encoded=True)
        try:
            async with self._session.request(
                request.method,
                url,
                data=body or None,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
                proxy=self.proxy_for(request.url),
                compress=None,
                chunked=None,
            ) as answer:
                content = await answer.read()
                status = answer.status
                raw_headers = list(answer.raw_headers)
                version = answer.version
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            map_aiohttp_error(exc, request)
        http_version = f"HTTP/{version.major}.{version.minor}" if version else "HTTP/1.1"
        return httpx.Response(
            status,
            headers=raw_headers,
            content=content,
            request=request,
            extensions={"http_version": http_version.encode("ascii")},
        )

    async def aclose(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()
