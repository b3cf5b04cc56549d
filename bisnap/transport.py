"""httpx client defaults for talking to a gateway, and the redacting ``bisnap`` logger.

TLS verification is always on (a custom CA bundle may be given; a supplied transport that does
not verify is refused), plain http goes only to loopback unless explicitly allowed, connect,
read, write and pool timeouts are always set and finite, and connections are pooled.
Cookies a gateway sets are ignored (a SNAP call is authenticated by its headers alone, and
reading every answer's cookies costs more than signing it). The
``bisnap`` logger never shows ``Authorization``, ``Authorization-Customer``, ``X-SIGNATURE`` or
another secret-bearing header, nor any body.
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import os
import ssl
from collections.abc import Mapping
from typing import Any, Literal

import httpx
from typing_extensions import TypedDict, Unpack

from bisnap.connection_security import check_connection_security, require_verifying_context
from bisnap.durations import positive_seconds
from bisnap.errors import ConfigurationError
from bisnap.gateways import MIDTRANS_SANDBOX, GatewayProfile
from bisnap.http_defaults import DEFAULT_AIOHTTP_LIMITS, DEFAULT_LIMITS, DEFAULT_TIMEOUT
from bisnap.log import REDACTED, SENSITIVE_HEADERS, RedactingFilter, logger, redact_text

__all__ = [
    "BACKENDS",
    "DEFAULT_AIOHTTP_LIMITS",
    "DEFAULT_LIMITS",
    "DEFAULT_TIMEOUT",
    "REDACTED",
    "SENSITIVE_HEADERS",
    "ConnectionOptions",
    "RedactingFilter",
    "create_async_client",
    "create_client",
    "logger",
    "pool_limits",
    "redact_headers",
    "redact_text",
    "shared_ssl_context",
    "ssl_context",
    "validate_timeout",
]


Backend = Literal["httpx", "aiohttp"]
BACKENDS: tuple[Backend, ...] = ("httpx", "aiohttp")
"""What sends the async client's requests: httpx's own pool, or aiohttp (``bisnap[aiohttp]``)."""


def redact_headers(headers: Mapping[str, str] | httpx.Headers) -> dict[str, str]:
    """A copy of ``headers`` with every secret-bearing value replaced by ``[redacted]``."""
    items = headers.multi_items() if isinstance(headers, httpx.Headers) else headers.items()
    return {name: REDACTED if name.lower() in SENSITIVE_HEADERS else value for name, value in items}


def ssl_context(ca_bundle: str | os.PathLike[str] | ssl.SSLContext | None = None) -> ssl.SSLContext:
    """A verifying TLS context: the system trust store, or ``ca_bundle`` (a PEM file)."""
    if isinstance(ca_bundle, ssl.SSLContext):
        return require_verifying_context(ca_bundle)
    try:
        context = ssl.create_default_context(
            cafile=None if ca_bundle is None else os.fspath(ca_bundle)
        )
    except (OSError, ssl.SSLError) as exc:
        raise ConfigurationError(
            f"the CA bundle could not be loaded: {exc.__class__.__name__}", field="ca_bundle"
        ) from None
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


@functools.lru_cache(maxsize=8)
def _shared_context(
    cafile: str | None, environment: tuple[str | None, str | None], stamp: tuple[int, int] | None
) -> ssl.SSLContext:
    # ``environment`` and ``stamp`` only key the cache: a changed SSL_CERT_* variable or
    # CA file gives a new context.
    return ssl_context(cafile)


def shared_ssl_context(
    ca_bundle: str | os.PathLike[str] | ssl.SSLContext | None = None,
) -> ssl.SSLContext:
    """The TLS context the clients and the emulator's notifier use: a caller's
    :class:`ssl.SSLContext` as given (checked to verify), else one verifying context shared by
    every client with the same CA settings.

    Building a context reads the whole trust store (about 0.1 s), so it is built once per
    CA file (path, size, modification time) and ``SSL_CERT_FILE``/``SSL_CERT_DIR`` values.
    """
    if isinstance(ca_bundle, ssl.SSLContext):
        return ssl_context(ca_bundle)
    cafile = None if ca_bundle is None else os.path.abspath(os.fspath(ca_bundle))
    stamp = None
    if cafile is not None:
        try:
            status = os.stat(cafile)
        except OSError:
            return ssl_context(cafile)  # raises the ConfigurationError naming the problem
        stamp = (status.st_mtime_ns, status.st_size)
    environment = (os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
    return _shared_context(cafile, environment, stamp)


def validate_timeout(timeout: httpx.Timeout | float | None) -> httpx.Timeout:
    """An :class:`httpx.Timeout` with every phase finite and positive (``None``: the defaults).

    The one check for every place a timeout is accepted: client constructors, per-call
    ``timeout=``, numbers and :class:`httpx.Timeout` objects. ``math.inf``, ``math.nan``, zero,
    negative numbers and unset phases raise :class:`ConfigurationError` (field ``timeout``).
    """
    if timeout is None:
        return DEFAULT_TIMEOUT
    if isinstance(timeout, httpx.Timeout):
        phases: dict[str, float] = {}
        for phase in ("connect", "read", "write", "pool"):
            value = getattr(timeout, phase)
            if value is None:
                raise ConfigurationError(
                    f"the {phase} timeout must be set to a finite, positive number of seconds",
                    field="timeout",
                )
            phases[phase] = positive_seconds(value, field="timeout", what=f"the {phase} timeout")
        return httpx.Timeout(**phases)
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        return httpx.Timeout(positive_seconds(timeout, field="timeout"))
    raise ConfigurationError(
        f"timeout must be a number or an httpx.Timeout, not {type(timeout).__name__}",
        field="timeout",
    )


def pool_limits(limits: httpx.Limits | int | None, backend: Backend = "httpx") -> httpx.Limits:
    """The pool limits to use: an :class:`httpx.Limits`, a connection count, or the defaults
    for ``backend`` (:data:`DEFAULT_LIMITS`, :data:`DEFAULT_AIOHTTP_LIMITS`).

    A count keeps every connection alive (``max_keepalive_connections`` equal to it).
    """
    if limits is None:
        return DEFAULT_AIOHTTP_LIMITS if backend == "aiohttp" else DEFAULT_LIMITS
    if isinstance(limits, int) and not isinstance(limits, bool):
        if limits < 1:
            raise ConfigurationError("limits must allow at least 1 connection", field="limits")
        return httpx.Limits(
            max_connections=limits,
            max_keepalive_connections=limits,
            keepalive_expiry=DEFAULT_LIMITS.keepalive_expiry,
        )
    if not isinstance(limits, httpx.Limits):
        raise ConfigurationError(
            "limits must be a connection count or an httpx.Limits", field="limits"
        )
    if limits.max_connections is None or limits.max_connections < 1:
        raise ConfigurationError(
            "limits.max_connections must be a positive number (an unbounded pool can flood "
            "the gateway)",
            field="limits",
        )
    return limits


def _log_request(request: httpx.Request) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "-> %s %s headers=%s",
            request.method,
            request.url.copy_with(query=None),
            redact_headers(request.headers),
        )


def _log_response(response: httpx.Response) -> None:
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "<- HTTP %d %s %s",
            response.status_code,
            response.request.method,
            response.request.url.copy_with(query=None),
        )


async def _alog_request(request: httpx.Request) -> None:
    _log_request(request)


async def _alog_response(response: httpx.Response) -> None:
    _log_response(response)


def _user_agent() -> str:
    try:
        return f"bisnap/{importlib.metadata.version('bisnap')}"
    except importlib.metadata.PackageNotFoundError:
        return "bisnap"


class ConnectionOptions(TypedDict, total=False):
    """How bisnap connects to a gateway: keyword options of :func:`create_client`,
    :func:`create_async_client` and both clients (each optional)."""

    timeout: httpx.Timeout | float | None
    """Seconds or an :class:`httpx.Timeout`, finite and positive in every phase (never
    unlimited); default :data:`DEFAULT_TIMEOUT` (10 s connect, 30 s otherwise)."""
    limits: httpx.Limits | int | None
    """The connection pool's size: a connection count (all kept alive) or an
    :class:`httpx.Limits`; default :data:`DEFAULT_LIMITS` (20), or
    :data:`DEFAULT_AIOHTTP_LIMITS` (100) on aiohttp. Not with a ``transport``, which brings
    its own pool."""
    ca_bundle: str | os.PathLike[str] | ssl.SSLContext | None
    """A CA bundle (PEM file) to trust instead of the system store, or a verifying
    :class:`ssl.SSLContext`. TLS verification cannot be turned off."""
    allow_insecure_http: bool
    """Allow plain ``http://`` to a host that is not loopback (default False), loudly."""
    allow_unverified_tls: bool
    """Allow a supplied ``transport`` that does not verify TLS (default False; for tests)."""


def _checked_options(
    builder: str,
    profile: GatewayProfile,
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None,
    headers: Mapping[str, str] | None,
    backend: Backend,
    connection: ConnectionOptions,
) -> dict[str, Any]:
    """The httpx client keywords both builders share, after every check they share."""
    unknown = sorted(connection.keys() - ConnectionOptions.__optional_keys__)
    if unknown:
        raise TypeError(f"{builder}() got an unexpected keyword argument {unknown[0]!r}")
    if backend not in BACKENDS:
        raise ConfigurationError(
            f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}", field="backend"
        )
    check_connection_security(
        profile.base_url,
        transport,
        allow_insecure_http=connection.get("allow_insecure_http", False),
        allow_unverified_tls=connection.get("allow_unverified_tls", False),
    )
    limits = connection.get("limits")
    if transport is not None and limits is not None:
        raise ConfigurationError(
            "limits= sizes bisnap's own connection pool; a transport= brings its own pool, "
            "so set the limits on that transport",
            field="limits",
        )
    return {
        "base_url": profile.base_url,
        "verify": shared_ssl_context(connection.get("ca_bundle")),
        "timeout": validate_timeout(connection.get("timeout")),
        "limits": pool_limits(limits, backend),
        "headers": {"User-Agent": _user_agent(), "Accept": "application/json", **(headers or {})},
        "follow_redirects": False,
    }


class _IgnoredCookies(httpx.Cookies):
    """Cookies that answers never add to: ``Set-Cookie`` is not read."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class _IgnoresCookies:
    """Mixed into the httpx clients: the cookie store never takes cookies from answers."""

    _ignored_cookies: httpx.Cookies

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.cookies = None  # httpx's __init__ fills its own store, not this property

    @property
    def cookies(self) -> httpx.Cookies:
        return self._ignored_cookies

    @cookies.setter
    def cookies(self, cookies: Any) -> None:
        self._ignored_cookies = _IgnoredCookies(cookies)


class _Client(_IgnoresCookies, httpx.Client):
    """httpx.Client that neither reads nor keeps cookies from answers."""


class _AsyncClient(_IgnoresCookies, httpx.AsyncClient):
    """httpx.AsyncClient that neither reads nor keeps cookies from answers."""


def create_client(
    profile: GatewayProfile = MIDTRANS_SANDBOX,
    *,
    auth: httpx.Auth | None = None,
    transport: httpx.BaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
    **connection: Unpack[ConnectionOptions],
) -> httpx.Client:
    """An :class:`httpx.Client` for ``profile``'s host with bisnap's defaults.

    Redirects are not followed (a SNAP API never redirects, and a redirect would resend a
    signed body elsewhere). ``transport`` replaces the network (an emulator, a mock).
    ``connection``: timeout, pool limits, CA bundle (:class:`ConnectionOptions`). Plain http
    only to loopback and TLS verification on a supplied transport are enforced
    (:mod:`bisnap.connection_security`); ``allow_insecure_http`` and ``allow_unverified_tls``
    lift them, loudly.
    """
    options = _checked_options("create_client", profile, transport, headers, "httpx", connection)
    hooks = {"request": [_log_request], "response": [_log_response]}
    return _Client(auth=auth, transport=transport, event_hooks=hooks, **options)


def create_async_client(
    profile: GatewayProfile = MIDTRANS_SANDBOX,
    *,
    auth: httpx.Auth | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    backend: Backend = "httpx",
    headers: Mapping[str, str] | None = None,
    **connection: Unpack[ConnectionOptions],
) -> httpx.AsyncClient:
    """An :class:`httpx.AsyncClient` with the same defaults as :func:`create_client`.

    ``backend="aiohttp"`` sends through aiohttp (``bisnap[aiohttp]``) with the same TLS,
    timeout and pool settings; it scales much better with many calls in flight.
    """
    options = _checked_options(
        "create_async_client", profile, transport, headers, backend, connection
    )
    if backend == "aiohttp":
        if transport is not None:
            raise ConfigurationError(
                'give either transport= or backend="aiohttp", not both', field="backend"
            )
        from bisnap.aiohttp_transport import AiohttpTransport

        transport = AiohttpTransport(ssl_context=options["verify"], limits=options["limits"])
    hooks = {"request": [_alog_request], "response": [_alog_response]}
    return _AsyncClient(auth=auth, transport=transport, event_hooks=hooks, **options)
