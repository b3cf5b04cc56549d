"""The ``bisnap`` command group: global options, help text and the registered commands."""

from __future__ import annotations

import importlib

import click

from bisnap import __version__
from bisnap.cli.common import CONTEXT_SETTINGS, CliError
from bisnap.cli.config import ENV, Settings
from bisnap.errors import ConfigurationError

__all__ = ["cli"]

_HELP = f"""Signed BI-SNAP requests from the command line.

\b
Generate keys, sign and verify, and print complete signed header sets for curl, HTTPie,
Postman or any other HTTP client; run the local gateway emulator and the end-to-end demo.

\b
Settings come from flags, then --env-file, then these environment variables:
  {ENV.CLIENT_ID:<28} client ID, sent as X-CLIENT-KEY
  {ENV.CLIENT_SECRET:<28} client secret (HMAC key for transactions)
  {ENV.PRIVATE_KEY:<28} merchant RSA private key: a file path or the PEM
  {ENV.PRIVATE_KEY_PASSWORD:<28} password of an encrypted private key
  {ENV.PARTNER_ID:<28} partner ID, sent as X-PARTNER-ID
  {ENV.CHANNEL_ID:<28} channel ID, sent as CHANNEL-ID
  {ENV.BASE_URL:<28} gateway base URL (overrides --profile)
  {ENV.PROFILE:<28} gateway profile: sandbox, staging or production
  {ENV.ACCESS_TOKEN:<28} a B2B access token to sign with instead of fetching one
  {ENV.GATEWAY_PUBLIC_KEY:<28} the gateway's public key, to verify notifications
  {"BISNAP_IRIS_MERCHANT_KEY":<28} Iris Merchant Key, to verify Payouts notifications
  {ENV.CA_BUNDLE:<28} CA certificates for the gateway's TLS (default: system)
(`bisnap emulator --help` lists the emulator's own variables.)

\b
Prefer the environment or an env file for secrets: command-line flags are visible to
other users of the machine. bisnap never prints a secret in help texts or errors; the
access token appears only where the output needs it (Authorization, a string-to-sign).

\b
Quick start:
  bisnap keygen --out keys        # then register keys/public-key.pem
  export BISNAP_CLIENT_ID=... BISNAP_CLIENT_SECRET=... BISNAP_PARTNER_ID=...
  export BISNAP_CHANNEL_ID=... BISNAP_PRIVATE_KEY=keys/private-key.pem
  bisnap headers transaction --path /v1.0/transfer-va/create-va --body va.json
  bisnap sign transaction --path /v1.0/qr/qr-mpm-generate --token T --body b.json \\
    --show-stages
  bisnap verify --public-key midtrans.pem --path /v1.0/debit/notify \\
    --timestamp T --signature S --body notification.json
  bisnap doctor --request failed.http   # why "Unauthorized. Signature"?

\b
Exit status: 0 success, 1 failure (an invalid signature, a refused request),
2 usage or configuration error (a missing credential, an unreadable key file).
"""


# Command name -> the module of ``bisnap.cli`` that defines it.
_COMMAND_MODULES = {
    "demo": "demo",
    "doctor": "doctor",
    "emulator": "emulator",
    "headers": "headers",
    "keygen": "keygen",
    "sign": "sign",
    "token": "token",
    "verify": "verify",
    "wait-for": "wait_for",
}


class _CommandsOnDemand(click.Group):
    """Imports a command's module when the command is asked for, so that a command starts
    without loading the others (``bisnap wait-for`` needs neither the typed client nor the
    emulator)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *_COMMAND_MODULES})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in _COMMAND_MODULES:
            module = importlib.import_module(f"bisnap.cli.{_COMMAND_MODULES[cmd_name]}")
            for command in module.COMMANDS:
                self.add_command(command)
        return self.commands.get(cmd_name)


@click.group(cls=_CommandsOnDemand, help=_HELP, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--env-file",
    metavar="PATH",
    help="Read NAME=value settings from this file (flags still take precedence).",
)
@click.version_option(__version__, "-V", "--version", prog_name="bisnap")
@click.pass_context
def cli(ctx: click.Context, env_file: str | None) -> None:
    try:
        ctx.obj = Settings.load(env_file)
    except ConfigurationError as exc:
        raise CliError(exc.message) from None
