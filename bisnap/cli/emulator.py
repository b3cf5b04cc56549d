"""``bisnap emulator``: serve the local gateway emulator for one merchant."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import click

from bisnap.cli.common import CONTEXT_SETTINGS, CliError, load_optional, settings, translate_errors
from bisnap.cli.options import CredentialOptions, credential_options, option_group

__all__ = ["COMMANDS", "GatewaySideOptions", "emulator"]

_MERCHANT_PUBLIC_KEY = "BISNAP_MERCHANT_PUBLIC_KEY"
_GATEWAY_PRIVATE_KEY = "BISNAP_GATEWAY_PRIVATE_KEY"
_NOTIFY_URL = "BISNAP_NOTIFY_URL"
_IRIS_MERCHANT_KEY = "BISNAP_IRIS_MERCHANT_KEY"
_PAYOUTS_NOTIFY_URL = "BISNAP_PAYOUTS_NOTIFY_URL"
_NOTIFICATION_SIGNED_PATH = "BISNAP_NOTIFICATION_SIGNED_PATH"

_MERCHANT_HELP = {
    "client_id": "The merchant's client ID [env: {env}].",
    "client_secret": "The merchant's client secret, to check HMACs [env: {env}].",
    "partner_id": "The merchant's partner ID [env: {env}].",
    "channel_id": "Expected CHANNEL-ID, checked when given [env: {env}].",
}


@dataclass(frozen=True)
class GatewaySideOptions:
    """The emulator's own settings: keys, notification targets, limits."""

    merchant_public_key: str | None
    gateway_private_key: str | None = field(repr=False)
    gateway_public_key_out: str | None
    notify_url: str | None
    max_body_bytes: int
    iris_merchant_key: str | None = field(repr=False)
    payouts_notify_url: str | None
    notification_signed_path: str | None

    def serve_options(self, creds: CredentialOptions) -> dict[str, Any]:
        """The keyword arguments of ``serve_from_options``, flags falling back to the env."""
        conf = settings()
        return {
            "client_id": creds.require("client_id"),
            "client_secret": creds.require("client_secret"),
            "partner_id": creds.require("partner_id"),
            "merchant_public_key": conf.require(
                self.merchant_public_key,
                _MERCHANT_PUBLIC_KEY,
                "--merchant-public-key",
                "merchant public key file",
            ),
            "gateway_private_key": conf.get(self.gateway_private_key, _GATEWAY_PRIVATE_KEY),
            "gateway_public_key_out": self.gateway_public_key_out,
            "notify_url": conf.get(self.notify_url, _NOTIFY_URL),
            "notification_signed_path": (
                conf.get(self.notification_signed_path, _NOTIFICATION_SIGNED_PATH) or "request"
            ),
            "channel_id": creds.get("channel_id"),
            "max_body_bytes": self.max_body_bytes,
            "iris_merchant_key": conf.get(self.iris_merchant_key, _IRIS_MERCHANT_KEY),
            "payouts_notify_url": conf.get(self.payouts_notify_url, _PAYOUTS_NOTIFY_URL),
        }


_gateway_side_options = option_group(
    "side",
    GatewaySideOptions,
    click.option(
        "--merchant-public-key",
        metavar="PATH",
        help=f"The merchant's RSA public key file, to check token requests [env: "
        f"{_MERCHANT_PUBLIC_KEY}].",
    ),
    click.option(
        "--gateway-private-key",
        metavar="PATH",
        help=f"The gateway's RSA private key file, to sign notifications [env: "
        f"{_GATEWAY_PRIVATE_KEY}; default: generate one].",
    ),
    click.option(
        "--gateway-public-key-out",
        metavar="PATH",
        help="Where to write the generated gateway public key "
        "[default: ./bisnap-emulator-gateway-public.pem].",
    ),
    click.option(
        "--notify-url",
        metavar="URL",
        help=f"The merchant's notification URL prefix [env: {_NOTIFY_URL}; default: none].",
    ),
    click.option(
        "--max-body-bytes",
        type=click.IntRange(min=1),
        default=1024 * 1024,
        show_default=True,
        help="The largest request body read; a larger one is answered 413 before the rest is read.",
    ),
    click.option(
        "--iris-merchant-key",
        metavar="KEY",
        help=f"The Iris Merchant Key that signs Payouts notifications [env: {_IRIS_MERCHANT_KEY}].",
    ),
    click.option(
        "--payouts-notify-url",
        metavar="URL",
        help=f"The Payouts notification URL (needs --iris-merchant-key) [env: "
        f"{_PAYOUTS_NOTIFY_URL}; default: none].",
    ),
    click.option(
        "--notification-signed-path",
        type=click.Choice(["request", "relative"]),
        default=None,
        help="Sign notifications over the full request path on the merchant's host (request) or "
        f"the SNAP relative path /v1.0/... (relative) [env: {_NOTIFICATION_SIGNED_PATH}; "
        "default: request]. They differ when the notify URL prefix has a path.",
    ),
)


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Serve the local gateway emulator.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8080, show_default=True, help="TCP port."
)
@credential_options(
    "client_id", "client_secret", "partner_id", "channel_id", help_texts=_MERCHANT_HELP
)
@_gateway_side_options
@translate_errors
def emulator(host: str, port: int, creds: CredentialOptions, side: GatewaySideOptions) -> None:
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
    serve_from_options = load_optional("bisnap.emulator", "serve_from_options", "the emulator")
    options = side.serve_options(creds)
    try:
        serve_from_options(host=host, port=port, echo=click.echo, **options)
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        raise CliError(f"cannot serve on {host}:{port}: {exc.strerror or exc}") from None


COMMANDS = [emulator]
