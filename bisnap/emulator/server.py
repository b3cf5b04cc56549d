"""Serving the emulator over real HTTP with uvicorn: foreground, background thread, CLI options."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bisnap.emulator.admission import DEFAULT_MAX_BODY_BYTES
from bisnap.emulator.core import Emulator
from bisnap.emulator.lifecycle import Closing
from bisnap.emulator.payouts_notify import check_payouts_notification_settings
from bisnap.emulator.state import Merchant
from bisnap.errors import ConfigurationError
from bisnap.keys import generate_key_pair, load_private_key, load_public_key

__all__ = [
    "DEFAULT_GATEWAY_PUBLIC_KEY_FILE",
    "BackgroundServer",
    "EmulatorOptions",
    "RunningEmulator",
    "emulator_from_options",
    "run_in_thread",
    "serve",
    "serve_from_options",
]


DEFAULT_GATEWAY_PUBLIC_KEY_FILE = "bisnap-emulator-gateway-public.pem"
"""Where ``bisnap emulator`` writes a generated gateway public key unless told otherwise."""


def _uvicorn() -> Any:
    try:
        import uvicorn
    except ImportError:  # pragma: no cover - depends on the installed extras
        raise ConfigurationError(
            "serving the emulator over HTTP needs uvicorn: pip install 'bisnap[emulator]'",
            field="uvicorn",
        ) from None
    return uvicorn


def _bind(host: str, port: int) -> socket.socket:
    """A listening-ready socket bound to ``host:port``; raises OSError (port in use, …)."""
    family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock


def serve(emulator: Emulator, *, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve ``emulator`` with uvicorn in the foreground until interrupted (Ctrl-C).

    The port is bound before uvicorn starts, so a port in use raises ``OSError`` here. The
    admin API (``/_emulator/``) has no authentication: keep the emulator on loopback.
    """
    uvicorn = _uvicorn()
    sock = _bind(host, port)
    emulator.public_base_url = f"http://{host}:{port}"
    config = uvicorn.Config(
        emulator.asgi_app(), host=host, port=port, log_level="info", lifespan="off"
    )
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        sock.close()


class BackgroundServer(Closing):
    """Any ASGI app served by uvicorn in a daemon thread; ``stop()`` (or ``with``) ends it."""

    def __init__(
        self,
        app: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        startup_timeout: float = 10.0,
    ) -> None:
        uvicorn = _uvicorn()
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, name="bisnap-emulator-http", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + startup_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self._server.should_exit = True
                raise ConfigurationError(f"could not serve on {host}:{port}", field="port")
            time.sleep(0.01)
        bound = self._server.servers[0].sockets[0].getsockname()
        self.host: str = bound[0]
        self.port: int = bound[1]
        self.base_url = f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        """Stop the server and wait for its thread."""
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def close(self) -> None:
        """Stop the server (what leaving a ``with`` block does)."""
        self.stop()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.base_url}>"


class RunningEmulator(BackgroundServer):
    """An emulator served over loopback HTTP in a background thread (see :func:`run_in_thread`)."""

    def __init__(self, emulator: Emulator, *, host: str, port: int, startup_timeout: float) -> None:
        super().__init__(emulator.asgi_app(), host=host, port=port, startup_timeout=startup_timeout)
        self.emulator = emulator
        emulator.public_base_url = self.base_url


def run_in_thread(
    emulator: Emulator, *, host: str = "127.0.0.1", port: int = 0, startup_timeout: float = 10.0
) -> RunningEmulator:
    """Serve ``emulator`` on ``host:port`` (0: a free port) in a daemon thread.

    Returns once the server accepts connections; the result has ``base_url`` and ``stop()``
    and is a context manager. The emulator itself stays open (close it separately).
    """
    return RunningEmulator(emulator, host=host, port=port, startup_timeout=startup_timeout)


@dataclass(frozen=True)
class EmulatorOptions:
    """The resolved options of ``bisnap emulator`` (see :func:`emulator_from_options`)."""

    emulator: Emulator
    merchant: Merchant
    gateway_public_key_file: Path | None


def _key_path(value: str | Path, field: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_file():
        raise ConfigurationError(f"{field.replace('_', '-')} file not found: {path}", field=field)
    return path


def emulator_from_options(
    *,
    client_id: str,
    client_secret: str,
    partner_id: str,
    merchant_public_key: str | Path,
    gateway_private_key: str | Path | None = None,
    gateway_public_key_out: str | Path | None = None,
    notify_url: str | None = None,
    notification_signed_path: str = "request",
    channel_id: str | None = None,
    balance: Decimal | str = Decimal("100000000.00"),
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    iris_merchant_key: str | None = None,
    payouts_notify_url: str | None = None,
) -> EmulatorOptions:
    """Build an emulator with one merchant from command-line style options.

    ``merchant_public_key`` and ``gateway_private_key`` are file paths. Without a gateway key
    one is generated and its public half written to ``gateway_public_key_out`` (default
    :data:`DEFAULT_GATEWAY_PUBLIC_KEY_FILE` in the current directory). Any bad option raises
    :class:`~bisnap.errors.ConfigurationError` (``KeyLoadError`` for key files) whose
    ``field`` names the option; messages never contain the secret. ``payouts_notify_url``
    receives Payouts notifications signed with ``iris_merchant_key``.
    """
    for name, value in (
        ("client_id", client_id),
        ("client_secret", client_secret),
        ("partner_id", partner_id),
    ):
        if not value:
            raise ConfigurationError(f"--{name.replace('_', '-')} is required", field=name)
    if notify_url is not None and (
        urlsplit(notify_url).scheme not in ("http", "https") or not urlsplit(notify_url).netloc
    ):
        raise ConfigurationError("--notify-url must be an http(s) URL", field="notify_url")
    try:
        check_payouts_notification_settings(iris_merchant_key, payouts_notify_url)
    except ConfigurationError as exc:
        flag = "--" + (exc.field or "payouts_notify_url").replace("_", "-")
        raise ConfigurationError(f"{flag}: {exc.message}", field=exc.field) from None
    public_key = load_public_key(_key_path(merchant_public_key, "merchant_public_key"))
    written: Path | None = None
    if gateway_private_key is not None:
        gateway_key = load_private_key(_key_path(gateway_private_key, "gateway_private_key"))
    else:
        pair = generate_key_pair()
        gateway_key = pair.private_key()
        written = Path(gateway_public_key_out or DEFAULT_GATEWAY_PUBLIC_KEY_FILE).expanduser()
        try:
            written.write_bytes(pair.public_pem)
        except OSError as exc:
            raise ConfigurationError(
                f"could not write the gateway public key to {written} ({exc.strerror})",
                field="gateway_public_key_out",
            ) from None
    if notification_signed_path not in ("request", "relative"):
        raise ConfigurationError(
            "--notification-signed-path must be 'request' (the full request path on the "
            "merchant's host) or 'relative' (the SNAP relative path, /v1.0/...)",
            field="notification_signed_path",
        )
    emulator = Emulator(
        gateway_private_key=gateway_key,
        notification_signed_path="relative"
        if notification_signed_path == "relative"
        else "request",
        max_body_bytes=max_body_bytes,
    )
    merchant = emulator.register_merchant(
        client_id=client_id,
        client_secret=client_secret,
        partner_id=partner_id,
        merchant_public_key=public_key,
        channel_id=channel_id,
        notify_url=notify_url,
        balance=Decimal(balance),
        iris_merchant_key=iris_merchant_key,
        payouts_notify_url=payouts_notify_url,
    )
    return EmulatorOptions(emulator, merchant, written)


def serve_from_options(
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    echo: Callable[[str], None] = print,
    **options: Any,
) -> None:
    """What ``bisnap emulator`` runs: validate options, print a summary, serve until Ctrl-C.

    ``options`` are :func:`emulator_from_options`' keyword arguments; with ``host`` and
    ``port`` they mirror the flags (``--host --port --client-id --client-secret
    --partner-id --merchant-public-key PATH [--gateway-private-key PATH]
    [--gateway-public-key-out PATH] [--notify-url URL] [--notification-signed-path
    request|relative] [--channel-id ID] [--iris-merchant-key KEY --payouts-notify-url URL]
    [--max-body-bytes N]``). Bad options raise
    :class:`~bisnap.errors.ConfigurationError` before anything is served (the CLI prints its
    message on one line and exits 2). ``echo`` receives the summary lines.
    """
    if not host:
        raise ConfigurationError("--host is required", field="host")
    if not 0 < port < 65536:
        raise ConfigurationError("--port must be between 1 and 65535", field="port")
    built = emulator_from_options(**options)
    emulator, merchant = built.emulator, built.merchant
    echo(
        f"bisnap emulator: http://{host}:{port} "
        f"(merchant {merchant.client_id}, partner {merchant.partner_id})"
    )
    if built.gateway_public_key_file is not None:
        echo(f"gateway public key (verifies notifications): {built.gateway_public_key_file}")
    echo(f"notifications: {merchant.notify_url or 'off (no --notify-url)'}")
    payouts_url = merchant.payouts_notify_url
    echo(f"payouts notifications: {payouts_url or 'off (no --payouts-notify-url)'}")
    if merchant.notify_url:
        echo(f"notifications signed over the {emulator.notification_signed_path} path")
    echo(f"endpoints: {len(emulator.routes.endpoints())}; admin API under /_emulator/")
    try:
        serve(emulator, host=host, port=port)
    finally:
        emulator.close()
