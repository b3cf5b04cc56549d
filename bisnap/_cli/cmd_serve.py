"""``bisnap emulator`` and ``bisnap demo``: the local gateway and the end-to-end walk-through."""

from __future__ import annotations

import importlib
from typing import Any

import click

from bisnap._cli.common import CONTEXT_SETTINGS, CliError, CliFailure, settings, translate_errors
from bisnap._cli.config import ENV

__all__ = ["COMMANDS"]

_MERCHANT_PUBLIC_KEY = "BISNAP_MERCHANT_PUBLIC_KEY"
_GATEWAY_PRIVATE_KEY = "BISNAP_GATEWAY_PRIVATE_KEY"
_NOTIFY_URL = "BISNAP_NOTIFY_URL"
_IRIS_MERCHANT_KEY = "BISNAP_IRIS_MERCHANT_KEY"
_PAYOUTS_NOTIFY_URL = "BISNAP_PAYOUTS_NOTIFY_URL"
_NOTIFICATION_SIGNED_PATH = "BISNAP_NOTIFICATION_SIGNED_PATH"


def _load(module: str, name: str, what: str) -> Any:
    """``module.name``, or a one-line failure (exit 1) when that part is not installed."""
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError as exc:
        if (exc.name or "").split(".")[0] in ("starlette", "uvicorn"):
            raise CliFailure(
                f"{what} needs the 'emulator' extra: pip install 'bisnap[emulator]'"
            ) from None
        raise CliFailure(f"{what} is not available in this installation") from None
    except AttributeError:
        raise CliFailure(f"{what} is not available in this installation") from None


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Serve the local gateway emulator.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="TCP port."
)
@click.option("--client-id", metavar="ID", help=f"The merchant's client ID [env: {ENV.CLIENT_ID}].")
@click.option(
    "--client-secret",
    metavar="SECRET",
    help=f"The merchant's client secret, to check HMACs [env: {ENV.CLIENT_SECRET}].",
)
@click.option(
    "--partner-id", metavar="ID", help=f"The merchant's partner ID [env: {ENV.PARTNER_ID}]."
)
@click.option(
    "--channel-id",
    metavar="ID",
    help=f"Expected CHANNEL-ID, checked when given [env: {ENV.CHANNEL_ID}].",
)
@click.option(
    "--merchant-public-key",
    metavar="PATH",
    help=f"The merchant's RSA public key file, to check token requests [env: "
    f"{_MERCHANT_PUBLIC_KEY}].",
)
@click.option(
    "--gateway-private-key",
    metavar="PATH",
    help=f"The gateway's RSA private key file, to sign notifications [env: "
    f"{_GATEWAY_PRIVATE_KEY}; default: generate one].",
)
@click.option(
    "--gateway-public-key-out",
    metavar="PATH",
    help="Where to write the generated gateway public key "
    "[default: ./bisnap-emulator-gateway-public.pem].",
)
@click.option(
    "--notify-url",
    metavar="URL",
    help=f"The merchant's notification URL prefix [env: {_NOTIFY_URL}; default: none].",
)
@click.option(
    "--max-body-bytes",
    type=click.IntRange(min=1),
    default=1024 * 1024,
    show_default=True,
    help="The largest request body read; a larger one is answered 413 before the rest is read.",
)
@click.option(
    "--iris-merchant-key",
    metavar="KEY",
    help=f"The Iris Merchant Key that signs Payouts notifications [env: {_IRIS_MERCHANT_KEY}].",
)
@click.option(
    "--payouts-notify-url",
    metavar="URL",
    help=f"The Payouts notification URL (needs --iris-merchant-key) [env: "
    f"{_PAYOUTS_NOTIFY_URL}; default: none].",
)
@click.option(
    "--notification-signed-path",
    type=click.Choice(["request", "relative"]),
    default=None,
    help="Sign notifications over the full request path on the merchant's host (request) or "
    f"the SNAP relative path /v1.0/... (relative) [env: {_NOTIFICATION_SIGNED_PATH}; "
    "default: request]. They differ when the notify URL prefix has a path.",
)
@translate_errors
def emulator(
    host: str,
    port: int,
    client_id: str | None,
    client_secret: str | None,
    partner_id: str | None,
    channel_id: str | None,
    merchant_public_key: str | None,
    gateway_private_key: str | None,
    gateway_public_key_out: str | None,
    notify_url: str | None,
    max_body_bytes: int,
    iris_merchant_key: str | None,
    payouts_notify_url: str | None,
    notification_signed_path: str | None,
) -> None:
    """Serve the local BI-SNAP gateway emulator for one merchant until Ctrl-C.

    \b
    It behaves as the Midtrans BI-SNAP gateway: it checks token signatures, bearer
    tokens, HMACs over the exact bytes received, mandatory headers and fields, keeps
    state, and signs notifications with its own key. With no --gateway-private-key it
    generates one and writes the public half to --gateway-public-key-out. With
    --payouts-notify-url it sends Payouts notifications, signed with --iris-merchant-key.

    \b
    Use the same settings on both sides, then point the client at it:
      bisnap emulator --merchant-public-key public-key.pem &
      bisnap wait-for http://127.0.0.1:8080/_emulator/health
      bisnap headers transaction --base-url http://127.0.0.1:8080 --path ... | sh

    \b
    GET /_emulator/ lists the admin API (pay, expire, fail, faults, notifications, ledger).
    """
    conf = settings()
    serve_from_options = _load("bisnap.emulator", "serve_from_options", "the emulator")
    options = {
        "client_id": conf.require(client_id, ENV.CLIENT_ID, "--client-id", "client ID"),
        "client_secret": conf.require(
            client_secret, ENV.CLIENT_SECRET, "--client-secret", "client secret"
        ),
        "partner_id": conf.require(partner_id, ENV.PARTNER_ID, "--partner-id", "partner ID"),
        "merchant_public_key": conf.require(
            merchant_public_key,
            _MERCHANT_PUBLIC_KEY,
            "--merchant-public-key",
            "merchant public key file",
        ),
        "gateway_private_key": conf.get(gateway_private_key, _GATEWAY_PRIVATE_KEY),
        "gateway_public_key_out": gateway_public_key_out,
        "notify_url": conf.get(notify_url, _NOTIFY_URL),
        "notification_signed_path": (
            conf.get(notification_signed_path, _NOTIFICATION_SIGNED_PATH) or "request"
        ),
        "channel_id": conf.get(channel_id, ENV.CHANNEL_ID),
        "max_body_bytes": max_body_bytes,
        "iris_merchant_key": conf.get(iris_merchant_key, _IRIS_MERCHANT_KEY),
        "payouts_notify_url": conf.get(payouts_notify_url, _PAYOUTS_NOTIFY_URL),
    }
    try:
        serve_from_options(host=host, port=port, echo=click.echo, **options)
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise CliError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Run the end-to-end demo on loopback.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Loopback interface for the emulator and the notification receiver.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="How long each step may take.",
)
@translate_errors
def demo(host: str, timeout: float) -> None:
    """Run a full flow against a throwaway local emulator; exit 0 only if every step verified.

    \b
    Generates keys, starts the emulator and a notification receiver on free loopback
    ports, then: token, virtual account (create, pay, signed notification, status),
    QRIS (generate, pay, refund), direct debit, payout (and its signed Payouts
    notification), transaction history.
    Needs nothing configured and no network beyond loopback.
    """
    run_demo = _load("bisnap.demo", "run_demo", "the demo")
    raise SystemExit(run_demo(echo=click.echo, host=host, timeout=timeout))


@click.command(
    "wait-for",
    context_settings=CONTEXT_SETTINGS,
    short_help="Wait until a local server answers (the emulator, a receiver).",
)
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    metavar="SECONDS",
    help="How long to wait for all of them.",
)
@translate_errors
def wait_for(urls: tuple[str, ...], timeout: float) -> None:
    """Wait until every URL answers HTTP (any status below 500); exit 1 after SECONDS.

    \b
    For scripts that start the emulator (or a notification receiver) in the background:
      bisnap emulator --merchant-public-key keys/public-key.pem &
      bisnap wait-for http://127.0.0.1:8080/_emulator/health
    """
    from bisnap.readiness import ServerNotReady, wait_until_ready

    try:
        for url in urls:
            wait_until_ready(url, timeout=timeout)
    except ServerNotReady as exc:
        raise CliFailure(str(exc)) from None
    except ValueError as exc:
        raise CliError(str(exc)) from None


COMMANDS = [emulator, demo, wait_for]
