"""``bisnap sign token|transaction|asymmetric``: a SNAP signature, stage by stage."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import click

from bisnap.cli.common import (
    BODY_FILE,
    CONTEXT_SETTINGS,
    CliError,
    read_body,
    settings,
    translate_errors,
)
from bisnap.cli.config import ENV
from bisnap.cli.options import (
    TIMESTAMP_STYLES,
    CredentialOptions,
    credential_options,
    option_group,
)
from bisnap.keys import load_client_secret
from bisnap.signing import (
    Digest,
    asymmetric_string_to_sign,
    body_digest,
    minify_json,
    sign_hmac,
    sign_rsa,
    token_string_to_sign,
    transaction_string_to_sign,
)
from bisnap.timestamps import TimestampStyle, now_timestamp

__all__ = ["COMMANDS", "SignedRequest", "StageOutput", "TimestampOptions", "sign"]

Stages = list[tuple[str, str]]


@dataclass(frozen=True)
class TimestampOptions:
    """``--timestamp`` as given, else the current time in ``--timestamp-style``."""

    timestamp: str | None
    timestamp_style: str

    def value(self) -> str:
        """The X-TIMESTAMP to sign."""
        if self.timestamp is not None:
            return self.timestamp
        return now_timestamp(style=TIMESTAMP_STYLES[self.timestamp_style])


_timestamp_options = option_group(
    "stamp",
    TimestampOptions,
    click.option(
        "--timestamp",
        metavar="TEXT",
        help="X-TIMESTAMP to sign, byte for byte as it will be sent [default: now].",
    ),
    click.option(
        "--timestamp-style",
        type=click.Choice(sorted(TIMESTAMP_STYLES)),
        default=TimestampStyle.JAKARTA.value,
        show_default=True,
        help="Format of the current time when --timestamp is not given.",
    ),
)


@dataclass(frozen=True)
class StageOutput:
    """``--show-stages`` and ``--json``: how much of the computation to print."""

    show_stages: bool
    as_json: bool

    def emit(self, stages: Stages) -> None:
        """Print the signature (the last stage), every stage, or a JSON object of them."""
        if self.as_json:
            document = {name.replace("-", "_"): value for name, value in stages}
            click.echo(json.dumps(document, indent=2))
        elif self.show_stages:
            width = max(len(name) for name, _ in stages) + 2
            for name, value in stages:
                click.echo(f"{name + ':':<{width}}{value}")
        else:
            click.echo(stages[-1][1])


_output_options = option_group(
    "output",
    StageOutput,
    click.option(
        "--show-stages",
        is_flag=True,
        help="Print every stage (minified body, digest, string-to-sign), not only the signature.",
    ),
    click.option("--json", "as_json", is_flag=True, help="Print all stages as a JSON object."),
)


@dataclass(frozen=True)
class SignedRequest:
    """The signed request: ``--method``, ``--path``, the body (or its digest), the token."""

    method: str
    path: str
    body: str | None
    body_sha256: str | None
    token: str | None = field(default=None, repr=False)

    def body_stages(self) -> Stages:
        """The body's stages: minified body and digest, or only the given digest."""
        if self.body_sha256 is not None:
            if self.body is not None:
                raise CliError("give --body or --body-sha256, not both")
            return [("body-sha256", Digest(self.body_sha256))]
        minified = minify_json(read_body(self.body))
        return [
            ("minified-body", minified.decode("utf-8")),
            ("body-sha256", body_digest(minified)),
        ]


_METHOD = click.option(
    "--method", default="POST", show_default=True, help="HTTP method (upper-cased)."
)
_PATH = click.option(
    "--path",
    required=True,
    help="Relative endpoint path as sent, with ?query if any (e.g. /v1.0/qr/qr-mpm-generate).",
)
_BODY = click.option(
    "--body",
    type=BODY_FILE,
    metavar="FILE|-",
    help="Request body file, or - for stdin [default: empty body].",
)
_BODY_SHA256 = click.option(
    "--body-sha256",
    metavar="HEX",
    help="The body's digest instead of the body, when only the digest is known.",
)
_TOKEN = click.option(
    "--token",
    metavar="TOKEN",
    help=f"B2B access token, as sent after 'Bearer ' [env: {ENV.ACCESS_TOKEN}].",
)


@click.group(context_settings=CONTEXT_SETTINGS, short_help="Compute a signature, stage by stage.")
def sign() -> None:
    """Compute a SNAP signature, stage by stage.

    \b
    token        SHA256withRSA over CLIENT_ID|TIMESTAMP (B2B access-token request)
    transaction  HMAC-SHA512 over METHOD:path:token:sha256(minified body):TIMESTAMP
    asymmetric   SHA256withRSA over METHOD:path:sha256(minified body):TIMESTAMP
                 (notifications, and transactions at gateways that sign with RSA)

    Prints the base64 signature; --show-stages prints each intermediate value too,
    to compare line by line with another implementation.
    """


@sign.command(
    "token", context_settings=CONTEXT_SETTINGS, short_help="SHA256withRSA of CLIENT_ID|TIMESTAMP."
)
@credential_options("client_id", "private_key", "private_key_password")
@_timestamp_options
@_output_options
@translate_errors
def sign_token(creds: CredentialOptions, stamp: TimestampOptions, output: StageOutput) -> None:
    """Sign a B2B access-token request (X-SIGNATURE of POST /v1.0/access-token/b2b)."""
    client = creds.require("client_id")
    key = creds.merchant_key()
    ts = stamp.value()
    sts = token_string_to_sign(client, ts)
    output.emit([("timestamp", ts), ("string-to-sign", sts), ("signature", sign_rsa(key, sts))])


@sign.command(
    "transaction", context_settings=CONTEXT_SETTINGS, short_help="HMAC-SHA512 of a transaction."
)
@option_group("target", SignedRequest, _METHOD, _PATH, _TOKEN, _BODY, _BODY_SHA256)
@credential_options("client_secret")
@_timestamp_options
@_output_options
@translate_errors
def sign_transaction(
    target: SignedRequest, creds: CredentialOptions, stamp: TimestampOptions, output: StageOutput
) -> None:
    """Sign a transaction request with HMAC-SHA512 (the symmetric scheme Midtrans uses)."""
    access_token = settings().require(target.token, ENV.ACCESS_TOKEN, "--token", "access token")
    secret = load_client_secret(creds.require("client_secret"))
    ts = stamp.value()
    stages = target.body_stages()
    digest = Digest(stages[-1][1])
    sts = transaction_string_to_sign(target.method, target.path, access_token, digest, ts)
    stages += [("timestamp", ts), ("string-to-sign", sts), ("signature", sign_hmac(secret, sts))]
    output.emit(stages)


@sign.command(
    "asymmetric",
    context_settings=CONTEXT_SETTINGS,
    short_help="SHA256withRSA of METHOD:path:digest:timestamp.",
)
@option_group("target", SignedRequest, _METHOD, _PATH, _BODY, _BODY_SHA256)
@credential_options("private_key", "private_key_password")
@_timestamp_options
@_output_options
@translate_errors
def sign_asymmetric(
    target: SignedRequest, creds: CredentialOptions, stamp: TimestampOptions, output: StageOutput
) -> None:
    """Sign METHOD:path:digest:timestamp with SHA256withRSA (notifications, RSA gateways)."""
    key = creds.merchant_key()
    ts = stamp.value()
    stages = target.body_stages()
    sts = asymmetric_string_to_sign(target.method, target.path, Digest(stages[-1][1]), ts)
    stages += [("timestamp", ts), ("string-to-sign", sts), ("signature", sign_rsa(key, sts))]
    output.emit(stages)


COMMANDS = [sign]
