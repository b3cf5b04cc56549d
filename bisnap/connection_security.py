"""Whether a gateway URL and transport keep the bearer token and signatures private.

Two rules, checked whenever bisnap builds an HTTP client (:func:`check_connection_security`):

* plain ``http://`` only to a loopback host (``127.0.0.0/8``, ``::1``, ``localhost``), unless
  the caller passes ``allow_insecure_http=True`` (logged as a warning);
* a caller-supplied transport for an ``https://`` URL must verify certificates and host
  names, unless the caller passes ``allow_unverified_tls=True`` (for tests; logged as a warning).

Both rules concern traffic that leaves the process. Transports that answer in-process
(``httpx.MockTransport``, ``httpx.ASGITransport``, ``httpx.WSGITransport``, the emulator's
transports, or any transport whose class sets ``bisnap_in_process = True``) send nothing over
a network, so neither rule applies to them. httpx's own ``HTTPTransport`` and
``AsyncHTTPTransport`` are inspected (their SSL context); one whose context cannot be reached
is refused for https, since it cannot be shown to verify. Any other transport is searched for
what it wraps (transports and SSL contexts among its attributes, a few levels deep): anything
found is checked as above, and a transport holding none is taken to be the caller's own
in-process code, as test doubles are.
"""

from __future__ import annotations

import ipaddress
import logging
import ssl
from collections.abc import Iterator

import httpx

from bisnap.errors import ConfigurationError

__all__ = ["check_connection_security", "is_loopback_host", "require_verifying_context"]

logger = logging.getLogger("bisnap")

_IN_PROCESS = (httpx.MockTransport, httpx.ASGITransport, httpx.WSGITransport)
_HTTPX_NETWORK = (httpx.HTTPTransport, httpx.AsyncHTTPTransport)
_MAX_DEPTH = 3
_UNVERIFIED = object()  # an httpx transport whose SSL context cannot be reached


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` (a URL's host part) is this machine: ``localhost``, 127/8 or ::1."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _is_in_process(transport: object) -> bool:
    return isinstance(transport, _IN_PROCESS) or bool(
        getattr(type(transport), "bisnap_in_process", False)
    )


def _httpx_context(transport: httpx.HTTPTransport | httpx.AsyncHTTPTransport) -> object:
    # httpx keeps the context on its httpcore pool (proxies included); that is private API,
    # so a layout we do not recognise counts as "cannot be shown to verify".
    context = getattr(getattr(transport, "_pool", None), "_ssl_context", None)
    return context if isinstance(context, ssl.SSLContext) else _UNVERIFIED


def _network_parts(transport: object, depth: int = 0) -> Iterator[object]:
    """The SSL context (or ``_UNVERIFIED``) of each network path inside ``transport``; nothing
    when nothing it holds sends over a network."""
    if depth > _MAX_DEPTH or _is_in_process(transport):
        return
    if isinstance(transport, ssl.SSLContext):
        yield transport
        return
    if isinstance(transport, _HTTPX_NETWORK):
        yield _httpx_context(transport)
        return
    try:
        attributes = list(vars(transport).values())
    except TypeError:  # no __dict__ (slots, builtins): nothing more can be seen
        return
    for value in attributes:
        if isinstance(value, (ssl.SSLContext, httpx.BaseTransport, httpx.AsyncBaseTransport)):
            yield from _network_parts(value, depth + 1)


def _verifies(context: object) -> bool:
    return (
        isinstance(context, ssl.SSLContext)
        and context.verify_mode == ssl.CERT_REQUIRED
        and context.check_hostname
    )


def require_verifying_context(context: ssl.SSLContext) -> ssl.SSLContext:
    """``context`` if it verifies certificates and host names; else ConfigurationError."""
    if not _verifies(context):
        raise ConfigurationError(
            "the SSL context given does not verify certificates and host names",
            field="ca_bundle",
        )
    return context


def check_connection_security(
    base_url: str,
    transport: httpx.BaseTransport | httpx.AsyncBaseTransport | None,
    *,
    allow_insecure_http: bool = False,
    allow_unverified_tls: bool = False,
) -> None:
    """Refuse (:class:`ConfigurationError`) a client that would expose its traffic.

    ``transport`` None means httpx's own network transport with bisnap's verifying context.
    """
    url = httpx.URL(base_url)
    if transport is None:
        parts: list[object] = [None]
    else:
        parts = list(_network_parts(transport))
    if not parts:
        return  # nothing leaves the process
    if url.scheme == "http" and not is_loopback_host(url.host):
        if not allow_insecure_http:
            raise ConfigurationError(
                f"plain http to {url.host} would send the access token and signatures "
                "unencrypted; use https, or pass allow_insecure_http=True if this network "
                "is trusted (plain http is allowed without it only to 127.0.0.1, ::1 and "
                "localhost)",
                field="base_url",
            )
        logger.warning(
            "plain http to %s (allow_insecure_http=True): the access token and "
            "signatures travel unencrypted",
            url.host,
        )
    if url.scheme == "https" and transport is not None:
        unverified = [part for part in parts if part is not None and not _verifies(part)]
        if unverified:
            if not allow_unverified_tls:
                raise ConfigurationError(
                    f"the transport given for {url.host} does not verify TLS certificates and "
                    "host names (or bisnap cannot see that it does); give a transport built "
                    "with verification on (e.g. httpx.HTTPTransport(verify="
                    "bisnap.transport.ssl_context())), or, for tests only, pass "
                    "allow_unverified_tls=True",
                    field="transport",
                )
            logger.warning(
                "TLS certificate checks are off for %s (allow_unverified_tls=True)",
                url.host,
            )
