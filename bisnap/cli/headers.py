"""``bisnap headers token|transaction``: a signed request for curl, HTTPie or any client."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

import click

from bisnap.cli import common, options
from bisnap.cli.config import ENV
from bisnap.cli.render import FORMATS, RenderedRequest, render
from bisnap.gateways import SignatureScheme
from bisnap.headers import token_request_body, token_request_headers, transaction_request
from bisnap.services.catalog import tied_external_id_field
from bisnap.signing import minify_json

__all__ = ["COMMANDS", "RequestOptions", "SignedHeaderOptions", "headers"]

_SCHEMES = {scheme.value: scheme for scheme in SignatureScheme}


def _emit(request: RenderedRequest, fmt: str) -> None:
    click.echo(render(request, fmt), nl=False)


def _format_option(func: options.Command) -> options.Command:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(FORMATS)),
        default="curl",
        show_default=True,
        help="curl: a runnable command; httpie: an HTTPie command; json: method, url, headers "
        "and body; env: shell assignments (SNAP_X_SIGNATURE=...); http: the raw HTTP request.",
    )(func)


@click.group(
    context_settings=common.CONTEXT_SETTINGS,
    short_help="Print a signed request for curl, HTTPie or any client.",
)
def headers() -> None:
    """Print a complete signed request for curl, HTTPie, Postman or any HTTP client.

    \b
    The output carries every header and the exact body bytes that were signed.
    Send those bytes unchanged: editing the body (even re-indenting it) breaks the
    signature. Timestamps are valid for a few minutes only; generate, then send.
    """


@headers.command(
    "token", context_settings=common.CONTEXT_SETTINGS, short_help="The B2B access-token request."
)
@options.credential_options("client_id", "private_key", "private_key_password")
@options.gateway_options
@click.option("--timestamp", metavar="TEXT", help="X-TIMESTAMP to sign verbatim [default: now].")
@_format_option
@common.translate_errors
def headers_token(
    creds: options.CredentialOptions,
    gateway: options.GatewayOptions,
    timestamp: str | None,
    fmt: str,
) -> None:
    """The B2B access-token request (POST /v1.0/access-token/b2b), signed with the private key."""
    credentials = creds.token_credentials()
    profile = gateway.resolve()
    signed = token_request_headers(credentials, profile=profile, timestamp=timestamp)
    _emit(
        RenderedRequest(
            "POST", profile.token_url, list(signed.items()), token_request_body(profile)
        ),
        fmt,
    )


@dataclass(frozen=True)
class RequestOptions:
    """What to send: ``--method``, ``--path``, ``--body``, ``--minify`` and the ``--token``."""

    method: str
    path: str
    body: str | None
    minify: bool
    token: str | None = field(repr=False)

    def body_bytes(self) -> bytes:
        """The body to send: the file's bytes, minified with ``--minify``; it must be JSON."""
        raw = common.read_body(self.body)
        minified = minify_json(raw)  # also rejects a body that is not JSON
        return minified if self.minify else raw


_request_options = options.option_group(
    "request",
    RequestOptions,
    click.option("--method", default="POST", show_default=True, help="HTTP method."),
    click.option(
        "--path",
        required=True,
        help="SNAP endpoint path, with ?query if any (e.g. /v1.0/transfer-va/create-va).",
    ),
    click.option(
        "--body",
        type=common.BODY_FILE,
        metavar="FILE|-",
        help="JSON body file, or - for stdin; sent byte for byte [default: empty body].",
    ),
    click.option(
        "--minify",
        is_flag=True,
        help="Send the body minified (whitespace outside strings removed) instead of as given.",
    ),
    click.option(
        "--token",
        metavar="TOKEN",
        help=f"B2B access token to use [env: {ENV.ACCESS_TOKEN}; default: fetch one with the "
        "client ID and private key].",
    ),
)


@dataclass(frozen=True)
class SignedHeaderOptions:
    """How to sign and which optional headers to add (``--scheme`` ... ``--header``)."""

    scheme: str | None
    external_id: str | None
    timestamp: str | None
    device_id: str | None
    ip_address: str | None
    latitude: str | None
    longitude: str | None
    customer_token: str | None = field(repr=False)
    extra_headers: tuple[str, ...]

    def parsed_extra_headers(self) -> dict[str, str]:
        """The ``--header NAME:VALUE`` values as a mapping; a malformed one is a usage error."""
        return _parse_extra_headers(self.extra_headers)


def _parse_extra_headers(values: Sequence[str]) -> dict[str, str]:
    extra: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise common.CliError("--header expects NAME:VALUE (a header name, a colon, the value)")
        extra[name.strip()] = value.strip()
    return extra


_signed_header_options = options.option_group(
    "signing",
    SignedHeaderOptions,
    click.option(
        "--scheme",
        type=click.Choice(sorted(_SCHEMES)),
        help="Transaction signature scheme [default: the profile's, symmetric for Midtrans].",
    ),
    click.option(
        "--external-id",
        metavar="ID",
        help="X-EXTERNAL-ID [default: the body's trxId / partnerReferenceNo / partnerRefundNo "
        "where the operation ties them to it, else a new numeric id].",
    ),
    click.option(
        "--timestamp", metavar="TEXT", help="X-TIMESTAMP to sign verbatim [default: now]."
    ),
    click.option("--device-id", metavar="TEXT", help="X-DEVICE-ID."),
    click.option("--ip-address", metavar="IP", help="X-IP-ADDRESS."),
    click.option("--latitude", metavar="DEG", help="X-LATITUDE."),
    click.option("--longitude", metavar="DEG", help="X-LONGITUDE."),
    click.option(
        "--customer-token",
        metavar="TOKEN",
        help="Customer token from account binding, sent as Authorization-Customer.",
    ),
    click.option(
        "--header",
        "extra_headers",
        multiple=True,
        metavar="NAME:VALUE",
        help="An additional header (repeatable).",
    ),
)


@headers.command(
    "transaction",
    context_settings=common.CONTEXT_SETTINGS,
    short_help="A signed transactional request.",
)
@_request_options
@options.credential_options(
    "client_id", "client_secret", "private_key", "private_key_password", "partner_id", "channel_id"
)
@options.gateway_options
@options.connection_options
@_signed_header_options
@_format_option
@common.translate_errors
def headers_transaction(
    request: RequestOptions,
    creds: options.CredentialOptions,
    gateway: options.GatewayOptions,
    connection: options.ConnectionOptions,
    signing: SignedHeaderOptions,
    fmt: str,
) -> None:
    """A signed transactional request (Authorization, X-TIMESTAMP, X-SIGNATURE, X-PARTNER-ID,
    X-EXTERNAL-ID, CHANNEL-ID and the optional device and customer headers).

    \b
    Example, with the credentials in the environment:
      bisnap headers transaction --path /v1.0/transfer-va/create-va --body va.json \\
        --format curl | sh
    """
    profile = gateway.resolve()
    if signing.scheme is not None:
        profile = dataclasses.replace(profile, signature_scheme=_SCHEMES[signing.scheme])
    partner = creds.require("partner_id")
    channel = creds.require("channel_id")
    access_token = common.settings().get(request.token, ENV.ACCESS_TOKEN)
    symmetric = profile.signature_scheme is SignatureScheme.SYMMETRIC
    secret = creds.require("client_secret") if symmetric else None
    client = creds.get("client_id")
    key = None
    if access_token is None or not symmetric:
        key = creds.merchant_key()
    if access_token is None and client is None:
        raise common.CliError(
            f"missing access token: pass --token (or set {ENV.ACCESS_TOKEN}), or give "
            f"--client-id (or {ENV.CLIENT_ID}) to fetch one"
        )
    credentials = options.placeholder_credentials(
        client_id=client,
        client_secret=secret,
        private_key=key,
        partner_id=partner,
        channel_id=channel,
    )
    # Everything local is checked before a token is fetched over the network.
    request_path = profile.path(request.path)
    raw = request.body_bytes()
    extra = signing.parsed_extra_headers()
    external_id = _tied_external_id(request.method, request.path, raw, signing.external_id)
    if access_token is None:
        access_token = connection.fetch_token(credentials, profile).value
    signed = transaction_request(
        credentials,
        request.method,
        request_path,
        raw,
        access_token,
        profile=profile,
        external_id=external_id,
        timestamp=signing.timestamp,
        device_id=signing.device_id,
        ip_address=signing.ip_address,
        latitude=signing.latitude,
        longitude=signing.longitude,
        customer_token=signing.customer_token,
        extra_headers=extra,
    )
    _emit(
        RenderedRequest(
            signed.method, signed.url(profile), list(signed.headers.items()), signed.body
        ),
        fmt,
    )


def _tied_external_id(method: str, path: str, raw: bytes, given: str | None) -> str | None:
    """X-EXTERNAL-ID from the body field the operation ties to it (as the typed client does)."""
    body_field = tied_external_id_field(method, path)
    if body_field is None or not raw.strip():
        return given
    parsed = json.loads(raw)
    value = parsed.get(body_field) if isinstance(parsed, dict) else None
    if not isinstance(value, str) or not value:
        return given
    if given is not None and given != value:
        raise common.CliError(
            f"--external-id {given!r} differs from the body's {body_field} {value!r}: "
            f"{method.upper()} {path} requires X-EXTERNAL-ID to equal {body_field}"
        )
    return value


COMMANDS = [headers]
