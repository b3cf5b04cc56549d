"""``bisnap verify``: check a saved notification's signature (SNAP or Payouts)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import click

from bisnap.cli.common import (
    BODY_FILE,
    CONTEXT_SETTINGS,
    CliError,
    load_any_public_key,
    read_body,
    settings,
    translate_errors,
)
from bisnap.cli.config import ENV
from bisnap.cli.options import option_group
from bisnap.errors import InvalidInputError, InvalidSignatureError
from bisnap.keys import IRIS_MERCHANT_KEY_ENV, PublicKey, load_iris_merchant_key
from bisnap.signing import (
    Digest,
    asymmetric_string_to_sign,
    body_digest,
    verify_iris_signature,
    verify_rsa,
)
from bisnap.timestamps import parse_timestamp

__all__ = ["COMMANDS", "NotificationCheck", "verify"]


@dataclass(frozen=True)
class NotificationCheck:
    """Everything ``bisnap verify`` was given: the key, the saved request, what to print."""

    public_key: str | None
    method: str
    path: str | None
    timestamp: str | None
    signature: str
    payouts: bool
    iris_merchant_key: str | None = field(repr=False)
    body: str
    max_age: int | None
    show_stages: bool


class _Invalid(Exception):
    def __init__(self, step: str, message: str) -> None:
        super().__init__(f"{step}: {message}")
        self.step = step
        self.message = message


_notification_check = option_group(
    "check",
    NotificationCheck,
    click.option(
        "--public-key",
        metavar="PATH|PEM",
        help="The signer's public key: a path, PEM, DER, base64 or certificate "
        f"[env: {ENV.GATEWAY_PUBLIC_KEY}].",
    ),
    click.option("--method", default="POST", show_default=True, help="HTTP method of the request."),
    click.option(
        "--path",
        help="Relative path the request was sent to, as signed (e.g. /v1.0/debit/notify).",
    ),
    click.option("--timestamp", help="The X-TIMESTAMP header, exactly as received."),
    click.option(
        "--signature",
        required=True,
        help="The X-SIGNATURE header (with --payouts: the Iris-Signature header), exactly as "
        "received.",
    ),
    click.option(
        "--payouts",
        is_flag=True,
        help="Verify a Payouts notification: Iris-Signature = SHA-512 of body + Iris Merchant Key "
        "(no path, no timestamp).",
    ),
    click.option(
        "--iris-merchant-key",
        metavar="KEY",
        help=f"With --payouts: the Iris Merchant Key [env: {IRIS_MERCHANT_KEY_ENV}].",
    ),
    click.option(
        "--body",
        type=BODY_FILE,
        required=True,
        metavar="FILE|-",
        help="The raw body exactly as received (not re-serialized), or - for stdin.",
    ),
    click.option(
        "--max-age",
        type=click.IntRange(min=1),
        metavar="SECONDS",
        help="Also require X-TIMESTAMP within this many seconds of now [default: not checked, "
        "since a saved notification is old].",
    ),
    click.option(
        "--show-stages", is_flag=True, help="Print the digest and string-to-sign checked."
    ),
)


@click.command(
    context_settings=CONTEXT_SETTINGS, short_help="Verify a saved notification's signature."
)
@_notification_check
@translate_errors
def verify(check: NotificationCheck) -> None:
    """Verify a saved notification (SHA256withRSA over METHOD:path:digest:timestamp).

    \b
    Checks, in order: timestamp (ISO-8601 with an offset), body (valid JSON),
    signature, and with --max-age the timestamp-window. Exit status: 0 valid;
    1 invalid, naming the failing step; 2 usage error (a missing option, an
    unreadable file or key).

    \b
    With --payouts, verifies a Payouts notification instead: the Iris-Signature
    (--signature) over the raw body followed by the Iris Merchant Key
    (--iris-merchant-key or BISNAP_IRIS_MERCHANT_KEY). It has no path and no
    timestamp; same exit status.
    """
    if check.payouts:
        _verify_payouts(check)
    else:
        _verify_snap(check)


def _verify_snap(check: NotificationCheck) -> None:
    if check.iris_merchant_key is not None:
        raise CliError("--iris-merchant-key needs --payouts")
    if check.path is None or check.timestamp is None:
        missing = "--path" if check.path is None else "--timestamp"
        raise CliError(f"missing option {missing} (or pass --payouts for a Payouts notification)")
    source = settings().require(
        check.public_key, ENV.GATEWAY_PUBLIC_KEY, "--public-key", "public key of the signer"
    )
    key = load_any_public_key(source)
    raw = read_body(check.body)
    try:
        _check(key, check, check.path, check.timestamp, raw)
    except _Invalid as failure:
        click.echo(f"invalid: {failure.step}: {failure.message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"valid: SHA256withRSA signature verified with key sha256:{key.fingerprint()}")


def _verify_payouts(check: NotificationCheck) -> None:
    if check.public_key is not None:
        raise CliError("--public-key: Payouts notifications are checked with the Iris key")
    unused = [
        flag
        for flag, value in (
            ("--path", check.path),
            ("--timestamp", check.timestamp),
            ("--max-age", check.max_age),
        )
        if value is not None
    ]
    if unused:
        raise CliError(
            f"{', '.join(unused)}: Payouts notifications carry no path or timestamp to check"
        )
    source = settings().require(
        check.iris_merchant_key, IRIS_MERCHANT_KEY_ENV, "--iris-merchant-key", "Iris Merchant Key"
    )
    key = load_iris_merchant_key(source.strip())
    raw = read_body(check.body)
    if check.show_stages:
        click.echo(f"body-bytes:     {len(raw)}")
    try:
        verify_iris_signature(key, raw, check.signature)
    except InvalidSignatureError as exc:
        click.echo(f"invalid: signature: {exc.message}", err=True)
        raise SystemExit(1) from None
    click.echo("valid: Iris-Signature (SHA-512 of body + Iris Merchant Key) verified")


def _check(key: PublicKey, check: NotificationCheck, path: str, timestamp: str, raw: bytes) -> None:
    try:
        moment = parse_timestamp(timestamp, require_offset=True)
    except InvalidInputError as exc:
        raise _Invalid("timestamp", exc.message) from None
    try:
        digest = body_digest(raw)
    except InvalidInputError as exc:
        raise _Invalid("body", exc.message) from None
    sts = asymmetric_string_to_sign(check.method, path, Digest(digest), timestamp)
    if check.show_stages:
        click.echo(f"body-sha256:    {digest}")
        click.echo(f"string-to-sign: {sts}")
    try:
        verify_rsa(key, sts, check.signature)
    except InvalidSignatureError as exc:
        raise _Invalid("signature", exc.message) from None
    if check.max_age is not None:
        skew = abs((datetime.now(timezone.utc) - moment).total_seconds())
        if skew > check.max_age:
            raise _Invalid(
                "timestamp-window",
                f"X-TIMESTAMP is {int(skew)} s from now, more than --max-age {check.max_age}",
            )


COMMANDS = [verify]
