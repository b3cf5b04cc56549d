"""``bisnap sign token|transaction|asymmetric`` and ``bisnap verify``: every signing stage."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TypeVar

import click

from bisnap._cli.common import (
    BODY_FILE,
    CONTEXT_SETTINGS,
    CliError,
    credential_options,
    load_any_public_key,
    load_merchant_key,
    read_body,
    settings,
    translate_errors,
)
from bisnap._cli.config import ENV
from bisnap.errors import InvalidInputError, InvalidSignatureError
from bisnap.keys import IRIS_MERCHANT_KEY_ENV, load_client_secret, load_iris_merchant_key
from bisnap.signing import (
    Digest,
    asymmetric_string_to_sign,
    body_digest,
    minify_json,
    sign_hmac,
    sign_rsa,
    token_string_to_sign,
    transaction_string_to_sign,
    verify_iris_signature,
    verify_rsa,
)
from bisnap.timestamps import TimestampStyle, now_timestamp, parse_timestamp

__all__ = ["COMMANDS"]

F = TypeVar("F", bound=Callable[..., Any])

_STYLES = {style.value: style for style in TimestampStyle}

Stages = list[tuple[str, str]]


def _timestamp_options(func: F) -> F:
    func = click.option(
        "--timestamp-style",
        type=click.Choice(sorted(_STYLES)),
        default=TimestampStyle.JAKARTA.value,
        show_default=True,
        help="Format of the current time when --timestamp is not given.",
    )(func)
    return click.option(
        "--timestamp",
        metavar="TEXT",
        help="X-TIMESTAMP to sign, byte for byte as it will be sent [default: now].",
    )(func)


def _output_options(func: F) -> F:
    func = click.option(
        "--json", "as_json", is_flag=True, help="Print all stages as a JSON object."
    )(func)
    return click.option(
        "--show-stages",
        is_flag=True,
        help="Print every stage (minified body, digest, string-to-sign), not only the signature.",
    )(func)


def _body_option(func: F) -> F:
    func = click.option(
        "--body-sha256",
        metavar="HEX",
        help="The body's digest instead of the body, when only the digest is known.",
    )(func)
    return click.option(
        "--body",
        type=BODY_FILE,
        metavar="FILE|-",
        help="Request body file, or - for stdin [default: empty body].",
    )(func)


def _method_path_options(func: F) -> F:
    func = click.option(
        "--path",
        required=True,
        help="Relative endpoint path as sent, with ?query if any (e.g. /v1.0/qr/qr-mpm-generate).",
    )(func)
    return click.option(
        "--method", default="POST", show_default=True, help="HTTP method (upper-cased)."
    )(func)


def _timestamp(given: str | None, style: str) -> str:
    return given if given is not None else now_timestamp(style=_STYLES[style])


def _emit(stages: Stages, show_stages: bool, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps({name.replace("-", "_"): value for name, value in stages}, indent=2))
    elif show_stages:
        width = max(len(name) for name, _ in stages) + 2
        for name, value in stages:
            click.echo(f"{name + ':':<{width}}{value}")
    else:
        click.echo(stages[-1][1])


def _body_stages(body_path: str | None, digest: str | None) -> Stages:
    if digest is not None:
        if body_path is not None:
            raise CliError("give --body or --body-sha256, not both")
        return [("body-sha256", Digest(digest))]
    minified = minify_json(read_body(body_path))
    return [
        ("minified-body", minified.decode("utf-8")),
        ("body-sha256", body_digest(minified)),
    ]


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
def sign_token(
    client_id: str | None,
    private_key: str | None,
    private_key_password: str | None,
    timestamp: str | None,
    timestamp_style: str,
    show_stages: bool,
    as_json: bool,
) -> None:
    """Sign a B2B access-token request (X-SIGNATURE of POST /v1.0/access-token/b2b)."""
    client = settings().require(client_id, ENV.CLIENT_ID, "--client-id", "client ID")
    key = load_merchant_key(private_key, private_key_password)
    ts = _timestamp(timestamp, timestamp_style)
    sts = token_string_to_sign(client, ts)
    _emit(
        [("timestamp", ts), ("string-to-sign", sts), ("signature", sign_rsa(key, sts))],
        show_stages,
        as_json,
    )


@sign.command(
    "transaction", context_settings=CONTEXT_SETTINGS, short_help="HMAC-SHA512 of a transaction."
)
@_method_path_options
@click.option(
    "--token",
    metavar="TOKEN",
    help=f"B2B access token, as sent after 'Bearer ' [env: {ENV.ACCESS_TOKEN}].",
)
@_body_option
@credential_options("client_secret")
@_timestamp_options
@_output_options
@translate_errors
def sign_transaction(
    method: str,
    path: str,
    token: str | None,
    body: str | None,
    body_sha256: str | None,
    client_secret: str | None,
    timestamp: str | None,
    timestamp_style: str,
    show_stages: bool,
    as_json: bool,
) -> None:
    """Sign a transaction request with HMAC-SHA512 (the symmetric scheme Midtrans uses)."""
    conf = settings()
    access_token = conf.require(token, ENV.ACCESS_TOKEN, "--token", "access token")
    secret = load_client_secret(
        conf.require(client_secret, ENV.CLIENT_SECRET, "--client-secret", "client secret")
    )
    ts = _timestamp(timestamp, timestamp_style)
    stages = _body_stages(body, body_sha256)
    sts = transaction_string_to_sign(method, path, access_token, Digest(stages[-1][1]), ts)
    stages += [("timestamp", ts), ("string-to-sign", sts), ("signature", sign_hmac(secret, sts))]
    _emit(stages, show_stages, as_json)


@sign.command(
    "asymmetric",
    context_settings=CONTEXT_SETTINGS,
    short_help="SHA256withRSA of METHOD:path:digest:timestamp.",
)
@_method_path_options
@_body_option
@credential_options("private_key", "private_key_password")
@_timestamp_options
@_output_options
@translate_errors
def sign_asymmetric(
    method: str,
    path: str,
    body: str | None,
    body_sha256: str | None,
    private_key: str | None,
    private_key_password: str | None,
    timestamp: str | None,
    timestamp_style: str,
    show_stages: bool,
    as_json: bool,
) -> None:
    """Sign METHOD:path:digest:timestamp with SHA256withRSA (notifications, RSA gateways)."""
    key = load_merchant_key(private_key, private_key_password)
    ts = _timestamp(timestamp, timestamp_style)
    stages = _body_stages(body, body_sha256)
    sts = asymmetric_string_to_sign(method, path, Digest(stages[-1][1]), ts)
    stages += [("timestamp", ts), ("string-to-sign", sts), ("signature", sign_rsa(key, sts))]
    _emit(stages, show_stages, as_json)


class _Invalid(Exception):
    def __init__(self, step: str, message: str) -> None:
        super().__init__(f"{step}: {message}")
        self.step = step
        self.message = message


@click.command(
    context_settings=CONTEXT_SETTINGS, short_help="Verify a saved notification's signature."
)
@click.option(
    "--public-key",
    metavar="PATH|PEM",
    help="The signer's public key: a path, PEM, DER, base64 or certificate "
    f"[env: {ENV.GATEWAY_PUBLIC_KEY}].",
)
@click.option("--method", default="POST", show_default=True, help="HTTP method of the request.")
@click.option(
    "--path",
    help="Relative path the request was sent to, as signed (e.g. /v1.0/debit/notify).",
)
@click.option("--timestamp", help="The X-TIMESTAMP header, exactly as received.")
@click.option(
    "--signature",
    required=True,
    help="The X-SIGNATURE header (with --payouts: the Iris-Signature header), exactly as received.",
)
@click.option(
    "--payouts",
    is_flag=True,
    help="Verify a Payouts notification: Iris-Signature = SHA-512 of body + Iris Merchant Key "
    "(no path, no timestamp).",
)
@click.option(
    "--iris-merchant-key",
    metavar="KEY",
    help=f"With --payouts: the Iris Merchant Key [env: {IRIS_MERCHANT_KEY_ENV}].",
)
@click.option(
    "--body",
    type=BODY_FILE,
    required=True,
    metavar="FILE|-",
    help="The raw body exactly as received (not re-serialized), or - for stdin.",
)
@click.option(
    "--max-age",
    type=click.IntRange(min=1),
    metavar="SECONDS",
    help="Also require X-TIMESTAMP within this many seconds of now [default: not checked, "
    "since a saved notification is old].",
)
@click.option("--show-stages", is_flag=True, help="Print the digest and string-to-sign checked.")
@translate_errors
def verify(
    public_key: str | None,
    method: str,
    path: str | None,
    timestamp: str | None,
    signature: str,
    payouts: bool,
    iris_merchant_key: str | None,
    body: str,
    max_age: int | None,
    show_stages: bool,
) -> None:
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
    if payouts:
        if public_key is not None:
            raise CliError("--public-key: Payouts notifications are checked with the Iris key")
        _verify_payouts(iris_merchant_key, signature, body, path, timestamp, max_age, show_stages)
        return
    if iris_merchant_key is not None:
        raise CliError("--iris-merchant-key needs --payouts")
    if path is None or timestamp is None:
        missing = "--path" if path is None else "--timestamp"
        raise CliError(f"missing option {missing} (or pass --payouts for a Payouts notification)")
    source = settings().require(
        public_key, ENV.GATEWAY_PUBLIC_KEY, "--public-key", "public key of the signer"
    )
    key = load_any_public_key(source)
    raw = read_body(body)
    try:
        _check(key, method, path, timestamp, signature, raw, max_age, show_stages)
    except _Invalid as failure:
        click.echo(f"invalid: {failure.step}: {failure.message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"valid: SHA256withRSA signature verified with key sha256:{key.fingerprint()}")


def _verify_payouts(
    key_flag: str | None,
    signature: str,
    body: str,
    path: str | None,
    timestamp: str | None,
    max_age: int | None,
    show_stages: bool,
) -> None:
    unused = [
        flag
        for flag, value in (("--path", path), ("--timestamp", timestamp), ("--max-age", max_age))
        if value is not None
    ]
    if unused:
        raise CliError(
            f"{', '.join(unused)}: Payouts notifications carry no path or timestamp to check"
        )
    source = settings().require(
        key_flag, IRIS_MERCHANT_KEY_ENV, "--iris-merchant-key", "Iris Merchant Key"
    )
    key = load_iris_merchant_key(source.strip())
    raw = read_body(body)
    if show_stages:
        click.echo(f"body-bytes:     {len(raw)}")
    try:
        verify_iris_signature(key, raw, signature)
    except InvalidSignatureError as exc:
        click.echo(f"invalid: signature: {exc.message}", err=True)
        raise SystemExit(1) from None
    click.echo("valid: Iris-Signature (SHA-512 of body + Iris Merchant Key) verified")


def _check(
    key: Any,
    method: str,
    path: str,
    timestamp: str,
    signature: str,
    raw: bytes,
    max_age: int | None,
    show_stages: bool,
) -> None:
    try:
        moment = parse_timestamp(timestamp, require_offset=True)
    except InvalidInputError as exc:
        raise _Invalid("timestamp", exc.message) from None
    try:
        digest = body_digest(raw)
    except InvalidInputError as exc:
        raise _Invalid("body", exc.message) from None
    sts = asymmetric_string_to_sign(method, path, Digest(digest), timestamp)
    if show_stages:
        click.echo(f"body-sha256:    {digest}")
        click.echo(f"string-to-sign: {sts}")
    try:
        verify_rsa(key, sts, signature)
    except InvalidSignatureError as exc:
        raise _Invalid("signature", exc.message) from None
    if max_age is not None:
        skew = abs((datetime.now(timezone.utc) - moment).total_seconds())
        if skew > max_age:
            raise _Invalid(
                "timestamp-window",
                f"X-TIMESTAMP is {int(skew)} s from now, more than --max-age {max_age}",
            )


COMMANDS = [sign, verify]
