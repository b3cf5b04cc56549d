"""``bisnap doctor``: why a captured request's signature fails, from a raw message, curl or HAR."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import datetime, timezone

import click

from bisnap.captures import CapturedRequest, parse_curl, parse_har, parse_http_request
from bisnap.cli.common import (
    CONTEXT_SETTINGS,
    CliError,
    load_any_public_key,
    read_input,
    settings,
    translate_errors,
)
from bisnap.cli.config import ENV
from bisnap.cli.options import CredentialOptions, credential_options, option_group
from bisnap.diagnose import DiagnosisScheme, Verdict, diagnose
from bisnap.errors import ConfigurationError, InvalidTimestampError
from bisnap.keys import PrivateKey, PublicKey
from bisnap.timestamps import parse_timestamp

__all__ = ["COMMANDS", "CaptureOptions", "DiagnosisOptions", "doctor"]

_FLAGS = {
    "client_secret": f"--client-secret or {ENV.CLIENT_SECRET}",
    "public_key": f"--private-key ({ENV.PRIVATE_KEY}) or --public-key",
    "gateway_public_key": f"--gateway-public-key or {ENV.GATEWAY_PUBLIC_KEY}",
}


@dataclass(frozen=True)
class CaptureOptions:
    """Where the captured request is: exactly one of ``--request``, ``--curl``, ``--har``."""

    request: str | None
    curl: str | None
    har: str | None
    entry: int

    def load(self) -> CapturedRequest:
        """The captured request, parsed from the one file given."""
        given = [
            (flag, path)
            for flag, path in (
                ("--request", self.request),
                ("--curl", self.curl),
                ("--har", self.har),
            )
            if path
        ]
        if len(given) != 1:
            raise CliError("give exactly one of --request FILE, --curl FILE or --har FILE")
        flag, path = given[0]
        data = read_input(path, flag)
        if flag == "--request":
            return parse_http_request(data)
        if flag == "--curl":
            try:
                return parse_curl(data.decode("utf-8"))
            except UnicodeDecodeError:
                raise CliError(f"{flag} {path}: the file is not UTF-8 text") from None
        return parse_har(data, self.entry)


@dataclass(frozen=True)
class DiagnosisOptions:
    """The keys, token and hints to diagnose with (``--public-key`` ... ``--received-at``)."""

    public_key: str | None
    gateway_public_key: str | None
    token: str | None = field(repr=False)
    scheme: str | None
    path_prefixes: tuple[str, ...]
    received_at: str | None


def _received_at(value: str | None, captured: CapturedRequest) -> datetime | None:
    if value is None:
        return captured.started_at
    if value == "now":
        return datetime.now(timezone.utc)
    try:
        return parse_timestamp(value, require_offset=True)
    except InvalidTimestampError as exc:
        raise CliError(f"--received-at: {exc.message}") from None


@click.command(
    context_settings=CONTEXT_SETTINGS,
    short_help="Explain why a captured request's signature fails.",
)
@option_group(
    "capture",
    CaptureOptions,
    click.option("--request", metavar="FILE|-", help="A raw HTTP/1.1 request message as sent."),
    click.option("--curl", metavar="FILE|-", help="A curl command line, as pasted."),
    click.option("--har", metavar="FILE|-", help="A HAR file (browser or proxy export)."),
    click.option(
        "--entry", type=click.IntRange(min=0), default=0, show_default=True, help="HAR entry index."
    ),
)
@credential_options("client_secret", "private_key", "private_key_password")
@option_group(
    "hints",
    DiagnosisOptions,
    click.option(
        "--public-key",
        metavar="PATH|PEM",
        help="The merchant's public key (instead of the private key) for RSA signatures.",
    ),
    click.option(
        "--gateway-public-key",
        metavar="PATH|PEM",
        help=f"The gateway's public key, for notifications [env: {ENV.GATEWAY_PUBLIC_KEY}].",
    ),
    click.option(
        "--token",
        metavar="TOKEN",
        help=f"The access token you meant to sign with [env: {ENV.ACCESS_TOKEN}].",
    ),
    click.option(
        "--scheme",
        type=click.Choice([member.value for member in DiagnosisScheme]),
        help="Signature scheme [default: read from the request].",
    ),
    click.option(
        "--path-prefix",
        "path_prefixes",
        multiple=True,
        metavar="PREFIX",
        help="A path prefix to try adding or removing (repeatable; /snap and /api are tried).",
    ),
    click.option(
        "--received-at",
        metavar="TIMESTAMP|now",
        help="When the gateway received the request, to check the ±300 s window [default: the "
        "HAR entry's time; otherwise not checked].",
    ),
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@translate_errors
def doctor(
    capture: CaptureOptions, creds: CredentialOptions, hints: DiagnosisOptions, as_json: bool
) -> None:
    """Explain an "Unauthorized. Signature" refusal: re-sign the captured request under each
    known mistake and name the ones that produce the signature that was sent.

    \b
    Examples:
      bisnap doctor --request failed.http
      bisnap doctor --curl command.sh --json
      bisnap doctor --har session.har --entry 3

    \b
    Exit status: 0 the signature is valid, 1 invalid or undetermined, 2 usage error.
    Never prints a secret, a token or a whole signature.
    """
    conf = settings()
    captured = capture.load()
    merchant_private: PrivateKey | None = None
    if creds.get("private_key") is not None:
        merchant_private = creds.merchant_key()
    merchant_public: PublicKey | None = None
    if hints.public_key is not None:
        merchant_public = load_any_public_key(hints.public_key)
    gateway_source = conf.get(hints.gateway_public_key, ENV.GATEWAY_PUBLIC_KEY)
    gateway_key = load_any_public_key(gateway_source) if gateway_source is not None else None
    try:
        diagnosis = diagnose(
            captured.method,
            captured.target,
            captured.header_pairs,
            captured.body,
            client_secret=creds.get("client_secret"),
            private_key=merchant_private,
            public_key=merchant_public,
            gateway_public_key=gateway_key,
            access_token=conf.get(hints.token, ENV.ACCESS_TOKEN),
            scheme=hints.scheme,
            received_at=_received_at(hints.received_at, captured),
            path_prefixes=hints.path_prefixes,
        )
    except ConfigurationError as exc:
        flag = _FLAGS.get(exc.field or "")
        raise CliError(f"{exc.message} ({flag})" if flag else exc.message) from None
    if as_json:
        click.echo(json.dumps(diagnosis.to_dict(), ensure_ascii=False))
    else:
        click.echo(diagnosis.explain(), nl=False)
    if diagnosis.verdict is not Verdict.VALID:
        sys.exit(1)


COMMANDS = [doctor]
