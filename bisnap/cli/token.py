"""``bisnap token``: fetch a B2B access token."""

from __future__ import annotations

import json

import click

from bisnap.cli.common import CONTEXT_SETTINGS, translate_errors
from bisnap.cli.options import (
    ConnectionOptions,
    CredentialOptions,
    GatewayOptions,
    connection_options,
    credential_options,
    gateway_options,
)

__all__ = ["COMMANDS", "token"]


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Fetch a B2B access token.")
@credential_options("client_id", "private_key", "private_key_password")
@gateway_options
@connection_options
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object for scripts.")
@translate_errors
def token(
    creds: CredentialOptions,
    gateway: GatewayOptions,
    connection: ConnectionOptions,
    as_json: bool,
) -> None:
    """Fetch a B2B access token and print it with its type and expiry.

    \b
    The token is a bearer credential: anyone holding it can call the API as you
    until it expires (900 s at Midtrans). Prints only the token by default, so
    TOKEN=$(bisnap token) works; --json adds type and expiry.
    """
    fetched = connection.fetch_token(creds.token_credentials(), gateway.resolve())
    expires_at = fetched.expires_at.isoformat()
    expires_in = round(fetched.lifetime)
    if as_json:
        document = {
            "access_token": fetched.value,
            "token_type": fetched.token_type,
            "expires_in": expires_in,
            "expires_at": expires_at,
        }
        click.echo(json.dumps(document, indent=2))
    else:
        click.echo(fetched.value)
        click.echo(
            f"{fetched.token_type} token, expires in {expires_in} s (at {expires_at})",
            err=True,
        )


COMMANDS = [token]
