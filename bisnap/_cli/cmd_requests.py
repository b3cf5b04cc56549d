"""``bisnap headers token|transaction`` and ``bisnap token``: signed requests for any client."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
import httpx

from bisnap._cli.common import (
    BODY_FILE,
    CONTEXT_SETTINGS,
    CliError,
    CliFailure,
    credential_options,
    load_merchant_key,
    read_body,
    settings,
    translate_errors,
)
from bisnap._cli.config import ENV
from bisnap._cli.render import FORMATS, RenderedRequest, render
from bisnap.credentials import Credentials
from bisnap.errors import ConfigurationError
from bisnap.gateways import (
    MIDTRANS_PRODUCTION,
    MIDTRANS_SANDBOX,
    MIDTRANS_STAGING,
    GatewayProfile,
    SignatureScheme,
)
from bisnap.headers import (
    token_request_body,
    token_request_headers,
    transaction_request,
)
from bisnap.keys import PrivateKey, generate_key_pair
from bisnap.services.catalog import tied_external_id_field
from bisnap.signing import minify_json
from bisnap.timestamps import TimestampStyle
from bisnap.tokens import AccessToken, fetch_token
from bisnap.transport import create_client

__all__ = ["COMMANDS", "resolve_profile"]

F = TypeVar("F", bound=Callable[..., Any])

PROFILES: dict[str, GatewayProfile] = {
    "sandbox": MIDTRANS_SANDBOX,
    "staging": MIDTRANS_STAGING,
    "production": MIDTRANS_PRODUCTION,
}
_STYLES = {style.value: style for style in TimestampStyle}
_SCHEMES = {scheme.value: scheme for scheme in SignatureScheme}
# Credentials carry every field; a command that does not send one still has to fill it.
_UNUSED = "unused"


def _gateway_options(func: F) -> F:
    for option in reversed(
        [
            click.option(
                "--profile",
                type=click.Choice(sorted(PROFILES)),
                help=f"Midtrans environment [env: {ENV.PROFILE}; default: sandbox].",
            ),
            click.option(
                "--base-url",
                metavar="URL",
                help=f"Gateway base URL, e.g. a local emulator; overrides --profile's host "
                f"[env: {ENV.BASE_URL}].",
            ),
            click.option(
                "--timestamp-style",
                type=click.Choice(sorted(_STYLES)),
                help="X-TIMESTAMP format [default: the profile's, jakarta for Midtrans].",
            ),
        ]
    ):
        func = option(func)
    return func


def _ca_bundle_option(func: F) -> F:
    return click.option(
        "--ca-bundle",
        metavar="PATH",
        help=f"CA certificates to verify the gateway's TLS certificate with [env: {ENV.CA_BUNDLE}; "
        "default: the system's]. Verification cannot be turned off.",
    )(func)


def _insecure_http_option(func: F) -> F:
    return click.option(
        "--allow-insecure-http",
        is_flag=True,
        help="Allow plain http to a host other than 127.0.0.1, ::1 or localhost (the token "
        "and signatures travel unencrypted; a warning is printed).",
    )(func)


def resolve_profile(
    profile: str | None, base_url: str | None, timestamp_style: str | None
) -> GatewayProfile:
    """The gateway profile chosen by flags and environment."""
    conf = settings()
    name = conf.get(profile, ENV.PROFILE) or "sandbox"
    if name not in PROFILES:
        raise CliError(f"unknown profile {name!r} in {ENV.PROFILE}: use {', '.join(PROFILES)}")
    chosen = PROFILES[name]
    url = conf.get(base_url, ENV.BASE_URL)
    if url is not None:
        try:
            chosen = chosen.with_base_url(url)
        except ConfigurationError as exc:
            raise CliError(f"base URL: {exc.message}") from None
    if timestamp_style is not None:
        chosen = dataclasses.replace(chosen, timestamp_style=_STYLES[timestamp_style])
    return chosen


def _credentials(
    *,
    client_id: str | None = None,
    client_secret: str | None = None,
    private_key: PrivateKey | None = None,
    partner_id: str | None = None,
    channel_id: str | None = None,
) -> Credentials:
    """Credentials holding what a command uses; fields it never sends get placeholders."""
    key = private_key
    if key is None:
        # Signing with the client secret needs no RSA key, but Credentials always holds one:
        # an ephemeral key fills the slot and never signs anything.
        key = generate_key_pair().private_key()
    return Credentials(
        client_id or _UNUSED,
        client_secret or _UNUSED,
        key,
        partner_id or _UNUSED,
        channel_id or _UNUSED,
    )


def _emit(request: RenderedRequest, fmt: str) -> None:
    click.echo(render(request, fmt), nl=False)


def _format_option(func: F) -> F:
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
    context_settings=CONTEXT_SETTINGS,
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
    "token", context_settings=CONTEXT_SETTINGS, short_help="The B2B access-token request."
)
@credential_options("client_id", "private_key", "private_key_password")
@_gateway_options
@click.option("--timestamp", metavar="TEXT", help="X-TIMESTAMP to sign verbatim [default: now].")
@_format_option
@translate_errors
def headers_token(
    client_id: str | None,
    private_key: str | None,
    private_key_password: str | None,
    profile: str | None,
    base_url: str | None,
    timestamp_style: str | None,
    timestamp: str | None,
    fmt: str,
) -> None:
    """The B2B access-token request (POST /v1.0/access-token/b2b), signed with the private key."""
    conf = settings()
    client = conf.require(client_id, ENV.CLIENT_ID, "--client-id", "client ID")
    key = load_merchant_key(private_key, private_key_password)
    gateway = resolve_profile(profile, base_url, timestamp_style)
    creds = _credentials(client_id=client, private_key=key)
    signed = token_request_headers(creds, profile=gateway, timestamp=timestamp)
    _emit(
        RenderedRequest(
            "POST", gateway.token_url, list(signed.items()), token_request_body(gateway)
        ),
        fmt,
    )


def _parse_extra_headers(values: Sequence[str]) -> dict[str, str]:
    extra: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition(":")
        if not sep or not name.strip():
            raise CliError("--header expects NAME:VALUE (a header name, a colon, the value)")
        extra[name.strip()] = value.strip()
    return extra


@headers.command(
    "transaction", context_settings=CONTEXT_SETTINGS, short_help="A signed transactional request."
)
@click.option("--method", default="POST", show_default=True, help="HTTP method.")
@click.option(
    "--path",
    required=True,
    help="SNAP endpoint path, with ?query if any (e.g. /v1.0/transfer-va/create-va).",
)
@click.option(
    "--body",
    type=BODY_FILE,
    metavar="FILE|-",
    help="JSON body file, or - for stdin; sent byte for byte [default: empty body].",
)
@click.option(
    "--minify",
    is_flag=True,
    help="Send the body minified (whitespace outside strings removed) instead of as given.",
)
@click.option(
    "--token",
    metavar="TOKEN",
    help=f"B2B access token to use [env: {ENV.ACCESS_TOKEN}; default: fetch one with the "
    "client ID and private key].",
)
@credential_options(
    "client_id", "client_secret", "private_key", "private_key_password", "partner_id", "channel_id"
)
@_gateway_options
@_ca_bundle_option
@_insecure_http_option
@click.option(
    "--scheme",
    type=click.Choice(sorted(_SCHEMES)),
    help="Transaction signature scheme [default: the profile's, symmetric for Midtrans].",
)
@click.option(
    "--external-id",
    metavar="ID",
    help="X-EXTERNAL-ID [default: the body's trxId / partnerReferenceNo / partnerRefundNo "
    "where the operation ties them to it, else a new numeric id].",
)
@click.option("--timestamp", metavar="TEXT", help="X-TIMESTAMP to sign verbatim [default: now].")
@click.option("--device-id", metavar="TEXT", help="X-DEVICE-ID.")
@click.option("--ip-address", metavar="IP", help="X-IP-ADDRESS.")
@click.option("--latitude", metavar="DEG", help="X-LATITUDE.")
@click.option("--longitude", metavar="DEG", help="X-LONGITUDE.")
@click.option(
    "--customer-token",
    metavar="TOKEN",
    help="Customer token from account binding, sent as Authorization-Customer.",
)
@click.option(
    "--header",
    "extra_headers",
    multiple=True,
    metavar="NAME:VALUE",
    help="An additional header (repeatable).",
)
@_format_option
@translate_errors
def headers_transaction(
    method: str,
    path: str,
    body: str | None,
    minify: bool,
    token: str | None,
    client_id: str | None,
    client_secret: str | None,
    private_key: str | None,
    private_key_password: str | None,
    partner_id: str | None,
    channel_id: str | None,
    profile: str | None,
    base_url: str | None,
    timestamp_style: str | None,
    ca_bundle: str | None,
    allow_insecure_http: bool,
    scheme: str | None,
    external_id: str | None,
    timestamp: str | None,
    device_id: str | None,
    ip_address: str | None,
    latitude: str | None,
    longitude: str | None,
    customer_token: str | None,
    extra_headers: tuple[str, ...],
    fmt: str,
) -> None:
    """A signed transactional request (Authorization, X-TIMESTAMP, X-SIGNATURE, X-PARTNER-ID,
    X-EXTERNAL-ID, CHANNEL-ID and the optional device and customer headers).

    \b
    Example, with the credentials in the environment:
      bisnap headers transaction --path /v1.0/transfer-va/create-va --body va.json \\
        --format curl | sh
    """
    conf = settings()
    gateway = resolve_profile(profile, base_url, timestamp_style)
    if scheme is not None:
        gateway = dataclasses.replace(gateway, signature_scheme=_SCHEMES[scheme])
    partner = conf.require(partner_id, ENV.PARTNER_ID, "--partner-id", "partner ID")
    channel = conf.require(channel_id, ENV.CHANNEL_ID, "--channel-id", "channel ID")
    access_token = conf.get(token, ENV.ACCESS_TOKEN)
    symmetric = gateway.signature_scheme is SignatureScheme.SYMMETRIC
    secret = (
        conf.require(client_secret, ENV.CLIENT_SECRET, "--client-secret", "client secret")
        if symmetric
        else None
    )
    client = conf.get(client_id, ENV.CLIENT_ID)
    key = None
    if access_token is None or not symmetric:
        key = load_merchant_key(private_key, private_key_password)
    if access_token is None and client is None:
        raise CliError(
            f"missing access token: pass --token (or set {ENV.ACCESS_TOKEN}), or give "
            f"--client-id (or {ENV.CLIENT_ID}) to fetch one"
        )
    creds = _credentials(
        client_id=client,
        client_secret=secret,
        private_key=key,
        partner_id=partner,
        channel_id=channel,
    )
    # Everything local is checked before a token is fetched over the network.
    request_path = gateway.path(path)
    raw = read_body(body)
    minified = minify_json(raw)  # also rejects a body that is not JSON
    if minify:
        raw = minified
    extra = _parse_extra_headers(extra_headers)
    external_id = _tied_external_id(method, path, raw, external_id)
    if access_token is None:
        access_token = _fetch_token(creds, gateway, ca_bundle, allow_insecure_http).value
    signed = transaction_request(
        creds,
        method,
        request_path,
        raw,
        access_token,
        profile=gateway,
        external_id=external_id,
        timestamp=timestamp,
        device_id=device_id,
        ip_address=ip_address,
        latitude=latitude,
        longitude=longitude,
        customer_token=customer_token,
        extra_headers=extra,
    )
    _emit(
        RenderedRequest(
            signed.method, signed.url(gateway), list(signed.headers.items()), signed.body
        ),
        fmt,
    )


def _tied_external_id(method: str, path: str, raw: bytes, given: str | None) -> str | None:
    """X-EXTERNAL-ID from the body field the operation ties to it (as the typed client does)."""
    field = tied_external_id_field(method, path)
    if field is None or not raw.strip():
        return given
    parsed = json.loads(raw)
    value = parsed.get(field) if isinstance(parsed, dict) else None
    if not isinstance(value, str) or not value:
        return given
    if given is not None and given != value:
        raise CliError(
            f"--external-id {given!r} differs from the body's {field} {value!r}: "
            f"{method.upper()} {path} requires X-EXTERNAL-ID to equal {field}"
        )
    return value


def _fetch_token(
    creds: Credentials,
    gateway: GatewayProfile,
    ca_bundle: str | None = None,
    allow_insecure_http: bool = False,
) -> AccessToken:
    """Exchange the credentials for a B2B access token at ``gateway`` (no cache)."""
    bundle = settings().get(ca_bundle, ENV.CA_BUNDLE)
    try:
        client = create_client(gateway, ca_bundle=bundle, allow_insecure_http=allow_insecure_http)
    except ConfigurationError as exc:
        if exc.field != "base_url":
            raise
        raise CliError(
            f"plain http to {gateway.base_url} would send the token and signatures "
            "unencrypted; use https, or pass --allow-insecure-http if this network is trusted"
        ) from None
    try:
        with client:
            return fetch_token(client, creds, gateway)
    except httpx.HTTPError as exc:
        raise CliFailure(
            f"could not reach the token endpoint {gateway.token_url}: {type(exc).__name__}"
        ) from None


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Fetch a B2B access token.")
@credential_options("client_id", "private_key", "private_key_password")
@_gateway_options
@_ca_bundle_option
@_insecure_http_option
@click.option("--json", "as_json", is_flag=True, help="Print a JSON object for scripts.")
@translate_errors
def token(
    client_id: str | None,
    private_key: str | None,
    private_key_password: str | None,
    profile: str | None,
    base_url: str | None,
    timestamp_style: str | None,
    ca_bundle: str | None,
    allow_insecure_http: bool,
    as_json: bool,
) -> None:
    """Fetch a B2B access token and print it with its type and expiry.

    \b
    The token is a bearer credential: anyone holding it can call the API as you
    until it expires (900 s at Midtrans). Prints only the token by default, so
    TOKEN=$(bisnap token) works; --json adds type and expiry.
    """
    conf = settings()
    client = conf.require(client_id, ENV.CLIENT_ID, "--client-id", "client ID")
    key = load_merchant_key(private_key, private_key_password)
    gateway = resolve_profile(profile, base_url, timestamp_style)
    fetched = _fetch_token(
        _credentials(client_id=client, private_key=key), gateway, ca_bundle, allow_insecure_http
    )
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


COMMANDS = [headers, token]
