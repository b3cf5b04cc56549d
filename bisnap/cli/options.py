"""Option groups shared by the commands: each a small frozen dataclass built by one decorator.

A command declares ``@credential_options("client_id", "private_key")`` and receives one
``creds: CredentialOptions`` argument instead of one argument per flag; the flags, their order
and their help texts are those the decorator adds. :func:`option_group` is the mechanism, also
used by the command modules for groups of their own.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import click
import httpx

from bisnap.cli.common import CliError, CliFailure, load_merchant_key, settings
from bisnap.cli.config import ENV
from bisnap.credentials import Credentials
from bisnap.errors import ConfigurationError
from bisnap.gateways import (
    MIDTRANS_PRODUCTION,
    MIDTRANS_SANDBOX,
    MIDTRANS_STAGING,
    GatewayProfile,
)
from bisnap.keys import PrivateKey, generate_key_pair
from bisnap.timestamps import TimestampStyle
from bisnap.tokens import AccessToken, fetch_token
from bisnap.transport import create_client

__all__ = [
    "PROFILES",
    "TIMESTAMP_STYLES",
    "ConnectionOptions",
    "CredentialOptions",
    "GatewayOptions",
    "connection_options",
    "credential_options",
    "gateway_options",
    "option_group",
    "placeholder_credentials",
    "timeout_option",
]

Command = Callable[..., Any]
OptionDecorator = Callable[[Command], Command]

PROFILES: dict[str, GatewayProfile] = {
    "sandbox": MIDTRANS_SANDBOX,
    "staging": MIDTRANS_STAGING,
    "production": MIDTRANS_PRODUCTION,
}
TIMESTAMP_STYLES = {style.value: style for style in TimestampStyle}
# Credentials carry every field; a command that does not send one still has to fill it.
_UNUSED = "unused"


def option_group(
    param: str, build: Callable[..., Any], *options: OptionDecorator
) -> Callable[[Command], Command]:
    """Add ``options`` (in help order) and pass their values as one argument ``param``.

    The command receives ``param=build(**values)``, ``values`` holding each option's value
    under its parameter name; the other arguments pass through unchanged.
    """

    def decorate(func: Command) -> Command:
        names: list[str] = []

        @functools.wraps(func)
        def command(*args: Any, **kwargs: Any) -> Any:
            values = {name: kwargs.pop(name) for name in names}
            kwargs[param] = build(**values)
            return func(*args, **kwargs)

        params: list[click.Parameter] = list(getattr(func, "__click_params__", []))
        setattr(command, "__click_params__", params)  # noqa: B010  (click's own attribute)
        before = len(params)
        decorated: Command = command
        for option in reversed(options):
            decorated = option(decorated)
        names.extend(str(added.name) for added in params[before:])
        return decorated

    return decorate


@dataclass(frozen=True)
class _Flag:
    flag: str
    env: str
    what: str
    metavar: str
    help: str


_CREDENTIAL_FLAGS: dict[str, _Flag] = {
    "client_id": _Flag(
        "--client-id", ENV.CLIENT_ID, "client ID", "ID", "Client ID (X-CLIENT-KEY) [env: {env}]."
    ),
    "client_secret": _Flag(
        "--client-secret",
        ENV.CLIENT_SECRET,
        "client secret",
        "SECRET",
        "Client secret, the HMAC key [env: {env}].",
    ),
    "private_key": _Flag(
        "--private-key",
        ENV.PRIVATE_KEY,
        "merchant private key",
        "PATH|PEM",
        "Merchant RSA private key [env: {env}].",
    ),
    "private_key_password": _Flag(
        "--private-key-password",
        ENV.PRIVATE_KEY_PASSWORD,
        "private key password",
        "TEXT",
        "Password of an encrypted private key [env: {env}].",
    ),
    "partner_id": _Flag(
        "--partner-id", ENV.PARTNER_ID, "partner ID", "ID", "X-PARTNER-ID [env: {env}]."
    ),
    "channel_id": _Flag(
        "--channel-id", ENV.CHANNEL_ID, "channel ID", "ID", "CHANNEL-ID [env: {env}]."
    ),
}


@dataclass(frozen=True)
class CredentialOptions:
    """The credential flags a command took; each falls back to its environment variable."""

    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    private_key: str | None = field(default=None, repr=False)
    private_key_password: str | None = field(default=None, repr=False)
    partner_id: str | None = None
    channel_id: str | None = None

    def get(self, name: str) -> str | None:
        """Credential ``name`` from its flag, the env file or the environment (or None)."""
        return settings().get(getattr(self, name), _CREDENTIAL_FLAGS[name].env)

    def require(self, name: str) -> str:
        """Like :meth:`get`; a missing value names the flag and the variable (exit status 2)."""
        spec = _CREDENTIAL_FLAGS[name]
        return settings().require(getattr(self, name), spec.env, spec.flag, spec.what)

    def merchant_key(self) -> PrivateKey:
        """The merchant's private key (a path or the PEM), decrypted with the password."""
        return load_merchant_key(self.private_key, self.private_key_password)

    def token_credentials(self) -> Credentials:
        """Credentials for the B2B token request: the client ID and the merchant's private key."""
        return placeholder_credentials(
            client_id=self.require("client_id"), private_key=self.merchant_key()
        )


def credential_options(
    *names: str, help_texts: Mapping[str, str] | None = None
) -> Callable[[Command], Command]:
    """The named credential flags, in order, passed as ``creds: CredentialOptions``.

    ``help_texts`` replaces a flag's help (``{env}`` stands for its variable).
    """
    texts = help_texts or {}
    options = []
    for name in names:
        spec = _CREDENTIAL_FLAGS[name]
        text = texts.get(name, spec.help).format(env=spec.env)
        options.append(click.option(spec.flag, metavar=spec.metavar, help=text))
    return option_group("creds", CredentialOptions, *options)


@functools.cache
def _unused_private_key() -> PrivateKey:
    """Signing with the client secret needs no RSA key, but Credentials always holds one: an
    ephemeral key fills the slot and never signs anything (one per process: generating an RSA
    key costs tens of milliseconds)."""
    return generate_key_pair().private_key()


def placeholder_credentials(
    *,
    client_id: str | None = None,
    client_secret: str | None = None,
    private_key: PrivateKey | None = None,
    partner_id: str | None = None,
    channel_id: str | None = None,
) -> Credentials:
    """Credentials holding what a command uses; fields it never sends get placeholders."""
    return Credentials(
        client_id or _UNUSED,
        client_secret or _UNUSED,
        private_key if private_key is not None else _unused_private_key(),
        partner_id or _UNUSED,
        channel_id or _UNUSED,
    )


@dataclass(frozen=True)
class GatewayOptions:
    """Which gateway to address: ``--profile``, ``--base-url``, ``--timestamp-style``."""

    profile: str | None = None
    base_url: str | None = None
    timestamp_style: str | None = None

    def resolve(self) -> GatewayProfile:
        """The gateway profile chosen by flags and environment."""
        conf = settings()
        name = conf.get(self.profile, ENV.PROFILE) or "sandbox"
        if name not in PROFILES:
            raise CliError(f"unknown profile {name!r} in {ENV.PROFILE}: use {', '.join(PROFILES)}")
        chosen = PROFILES[name]
        url = conf.get(self.base_url, ENV.BASE_URL)
        if url is not None:
            try:
                chosen = chosen.with_base_url(url)
            except ConfigurationError as exc:
                raise CliError(f"base URL: {exc.message}") from None
        if self.timestamp_style is not None:
            chosen = dataclasses.replace(
                chosen, timestamp_style=TIMESTAMP_STYLES[self.timestamp_style]
            )
        return chosen


gateway_options = option_group(
    "gateway",
    GatewayOptions,
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
        type=click.Choice(sorted(TIMESTAMP_STYLES)),
        help="X-TIMESTAMP format [default: the profile's, jakarta for Midtrans].",
    ),
)
"""``--profile``, ``--base-url``, ``--timestamp-style``, passed as ``gateway: GatewayOptions``."""


@dataclass(frozen=True)
class ConnectionOptions:
    """How to reach the gateway: ``--ca-bundle`` and ``--allow-insecure-http``."""

    ca_bundle: str | None = None
    allow_insecure_http: bool = False

    def fetch_token(self, creds: Credentials, gateway: GatewayProfile) -> AccessToken:
        """Exchange ``creds`` for a B2B access token at ``gateway`` (no cache)."""
        bundle = settings().get(self.ca_bundle, ENV.CA_BUNDLE)
        try:
            client = create_client(
                gateway, ca_bundle=bundle, allow_insecure_http=self.allow_insecure_http
            )
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


connection_options = option_group(
    "connection",
    ConnectionOptions,
    click.option(
        "--ca-bundle",
        metavar="PATH",
        help=f"CA certificates to verify the gateway's TLS certificate with [env: {ENV.CA_BUNDLE}; "
        "default: the system's]. Verification cannot be turned off.",
    ),
    click.option(
        "--allow-insecure-http",
        is_flag=True,
        help="Allow plain http to a host other than 127.0.0.1, ::1 or localhost (the token "
        "and signatures travel unencrypted; a warning is printed).",
    ),
)
"""``--ca-bundle``, ``--allow-insecure-http``, passed as ``connection: ConnectionOptions``."""


def timeout_option(default: float, help_text: str) -> OptionDecorator:
    """``--timeout SECONDS`` (at least 0.1), passed as ``timeout: float``."""
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0.1),
        default=default,
        show_default=True,
        metavar="SECONDS",
        help=help_text,
    )
